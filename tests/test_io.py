"""Reading Parquet column by column, and handing memory back between stages."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from credence import io, memory


def test_read_parquet_equals_pandas_with_one_chunk_per_column(tmp_path):
    """Column by column gives the frame pandas reads, with each text column joined into one array."""
    rows = 5000
    frame = pd.DataFrame(
        {
            "claim_id": [f"c-{i:05d}" for i in range(rows)],
            "score": np.linspace(0, 1, rows),
            "n_supporting_groups": np.arange(rows) % 7,
            "hedged": np.arange(rows) % 2 == 0,
            "explanation": ["why " * (i % 9) if i % 5 else None for i in range(rows)],
        }
    )
    path = tmp_path / "claims.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=700)  # read back in chunks
    read = io.read_parquet(path)
    pd.testing.assert_frame_equal(read, pd.read_parquet(path))
    assert read["explanation"].array._pa_array.num_chunks == 1
    assert io.read_parquet(path, columns=["score", "claim_id"]).columns.tolist() == ["score", "claim_id"]


def test_columns_written_beside_a_file_give_the_frame_written_whole(tmp_path, monkeypatch):
    """The base file's rows with the added columns beside them, row group by row group, read
    back as the frame written in one piece; a column of both is the added one's."""
    monkeypatch.setattr(io, "BESIDE_ROWS", 333)  # several row groups
    rows = 1000
    base = pd.DataFrame(
        {
            "claim_id": [f"c-{i:04d}" for i in range(rows)],
            "content": ["said " * (i % 7) if i % 4 else None for i in range(rows)],
            "published_at": pd.date_range("2026-11-01", periods=rows, freq="h", tz="UTC"),
            "score": np.zeros(rows),
        }
    )
    base_path = io.write_parquet(tmp_path / "base.parquet", base)
    added = pd.DataFrame({"score": np.linspace(0, 1, rows), "status": np.where(np.arange(rows) % 3, "corroborated", "contested"), "capped": np.arange(rows) % 2 == 0})
    order = ["claim_id", "score", "status", "content", "published_at", "capped"]
    written = io.write_parquet_beside(tmp_path / "scored.parquet", base_path, added, columns=order)
    expected = pd.concat([base.drop(columns="score"), added], axis=1)[order]
    pd.testing.assert_frame_equal(io.read_parquet(written), expected)
    assert pq.ParquetFile(written).metadata.num_row_groups == 4
    assert io.parquet_columns(io.write_parquet_beside(tmp_path / "default.parquet", base_path, added)) == ["claim_id", "content", "published_at", "score", "status", "capped"]
    # A computed column is made for each row group from its row positions.
    spans = []

    def labels(start, stop):
        spans.append((start, stop))
        return pa.array([f"row {position}" for position in range(start, stop)], type=pa.string())

    computed = io.write_parquet_beside(tmp_path / "computed.parquet", base_path, added, columns=["label", *order], computed={"label": labels})
    pd.testing.assert_frame_equal(io.read_parquet(computed), expected.assign(label=[f"row {i}" for i in range(rows)])[["label", *order]])
    assert spans == [(0, 0), (0, 333), (333, 666), (666, 999), (999, 1000)]
    with pytest.raises(ValueError, match="1000 rows"):
        io.write_parquet_beside(tmp_path / "short.parquet", base_path, added.head(10))
    assert not (tmp_path / "short.parquet").exists()


def test_a_stage_releases_memory_when_it_returns_and_when_it_fails(monkeypatch):
    released = []
    monkeypatch.setattr(memory, "release_memory", lambda: released.append(True))

    @memory.releases_memory
    def stage(value: int) -> int:
        """A stage."""
        if value < 0:
            raise ValueError("negative")
        return value * 2

    assert stage(4) == 8 and stage.__doc__ == "A stage."
    with pytest.raises(ValueError, match="negative"):
        stage(-1)
    assert released == [True, True]


def test_release_memory_trims_the_c_heap_on_linux():
    memory.release_memory()
    if sys.platform.startswith("linux"):
        assert memory._malloc_trim() is not None


@pytest.mark.parametrize(("chosen", "backend"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_arrow_uses_the_c_heap_unless_told_otherwise(chosen, backend):
    """Importing credence puts Arrow's buffers on the C heap (whose freed pages are handed back),
    in this process and in the ones it starts, unless ARROW_DEFAULT_MEMORY_POOL says otherwise."""
    import os
    import subprocess

    environment = {name: value for name, value in os.environ.items() if name != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        environment["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    script = (
        "import pyarrow, credence, subprocess, sys; print(pyarrow.default_memory_pool().backend_name);"
        "print(subprocess.run([sys.executable, '-c', 'import pyarrow; print(pyarrow.default_memory_pool().backend_name)'],"
        " capture_output=True, text=True, check=True).stdout.strip())"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=environment)
    assert run.stdout.split() == [backend, backend]
