"""The score-articles flow end to end on the sample corpus, under a temporary Prefect server."""

from __future__ import annotations

import pandas as pd
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.score_articles import score_articles
from tests.conftest import CONFIG_DIR, RAW_DIR, RUN_DATE

OUTPUT_FILES = {"claims.parquet", "claims.csv", "claims.jsonl", "sources.csv", "sources_discovered.csv", "stories.csv", "ledger.csv", "report.md", "report.html"}


pytestmark = pytest.mark.slow


def test_run_writes_every_output_atomically(sample_run):
    """The run folder holds exactly the promised files and nothing half-written or staged."""
    out_dir, run_dir = sample_run
    assert run_dir == out_dir / "2026-11-29"
    assert {p.name for p in run_dir.iterdir()} == OUTPUT_FILES
    assert sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(".")) == ["2026-11-29", "history"]


def test_run_claims_are_complete(sample_run):
    """At least 40 claims, each with a source, cue, content, a score in [0, 1] and an explanation."""
    _, run_dir = sample_run
    claims = pd.read_parquet(run_dir / "claims.parquet")
    assert len(claims) >= 40
    for column in ("source_text", "source_name", "cue", "content", "explanation"):
        assert (claims[column].str.strip() != "").all(), column
    assert claims["score"].between(0, 1).all()
    assert len(pd.read_csv(run_dir / "claims.csv")) == len(claims)


def test_run_ledger_accounts_for_every_input(sample_run):
    """Every input file or record is processed, a duplicate or quarantined."""
    _, run_dir = sample_run
    ledger = pd.read_csv(run_dir / "ledger.csv", keep_default_na=False)
    assert ledger["state"].value_counts().to_dict() == {"processed": 16, "duplicate": 1}


def test_run_finds_corroboration_and_denial(sample_run):
    """The wire story is corroborated by an independent outlet; the state agency's claim is denied."""
    _, run_dir = sample_run
    claims = pd.read_parquet(run_dir / "claims.parquet")
    wire = claims[(claims["outlet"] == "Meridian Wire") & claims["content"].str.contains("40 workers were evacuated")]
    assert (wire["status"] == "corroborated").all() and len(wire) == 1
    assert "The Capital Ledger" in set(claims.set_index("claim_id").loc[wire.iloc[0]["supporting_claim_ids"].split("; "), "outlet"])
    vsna = claims[(claims["outlet"] == "Valdorian State News Agency") & claims["content"].str.contains("completely liberated")]
    assert vsna.iloc[0]["status"] == "contradicted" and "state:kestria" in vsna.iloc[0]["contradicting_groups"]
    report = (run_dir / "report.md").read_text()
    assert "Contested and contradicted claims" in report and "completely liberated" in report


def test_run_publishes_artifacts(sample_run):
    """The run's summary and top claims are Prefect artifacts under stable keys."""
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["credence-report", "credence-top-claims", "credence-report-link"])))
    assert {artifact.key for artifact in artifacts} == {"credence-report", "credence-top-claims", "credence-report-link"}


def test_rerun_of_the_same_date_is_idempotent(sample_run, monkeypatch):
    """Running the same date again gives the same claims and scores, in the same folder,
    from the claims files the first run parsed (nothing is parsed again)."""
    from credence import claims

    def parse_again(*args, **kwargs):
        raise AssertionError("a rerun parsed a batch whose claims file exists")

    out_dir, run_dir = sample_run
    first = pd.read_parquet(run_dir / "claims.parquet")
    monkeypatch.setattr(claims, "split_claims", parse_again)
    score_articles(raw_dir=RAW_DIR, out_dir=out_dir, run_date=RUN_DATE, config_dir=CONFIG_DIR, window_days=7)
    second = pd.read_parquet(run_dir / "claims.parquet")
    pd.testing.assert_frame_equal(first, second)
    assert sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(".")) == ["2026-11-29", "history"]
