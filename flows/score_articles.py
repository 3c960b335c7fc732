"""The score-articles flow: ingest -> split claims -> resolve sources -> corroborate -> score -> report."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

from prefect import flow, get_run_logger
from pydantic import Field

from credence import config, io
from tasks import stages


@flow(name="score-articles", version="0.1.0")
def score_articles(
    raw_dir: Path = io.DEFAULT_RAW_DIR,
    out_dir: Path = io.DEFAULT_OUT_DIR,
    run_date: date | None = None,
    config_dir: Path = io.DEFAULT_CONFIG_DIR,
    window_days: Annotated[int, Field(ge=1, le=365)] = 7,
    batch_size: Annotated[int, Field(ge=1, le=100_000)] = 500,
) -> Path:
    """Score every article under raw_dir and write the run's reports to out_dir/<run_date>/.

    Parameters (the form of a manual run in the Prefect UI):
    - raw_dir: folder of input articles (JSONL, JSON, CSV, TXT, HTML), read recursively, never modified.
    - out_dir: where run folders are written; this run writes out_dir/<run_date>/ only.
    - run_date: the date the run is filed under (default: today, UTC). A rerun of a date replaces it.
    - config_dir: folder holding sources.yaml, scoring.yaml and cues.yaml.
    - window_days: two claims corroborate or contradict each other only if their articles were
      published at most this many days apart.
    - batch_size: articles parsed per task run (larger batches mean fewer, longer tasks).
    """
    logger = get_run_logger()
    run_date = run_date or datetime.now(UTC).date()
    config.load_config(config_dir)  # fail fast, before any work, with the file and field named
    out_dir = Path(out_dir)
    staging = io.staging_dir(out_dir, run_date.isoformat())
    work_dir = staging / "_work"
    articles_path, ledger_path, batches = stages.ingest_articles(Path(raw_dir), work_dir, batch_size=batch_size)
    claim_paths = [stages.split_claims(batch, config_dir) for batch in batches]
    resolved = stages.resolve_sources(claim_paths, articles_path, config_dir, work_dir)
    corroborated = stages.corroborate_claims(resolved, articles_path, config_dir, work_dir, window_days=window_days)
    scored = stages.score_claims(corroborated, config_dir, work_dir)
    summary, summary_markdown, top_claims = stages.write_report(scored, articles_path, ledger_path, config_dir, staging, run_date)
    run_dir = stages.publish_run(staging, out_dir / run_date.isoformat(), work_dir)
    stages.publish_artifacts(run_dir, summary_markdown, top_claims)
    logger.info(
        "Run %s: %d inputs, %d processed, %d duplicates, %d quarantined, %d claims -> %s",
        summary.run_date, summary.inputs, summary.processed, summary.duplicates, summary.quarantined, summary.claims, run_dir,
    )
    return run_dir


if __name__ == "__main__":
    score_articles()
