"""Tasks of incremental nights: plan what to parse from the history, and store tonight's part."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from prefect import get_run_logger, task

from credence import config, history, io, nlp, reliability
from credence.memory import releases_memory


@task(name="plan-night", retries=2, retry_delay_seconds=2)
@releases_memory
def plan_night(
    articles_path: Path, ledger_path: Path, out_dir: Path, config_dir: Path, work_dir: Path, run_date: date, *, window_days: int, batch_size: int,
    whole_window: bool = False,
) -> tuple[Path, list[Path], Path]:
    """Decide what to parse tonight; write the run's articles, the stored claims reused (those in
    tonight's stories, or the whole window's) and the parse batches."""
    logger = get_run_logger()
    articles = io.read_parquet(articles_path)
    tonight = run_date.isoformat()
    key = history.extraction_key(config_dir / "cues.yaml", nlp.pipeline_version())
    seen = io.read_history(out_dir, "articles", before=tonight, columns=["article_id"])
    since = history.window_start(run_date, window_days)
    window_articles = io.read_history(out_dir, "articles", before=tonight, since=since)
    # Two columns of the window's claims decide what is reused; the full rows are read below,
    # for the articles in tonight's stories only.
    window_claims = io.read_history(out_dir, "claims", before=tonight, since=since, columns=["article_id", "extraction_key"])
    plan = history.plan_night(articles, seen, window_articles.drop(columns="run_date"), window_claims, key=key)
    window_count = len(plan.context_articles)
    settings = config.load_config(config_dir).scoring.corroboration
    plan, stories = history.night_stories(plan, settings, window_days, whole_window=whole_window)
    plan = history.stored_context_claims(out_dir, plan, key=key, since=since, before=tonight)
    io.write_parquet(ledger_path, history.mark_seen_in_ledger(io.read_parquet(ledger_path), plan.seen_before))
    run_articles = pd.concat([plan.to_parse, plan.context_articles], ignore_index=True)
    run_articles["parsed_tonight"] = [True] * len(plan.to_parse) + [False] * len(plan.context_articles)
    run_articles["story_id"] = run_articles["article_id"].map(stories)  # corroboration's stories (see history.night_stories)
    io.write_parquet(work_dir / "run_articles.parquet", run_articles)
    context_claims = plan.context_claims.drop(columns=["run_date", "extraction_key"], errors="ignore")
    batches = [
        io.write_parquet(work_dir / f"batch-{number:05d}.parquet", plan.to_parse.iloc[start : start + batch_size])
        for number, start in enumerate(range(0, len(plan.to_parse), batch_size))
    ]
    logger.info(
        "Night %s: %d new articles to parse, %d stored articles re-parsed for a new extractor, %d of the last %d days' %d articles"
        " reused as they share a story with tonight's, or all with window_context=all (%d claims), %d inputs already processed earlier",
        tonight, len(plan.new_article_ids), len(plan.to_parse) - len(plan.new_article_ids), len(plan.context_articles), window_days,
        window_count, len(context_claims), len(plan.seen_before),
    )
    return work_dir / "run_articles.parquet", batches, io.write_parquet(work_dir / "context_claims.parquet", context_claims)


@task(name="save-history", retries=2, retry_delay_seconds=2)
@releases_memory
def save_history(run_articles_path: Path, claim_paths: list[Path], reliability_path: Path, out_dir: Path, config_dir: Path, run_date: date) -> int:
    """Store tonight's parsed articles, their claims and the sources' learned reliabilities under
    tonight's run date (replacing a rerun's)."""
    key = history.extraction_key(config_dir / "cues.yaml", nlp.pipeline_version())
    articles = io.read_parquet(run_articles_path)
    parsed = [io.read_parquet(path) for path in claim_paths]
    claims = pd.concat(parsed, ignore_index=True) if parsed else pd.DataFrame()
    # Everything parsed tonight is stored under tonight's date: new articles, and stored ones
    # re-parsed for a new extractor (their old rows stay under their own date, under the old key).
    tonight = articles[articles["parsed_tonight"]].drop(columns=["parsed_tonight", "story_id"], errors="ignore")
    claims["extraction_key"] = key
    io.write_history(out_dir, "articles", run_date.isoformat(), tonight.reset_index(drop=True))
    io.write_history(out_dir, "claims", run_date.isoformat(), claims)
    io.write_history(out_dir, reliability.HISTORY_TABLE, run_date.isoformat(), io.read_parquet(reliability_path))
    return len(tonight)
