"""`credence bench pipeline`: the whole flow on a synthetic corpus, beside spaCy's bare parse.

It lives with the flows because it runs one; the corpus generator is credence/synthetic.py.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flows.score_articles import RunOptions, TaskRunnerChoice

# The bare parse is a rate: 500 articles (about 133,000 words, 25 s here) measure it to a few
# per cent, and parsing the whole corpus a second time would double a large bench.
BARE_ARTICLES = 500

STAGES = ["ingest-articles", "plan-night", "split-claims", "resolve-sources", "corroborate-claims", "score-claims", "write-report", "save-history", "publish-run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=int, default=1000, help="size of the synthetic night (default: 1000)")
    parser.add_argument("--new", type=int, default=0, help="then run a second night with this many new articles and time it too")
    parser.add_argument(
        "--fresh", action="store_true", help="with --new: also run the new articles alone, into an empty history, to compare the incremental night with"
    )
    parser.add_argument(
        "--compare-window",
        action="store_true",
        help="with --new: also run the second night over the whole window (window_context=all) and compare its scores of the new claims",
    )
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (default: 7)")
    parser.add_argument("--batch-size", type=int, default=500, help="articles per parse task (default: 500)")
    parser.add_argument("--parse-processes", type=int, default=0, help="spaCy processes of the flow's parse (default 0: one per core)")
    parser.add_argument(
        "--task-runner", choices=["threads", "dask"], default="threads", help="the flow's task runner (default: threads, as a scheduled run on one machine)"
    )
    parser.add_argument(
        "--bare-processes", type=int, default=0, help="spaCy processes of the bare nlp.pipe reference (default 0: as many as the flow's parse)"
    )
    parser.add_argument(
        "--bare-articles",
        type=int,
        default=BARE_ARTICLES,
        help=f"time the bare nlp.pipe reference on the first N articles only (default {BARE_ARTICLES}; 0: all): a rate, which a sample measures",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the table as JSON here")
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpus and outputs in this folder")


def _stage_runs(since: float) -> list[tuple[str, float, float]]:
    """(stage, start, end) of each stage's task runs since a time, read back from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterStartTime

    runs = []
    page = 200  # the most the API returns at once
    # Only tonight's runs: the Prefect database may hold months of nights.
    started = TaskRunFilter(start_time=TaskRunFilterStartTime(after_=datetime.fromtimestamp(since, UTC)))
    with get_client(sync_client=True) as client:
        offset = 0
        while True:
            task_runs = client.read_task_runs(task_run_filter=started, limit=page, offset=offset)
            for task_run in task_runs:
                if task_run.start_time is None:  # the filter has already dropped earlier runs
                    continue
                name = task_run.name.rsplit("-", 1)[0]
                if name in STAGES:
                    end = task_run.end_time.timestamp() if task_run.end_time else time.time()
                    runs.append((name, task_run.start_time.timestamp(), end))
            if len(task_runs) < page:
                break
            offset += page
    return runs


def _stage_seconds(runs: list[tuple[str, float, float]]) -> dict[str, float]:
    """Wall seconds during which each stage had a task run going: two parse batches run at
    once, so their durations would add up to more than the time the stage took."""
    totals = dict.fromkeys(STAGES, 0.0)
    covered_until: dict[str, float] = {}
    for name, start, end in sorted(runs, key=lambda run: run[1]):
        begin = max(start, covered_until.get(name, start))
        totals[name] += max(end - begin, 0.0)
        covered_until[name] = max(end, covered_until.get(name, end))
    return {name: round(seconds, 3) for name, seconds in totals.items()}


def _stage_peak_rss(runs: list[tuple[str, float, float]], samples: list[tuple[float, float]]) -> dict[str, float]:
    """The largest resident memory of this process sampled while each stage ran (MB)."""
    peaks = dict.fromkeys(STAGES, 0.0)
    for name, start, end in runs:
        during = [megabytes for moment, megabytes in samples if start <= moment <= end]
        peaks[name] = max([peaks[name], *during])
    return {name: round(megabytes, 1) for name, megabytes in peaks.items()}


