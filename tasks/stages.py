"""One task per stage of the score-articles flow.

Stages hand each other Parquet files in the run's staging folder (paths, not frames: Prefect
parameters and results are size-limited and slow for large tables). Retries are set only on
the tasks whose failure can be a passing disk problem.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from credence import claims, config, corroboration, ingest, io, nlp, pipeline, reporting, scoring, sources
from credence.models import ARTICLE_COLUMNS, LEDGER_COLUMNS, RunSummary, with_known_columns_first


@task(name="ingest-articles", retries=2, retry_delay_seconds=2)
def ingest_articles(raw_dir: Path, work_dir: Path, *, batch_size: int) -> tuple[Path, Path, list[Path]]:
    """Read the raw folder; write articles, the ledger and article batches for parsing."""
    logger = get_run_logger()
    result = ingest.ingest(raw_dir)
    articles = pipeline.articles_frame(result.articles)
    ledger = pd.DataFrame([e.__dict__ for e in result.ledger], columns=LEDGER_COLUMNS)
    articles_path = io.write_parquet(work_dir / "articles.parquet", articles)
    ledger_path = io.write_parquet(work_dir / "ledger.parquet", ledger)
    batches = [
        io.write_parquet(work_dir / f"batch-{number:05d}.parquet", articles.iloc[start : start + batch_size])
        for number, start in enumerate(range(0, len(articles), batch_size))
    ]
    counts = ledger["state"].value_counts().to_dict()
    logger.info("Ingested %d inputs from %s: %s", len(ledger), raw_dir, counts)
    return articles_path, ledger_path, batches


@task(name="split-claims")
def split_claims(batch_path: Path, config_dir: Path) -> Path:
    """Parse one batch of articles and extract its claims."""
    settings = config.load_config(config_dir)
    batch = io.read_parquet(batch_path)
    articles = [ingest.Article(**row) for row in batch[ARTICLE_COLUMNS].to_dict("records")]
    extracted = claims.split_claims(articles, lexicon=settings.cues, nlp=nlp.load_pipeline())
    get_run_logger().info("Batch %s: %d articles, %d claims", batch_path.name, len(articles), len(extracted))
    return io.write_parquet(batch_path.with_name(batch_path.stem + "-claims.parquet"), claims.claims_frame(extracted))


@task(name="resolve-sources")
def resolve_sources(claim_paths: list[Path], articles_path: Path, config_dir: Path, work_dir: Path) -> Path:
    """Resolve every claim's source mention to a registered or categorised source."""
    settings = config.load_config(config_dir)
    articles = io.read_parquet(articles_path)
    frames = [io.read_parquet(path) for path in claim_paths]
    extracted = pd.concat(frames, ignore_index=True) if frames else claims.claims_frame([])
    resolved = pipeline.add_article_columns(sources.resolve_claim_sources(extracted, articles, settings), articles)
    methods = resolved["resolution_method"].str.split(" ").str[0].value_counts().to_dict()
    get_run_logger().info("Resolved %d claims to %d sources: %s", len(resolved), resolved["source_id"].nunique(), methods)
    return io.write_parquet(work_dir / "resolved.parquet", resolved)


@task(name="corroborate-claims")
def corroborate_claims(resolved_path: Path, articles_path: Path, config_dir: Path, work_dir: Path, *, window_days: int) -> Path:
    """Relate claims across articles: support, contradiction, independence groups, stories."""
    settings = config.load_config(config_dir)
    related = corroboration.corroborate(
        io.read_parquet(resolved_path), io.read_parquet(articles_path), settings.scoring.corroboration, window_days=window_days
    )
    get_run_logger().info(
        "Corroboration: %d claims with independent support, %d with contradiction, %d stories",
        int((related["n_supporting_groups"] > 0).sum()),
        int((related["n_contradicting_groups"] > 0).sum()),
        related["story_id"].nunique(),
    )
    return io.write_parquet(work_dir / "corroborated.parquet", related)


@task(name="score-claims")
def score_claims(corroborated_path: Path, config_dir: Path, work_dir: Path) -> Path:
    """Score every claim and explain the score."""
    settings = config.load_config(config_dir)
    scored = scoring.score_claims(
        io.read_parquet(corroborated_path), settings.scoring.scoring, authoritative=pipeline.authoritative_sources(settings)
    )
    get_run_logger().info("Scored %d claims: %s", len(scored), scored["status"].value_counts().to_dict())
    return io.write_parquet(work_dir / "scored.parquet", with_known_columns_first(scored))


@task(name="write-report", retries=2, retry_delay_seconds=2)
def write_report(
    scored_path: Path, articles_path: Path, ledger_path: Path, config_dir: Path, staging: Path, run_date: date
) -> tuple[RunSummary, str, list[dict[str, object]]]:
    """Write the run's tables and reports into the staging folder; return what the UI shows."""
    settings = config.load_config(config_dir)
    scored = io.read_parquet(scored_path)
    articles = io.read_parquet(articles_path)
    ledger = io.read_parquet(ledger_path)
    source_table = reporting.sources_table(scored)
    states = ledger["state"].value_counts()
    summary = RunSummary(
        run_date=run_date.isoformat(),
        inputs=len(ledger),
        processed=int(states.get("processed", 0)),
        duplicates=int(states.get("duplicate", 0)),
        quarantined=int(states.get("quarantined", 0)),
        claims=len(scored),
        sources=int(scored["source_id"].nunique()),
        stories=int(scored["story_id"].nunique()),
        status_counts={str(k): int(v) for k, v in scored["status"].value_counts().sort_index().items()},
    )
    data = reporting.build_report_data(
        summary, scored, ledger, articles, source_table, low_credibility=settings.scoring.scoring.low_credibility
    )
    io.write_parquet(staging / "claims.parquet", scored)
    io.write_csv(staging / "claims.csv", scored)
    io.write_csv(staging / "sources.csv", source_table)
    io.write_csv(staging / "ledger.csv", ledger)
    io.write_text(staging / "report.md", reporting.render_markdown(data))
    io.write_text(staging / "report.html", reporting.render_html(data))
    top = scored.sort_values("score", ascending=False).head(20)[reporting.TOP_CLAIM_COLUMNS]
    return summary, reporting.summary_markdown(data), top.to_dict("records")


@task(name="publish-run", retries=2, retry_delay_seconds=2)
def publish_run(staging: Path, final: Path, work_dir: Path) -> Path:
    """Drop the intermediate files and swap the finished staging folder in as the run's folder."""
    io.remove_tree(work_dir)
    return io.publish_run(staging, final)


@task(name="publish-artifacts")
def publish_artifacts(run_dir: Path, summary_markdown: str, top_claims: list[dict[str, object]]) -> None:
    """Markdown summary and a table of the top claims in the Prefect UI, under stable keys."""
    create_markdown_artifact(key="credence-report", markdown=summary_markdown + f"\n\nFull report: `{run_dir / 'report.html'}`", description="credence run summary")
    create_table_artifact(key="credence-top-claims", table=top_claims, description="Top claims by score")
