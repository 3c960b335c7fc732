"""Operations: incremental nights, the run lock, Dask, and the nightly deployment run as the UI would."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from credence import corroboration, io
from flows.score_articles import RunOptions, score_articles
from tests.conftest import CONFIG_DIR, PROJECT_ROOT, RAW_DIR

pytestmark = pytest.mark.slow
LATE_ARTICLE = "web/capital_ledger_lissen_leak.html"


def claims_of(run_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(Path(run_dir) / "claims.parquet").sort_values("claim_id").reset_index(drop=True)


def test_second_night_parses_only_new_articles_and_corroborates_with_the_first(prefect_server, tmp_path):
    """Night two parses just the new article, yet its claims relate to night one's stored claims."""
    first_raw, second_raw, out_dir = tmp_path / "night1", tmp_path / "night2", tmp_path / "processed"
    shutil.copytree(RAW_DIR, first_raw)
    (first_raw / LATE_ARTICLE).unlink()
    shutil.copytree(RAW_DIR, second_raw)
    score_articles(raw_dir=first_raw, out_dir=out_dir, run_date=date(2026, 11, 26), config_dir=CONFIG_DIR)
    night_two = Path(score_articles(raw_dir=second_raw, out_dir=out_dir, run_date=date(2026, 11, 27), config_dir=CONFIG_DIR))

    ledger = pd.read_csv(night_two / "ledger.csv", keep_default_na=False)
    assert ledger.loc[ledger["state"] == "processed", "source_file"].tolist() == [LATE_ARTICLE]
    assert ledger["reason"].str.contains("already processed in the run of 2026-11-26").sum() == 15

    claims = claims_of(night_two)
    wire = claims[(claims["outlet"] == "Meridian Wire") & claims["content"].str.contains("40 workers were evacuated")].iloc[0]
    supporters = claims.set_index("claim_id").loc[wire["supporting_claim_ids"].split("; ")]
    assert "The Capital Ledger" in set(supporters["outlet"])

    history = pd.read_parquet(out_dir / "history" / "articles")
    assert history["article_id"].is_unique and len(history) == 16
    # Each stored article keeps its story terms, so later nights need not split its text again.
    stored_terms = history[corroboration.STORY_TERMS_COLUMN].tolist()
    assert stored_terms == corroboration.with_story_terms(history.drop(columns=corroboration.STORY_TERMS_COLUMN))[corroboration.STORY_TERMS_COLUMN].tolist()
    assert all(stored_terms)
    # A rerun of night two adds no rows and gives the same claims.
    rerun = Path(score_articles(raw_dir=second_raw, out_dir=out_dir, run_date=date(2026, 11, 27), config_dir=CONFIG_DIR))
    assert len(pd.read_parquet(out_dir / "history" / "articles")) == 16
    pd.testing.assert_frame_equal(claims_of(rerun), claims)


def test_concurrent_run_on_the_same_folder_stops_with_a_clear_message(prefect_server, tmp_path):
    """While one run holds the output folder, a second stops at once and says why."""
    out_dir = tmp_path / "processed"
    with io.run_lock(out_dir):
        with pytest.raises(io.RunLockedError, match="another credence run is using"):
            score_articles(raw_dir=RAW_DIR, out_dir=out_dir, config_dir=CONFIG_DIR, options=RunOptions(lock_wait_seconds=0))


def test_dask_runner_gives_the_same_claims_and_scores(sample_run, tmp_path):
    """A 2-worker local Dask cluster produces exactly the thread runner's claims and scores."""
    run_dir = score_articles(
        raw_dir=RAW_DIR, out_dir=tmp_path / "processed", run_date=date(2026, 11, 29), config_dir=CONFIG_DIR,
        task_runner="dask", options=RunOptions(dask_workers=2, batch_size=6),
    )
    pd.testing.assert_frame_equal(claims_of(run_dir), claims_of(sample_run[1]))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_nightly_deployment_runs_like_a_ui_run(tmp_path):
    """A real server, the prefect.yaml deployment on a process pool, a worker, and a parameterised run."""
    prefect = str(Path(os.sys.executable).parent / "prefect")
    port = _free_port()
    environment = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "CREDENCE_HOME": str(PROJECT_ROOT),
        "CREDENCE_TIMEZONE": "Europe/Berlin",
    }
    environment.pop("PREFECT_API_KEY", None)
    logs = tmp_path / "logs"
    logs.mkdir()
    server = subprocess.Popen([prefect, "server", "start", "--port", str(port)], env=environment, stdout=(logs / "server.log").open("w"), stderr=subprocess.STDOUT)
    worker = None
    try:
        deadline = time.monotonic() + 90
        while not _healthy(port):
            assert time.monotonic() < deadline, (logs / "server.log").read_text()[-2000:]
            time.sleep(1)

        def prefect_cli(*arguments: str) -> str:
            done = subprocess.run([prefect, "--no-prompt", *arguments], env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
            return done.stdout

        prefect_cli("work-pool", "create", "credence-process", "--type", "process", "--overwrite")
        prefect_cli("deploy", "--all")
        inspected = prefect_cli("deployment", "inspect", "score-articles/nightly")
        assert "0 2 * * *" in inspected and "Europe/Berlin" in inspected
        worker = subprocess.Popen([prefect, "worker", "start", "--pool", "credence-process"], env=environment, cwd=PROJECT_ROOT, stdout=(logs / "worker.log").open("w"), stderr=subprocess.STDOUT)
        out_dir = tmp_path / "processed"
        output = prefect_cli(
            "deployment", "run", "score-articles/nightly", "--watch", "--watch-timeout", "280",
            "--param", f"raw_dir={RAW_DIR}", "--param", f"out_dir={out_dir}", "--param", "run_date=2026-11-20",
        )
        assert "Completed" in output, output[-2000:] + (logs / "worker.log").read_text()[-3000:]
        report = (out_dir / "2026-11-20" / "report.md").read_text()
        assert "2026-11-20" in report and len(pd.read_parquet(out_dir / "2026-11-20" / "claims.parquet")) >= 40
    finally:
        for process in (worker, server):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def _healthy(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
