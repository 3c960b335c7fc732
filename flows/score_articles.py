"""The score-articles flow: ingest -> plan the night -> split claims -> resolve sources -> corroborate -> score -> report."""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal

from prefect import flow, get_run_logger
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel, BeforeValidator, Field
from rich.progress import Progress

from credence import claims, config, io, storage
from tasks import history as history_tasks
from tasks import stages

TaskRunnerChoice = Literal["threads", "dask"]


def _as_text(location: object) -> object:
    return os.fspath(location) if isinstance(location, os.PathLike) else location


# A local folder or an fsspec URL (s3://bucket/raw): text, since a Path would fold "s3://" to "s3:/".
StorageLocation = Annotated[str, BeforeValidator(_as_text)]


class RunOptions(BaseModel):
    """Less common settings of a run (a collapsible section of the UI's form)."""

    batch_size: int = Field(500, ge=1, le=100_000, description="Articles parsed per task run: fewer, longer tasks when larger.")
    dask_address: str = Field("", description="Address of an existing Dask scheduler (tcp://host:8786); empty starts a local cluster.")
    dask_workers: int = Field(2, ge=1, le=256, description="Worker processes of the local Dask cluster (ignored with an address).")
    parse_processes: int = Field(
        0, ge=0, le=256, description="spaCy processes parsing each batch; 0: one per core with the threads runner, one per Dask worker with dask."
    )
    window_context: Literal["stories", "all"] = Field(
        "stories",
        description="Which of the window's stored claims join tonight's: those in tonight's stories (the night's cost follows its new articles), or all (the whole window re-scored and re-reported).",
    )
    lock_wait_seconds: float = Field(0.0, ge=0.0, le=86_400.0, description="How long to wait for another run on the same output folder before stopping.")


