"""Faults never corrupt outputs: failed writes, failures between stages and a real kill -9."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from credence import io, scoring
from flows.score_articles import score_articles
from tests.conftest import CONFIG_DIR, PROJECT_ROOT, RAW_DIR, RUN_DATE

pytestmark = pytest.mark.slow
DATE = RUN_DATE.isoformat()


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def claims_of(run_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(run_dir / "claims.parquet").sort_values("claim_id").reset_index(drop=True)


def run(out_dir: Path) -> Path:
    return Path(score_articles(raw_dir=RAW_DIR, out_dir=out_dir, run_date=RUN_DATE, config_dir=CONFIG_DIR))


def test_full_disk_fails_clearly_and_keeps_previous_outputs(sample_run, tmp_path, monkeypatch):
    """A write failure fails the run with the file named; the previous run's folder is untouched."""
    out_dir = tmp_path / "processed"
    shutil.copytree(sample_run[1], out_dir / DATE)
    before = snapshot(out_dir / DATE)
    real_write_text = Path.write_text

    def disk_full(self: Path, *args: object, **kwargs: object) -> int:
        if ".report.html." in self.name:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", disk_full)
    with pytest.raises(io.OutputWriteError, match=r"could not write .*report\.html: No space left on device"):
        run(out_dir)
    monkeypatch.undo()
    assert snapshot(out_dir / DATE) == before
    assert visible(out_dir) == [DATE]


def test_failure_between_stages_then_rerun_equals_uninterrupted(sample_run, tmp_path, monkeypatch):
    """A stage that fails leaves no visible output; the rerun's claims equal an uninterrupted run's."""
    out_dir = tmp_path / "processed"

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected fault after corroboration")

    monkeypatch.setattr(scoring, "score_and_explain", broken)  # what the score stage calls
    with pytest.raises(RuntimeError, match="injected fault"):
        run(out_dir)
    monkeypatch.undo()
    assert visible(out_dir) == []
    pd.testing.assert_frame_equal(claims_of(run(out_dir)), claims_of(sample_run[1]))
    assert visible(out_dir) == [DATE, "history"]


def test_kill_9_mid_run_then_rerun_equals_uninterrupted(sample_run, tmp_path):
    """A real SIGKILL while the run is working leaves nothing visible; the rerun completes identically."""
    from prefect.settings import PREFECT_API_URL

    out_dir = tmp_path / "processed"
    environment = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    process = subprocess.Popen(
        [sys.executable, "-m", "credence.cli", "run", "--raw-dir", str(RAW_DIR), "--out-dir", str(out_dir), "--date", DATE],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    marker = out_dir / f".staging-{DATE}" / "_work" / "articles.parquet"
    deadline = time.monotonic() + 120
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the run never reached its first stage"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert visible(out_dir) == []
    pd.testing.assert_frame_equal(claims_of(run(out_dir)), claims_of(sample_run[1]))
    assert visible(out_dir) == [DATE, "history"] and not (out_dir / f".staging-{DATE}").exists()
