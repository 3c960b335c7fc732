"""File input and output: the only module of credence/ that writes files.

Every output is written under a temporary name in the same folder, flushed to disk, then
renamed over its final name, so that a reader (or a crashed run) never sees a half-written
file. A run's folder is staged as a whole and swapped in at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from credence.memory import release_memory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW_DIR = PROJECT_ROOT / "data" / "raw"
DEFAULT_OUT_DIR = PROJECT_ROOT / "data" / "processed"
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"

# A spreadsheet evaluates a cell that starts with one of these; a leading apostrophe makes
# it text (OWASP's advice for CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = r"^[=+\-@\t\r]"


class OutputWriteError(OSError):
    """An output could not be written; earlier outputs under that name are untouched."""


@contextmanager
def _atomic_path(path: Path) -> Iterator[Path]:
    temporary_path: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(handle)
        temporary_path = Path(temporary)
        yield temporary_path
        with temporary_path.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary_path, path)
    except OSError as error:
        if isinstance(error, OutputWriteError):
            raise
        raise OutputWriteError(
            error.errno, f"could not write {path}: {error.strerror or error}; earlier outputs were left as they were"
        ) from error
    finally:
        if temporary_path is not None:
            temporary_path.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> Path:
    """Write text atomically (UTF-8)."""
    with _atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


def write_chunks(path: Path, chunks: Iterable[bytes]) -> Path:
    """Write byte chunks one after another, atomically: a large export never sits whole in memory."""
    with _atomic_path(path) as temporary, temporary.open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return path


# Row groups of this many rows let a reader stream a file (parquet_batches) or take a few
# rows by key (read_rows) while decoding one group at a time, not the whole file.
PARQUET_ROW_GROUP = 65_536


def write_parquet(path: Path, frame: pd.DataFrame) -> Path:
    """Write a frame as Parquet, atomically."""
    with _atomic_path(path) as temporary:
        frame.to_parquet(temporary, index=False, row_group_size=PARQUET_ROW_GROUP)
    return path


# Rows write_parquet_beside takes at a time (its files' row groups): a group of a wide claims
# table with its computed columns is what the writing stage holds (a 10,000-article night's
# score stage peaked at 764 MB with groups of 20,000 rows, 961 MB with 65,536).
BESIDE_ROWS = 20_000


def write_parquet_beside(
    path: Path,
    base_path: Path,
    extra: pd.DataFrame,
    columns: list[str] | None = None,
    computed: Mapping[str, Callable[[int, int], pa.Array]] | None = None,
) -> Path:
    """Write, atomically, the rows of the Parquet file ``base_path`` with ``extra``'s columns
    beside them (its row i beside the file's row i; a column of both is extra's), in the order
    ``columns`` (default: the file's, then extra's, then computed's). The file is read a row
    group at a time, so a stage that adds a few columns to a wide table never holds the table.
    ``computed`` columns are made for each row group as it is written: name -> function of the
    group's first and end row positions. Groups are BESIDE_ROWS rows."""
    base = pq.ParquetFile(base_path)
    if base.metadata.num_rows != len(extra):
        raise ValueError(f"{base_path} has {base.metadata.num_rows} rows, the columns to add beside them {len(extra)}")
    computed = computed or {}
    added = pa.Table.from_pandas(extra, preserve_index=False)
    names = columns or list(dict.fromkeys([*base.schema_arrow.names, *added.column_names, *computed]))
    fields = {field.name: field for field in [*base.schema_arrow, *added.schema]}
    fields.update({name: pa.field(name, function(0, 0).type) for name, function in computed.items()})
    schema = pa.schema([fields[name] for name in names])
    with _atomic_path(path) as temporary, pq.ParquetWriter(temporary, schema) as writer:
        start = 0
        for batch in base.iter_batches(batch_size=BESIDE_ROWS):
            stop = start + batch.num_rows
            part = added.slice(start, batch.num_rows)
            arrays = {
                **dict(zip(batch.schema.names, batch.columns, strict=True)),
                **dict(zip(part.column_names, part.columns, strict=True)),
                **{name: function(start, stop) for name, function in computed.items()},
            }
            writer.write_table(pa.Table.from_arrays([arrays[name] for name in names], schema=schema))
            start = stop
            del batch, part, arrays
            release_memory()  # the group's buffers go back to the OS: the heap grew by a group at each one without
    return path


def copy_file(source: Path, path: Path) -> Path:
    """Copy a file, atomically (a table already written by a stage need not be encoded again)."""
    with _atomic_path(path) as temporary:
        shutil.copyfile(source, temporary)
    return path


def parquet_columns(path: Path) -> list[str]:
    """The column names of a Parquet file, from its footer."""
    return list(pq.ParquetFile(path).schema_arrow.names)


def parquet_batches(path: Path, rows: int = 20_000, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
    """A Parquet file's rows as frames of at most ``rows`` rows, read one at a time."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=rows, columns=columns):
        yield batch.to_pandas()


def read_rows(path: Path, key: str, values: Iterable[str], columns: list[str]) -> pd.DataFrame:
    """The rows of a Parquet file whose ``key`` is one of ``values``: the key and ``columns``."""
    wanted = list(dict.fromkeys(values))
    if not wanted:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in [key, *columns]})
    return pq.read_table(path, columns=[key, *columns], filters=[(key, "in", wanted)]).to_pandas()


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A Parquet file as a frame whose Arrow-backed columns are each one contiguous array.

    The reader hands large columns over in chunks, and Arrow's take (pandas' .loc, .iloc,
    sort) on a chunked column first joins the chunks: 30 ms for a few rows of a night's
    explanations instead of 0.03 ms. The reports take rows many times, so join them once here.

    Columns are read one at a time: decoding needs scratch memory of about the size of what it
    decodes, so the peak is the frame plus one column rather than about twice the frame (a
    10,000-article night's claims, 360 MB as a frame: 691 MB at the peak instead of 956 MB).
    """
    parquet = pq.ParquetFile(path)
    names = parquet.schema_arrow.names if columns is None else columns
    frame_columns = {name: parquet.read(columns=[name]).combine_chunks().to_pandas(self_destruct=True)[name] for name in names}
    return pd.DataFrame(frame_columns, copy=False)


def neutralise_cell(value: object) -> object:
    """Make a text cell inert in a spreadsheet: prefix formula starters with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _neutralised_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """neutralise_cell over an Arrow text column, in Arrow."""
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    formula = pc.fill_null(pc.match_substring_regex(column, _FORMULA_START), False)
    if not pc.any(formula).as_py():  # most columns: kept as they are, not copied
        return column
    quote, nothing = pa.scalar("'", column.type), pa.scalar("", column.type)
    return pc.if_else(formula, pc.binary_join_element_wise(quote, column, nothing), column)


def _arrow_table(frame: pd.DataFrame) -> pa.Table | None:
    """The frame as an Arrow table of flat columns; None when a column is nested or mixed."""
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    if any(pa.types.is_nested(field.type) or pa.types.is_binary(field.type) for field in table.schema):
        return None
    return table.replace_schema_metadata(None)


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """Write a frame as CSV with every text cell neutralised against formula injection.

    Arrow's C++ writer does it when every column is flat (ten times pandas' speed on a
    night's claims, whose relation lists make cells of kilobytes); it quotes every text cell.
    """
    table = _arrow_table(frame)
    with _atomic_path(path) as temporary:
        if table is not None:
            pa_csv.write_csv(_neutralised_table(table), temporary, pa_csv.WriteOptions(quoting_style="needed"))
        else:
            _safe_frame(frame).to_csv(temporary, index=False)
    return path


def write_csv_from_parquet(path: Path, parquet_path: Path, rows: int = 20_000) -> Path:
    """write_csv of a Parquet file's table, converted ``rows`` rows at a time (never whole in memory)."""
    parquet = pq.ParquetFile(parquet_path)
    schema = parquet.schema_arrow.remove_metadata()
    if any(pa.types.is_nested(field.type) or pa.types.is_binary(field.type) for field in schema):
        return write_csv(path, read_parquet(parquet_path))
    with _atomic_path(path) as temporary, pa_csv.CSVWriter(str(temporary), schema, write_options=pa_csv.WriteOptions(quoting_style="needed")) as writer:
        for batch in parquet.iter_batches(batch_size=rows):
            writer.write_table(_neutralised_table(pa.Table.from_batches([batch]).replace_schema_metadata(None)))
    return path


def _neutralised_table(table: pa.Table) -> pa.Table:
    return pa.table([_neutralised_column(column) for column in table.columns], names=table.column_names)


def _safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with neutralise_cell applied to every text column's cells."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = pd.Series([neutralise_cell(value) for value in safe[column].tolist()], index=safe.index, dtype=object)
    return safe


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


def remove_unused_files(folder: Path, pattern: str, *, days: float, now: float | None = None) -> list[Path]:
    """Delete the files of a folder matching ``pattern`` not modified for ``days`` days; return them."""
    cutoff = (time.time() if now is None else now) - days * 86_400
    removed = []
    for path in sorted(folder.glob(pattern)) if folder.is_dir() else []:
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # gone already, or not ours to delete: the next night tries again
    return removed


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


class RunLockedError(RuntimeError):
    """Another run holds the lock of this output folder."""


@contextmanager
def run_lock(out_dir: Path, *, wait_seconds: float = 0.0) -> Iterator[Path]:
    """Hold an exclusive lock on ``out_dir`` for one run; a second run waits or stops clearly.

    The lock is an OS file lock (flock): it is released when the holding process exits, even
    by kill -9, so a crashed run never leaves a stale lock behind.
    """
    import fcntl
    import time

    out_dir.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir / ".run.lock"
    with lock_path.open("a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown process"
                    raise RunLockedError(
                        f"another credence run is using {out_dir} ({holder}); wait for it to finish, "
                        "or raise the lock wait, and run again"
                    ) from None
                time.sleep(0.5)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S%z')}")
        handle.flush()
        try:
            yield lock_path
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------- history

HISTORY_TABLES = ("articles", "claims", "source_reliability")


def history_partition(out_dir: Path, table: str, run_date: str) -> Path:
    """Folder of one run's rows of a history table, Hive-style so pandas and DuckDB read the whole table."""
    return out_dir / "history" / table / f"run_date={run_date}"


def read_history(
    out_dir: Path, table: str, *, before: str, since: str = "0000-00-00", columns: list[str] | None = None, article_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Rows of a history table from runs dated in [since, before), with their ``run_date``;
    with ``article_ids``, only those articles' rows (filtered as Parquet is read)."""
    root = out_dir / "history" / table
    wanted = None if article_ids is None else sorted(set(article_ids))
    frames = []
    if root.exists():
        for partition in sorted(root.glob("run_date=*")):
            run_date = partition.name.split("=", 1)[1]
            part = partition / "part.parquet"
            if since <= run_date < before and part.exists():
                if wanted is not None and not wanted:  # nothing to read, but the table's columns
                    frame = pq.read_schema(part).empty_table().to_pandas()
                    frame = frame[columns] if columns else frame
                else:
                    frame = pd.read_parquet(part, columns=columns, filters=None if wanted is None else [("article_id", "in", wanted)])
                frame["run_date"] = run_date
                frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*(columns or []), "run_date"])


def write_history(out_dir: Path, table: str, run_date: str, frame: pd.DataFrame) -> Path:
    """Replace one run's partition of a history table atomically (a rerun never duplicates rows)."""
    return write_parquet(history_partition(out_dir, table, run_date) / "part.parquet", frame)
