"""Registry maintenance commands: import published outlet ratings, merge curated sources.

`credence sources import-ratings` turns any CSV of domain ratings (for example the aggregate
`pc1` of Lin et al. 2023) into outlet priors in [0, 1], one row per domain with its
provenance (file, column, date), written to the user's own file (by default
`config/outlet_ratings.csv`, the registry's `ratings_file`; it is generated, never committed).

`credence sources merge-discovered` reads a curated copy of a run's `sources_discovered.csv`
and adds its `add` rows as new registry entries and its `alias` rows as aliases of existing
ones. The registry file is edited as text, so its comments and layout survive; the result is
re-read and validated before it replaces the file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import yaml
from pydantic import ValidationError

from credence import io
from credence.config import OUTLET_RATING_COLUMNS, ConfigError, SourceEntry, SourceRegistry, load_yaml

_HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")


class RatingsError(ValueError):
    """A ratings CSV cannot be imported; the message names the file, the row and the value."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import read and wrote."""

    rows: int
    written: int
    skipped_empty: int
    skipped_bad_domain: int
    duplicates: int


def normalise_domain(value: str) -> str:
    """A host name from a domain cell: lower case, no scheme, path, port or "www." ("" if none)."""
    text = value.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text).split("/")[0].split(":")[0].strip(".")
    text = text.removeprefix("www.")
    return text if _HOST.fullmatch(text) else ""


def rescale(score: float, low: float, high: float) -> float:
    """A score on the scale [low, high] mapped to [0, 1]."""
    return (score - low) / (high - low)


def ratings_table(
    raw: pd.DataFrame, *, domain_column: str, score_column: str, scale: tuple[float, float], source_file: str, imported_on: str, where: str
) -> tuple[pd.DataFrame, ImportSummary]:
    """Outlet priors from a frame of domain ratings: one row per domain, first one wins."""
    for column in (domain_column, score_column):
        if column not in raw.columns:
            raise RatingsError(f"{where}: no column {column!r}; the columns are {', '.join(map(str, raw.columns))}")
    low, high = scale
    if not high > low:
        raise RatingsError(f"--scale {low:g} {high:g}: the maximum must be above the minimum")
    rows: dict[str, dict[str, object]] = {}
    from_path: set[str] = set()  # domains rated only through a section ("aol.com/news") so far
    empty = bad_domain = duplicates = 0
    for line, (domain_cell, score_cell) in enumerate(zip(raw[domain_column], raw[score_column], strict=True), start=2):
        score_text = str(score_cell).strip()
        if score_text == "" or score_text.lower() in ("na", "nan", "null", "none"):
            empty += 1
            continue
        try:
            score = float(score_text)
        except ValueError:
            raise RatingsError(f"{where}: line {line} column {score_column!r}: {score_text!r} is not a number") from None
        if not math.isfinite(score) or not low <= score <= high:
            raise RatingsError(
                f"{where}: line {line} column {score_column!r}: {score_text} is outside the scale [{low:g}, {high:g}]; "
                "declare the file's scale with --scale MIN MAX"
            )
        domain = normalise_domain(str(domain_cell))
        if not domain:
            bad_domain += 1
            continue
        section = "/" in str(domain_cell).strip().split("://")[-1].rstrip("/")
        if domain in rows:
            duplicates += 1
            # The rating of the whole domain beats that of one of its sections; else first wins.
            if section or domain not in from_path:
                continue
            from_path.discard(domain)
        elif section:
            from_path.add(domain)
        rows[domain] = {"domain": domain, "prior": round(rescale(score, low, high), 6), "raw_score": score,
                        "source_file": source_file, "source_column": score_column, "imported_on": imported_on}
    table = pd.DataFrame(list(rows.values()), columns=OUTLET_RATING_COLUMNS)
    return table, ImportSummary(len(raw), len(table), empty, bad_domain, duplicates)


def _sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _registry_path(config_dir: Path) -> Path:
    """The registry file of a config folder."""
    return Path(config_dir) / "sources.yaml"


def default_ratings_path(config_dir: Path) -> Path:
    """Where the registry says imported ratings live (its `ratings_file`, relative to config_dir)."""
    raw = load_yaml(_registry_path(config_dir))
    name = raw.get("ratings_file", "outlet_ratings.csv") if isinstance(raw, dict) else "outlet_ratings.csv"
    return Path(config_dir) / str(name)


def import_ratings(
    csv_path: Path,
    out_path: Path,
    *,
    domain_column: str,
    score_column: str,
    scale: tuple[float, float] = (0.0, 1.0),
    imported_on: str | None = None,
) -> ImportSummary:
    """Read a CSV of domain ratings and write the outlet-ratings file the registry reads."""
    try:
        raw = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise RatingsError(f"{csv_path}: cannot be read as CSV: {error}") from None
    # The file name and its checksum identify the ratings a prior came from.
    source = f"{csv_path.name} (sha256 {_sha256(csv_path)[:12]})"
    table, summary = ratings_table(
        raw, domain_column=domain_column, score_column=score_column, scale=scale, source_file=source,
        imported_on=imported_on or datetime.now(UTC).date().isoformat(), where=str(csv_path),
    )
    if table.empty:
        raise RatingsError(
            f"{csv_path}: no usable rating (rows {summary.rows}, empty scores {summary.skipped_empty}, "
            f"bad domains {summary.skipped_bad_domain})"
        )
    io.write_csv(out_path, table)
    return summary


