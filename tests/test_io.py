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
