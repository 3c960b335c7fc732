"""Learned source reliability across nights: a history table, the state a night starts from, trends.

The history is one long table, one row per (run_date, source) for the sources a night saw:
the Beta evidence learned so far (for the source's general record and for its record on its
own cause), the reliability it gives with a 90% interval, and the publication time up to which
claims were counted. A night starts from each source's latest row before it, the evidence
halved every ``half_life_days`` since (so that a source can recover, and one that keeps being
contradicted keeps sinking); score_claims adds that evidence to the registry prior and learns
only from claims published after the watermark, so a claim in several nights' windows is
learned from once. Rerunning a date replaces that date's rows, so reruns are idempotent; an
older date rerun does not rewrite the nights after it.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from scipy.special import betaincinv

# The history table (io.read_history / io.write_history) holding one row per source per night,
# beside the articles and claims: written with them after the report, so a run that fails
# earlier leaves none, and a rerun of a date replaces that date's partition.
HISTORY_TABLE = "source_reliability"

HISTORY_COLUMNS: list[str] = [
    "run_date",  # YYYY-MM-DD
    "source_id",
    "source_name",
    "prior",  # Beta prior mean (registry prior, rating or category default)
    "strength",  # Beta prior pseudo-count
    "evidence_for",  # learned Beta evidence of the general record, decayed to run_date
    "evidence_against",
    "cause_evidence_for",  # ... of the record on its own cause (interested-party claims)
    "cause_evidence_against",
    "claims",  # claims learned from this night
    "claims_total",  # claims learned from so far (not decayed)
    "reliability",  # posterior mean of all its evidence
    "reliability_low",  # 90% interval
    "reliability_high",
    "counted_through",  # ISO time: claims published up to here have been learned from
]

TREND_COLUMNS: list[str] = ["source_id", "source_name", "runs_seen", "first_run", "last_run", "values", "reliability", "change_last", "change_window", "direction"]

INTERVAL = (0.05, 0.95)  # the reliability interval reported (90%)

_EVIDENCE = ["evidence_for", "evidence_against", "cause_evidence_for", "cause_evidence_against"]


def _day(value: date | str) -> pd.Timestamp:
    return pd.Timestamp(str(value)[:10])


def empty_history() -> pd.DataFrame:
    """A history with no nights yet."""
    return pd.DataFrame({column: pd.Series(dtype="float64" if column not in ("run_date", "source_id", "source_name", "counted_through") else object) for column in HISTORY_COLUMNS})


def current_state(history: pd.DataFrame | None, *, before: date | str | None = None, half_life_days: float = 180.0) -> pd.DataFrame:
    """Each source's latest row before a date (default: all rows), its evidence decayed to that date."""
    if history is None or history.empty:
        return empty_history()
    rows = history if before is None else history[history["run_date"].astype(str) < str(before)[:10]]
    if rows.empty:
        return empty_history()
    latest = rows.sort_values(["run_date", "source_id"]).drop_duplicates("source_id", keep="last").reset_index(drop=True)
    reference = _day(before) if before is not None else _day(latest["run_date"].max())
    days = (reference - pd.to_datetime(latest["run_date"].astype(str))).dt.days.clip(lower=0).to_numpy()
    factor = np.power(0.5, days / half_life_days)
    for column in _EVIDENCE:
        latest[column] = latest[column].astype(float) * factor
    # Everyone shares the newest watermark: it marks what earlier nights have read.
    latest["counted_through"] = latest["counted_through"].dropna().astype(str).max() if latest["counted_through"].notna().any() else None
    return latest[HISTORY_COLUMNS]


def beta_summary(alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, low, high) of Beta(alpha, beta): the reliability and its 90% interval."""
    low, high = betaincinv(alpha, beta, np.array(INTERVAL)[:, None])
    return alpha / (alpha + beta), low, high


def night_evidence(scored: pd.DataFrame) -> pd.DataFrame:
    """Per source: what tonight's claims added to its records (columns of score_claims)."""
    cause = scored["interested_party"].astype(bool) if "interested_party" in scored.columns else pd.Series(False, index=scored.index)
    learned = (scored["reliability_evidence_for"] + scored["reliability_evidence_against"]) > 0
    frame = pd.DataFrame(
        {
            "source_id": scored["source_id"].astype(str),
            "source_name": scored["source_name"].astype(str) if "source_name" in scored.columns else scored["source_id"].astype(str),
            "prior": scored["reliability_prior"].astype(float),
            "strength": scored["reliability_strength"].astype(float) if "reliability_strength" in scored.columns else 5.0,
            "evidence_for": np.where(cause, 0.0, scored["reliability_evidence_for"]),
            "evidence_against": np.where(cause, 0.0, scored["reliability_evidence_against"]),
            "cause_evidence_for": np.where(cause, scored["reliability_evidence_for"], 0.0),
            "cause_evidence_against": np.where(cause, scored["reliability_evidence_against"], 0.0),
            "claims": learned.astype(int),
            "published_at": pd.to_datetime(scored["published_at"], utc=True, errors="coerce", format="ISO8601").where(learned)
            if "published_at" in scored.columns
            else pd.NaT,
        }
    )
    return frame.groupby("source_id", sort=True).agg(
        source_name=("source_name", "first"),
        prior=("prior", "first"),
        strength=("strength", "first"),
        evidence_for=("evidence_for", "sum"),
        evidence_against=("evidence_against", "sum"),
        cause_evidence_for=("cause_evidence_for", "sum"),
        cause_evidence_against=("cause_evidence_against", "sum"),
        claims=("claims", "sum"),
        published_at=("published_at", "max"),
    )