def add_arguments_import_ratings(parser: argparse.ArgumentParser) -> None:
    """Arguments of `credence sources import-ratings`."""
    parser.add_argument("--csv", type=Path, required=True, help="CSV of domain ratings, e.g. ../shared/data/domain_ratings/domain_pc1.csv")
    parser.add_argument("--domain-column", default="domain", help="column holding the domain (default: domain)")
    parser.add_argument("--score-column", default="pc1", help="column holding the rating (default: pc1)")
    parser.add_argument("--scale", type=float, nargs=2, metavar=("MIN", "MAX"), default=(0.0, 1.0),
                        help="the rating's scale, mapped to [0, 1] (default: 0 1)")
    parser.add_argument("--config-dir", type=Path, default=io.DEFAULT_CONFIG_DIR, help="folder of sources.yaml (default: config)")
    parser.add_argument("--out", type=Path, default=None, help="file to write (default: the registry's ratings_file in --config-dir)")
    parser.add_argument("--date", type=date.fromisoformat, default=None, help="import date recorded as provenance (default: today, UTC)")


def run_import_ratings(arguments: argparse.Namespace) -> int:
    """Run `credence sources import-ratings`; 0 on success, 2 on a bad input."""
    try:
        out_path = arguments.out or default_ratings_path(arguments.config_dir)
        summary = import_ratings(
            arguments.csv, out_path, domain_column=arguments.domain_column, score_column=arguments.score_column,
            scale=tuple(arguments.scale), imported_on=arguments.date.isoformat() if arguments.date else None,
        )
    except (RatingsError, ConfigError) as error:
        print(f"import-ratings: {error}", file=sys.stderr)
        return 2
    print(
        f"Wrote {summary.written} outlet priors to {out_path} from {summary.rows} rows of {arguments.csv} "
        f"(column {arguments.score_column}; skipped {summary.skipped_empty} empty scores, "
        f"{summary.skipped_bad_domain} unusable domains, {summary.duplicates} repeated domains)"
    )
    return 0


# --- merge-discovered ---------------------------------------------------------------------

_LIST_FIELDS = ("affiliations", "interested_in", "aliases", "domains", "demonyms")
_TEXT_FIELDS = ("name", "type", "country", "role", "organisation")


def _cell(value: object) -> str:
    """A curated cell as text, without the apostrophe io.write_csv puts before formula starters."""
    text = str(value).strip()
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@" else text


def _split(cell: object) -> list[str]:
    """A ";"-separated list cell as a list."""
    return [part.strip() for part in _cell(cell).split(";") if part.strip()]


def curated_changes(curated: pd.DataFrame, registry: SourceRegistry, *, where: str) -> tuple[list[SourceEntry], dict[str, list[str]]]:
    """New entries (decision `add`) and aliases per existing id (decision `alias`) from curated rows."""
    if "decision" not in curated.columns:
        raise RatingsError(f"{where}: no 'decision' column; mark rows 'add', 'alias' or leave them empty")
    known = {entry.id: entry for entry in registry.sources}
    added: list[SourceEntry] = []
    aliases: dict[str, list[str]] = {}
    for line, row in enumerate(curated.to_dict("records"), start=2):
        decision = _cell(row.get("decision", "")).lower()
        if decision in ("", "ignore", "skip"):
            continue
        names = _split(row.get("aliases", ""))
        if decision == "alias":
            target = _cell(row.get("alias_of", ""))
            if target not in known:
                raise RatingsError(f"{where}: line {line}: alias_of {target!r} is not a registered id")
            aliases.setdefault(target, [])
            aliases[target] += [n for n in names if n not in known[target].aliases and n not in aliases[target]]
            continue
        if decision != "add":
            raise RatingsError(f"{where}: line {line}: decision {decision!r} must be add, alias, ignore or empty")
        fields: dict[str, object] = {"id": _cell(row.get("id", ""))}
        fields.update({name: _cell(row[name]) for name in (*_TEXT_FIELDS, "prior", "strength") if _cell(row.get(name, ""))})
        fields.update({name: _split(row[name]) for name in _LIST_FIELDS if _cell(row.get(name, ""))})
        try:
            added.append(SourceEntry.model_validate(fields))
        except ValidationError as error:
            problems = "; ".join(f"field {'.'.join(map(str, p['loc']))}: {p['msg']} (found {p.get('input')!r})" for p in error.errors())
            raise RatingsError(f"{where}: line {line} (id {fields['id']!r}): {problems}") from None
    return added, aliases


