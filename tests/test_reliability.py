"""Learned reliability across nights: the history table, idempotent reruns, decay, the watermark, trends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import CONFIG_DIR, RAW_DIR, RUN_DATE

from credence import io, reliability, scoring
from credence.config import ScoringSettings
from flows.score_articles import score_articles


def night(day: int, *, liar_answer: int = 2) -> pd.DataFrame:
    """One night's claims: three independent witnesses and a liar on four questions."""
    rows = []
    for q in range(4):
        question = f"d{day}q{q}"
        published = f"2026-11-{day:02d}T0{q}:00:00Z"
        for k in range(3):
            rows.append({"claim_id": f"{question}w{k}", "source_id": f"witness{k}", "source_name": f"Witness {k}", "source_prior": 0.75,
                         "proposition_id": f"{question}=1", "exclusive_set_id": question, "published_at": published})  # fmt: skip
        rows.append({"claim_id": f"{question}liar", "source_id": "liar", "source_name": "Liar", "source_prior": 0.8,
                     "proposition_id": f"{question}={liar_answer}", "exclusive_set_id": question, "published_at": published})  # fmt: skip
    return pd.DataFrame(rows)


def run_nights(days: list[int], settings: ScoringSettings | None = None) -> pd.DataFrame:
    """Score each night from the state the earlier ones left, as the nightly flow does."""
    settings = settings or ScoringSettings()
    history = None
    for day in days:
        run_date = f"2026-11-{day:02d}"
        state = reliability.current_state(history, before=run_date, half_life_days=settings.reliability_half_life_days)
        scored = scoring.score_claims(night(day), settings, reliability_state=state, as_of=run_date)
        history = reliability.update_reliability_state(history, scored, run_date, half_life_days=settings.reliability_half_life_days)
    return history


def test_first_night_writes_one_row_per_source():
    """A night with no history writes a row per source with its reliability and interval."""
    scored = scoring.score_claims(night(1), ScoringSettings())
    history = reliability.update_reliability_state(None, scored, "2026-11-01")
    assert list(history.columns) == reliability.HISTORY_COLUMNS
    assert sorted(history["source_id"]) == ["liar", "witness0", "witness1", "witness2"]
    row = history.set_index("source_id").loc["liar"]
    assert row["reliability_low"] < row["reliability"] < row["reliability_high"] and row["reliability"] < 0.8
    assert row["claims"] == 4 and row["counted_through"].startswith("2026-11-01T03:00")


def test_a_source_that_keeps_being_contradicted_keeps_sinking():
    """Night after night the liar's reliability falls, and the trend says so."""
    history = run_nights([1, 2, 3, 4, 5])
    liar = history[history["source_id"] == "liar"].sort_values("run_date")["reliability"].to_list()
    assert all(later < earlier for earlier, later in zip(liar, liar[1:], strict=False))
    trend = reliability.reliability_trend(history).set_index("source_id")
    assert list(trend.columns) == reliability.TREND_COLUMNS[1:]
    assert trend.loc["liar", "direction"] == "falling" and trend.loc["liar", "runs_seen"] == 5
    assert trend.loc["witness0", "direction"] in {"rising", "steady"}
    assert len(trend.loc["liar", "values"].split()) == 5 and trend.loc["liar", "change_last"] < 0


def test_rerunning_a_night_is_idempotent():
    """Running the same date twice leaves the same history as running it once."""
    once = run_nights([1, 2])
    twice = run_nights([1, 2, 2])
    pd.testing.assert_frame_equal(once, twice)


def test_claims_already_learned_from_are_not_counted_again():
    """A claim still in the window the next night adds nothing to its source's record."""
    settings = ScoringSettings()
    first = scoring.score_claims(night(1), settings)
    history = reliability.update_reliability_state(None, first, "2026-11-01")
    state = reliability.current_state(history, before="2026-11-02")
    again = scoring.score_claims(night(1), settings, reliability_state=state)
    assert (again["reliability_evidence_for"] + again["reliability_evidence_against"]).sum() == 0
    after = reliability.update_reliability_state(history, again, "2026-11-02").set_index(["run_date", "source_id"])
    assert after.loc[("2026-11-02", "liar"), "claims_total"] == after.loc[("2026-11-01", "liar"), "claims_total"]


@pytest.mark.parametrize(("days", "factor"), [(0, 1.0), (180, 0.5), (360, 0.25)])
def test_old_evidence_fades_with_the_half_life(days, factor):
    """Evidence carried to a later night halves every reliability half-life."""
    history = run_nights([1])
    later = (pd.Timestamp("2026-11-01") + pd.Timedelta(days=days)).date().isoformat()
    state = reliability.current_state(history, before=later if days else None, half_life_days=180).set_index("source_id")
    original = history.set_index("source_id")
    assert state.loc["liar", "evidence_against"] == pytest.approx(factor * original.loc["liar", "evidence_against"])


def test_empty_history_has_the_columns():
    """No nights yet: an empty state and an empty trend with their columns."""
    assert list(reliability.current_state(None).columns) == reliability.HISTORY_COLUMNS
    assert list(reliability.reliability_trend(None).columns) == reliability.TREND_COLUMNS


def test_a_rerun_of_an_earlier_date_reads_only_the_nights_before_it():
    """The state for a date ignores that date's own rows and later ones: a rerun starts where the first run started."""
    history = run_nights([1, 2, 3])
    before_two = reliability.current_state(history[history["run_date"] < "2026-11-02"], before="2026-11-02")
    pd.testing.assert_frame_equal(reliability.current_state(history, before="2026-11-02"), before_two)


@pytest.mark.slow
def test_the_flow_keeps_learned_reliabilities_between_nights(sample_run, tmp_path):
    """The nightly flow writes one row per source for its date; rerunning the date leaves the state and the scores as they were."""
    out_dir, run_dir = sample_run
    state = io.read_history(out_dir, reliability.HISTORY_TABLE, before="9999")[reliability.HISTORY_COLUMNS]
    claims = pd.read_parquet(run_dir / "claims.parquet")
    assert list(state.columns) == reliability.HISTORY_COLUMNS and set(state["run_date"]) == {RUN_DATE.isoformat()}
    assert sorted(state["source_id"]) == sorted(claims["source_id"].unique())
    copy = tmp_path / "processed"
    shutil.copytree(out_dir, copy)
    rerun = Path(score_articles(raw_dir=RAW_DIR, out_dir=copy, run_date=RUN_DATE, config_dir=CONFIG_DIR, window_days=7))
    pd.testing.assert_frame_equal(io.read_history(copy, reliability.HISTORY_TABLE, before="9999")[reliability.HISTORY_COLUMNS], state)
    pd.testing.assert_frame_equal(pd.read_parquet(rerun / "claims.parquet"), claims)
