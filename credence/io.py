"""File input and output: the only module of credence/ that writes files.

Every output is written under a temporary name in the same folder, flushed to disk, then
renamed over its final name, so that a reader (or a crashed run) never sees a half-written
file. A run's folder is staged as a whole and swapped in at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW_DIR = PROJECT_ROOT / "data" / "raw"
DEFAULT_OUT_DIR = PROJECT_ROOT / "data" / "processed"
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"

# A spreadsheet evaluates a cell that starts with one of these; a leading apostrophe makes
# it text (OWASP's advice for CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@contextmanager
def _atomic_path(path: Path) -> Iterator[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        yield temporary_path
        with temporary_path.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary_path, path)
    finally:
        temporary_path.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> Path:
    """Write text atomically (UTF-8)."""
    with _atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


def write_parquet(path: Path, frame: pd.DataFrame) -> Path:
    """Write a frame as Parquet, atomically."""
    with _atomic_path(path) as temporary:
        frame.to_parquet(temporary, index=False)
    return path


def read_parquet(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path)


def neutralise_cell(value: object) -> object:
    """Make a text cell inert in a spreadsheet: prefix formula starters with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """Write a frame as CSV with every text cell neutralised against formula injection."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    with _atomic_path(path) as temporary:
        safe.to_csv(temporary, index=False)
    return path


def staging_dir(out_dir: Path, run_name: str) -> Path:
    """A fresh, hidden folder beside the final run folder, where a run writes everything first."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".staging-{run_name}"
    if staging.exists():
        # Left by a run that was killed: nothing in it was ever published.
        shutil.rmtree(staging)
    staging.mkdir()
    return staging


def remove_tree(path: Path) -> None:
    """Delete a folder of intermediate files, if it exists."""
    shutil.rmtree(path, ignore_errors=True)


def publish_run(staging: Path, final: Path) -> Path:
    """Swap a fully written staging folder in as the run's folder, replacing an earlier run.

    Between the two renames a crash leaves the earlier run under a hidden ``.previous-`` name
    and the new one complete under its staging name; nothing half-written is ever visible.
    """
    previous = final.parent / f".previous-{final.name}"
    if previous.exists():
        shutil.rmtree(previous)
    if final.exists():
        os.replace(final, previous)
    os.replace(staging, final)
    if previous.exists():
        shutil.rmtree(previous)
    return final
