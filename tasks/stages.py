"""One task per stage of the score-articles flow.

Stages hand each other Parquet files in the run's staging folder (paths, not frames: Prefect
parameters and results are size-limited and slow for large tables). Retries are set only on
the tasks whose failure can be a passing disk problem.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from credence import claims, config, corroboration, discovery, history, ingest, io, nlp, pipeline, reliability, reporting, scoring, sources
from credence.memory import releases_memory
from credence.models import ARTICLE_COLUMNS, LEDGER_COLUMNS, RunSummary, known_columns_first


@task(name="ingest-articles", retries=2, retry_delay_seconds=2)
@releases_memory
def ingest_articles(raw_dir: Path, work_dir: Path, config_dir: Path) -> tuple[Path, Path]:
    """Read the raw folder; write the articles and the ledger."""
    logger = get_run_logger()
    options = config.load_config(config_dir).ingest
    result = ingest.ingest(raw_dir, min_words=options.min_words, max_chars=options.max_chars, non_english=options.non_english)
    articles = pipeline.articles_frame(result.articles)
    ledger = pd.DataFrame([e.__dict__ for e in result.ledger], columns=LEDGER_COLUMNS)
    counts = ledger["state"].value_counts().to_dict()
    logger.info("Ingested %d inputs from %s: %s", len(ledger), raw_dir, counts)
    return io.write_parquet(work_dir / "articles.parquet", articles), io.write_parquet(work_dir / "ledger.parquet", ledger)


def read_run_articles(path: Path) -> pd.DataFrame:
    """The night's articles without their story terms (kept for the history, not for these stages)."""
    return io.read_parquet(path, columns=[name for name in io.parquet_columns(path) if name != corroboration.STORY_TERMS_COLUMN])


def _claims_cache_file(batch_path: Path, config_dir: Path, cache_dir: Path) -> Path:
    """Where a batch's claims are kept: named by its article ids and the extractor's identity."""
    ids = io.read_parquet(batch_path, columns=["article_id"])["article_id"]
    key = history.extraction_key(config_dir / "cues.yaml", nlp.pipeline_version())
    digest = hashlib.sha256((key + "\n" + "\n".join(ids)).encode()).hexdigest()[:24]
    return cache_dir / f"claims-{digest}.parquet"


# Parsing is the expensive step: a retried or rerun night finds a batch's claims file (named
# by its article ids and the extractor) and does not parse again. Prefect's own cache is not
# used: its key had to say whether the file existed, so the first run stored its results
# under a key that no later run asked for.
@task(name="split-claims")
def split_claims(batch_path: Path, config_dir: Path, cache_dir: Path, processes: int = 1) -> str:
    """Parse one batch of articles with ``processes`` spaCy processes and extract its claims; return the claims file."""
    output = _claims_cache_file(batch_path, config_dir, cache_dir)
    if output.exists():  # written whole or not at all (io.write_parquet renames a finished file)
        output.touch()  # used tonight: kept another PARSE_CACHE_DAYS
        get_run_logger().info("Batch %s: claims of these articles and this extractor reused from %s", batch_path.name, output.name)
        return str(output)
    settings = config.load_config(config_dir)
    batch = io.read_parquet(batch_path)
    articles = [ingest.Article(**row) for row in batch[ARTICLE_COLUMNS].to_dict("records")]
    extracted = claims.split_claims(articles, lexicon=settings.cues, nlp=nlp.load_pipeline(), n_process=processes)
    get_run_logger().info("Batch %s: %d articles, %d claims", batch_path.name, len(articles), len(extracted))
    return str(io.write_parquet(output, claims.claims_frame(extracted)))


@task(name="resolve-sources")
@releases_memory
def resolve_sources(claim_paths: list[Path], articles_path: Path, config_dir: Path, work_dir: Path) -> Path:
    """Resolve every claim's source mention to a registered or categorised source."""
    settings = config.load_config(config_dir)
    articles = read_run_articles(articles_path)
    frames = [io.read_parquet(path) for path in claim_paths]
    extracted = pd.concat(frames, ignore_index=True) if frames else claims.claims_frame([])
    resolved = pipeline.add_article_columns(sources.resolve_claim_sources(extracted, articles, settings), articles)
    methods = resolved["resolution_method"].str.split(" ").str[0].value_counts().to_dict()
    get_run_logger().info("Resolved %d claims to %d sources: %s", len(resolved), resolved["source_id"].nunique(), methods)
    return io.write_parquet(work_dir / "resolved.parquet", resolved)