class MemorySampler:
    """This process's resident memory, read from /proc/self/statm every interval by a daemon
    thread (nothing elsewhere than Linux): which stage holds the memory, beside the one peak."""

    def __init__(self, interval_s: float = 0.2) -> None:
        import threading

        self.samples: list[tuple[float, float]] = []
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="credence-bench-rss", daemon=True)
        self._page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 0.0

    def _sample(self) -> None:
        statm = Path("/proc/self/statm")
        while not self._stop.is_set():
            try:
                resident_pages = int(statm.read_text(encoding="ascii").split()[1])
            except (OSError, ValueError, IndexError):
                return
            self.samples.append((time.time(), resident_pages * self._page_mb))
            self._stop.wait(self._interval_s)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def _start_prefect_api() -> float:
    """Seconds to bring up the Prefect API the flow reports to (a temporary server unless
    PREFECT_API_URL names one). Done before the timed night, as a scheduled night finds its
    server running; the flow then reuses it."""
    from prefect.client.orchestration import get_client

    started = time.perf_counter()
    with get_client(sync_client=True) as client:
        client.hello()
    return time.perf_counter() - started


def _machine_cpu() -> dict[str, float]:
    """Seconds every core of the machine spent busy, idle and stolen by the hypervisor since
    boot (Linux's /proc/stat; empty elsewhere). Differences of two readings tell whether a
    phase kept the cores busy, and how much of a slow phase was the host's doing."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return {"busy_s": (user + nice + system + irq + softirq) / tick, "idle_s": (idle + iowait) / tick, "steal_s": steal / tick}


def _cpu_since(before: dict[str, float]) -> dict[str, float]:
    after = _machine_cpu()
    return {name: round(after[name] - before[name], 1) for name in before if name in after}


def _bare_spacy_words_per_second(texts: list[str], batch_size: int, processes: int) -> float:
    """Words per second of spaCy's nlp.pipe over the same texts, all components, in ``processes`` processes.

    Words are counted as the corpus counts them (whitespace-separated), not as spaCy's tokens,
    which are about 1.2 per word here: the two rates must share a unit to be compared.
    """
    from credence.nlp import load_pipeline

    nlp = load_pipeline()
    words = sum(len(text.split()) for text in texts)
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=processes):
        pass
    return words / (time.perf_counter() - started)


def score_differences(ours: Path, theirs: Path, article_ids: set[str]) -> dict[str, float]:
    """How the scores of the given articles' claims differ between two runs' claims tables."""
    import pandas as pd

    columns = ["claim_id", "article_id", "score", "status"]
    left, right = pd.read_parquet(ours, columns=columns), pd.read_parquet(theirs, columns=columns)
    both = left[left["article_id"].isin(article_ids)].merge(right, on="claim_id", suffixes=("", "_other"))
    gap = (both["score"] - both["score_other"]).abs()
    return {
        "claims_compared": len(both),
        "mean_abs_score_difference": round(float(gap.mean()), 4) if len(both) else 0.0,
        "p95_abs_score_difference": round(float(gap.quantile(0.95)), 4) if len(both) else 0.0,
        "max_abs_score_difference": round(float(gap.max()), 4) if len(both) else 0.0,
        "status_changed_share": round(float((both["status"] != both["status_other"]).mean()), 4) if len(both) else 0.0,
    }


def _night(raw_dir: Path, out_dir: Path, run_date: date, options: RunOptions, task_runner: TaskRunnerChoice) -> dict[str, object]:
    from flows.score_articles import score_articles

    since = time.time()
    cpu = _machine_cpu()
    started = time.perf_counter()
    with MemorySampler() as memory:
        score_articles(raw_dir=raw_dir, out_dir=out_dir, run_date=run_date, options=options, task_runner=task_runner)
    wall_s = round(time.perf_counter() - started, 3)
    runs = _stage_runs(since)
    return {"wall_s": wall_s, "cpu": _cpu_since(cpu), "stages": _stage_seconds(runs), "stage_peak_rss_mb": _stage_peak_rss(runs, memory.samples)}


def run(arguments: argparse.Namespace) -> int:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from credence import ingest, synthetic
    from flows.score_articles import RunOptions, parse_processes

    bench_started = time.perf_counter()
    workspace = Path(arguments.keep or tempfile.mkdtemp(prefix="credence-bench-"))
    # The runs go to the user's Prefect home (and server, if PREFECT_API_URL names one), as a
    # night's do: they show in the UI beside the real ones, and a database that exists already
    # spares the temporary server the 25-30 s of creating one.
    raw_dir, out_dir = workspace / "raw", workspace / "processed"
    corpus = synthetic.generate(raw_dir, articles=arguments.articles, seed=arguments.seed)
    options = RunOptions(batch_size=arguments.batch_size, parse_processes=arguments.parse_processes)
    runner = arguments.task_runner
    processes = parse_processes(options, runner)
    api_start_s = _start_prefect_api()
    night = _night(raw_dir, out_dir, date(2026, 11, 27), options, runner)
    texts = [article.text for article in ingest.ingest(raw_dir).articles]
    texts = texts[: arguments.bare_articles] if arguments.bare_articles > 0 else texts
    bare_processes = arguments.bare_processes or processes
    cpu = _machine_cpu()
    spacy_words_per_s = _bare_spacy_words_per_second(texts, batch_size=32, processes=bare_processes)
    bare_cpu = _cpu_since(cpu)
    table: dict[str, object] = {
        "articles": corpus.articles,
        "words": corpus.words,
        "wall_s": night["wall_s"],
        "articles_per_s": round(corpus.articles / night["wall_s"], 2),  # type: ignore[operator]
        "words_per_s": round(corpus.words / night["wall_s"], 1),  # type: ignore[operator]
        "spacy_words_per_s": round(spacy_words_per_s, 1),
        "task_runner": runner,
        "parse_processes": processes,
        "bare_processes": bare_processes,
        "bare_articles": len(texts),
        "bare_words": sum(len(text.split()) for text in texts),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # The largest finished child: a spaCy parse worker (forked, sharing the model's pages
        # with this process until they change) or Prefect's temporary server.
        "peak_child_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "prefect_api_start_s": round(api_start_s, 3),
        # Machine-wide CPU seconds of the night and of the bare parse: this machine's speed
        # drifts by a fifth over minutes, and these show whether a slow phase was ours.
        "cpu": night["cpu"],
        "bare_cpu": bare_cpu,
        "stages": night["stages"],
        "stage_peak_rss_mb": night["stage_peak_rss_mb"],
    }
    if arguments.new:
        new_raw = workspace / "raw-night2"
        # The next day's news: a third of its stories continue the first night's, the rest are new.
        continued = arguments.new // 8 // 3
        added = synthetic.generate(
            new_raw, articles=arguments.new, seed=arguments.seed + 1, first_story=corpus.stories_end - continued, first_day=date(2026, 11, 27), days=1
        )
        if arguments.compare_window:
            shutil.copytree(out_dir, workspace / "processed-window")
        second = _night(new_raw, out_dir, date(2026, 11, 28), options, runner)
        table["incremental"] = {"new_articles": added.articles, "history_articles": corpus.articles, **second}
        if arguments.fresh:
            fresh = _night(new_raw, workspace / "processed-fresh", date(2026, 11, 28), options, runner)
            table["incremental"]["fresh_wall_s"] = fresh["wall_s"]
            table["incremental"]["fresh_stages"] = fresh["stages"]
        if arguments.compare_window:
            whole = _night(new_raw, workspace / "processed-window", date(2026, 11, 28), options.model_copy(update={"window_context": "all"}), runner)
            new_ids = {article.article_id for article in ingest.ingest(new_raw).articles}
            table["incremental"]["whole_window"] = {
                "wall_s": whole["wall_s"],
                **score_differences(out_dir / "2026-11-28" / "claims.parquet", workspace / "processed-window" / "2026-11-28" / "claims.parquet", new_ids),
            }
    table["bench_wall_s"] = round(time.perf_counter() - bench_started, 3)
    print(_render(table))
    if arguments.json:
        arguments.json.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    if not arguments.keep:
        shutil.rmtree(workspace, ignore_errors=True)  # a 100k corpus and its outputs take gigabytes
    return 0


def _render(table: dict[str, object]) -> str:
    lines = ["| measure | value |", "|---|---|"]

    def add(prefix: str, value: object) -> None:
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                add(f"{prefix}.{inner}" if prefix else str(inner), inner_value)
        else:
            lines.append(f"| {prefix} | {value} |")

    add("", table)
    parse_bound = table["words_per_s"] / table["spacy_words_per_s"] if table["spacy_words_per_s"] else 0  # type: ignore[operator]
    lines.append(f"| end-to-end / bare spaCy | {parse_bound:.2f} |")
    night_cpu, bare_cpu = table.get("cpu") or {}, table.get("bare_cpu") or {}
    if night_cpu.get("busy_s") and bare_cpu.get("busy_s"):  # type: ignore[union-attr]
        # The same ratio in busy CPU seconds per word: what the flow costs, whatever the host did
        # meanwhile (per word, as the bare parse may have read a sample of the corpus).
        night_per_word = night_cpu["busy_s"] / table["words"]  # type: ignore[index,operator]
        bare_per_word = bare_cpu["busy_s"] / (table.get("bare_words") or table["words"])  # type: ignore[index,operator]
        lines.append(f"| end-to-end / bare spaCy, CPU seconds | {bare_per_word / night_per_word:.2f} |")
    return "\n".join(lines)