def _task_runner(choice: TaskRunnerChoice, options: RunOptions):  # type: ignore[no-untyped-def]
    """The runner of the parse tasks; ``options.parse_processes`` is already resolved."""
    if choice == "dask":
        from prefect_dask import DaskTaskRunner

        if options.dask_address:
            return DaskTaskRunner(address=options.dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": options.dask_workers, "threads_per_worker": 1, "processes": True})
    if options.parse_processes > 1:
        # The batches go to the parse worker processes; two tasks at a time keep them busy
        # while a finished batch's claims are framed and written, and the next batch is read.
        return ThreadPoolTaskRunner(max_workers=2)
    # Parsing in this process: one thread, as spaCy's pipeline is not to be shared by threads
    # (and parsing is CPU-bound under the GIL anyway).
    return ThreadPoolTaskRunner(max_workers=1)


def parse_processes(options: RunOptions, runner: TaskRunnerChoice) -> int:
    """spaCy processes per parse batch: as asked, else one per core for the threads runner's
    one thread, and one with Dask (its worker processes are the parallelism there)."""
    if options.parse_processes:
        return options.parse_processes
    if runner == "dask":
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@flow(name="score-articles", version="0.2.0")
def score_articles(
    raw_dir: StorageLocation = str(io.DEFAULT_RAW_DIR),
    out_dir: StorageLocation = str(io.DEFAULT_OUT_DIR),
    run_date: date | None = None,
    config_dir: Path = io.DEFAULT_CONFIG_DIR,
    window_days: Annotated[int, Field(ge=1, le=365)] = 7,
    task_runner: TaskRunnerChoice = "threads",
    options: RunOptions = RunOptions(),
) -> str:
    """Score the night's articles under raw_dir and write the briefing to out_dir/<run_date>/.

    Parameters (the form of a manual run in the Prefect UI):
    - raw_dir: folder of input articles (JSONL, JSON, CSV, TXT, HTML), read recursively, never
      modified; a local path or an fsspec URL (s3://bucket/raw, gcs://..., file://...).
    - out_dir: where run folders and the history are written; this run writes out_dir/<run_date>/.
      A local path or an fsspec URL: a URL is mirrored to a local folder under CREDENCE_HOME,
      the run works there, and what it changed is uploaded (each run folder's _SUCCESS last).
    - run_date: the date the run is filed under (default: today, UTC). A rerun of a date replaces it.
    - config_dir: folder holding sources.yaml, scoring.yaml, cues.yaml and ingest.yaml.
    - window_days: claims stored by the runs of this many previous days, in the stories of
      tonight's articles, are corroborated, scored and reported with tonight's; two claims
      relate only if published at most this many days apart.
    - task_runner: "threads" (one machine) or "dask" (a local cluster, or options.dask_address).
    - options: batch size, Dask cluster, and how long to wait for a concurrent run's lock.
    """
    options = options.model_copy(update={"parse_processes": parse_processes(options, task_runner)})
    night = _score_night.with_options(task_runner=_task_runner(task_runner, options))
    run_date = run_date or datetime.now(UTC).date()
    if not storage.is_url(raw_dir) and not storage.is_url(out_dir):
        return str(night(Path(raw_dir), Path(out_dir), run_date, Path(config_dir), window_days, options))
    logger = get_run_logger()
    mirrors = storage.mirror_root()
    # One machine syncs one output URL at a time; the run lock inside guards the local copy.
    with io.run_lock(storage.mirror_folder(out_dir, mirrors, "lock"), wait_seconds=options.lock_wait_seconds):
        raw_local = Path(raw_dir)
        if storage.is_url(raw_dir):
            raw_local = storage.mirror_folder(raw_dir, mirrors, "raw")
            storage.pull(raw_dir, raw_local)
        out_local = storage.mirror_folder(out_dir, mirrors, "out") if storage.is_url(out_dir) else Path(out_dir)
        before = storage.pull(out_dir, out_local) if storage.is_url(out_dir) else None
        run_dir = night(raw_local, out_local, run_date, Path(config_dir), window_days, options)
        if before is None:
            return str(run_dir)
        uploaded = storage.push(out_local, out_dir, before)
    logger.info("Uploaded %d files to %s", len(uploaded), out_dir)
    return f"{out_dir.rstrip('/')}/{run_date.isoformat()}"


@flow(name="score-night")
def _score_night(raw_dir: Path, out_dir: Path, run_date: date, config_dir: Path, window_days: int, options: RunOptions) -> Path:
    """The stages of one night, on the task runner chosen by score_articles."""
    logger = get_run_logger()
    config.load_config(config_dir)  # fail fast, before any work, with the file and field named
    with io.run_lock(out_dir, wait_seconds=options.lock_wait_seconds):
        staging = io.staging_dir(out_dir, run_date.isoformat())
        work_dir = staging / "_work"
        articles_path, ledger_path = stages.ingest_articles(raw_dir, work_dir, config_dir)
        run_articles, batches, context_claims = history_tasks.plan_night(
            articles_path, ledger_path, out_dir, config_dir, work_dir, run_date, window_days=window_days, batch_size=options.batch_size,
            whole_window=options.window_context == "all",
        )
        progress = create_progress_artifact(progress=0.0, key="credence-parse-progress", description="Parsing tonight's articles")
        cache_dir = out_dir / ".cache"
        futures = [stages.split_claims.submit(batch, config_dir, cache_dir, options.parse_processes) for batch in batches]
        claim_paths = []
        # The same progress on a terminal (`credence run`, `make run`); silent in a worker's log.
        with Progress(transient=True, disable=not sys.stderr.isatty()) as terminal:
            bar = terminal.add_task(f"Parsing {len(futures)} batches", total=len(futures))
            for done, future in enumerate(futures, start=1):
                claim_paths.append(Path(future.result()))
                update_progress_artifact(progress, progress=100.0 * done / len(futures))
                terminal.advance(bar)
        update_progress_artifact(progress, progress=100.0)
        claims.close_worker_pool()  # the parse workers' memory is free for the stages after
        resolved = stages.resolve_sources([*claim_paths, context_claims], run_articles, config_dir, work_dir)
        corroborated = stages.corroborate_claims(resolved, run_articles, config_dir, work_dir, window_days=window_days)
        scored, learned = stages.score_claims(corroborated, config_dir, work_dir, out_dir, run_date)
        summary, summary_markdown, top_claims = stages.write_report(scored, run_articles, ledger_path, config_dir, staging, run_date)
        history_tasks.save_history(run_articles, claim_paths, learned, out_dir, config_dir, run_date)
        run_dir = stages.publish_run(staging, out_dir / run_date.isoformat(), work_dir, cache_dir)
    stages.publish_artifacts(run_dir, summary_markdown, top_claims)
    logger.info(
        "Run %s: %d inputs, %d processed, %d duplicates, %d quarantined, %d claims -> %s",
        summary.run_date, summary.inputs, summary.processed, summary.duplicates, summary.quarantined, summary.claims, run_dir,
    )
    return run_dir


if __name__ == "__main__":
    score_articles()