def night_rows(previous: pd.DataFrame | None, scored: pd.DataFrame, run_date: date | str, *, half_life_days: float = 180.0) -> pd.DataFrame:
    """This night's history rows (one per source scored tonight), from the nights before run_date."""
    day = str(run_date)[:10]
    base = current_state(previous, before=day, half_life_days=half_life_days).set_index("source_id")
    tonight = night_evidence(scored)
    rows = tonight.join(base[[*_EVIDENCE, "claims_total"]].add_suffix("_before"))
    for column in _EVIDENCE:
        rows[column] = rows[column] + rows[column + "_before"].fillna(0.0)
    rows["claims_total"] = rows["claims"] + rows["claims_total_before"].fillna(0.0)
    prior, strength = rows["prior"].to_numpy(float), rows["strength"].to_numpy(float)
    successes = (rows["evidence_for"] + rows["cause_evidence_for"]).to_numpy(float)
    failures = (rows["evidence_against"] + rows["cause_evidence_against"]).to_numpy(float)
    reliability, low, high = beta_summary(prior * strength + successes, (1.0 - prior) * strength + failures)
    rows["reliability"], rows["reliability_low"], rows["reliability_high"] = reliability.round(4), low.round(4), high.round(4)
    watermark = base["counted_through"].dropna().astype(str).max() if len(base) and base["counted_through"].notna().any() else None
    newest = tonight["published_at"].max()
    tonight_mark = newest.isoformat() if pd.notna(newest) else None
    rows["counted_through"] = max(filter(None, [watermark, tonight_mark]), default=None)
    rows["run_date"] = day
    return rows.reset_index()[HISTORY_COLUMNS]


def update_reliability_state(previous: pd.DataFrame | None, scored: pd.DataFrame, run_date: date | str, *, half_life_days: float = 180.0) -> pd.DataFrame:
    """The history with this night's rows (night_rows), replacing any rows of run_date."""
    day = str(run_date)[:10]
    history = previous if previous is not None and not previous.empty else empty_history()
    history = history[history["run_date"].astype(str) != day]
    rows = night_rows(history, scored, day, half_life_days=half_life_days)
    combined = pd.concat([history[HISTORY_COLUMNS], rows], ignore_index=True) if len(history) else rows
    return combined.sort_values(["run_date", "source_id"]).reset_index(drop=True)


def reliability_trend(history: pd.DataFrame | None, *, runs: int = 14, steady: float = 0.02) -> pd.DataFrame:
    """Per source: its reliability over its last ``runs`` nights (oldest first) and which way it moves."""
    if history is None or history.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    ordered = history.sort_values(["source_id", "run_date"])
    window = ordered.groupby("source_id", sort=True).tail(runs)
    grouped = window.groupby("source_id", sort=True)
    table = grouped.agg(
        source_name=("source_name", "last"),
        runs_seen=("run_date", "size"),
        first_run=("run_date", "first"),
        last_run=("run_date", "last"),
        reliability=("reliability", "last"),
        first_value=("reliability", "first"),
    )
    previous = grouped["reliability"].nth(-2)
    previous.index = window.loc[previous.index, "source_id"].to_numpy()
    table["values"] = grouped["reliability"].agg(lambda values: " ".join(f"{value:.3f}" for value in values))
    table["change_last"] = (table["reliability"] - previous.reindex(table.index)).round(4)
    table["change_window"] = (table["reliability"] - table["first_value"]).round(4)
    table["direction"] = np.select([table["change_window"] > steady, table["change_window"] < -steady], ["rising", "falling"], "steady")
    return table.reset_index()[TREND_COLUMNS]