@task(name="corroborate-claims")
@releases_memory
def corroborate_claims(resolved_path: Path, articles_path: Path, config_dir: Path, work_dir: Path, *, window_days: int) -> Path:
    """Relate claims across articles: support, contradiction, independence groups, stories."""
    settings = config.load_config(config_dir)
    articles = read_run_articles(articles_path)
    # Stories come from the night's plan (found over tonight's and the window's articles).
    stories = articles.set_index("article_id")["story_id"] if "story_id" in articles.columns else None
    # Corroboration reads a few of the claims' columns; the corroborated file is the resolved
    # one with the new columns written beside it, a row group at a time.
    names = io.parquet_columns(resolved_path)
    claims = io.read_parquet(resolved_path, columns=[name for name in names if name in corroboration.CORROBORATION_INPUT_COLUMNS])
    added = corroboration.corroboration_columns(claims, articles, settings.scoring.corroboration, window_days=window_days, stories=stories)
    del claims
    get_run_logger().info(
        "Corroboration: %d claims with independent support, %d with contradiction, %d stories",
        int((added["n_supporting_groups"] > 0).sum()),
        int((added["n_contradicting_groups"] > 0).sum()),
        added["story_id"].nunique(),
    )
    return io.write_parquet_beside(work_dir / "corroborated.parquet", resolved_path, added)


@task(name="score-claims")
@releases_memory
def score_claims(corroborated_path: Path, config_dir: Path, work_dir: Path, out_dir: Path, run_date: date) -> tuple[Path, Path]:
    """Score every claim as of the run date, from the source reliabilities learned on earlier
    nights; return the scored claims and tonight's reliability rows (stored by save_history)."""
    settings = config.load_config(config_dir)
    options = settings.scoring.scoring
    # Only nights strictly before run_date are read, so a rerun of the date scores the same.
    learned = io.read_history(out_dir, reliability.HISTORY_TABLE, before=run_date.isoformat())
    learned = learned[reliability.HISTORY_COLUMNS] if len(learned) else None
    state = reliability.current_state(learned, before=run_date, half_life_days=options.reliability_half_life_days)
    # Scoring reads a few of the claims' columns, not their texts; the scored file is the
    # corroborated one with the score columns written beside it, a row group at a time.
    names = io.parquet_columns(corroborated_path)
    claims = io.read_parquet(corroborated_path, columns=scoring.input_columns(names))
    scores, explanations = scoring.score_and_explain(
        claims, options, authoritative=pipeline.authoritative_sources(settings), reliability_state=state, as_of=run_date
    )
    tonight = reliability.night_rows(learned, pd.concat([claims, scores], axis=1), run_date, half_life_days=options.reliability_half_life_days)
    get_run_logger().info("Scored %d claims as of %s: %s", len(scores), run_date, scores["status"].value_counts().to_dict())
    # The explanations, the largest column, are written a row group at a time, never held whole.
    order = known_columns_first(list(dict.fromkeys([*names, *scores.columns, "explanation"])))
    scored_path = io.write_parquet_beside(work_dir / "scored.parquet", corroborated_path, scores, columns=order, computed={"explanation": explanations.rows})
    return scored_path, io.write_parquet(work_dir / "reliability.parquet", tonight.drop(columns="run_date"))


