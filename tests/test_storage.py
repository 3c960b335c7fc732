"""Folders named by fsspec URLs: mirrored safely, uploaded with a marker last, and the flow end to end."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import fsspec
import pandas as pd
import pytest

from credence import storage
from tests.conftest import CONFIG_DIR, RAW_DIR, RUN_DATE


@pytest.fixture
def bucket() -> str:
    """A fresh in-memory "bucket" (fsspec's memory filesystem, shared by the whole process)."""
    return f"memory://credence-test-{uuid.uuid4().hex[:8]}"


def put(url: str, text: str) -> None:
    with fsspec.open(url, "w") as handle:
        handle.write(text)


def read(url: str) -> str:
    with fsspec.open(url, "r") as handle:
        return handle.read()


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/passwd", "a/../../b", "a\\..\\b", ""])
def test_names_that_leave_the_folder_are_refused(name):
    with pytest.raises(storage.StorageError, match="would leave its folder"):
        storage.safe_relative(name)


def test_a_remote_object_with_a_hostile_name_stops_the_pull(tmp_path):
    """An object store listing "../x" never becomes a local path outside the mirror."""

    class HostileStore:
        def exists(self, path: str) -> bool:
            return True

        def find(self, path: str, detail: bool = False) -> dict[str, dict[str, object]]:
            return {"bucket/raw/../../escape.txt": {"size": 3}}

    with pytest.raises(storage.StorageError, match="escape.txt"):
        storage._remote_files(HostileStore(), "bucket/raw")  # type: ignore[arg-type]
    assert not (tmp_path.parent / "escape.txt").exists()


def test_the_run_command_keeps_urls_whole():
    """`credence run --raw-dir s3://...` reaches the flow as the URL (a Path would make it s3:/...)."""
    from credence import cli

    arguments = cli.build_parser().parse_args(["run", "--raw-dir", "s3://bucket/raw", "--out-dir", "memory://out"])
    assert (arguments.raw_dir, arguments.out_dir) == ("s3://bucket/raw", "memory://out")


def test_local_paths_are_not_urls():
    assert storage.is_url("s3://bucket/raw") and storage.is_url("file:///tmp/raw")
    assert not storage.is_url("data/raw") and not storage.is_url(Path("/tmp/raw"))


def test_pull_mirrors_and_push_uploads_only_changes_with_the_marker_last(bucket, tmp_path):
    put(f"{bucket}/history/a.txt", "old history")
    put(f"{bucket}/2026-11-28/report.md", "yesterday")
    put(f"{bucket}/.cache/secret", "machine-local")
    local = tmp_path / "mirror"
    before = storage.pull(bucket, local)
    assert (local / "history" / "a.txt").read_text() == "old history"
    assert not (local / ".cache").exists()  # hidden top-level entries stay on their machine

    (local / "2026-11-29").mkdir()
    (local / "2026-11-29" / "report.md").write_text("tonight")
    (local / "history" / "a.txt").unlink()
    (local / ".staging-2026-11-29").mkdir()
    (local / ".staging-2026-11-29" / "x").write_text("never uploaded")
    uploaded = storage.push(local, bucket, before)

    assert uploaded == ["2026-11-29/report.md"]
    fs = fsspec.filesystem("memory")
    assert read(f"{bucket}/2026-11-29/report.md") == "tonight"
    assert json.loads(read(f"{bucket}/2026-11-29/_SUCCESS")) == {"files": ["report.md"]}
    assert not fs.exists(f"{bucket}/history/a.txt")
    assert not fs.exists(f"{bucket}/.staging-2026-11-29/x")
    assert read(f"{bucket}/2026-11-28/report.md") == "yesterday"


def test_a_second_pull_downloads_only_what_changed(bucket, tmp_path, monkeypatch):
    put(f"{bucket}/a.txt", "one")
    put(f"{bucket}/b.txt", "two")
    local = tmp_path / "mirror"
    storage.pull(bucket, local)
    put(f"{bucket}/b.txt", "TWO")
    fs = fsspec.filesystem("memory")
    fetched: list[str] = []
    real_get = type(fs).get_file

    def counting_get(self, remote, local_path, *args, **kwargs):  # type: ignore[no-untyped-def]
        fetched.append(remote.rsplit("/", 1)[-1])
        return real_get(self, remote, local_path, *args, **kwargs)

    monkeypatch.setattr(type(fs), "get_file", counting_get)
    fs.rm_file(f"{bucket}/a.txt")
    storage.pull(bucket, local)
    assert fetched == ["b.txt"]
    assert (local / "b.txt").read_text() == "TWO" and not (local / "a.txt").exists()


@pytest.mark.slow
def test_flow_reads_and_writes_fsspec_urls(prefect_server, sample_run, bucket, tmp_path, monkeypatch):
    """Raw articles in a bucket, outputs to a bucket: the same claims as a local run, each run folder marked."""
    from flows.score_articles import score_articles

    monkeypatch.setenv("CREDENCE_MIRROR_DIR", str(tmp_path / "mirrors"))
    fs = fsspec.filesystem("memory")
    for path in sorted(RAW_DIR.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            fs.pipe_file(f"{bucket}/raw/{path.relative_to(RAW_DIR).as_posix()}", path.read_bytes())

    run_url = score_articles(raw_dir=f"{bucket}/raw", out_dir=f"{bucket}/out", run_date=RUN_DATE, config_dir=CONFIG_DIR, window_days=7)

    assert run_url == f"{bucket}/out/{RUN_DATE.isoformat()}"
    manifest = json.loads(read(f"{run_url}/_SUCCESS"))
    assert {"claims.parquet", "report.html", "ledger.csv"} <= set(manifest["files"])
    with fsspec.open(f"{run_url}/claims.parquet", "rb") as handle:
        remote_claims = pd.read_parquet(handle)
    local_claims = pd.read_parquet(sample_run[1] / "claims.parquet")
    columns = ["claim_id", "source_id", "content", "score", "status"]
    pd.testing.assert_frame_equal(
        remote_claims[columns].sort_values("claim_id").reset_index(drop=True), local_claims[columns].sort_values("claim_id").reset_index(drop=True)
    )
    assert fs.exists(f"{bucket}/out/history/articles/run_date={RUN_DATE.isoformat()}/part.parquet")