def _entry_yaml(entry: SourceEntry) -> str:
    """One registry entry as YAML list-item text, indented under `sources:`."""
    data = entry.model_dump(exclude_defaults=True)
    data = {"id": data.pop("id"), "name": data.pop("name"), "type": data.pop("type"), **data}
    text = yaml.safe_dump([data], sort_keys=False, allow_unicode=True, width=100)
    return "".join("  " + line if line.strip() else line for line in text.splitlines(keepends=True))


def _add_aliases_to_text(text: str, entry_id: str, new: list[str]) -> str:
    """The registry text with aliases appended to one entry's `aliases:` (flow or block style)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.fullmatch(rf"\s*- id: ['\"]?{re.escape(entry_id)}['\"]?\s*", line)), None)
    if start is None:
        raise RatingsError(f"cannot find the entry {entry_id!r} as a '- id: {entry_id}' line in the registry")
    indent = len(lines[start]) - len(lines[start].lstrip()) + 2
    # The entry ends at the first non-blank line indented less than its keys.
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) < indent), len(lines)
    )
    quoted = [json.dumps(alias, ensure_ascii=False) for alias in new]
    for i in range(start + 1, end):
        stripped = lines[i].strip()
        if not stripped.startswith("aliases:"):
            continue
        if "[" in stripped:
            # Flow style, possibly over several lines: insert before the closing bracket.
            for j in range(i, end):
                if "]" in lines[j]:
                    flow = "".join(lines[i : j + 1])
                    separator = ", " if flow[flow.index("[") + 1 : flow.rindex("]")].strip() else ""
                    head, tail = lines[j].rsplit("]", 1)
                    lines[j] = f"{head}{separator}{', '.join(quoted)}]{tail}"
                    return "".join(lines)
            break
        last = i
        while last + 1 < end and lines[last + 1].lstrip().startswith("- "):
            last += 1
        item_indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())] if last > i else " " * (indent + 2)
        lines[last + 1 : last + 1] = [f"{item_indent}- {q}\n" for q in quoted]
        return "".join(lines)
    lines[start + 1 : start + 1] = [" " * indent + f"aliases: [{', '.join(quoted)}]\n"]
    return "".join(lines)


def merge_into_registry(text: str, added: list[SourceEntry], aliases: dict[str, list[str]], *, today: str) -> str:
    """The registry text with new entries appended and aliases added; checked by re-reading it."""
    before = SourceRegistry.model_validate(yaml.safe_load(text))
    for entry_id, new in aliases.items():
        if new:
            text = _add_aliases_to_text(text, entry_id, new)
    if added:
        text = text.rstrip("\n") + f"\n  # --- Merged from sources_discovered.csv on {today} ---\n" + "".join(_entry_yaml(e) for e in added)
    try:
        after = SourceRegistry.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as error:
        raise RatingsError(f"the merged registry would be invalid: {error}") from None
    # The edit is textual, so check that it changed exactly what was asked and nothing else.
    expected = [
        entry.model_copy(update={"aliases": [*entry.aliases, *aliases.get(entry.id, [])]}) for entry in before.sources
    ] + added
    if after.model_dump()["sources"] != [entry.model_dump() for entry in expected]:
        raise RatingsError("the registry could not be edited safely (is `sources:` the last top-level key?); nothing was written")
    return text


def add_arguments_merge_discovered(parser: argparse.ArgumentParser) -> None:
    """Arguments of `credence sources merge-discovered`."""
    parser.add_argument("--csv", type=Path, required=True, help="a curated sources_discovered.csv (decision column: add, alias or empty)")
    parser.add_argument("--config-dir", type=Path, default=io.DEFAULT_CONFIG_DIR, help="folder of sources.yaml (default: config)")
    parser.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")


def run_merge_discovered(arguments: argparse.Namespace) -> int:
    """Run `credence sources merge-discovered`; 0 on success, 2 on a bad input."""
    registry_path = _registry_path(arguments.config_dir)
    try:
        text = registry_path.read_text(encoding="utf-8")
        curated = pd.read_csv(arguments.csv, dtype=str, keep_default_na=False)
        registry = SourceRegistry.model_validate(yaml.safe_load(text))
        added, aliases = curated_changes(curated, registry, where=str(arguments.csv))
        merged = merge_into_registry(text, added, aliases, today=datetime.now(UTC).date().isoformat())
    except (OSError, RatingsError, ConfigError, yaml.YAMLError, ValidationError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        print(f"merge-discovered: {error}", file=sys.stderr)
        return 2
    alias_count = sum(len(new) for new in aliases.values())
    summary = f"{len(added)} new sources, {alias_count} new aliases of {sum(1 for new in aliases.values() if new)} sources"
    if arguments.dry_run:
        print(f"Would add {summary} to {registry_path}")
        return 0
    if merged != text:
        io.write_text(registry_path, merged)
    print(f"Added {summary} to {registry_path}")
    return 0