@task(name="write-report", retries=2, retry_delay_seconds=2)
@releases_memory
def write_report(
    scored_path: Path, articles_path: Path, ledger_path: Path, config_dir: Path, staging: Path, run_date: date
) -> tuple[RunSummary, str, list[dict[str, object]]]:
    """Write the run's tables and reports into the staging folder; return what the UI shows."""
    logger = get_run_logger()
    settings = config.load_config(config_dir)
    # The reports read the claims without the columns they never show; the machine exports
    # are copied or streamed from the scored file, so the whole table never sits in memory.
    report_columns = [name for name in io.parquet_columns(scored_path) if name not in reporting.UNREPORTED_CLAIM_COLUMNS]
    scored = io.read_parquet(scored_path, columns=report_columns)
    articles = read_run_articles(articles_path)
    ledger = io.read_parquet(ledger_path)
    run_name = run_date.isoformat()
    # Earlier runs are the sibling date folders: their sources tables give the trends, the
    # newest one's claims give "what changed". An unreadable folder is skipped, never fatal.
    earlier_runs: list[reporting.PreviousRun] = []
    earlier = reporting.previous_run_dates((path.name for path in staging.parent.iterdir() if path.is_dir()), run_name)
    for name in earlier:
        folder = staging.parent / name
        try:
            previous_sources = pd.read_csv(folder / "sources.csv")
            previous_claims = io.read_parquet(folder / "claims.parquet", columns=reporting.PREVIOUS_CLAIM_COLUMNS) if not earlier_runs else None
        except (OSError, ValueError) as error:
            logger.warning("Report history: skipping the earlier run %s (%s)", folder, error)
            continue
        earlier_runs.append(reporting.PreviousRun(name, previous_sources, previous_claims))
    summary = reporting.run_summary(scored, ledger, run_name)
    data = reporting.build_report_data(
        summary, scored, ledger, articles, low_credibility=settings.scoring.scoring.low_credibility, history=earlier_runs
    )
    shown_ids = {str(record["claim_id"]) for record in reporting.shown_claims(data)}
    explained = io.read_rows(scored_path, "claim_id", shown_ids, ["explanation"])
    reporting.add_explanations(data, dict(zip(explained["claim_id"], explained["explanation"], strict=True)))
    discovered = discovery.discovered_sources(scored, settings)
    top = reporting.top_claims(scored)
    del scored
    io.copy_file(scored_path, staging / "claims.parquet")
    io.write_csv_from_parquet(staging / "claims.csv", scored_path)
    io.write_chunks(staging / "claims.jsonl", (chunk for batch in io.parquet_batches(scored_path) for chunk in reporting.claims_jsonl(batch)))
    io.write_csv(staging / "sources.csv", data.source_frame)
    io.write_csv(staging / "sources_discovered.csv", discovered)
    io.write_csv(staging / "stories.csv", data.story_frame)
    io.write_csv(staging / "ledger.csv", ledger)
    io.write_text(staging / "report.md", reporting.render_markdown(data))
    io.write_text(staging / "report.html", reporting.render_html(data))
    logger.info(
        "Report: %d contested propositions, %d stories, compared with %s",
        len(data.disputes), len(data.stories), data.changes.previous_date or "no earlier run",
    )
    return summary, reporting.summary_markdown(data), top


# A batch's claims file serves reruns and retries only (the history keeps every night's
# claims): one not used for this long is deleted, so the cache does not grow night after night.
PARSE_CACHE_DAYS = 30


@task(name="publish-run", retries=2, retry_delay_seconds=2)
def publish_run(staging: Path, final: Path, work_dir: Path, cache_dir: Path | None = None) -> Path:
    """Drop the intermediate files (and parse cache files unused for PARSE_CACHE_DAYS) and swap
    the finished staging folder in as the run's folder."""
    io.remove_tree(work_dir)
    if cache_dir is not None:
        io.remove_unused_files(cache_dir, "claims-*.parquet", days=PARSE_CACHE_DAYS)
    return io.publish_run(staging, final)


@task(name="publish-artifacts")
def publish_artifacts(run_dir: Path, summary_markdown: str, top_claims: list[dict[str, object]]) -> None:
    """Summary and contested claims, the top claims, and a link to the HTML report in the Prefect UI, under stable keys."""
    from prefect.artifacts import create_link_artifact

    report = (Path(run_dir) / "report.html").resolve()
    create_markdown_artifact(
        key="credence-report",
        markdown=summary_markdown + f"\n\nFull report: [{report.name}]({report.as_uri()}) (`{report}`)",
        description="credence run summary and contested claims",
    )
    create_table_artifact(key="credence-top-claims", table=top_claims, description="Top claims by score")
    create_link_artifact(
        key="credence-report-link", link=report.as_uri(), link_text=f"credence briefing {Path(run_dir).name}",
        description="The run's self-contained HTML report (open it on the machine that ran the flow)",
    )
