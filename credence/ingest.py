"""Read a raw folder into normalised Articles and a ledger that accounts for every input.

Formats: JSON Lines, JSON (one object or a list), CSV, plain text with optional header lines,
and HTML (main text by trafilatura). Every file, and every record of a multi-record file,
ends in exactly one ledger state: processed, duplicate or quarantined with a readable reason.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import charset_normalizer

from credence.models import Article, LedgerEntry

SUPPORTED_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".txt", ".html", ".htm")

# Field synonyms seen in exports, in order of preference.
TEXT_FIELDS = ("text", "body", "content", "article", "article_text", "articleBody", "story")
TITLE_FIELDS = ("title", "headline", "heading")
OUTLET_FIELDS = ("outlet", "publisher", "source", "site_name", "sitename", "site", "publication")
URL_FIELDS = ("url", "link", "href", "permalink")
ID_FIELDS = ("id", "article_id", "guid", "uid", "uuid")
DATE_FIELDS = ("published_at", "published", "publication_date", "date", "pubdate", "datetime", "timestamp")

TEXT_HEADER_KEYS = {"title": "title", "outlet": "outlet", "url": "url", "published": "published_at"}

DEFAULT_MIN_WORDS = 5
DEFAULT_MAX_CHARS = 200_000
# English prose is 40-60% function words; French, German, Spanish or Dutch news reads at
# 0-8% against the English list (measured on parallel sentences). Below 20 words the share
# is too noisy to judge, so short texts are taken as English.
ENGLISH_FUNCTION_WORD_SHARE = 0.15
LANGUAGE_MIN_WORDS = 20


NonEnglishPolicy = Literal["quarantine", "process"]


class RecordError(ValueError):
    """A record or file cannot become an Article; the message is the ledger's reason."""


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    """A record turned into article fields, before duplicate detection."""

    record: str
    fields: dict[str, str]
    note: str = ""
    record_id: str = ""  # the record's own id field, if any


# ---------------------------------------------------------------- text and values


def normalise_text(text: str) -> str:
    """Unicode NFC, Unix newlines, single spaces, paragraphs separated by one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    paragraphs = re.split(r"\n\s*\n", text)
    cleaned = [re.sub(r"[ \t\f\v]+", " ", " ".join(p.split("\n"))).strip() for p in paragraphs]
    return "\n\n".join(p for p in cleaned if p)


def content_key(text: str) -> str:
    """Hash of the text as duplicates are judged: case and white space do not count."""
    folded = " ".join(text.casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def article_id_for(text: str) -> str:
    """A stable id from the normalised text: the same article gets the same id every run."""
    return article_id_from_key(content_key(text))


def article_id_from_key(key: str) -> str:
    """The article id of a text whose content_key is ``key``."""
    return "a" + key[:16]


def english_share(text: str) -> float | None:
    """Share of English function words among the text's words; None when too short to judge."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < LANGUAGE_MIN_WORDS:
        return None
    return sum(map(STOP_WORDS.__contains__, words)) / len(words)


def decode_bytes(data: bytes) -> str:
    """Decode a file's bytes: BOMs first, then UTF-8, then detection; binary is refused."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise RecordError(f"file starts with a {encoding} byte-order mark but is not valid {encoding}") from error
    if b"\x00" in data[:4096]:
        raise RecordError("binary content (NUL bytes), not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    western = _as_western_text(data)
    if western is not None:
        return western
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise RecordError("not valid UTF-8 and no other text encoding could be detected")
    return str(best)


def _as_western_text(data: bytes) -> str | None:
    """Windows-1252 text, if the bytes read as mostly-ASCII Latin text in it.

    Detectors tie between single-byte code pages on short Latin-1 texts (cp1250 and cp775
    read "Zürich" as "Z³rich"); mostly-ASCII text whose few other characters are letters and
    typographic punctuation is, in Western news, far more likely Windows-1252 / Latin-1.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    others = [character for character in text if ord(character) > 127]
    if len(others) > 0.15 * len(text):
        return None
    if all(character.isalpha() or character in "’‘“”–—…«»°€£§©®·" for character in others):
        return text
    return None


def parse_datetime(value: str) -> datetime:
    """Parse an ISO 8601 or RFC 2822 date; naive times are taken as UTC."""
    from email.utils import parsedate_to_datetime

    text = value.strip()
    if not text:
        raise ValueError("empty date")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError) as error:
            raise ValueError(f"unrecognised date {text[:40]!r}") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@lru_cache(maxsize=1)
def _domain_extractor():  # type: ignore[no-untyped-def]
    import tldextract

    # The bundled Public Suffix List: no network (by default tldextract fetches it).
    return tldextract.TLDExtract(suffix_list_urls=())


def outlet_from_url(url: str) -> str:
    """The registrable domain of a URL ("www.bbc.co.uk" -> "bbc.co.uk"), or "" when none."""
    host = (urlsplit(url).hostname or "").lower() if url else ""
    if not host:
        return ""
    parts = _domain_extractor()(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    # Hosts under a suffix the list does not know (e.g. ".example", intranets): drop "www.".
    return host.removeprefix("www.")


def _first(record: Mapping[str, object], names: Iterable[str]) -> str:
    lowered = {str(key).strip().lower(): value for key, value in record.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value is None:
            continue
        if isinstance(value, (dict, list)):
            continue
        text = str(value).strip()
        if text:
            return text
    return ""


# ---------------------------------------------------------------- formats


def _records_from_jsonl(text: str) -> Iterator[tuple[str, object]]:
    # Split on "\n" only: U+2028 and friends are legal inside JSON strings, and splitlines() cuts there.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as error:
            yield f"line {number}", RecordError(f"line {number} is not valid JSON: {error.msg}")
        except (RecursionError, ValueError) as error:
            yield f"line {number}", RecordError(f"line {number} cannot be read as JSON: {_short(error)}")


def _records_from_json(text: str) -> Iterator[tuple[str, object]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordError(f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from error
    except RecursionError as error:
        raise RecordError("JSON nested too deeply to read") from error
    except ValueError as error:  # e.g. an integer longer than Python's 4,300-digit limit
        raise RecordError(f"JSON cannot be read: {_short(error)}") from error
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, list):
        for number, item in enumerate(data, start=1):
            yield f"item {number}", item
    else:
        yield "", data


def _short(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error)[:160]}"


def _records_from_csv(text: str) -> Iterator[tuple[str, object]]:
    # The csv module refuses cells over 128 KiB by default; articles are capped later, by max_chars.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if not any(name in header for name in (f.lower() for f in TEXT_FIELDS)):
        raise RecordError(
            f"CSV has no text column: found columns {header}, expected one of {list(TEXT_FIELDS)}"
        )
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        if None in row:
            yield f"row {number}", RecordError(f"row {number} has more cells than the header")
            continue
        yield f"row {number}", row


def _records_from_txt(text: str) -> Iterator[tuple[str, object]]:
    """Optional ``Key: value`` header lines (Title, Outlet, URL, Published), a blank line, the body."""
    lines = text.lstrip("\ufeff").split("\n")
    header: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = re.match(r"^\s*([A-Za-z]+)\s*:\s*(.*)$", line)
        if match and match.group(1).lower() in TEXT_HEADER_KEYS:
            header[TEXT_HEADER_KEYS[match.group(1).lower()]] = match.group(2).strip()
            continue
        if header and not line.strip():
            yield "", {**header, "text": "\n".join(lines[index + 1 :])}
            return
        break
    yield "", {"text": text}


def _records_from_html(text: str) -> Iterator[tuple[str, object]]:
    import trafilatura

    document = trafilatura.bare_extraction(
        text,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # Keep the time of day and the UTC offset (by default only the date is returned).
        date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True},
    )
    body = getattr(document, "text", None) if document is not None else None
    if not body or not body.strip():
        raise RecordError("HTML page has no main article text that could be extracted")
    title = (document.title or "").strip()
    paragraphs = [line for line in body.split("\n") if line.strip()]
    if paragraphs and title and paragraphs[0].strip() == title:
        paragraphs = paragraphs[1:]  # trafilatura repeats the <h1> as the first line
    yield "", {
        "title": title,
        "outlet": (document.sitename or "").strip(),
        "url": (document.url or "").strip(),
        "published_at": (document.date or "").strip(),
        "text": "\n\n".join(paragraphs),
    }


_READERS = {
    ".jsonl": _records_from_jsonl,
    ".ndjson": _records_from_jsonl,
    ".json": _records_from_json,
    ".csv": _records_from_csv,
    ".txt": _records_from_txt,
    ".html": _records_from_html,
    ".htm": _records_from_html,
}


# ---------------------------------------------------------------- records to articles


def article_fields(
    record: object,
    *,
    file_mtime: datetime,
    min_words: int = DEFAULT_MIN_WORDS,
    max_chars: int = DEFAULT_MAX_CHARS,
    non_english: NonEnglishPolicy = "quarantine",
) -> tuple[dict[str, str], str]:
    """Map one record to article fields and a note; raise RecordError with a readable reason."""
    if not isinstance(record, Mapping):
        raise RecordError(f"record is a {type(record).__name__}, not an object with named fields")
    raw_text = _first(record, TEXT_FIELDS)
    if not raw_text:
        raise RecordError(f"no article text: none of the fields {list(TEXT_FIELDS)} is present and non-empty")
    notes: list[str] = []
    if len(raw_text) > max_chars:
        notes.append(f"text truncated from {len(raw_text):,} to {max_chars:,} characters")
        raw_text = raw_text[:max_chars]
    text = normalise_text(raw_text)
    if len(text.split()) < min_words:
        raise RecordError(f"text too short to hold a claim ({len(text.split())} words; at least {min_words} needed)")
    url = _first(record, URL_FIELDS)
    outlet = _first(record, OUTLET_FIELDS) or outlet_from_url(url) or "unknown"
    published = _first(record, DATE_FIELDS)
    origin = "field"
    try:
        published_at = parse_datetime(published)
    except (ValueError, OverflowError):
        if published:
            notes.append(f"date {published[:40]!r} not understood; file modification time used")
        else:
            notes.append("no date field; file modification time used")
        published_at, origin = file_mtime, "file_mtime"
    if published_at > datetime.now(UTC) + timedelta(days=1):
        notes.append(f"date {published_at.date().isoformat()} is in the future; kept as given")
    share = english_share(text)
    if share is not None and share < ENGLISH_FUNCTION_WORD_SHARE:
        language_note = f"not English ({share:.0%} English function words)"
        if non_english == "quarantine":
            raise RecordError(f"{language_note}; set ingest.non_english to 'process' to score it anyway")
        notes.append(f"language: {language_note}; processed as configured")
    fields = {
        "outlet": normalise_text(outlet),
        "url": url,
        "published_at": published_at.isoformat(),
        "published_at_origin": origin,
        "title": normalise_text(_first(record, TITLE_FIELDS)),
        "text": text,
    }
    return fields, "; ".join(notes)


def _candidates(
    path: Path, data: bytes, file_mtime: datetime, *, min_words: int, max_chars: int, non_english: NonEnglishPolicy
) -> Iterator[_Candidate | LedgerEntry]:
    """Turn one file into candidate articles, or ledger rows for what cannot be read."""
    relative = path.name
    try:
        text = decode_bytes(data)
        if not text.strip():
            raise RecordError("empty file")
        records = list(_READERS[path.suffix.lower()](text))
    except RecordError as error:
        yield LedgerEntry(source_file=relative, record="", state="quarantined", reason=str(error))
        return
    except (csv.Error, ValueError, RecursionError) as error:
        reason = f"file cannot be read as {path.suffix.lower()}: {_short(error)}"
        yield LedgerEntry(source_file=relative, record="", state="quarantined", reason=reason)
        return
    if not records:
        yield LedgerEntry(source_file=relative, record="", state="quarantined", reason="file holds no records")
    for label, record in records:
        try:
            if isinstance(record, RecordError):
                raise record
            fields, note = article_fields(
                record, file_mtime=file_mtime, min_words=min_words, max_chars=max_chars, non_english=non_english
            )
            record_id = _first(record, ID_FIELDS) if isinstance(record, Mapping) else ""
        except RecordError as error:
            yield LedgerEntry(source_file=relative, record=label, state="quarantined", reason=str(error))
            continue
        yield _Candidate(record=label, fields=fields, note=note, record_id=record_id)


def _input_files(raw_dir: Path) -> Iterator[tuple[Path, str]]:
    """Every file under raw_dir in a stable order, with a reason when it must not be read."""
    root = raw_dir.resolve()
    for path in sorted(raw_dir.rglob("*")):
        relative_parts = path.relative_to(raw_dir).parts
        if any(part.startswith(".") for part in relative_parts):
            continue  # hidden files (.gitkeep, editor swap files) are not inputs
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root):
                yield path, "symbolic link pointing outside the raw folder; not followed"
                continue
        if path.is_dir():
            continue
        if not path.is_file():
            yield path, "not a regular file (device, socket or pipe)"
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield path, f"unsupported file type {path.suffix or '(no extension)'!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
            continue
        yield path, ""


def ingest(
    raw_dir: Path,
    *,
    min_words: int = DEFAULT_MIN_WORDS,
    max_chars: int = DEFAULT_MAX_CHARS,
    non_english: NonEnglishPolicy = "quarantine",
) -> IngestResult:
    """Read every input under ``raw_dir`` into Articles and ledger entries (one per input)."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist or is not a folder")
    result = IngestResult()
    first_seen: dict[str, LedgerEntry] = {}
    ids_seen: dict[tuple[str, str], str] = {}
    for path, refusal in _input_files(raw_dir):
        relative = path.relative_to(raw_dir).as_posix()
        if refusal:
            result.ledger.append(LedgerEntry(source_file=relative, record="", state="quarantined", reason=refusal))
            continue
        try:
            data = path.read_bytes()
            file_mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        except OSError as error:
            reason = f"could not be read: {error.strerror or error}"
            result.ledger.append(LedgerEntry(source_file=relative, record="", state="quarantined", reason=reason))
            continue
        for item in _candidates(path, data, file_mtime, min_words=min_words, max_chars=max_chars, non_english=non_english):
            if isinstance(item, LedgerEntry):
                result.ledger.append(LedgerEntry(**{**item.__dict__, "source_file": relative}))
                continue
            key = content_key(item.fields["text"])
            article_id = article_id_from_key(key)
            title = item.fields["title"]
            if key in first_seen:
                original = first_seen[key]
                where = f"{original.source_file} {original.record}".strip()
                result.ledger.append(
                    LedgerEntry(relative, item.record, "duplicate", f"same text as {where}", article_id, title)
                )
                continue
            note = item.note
            if item.record_id:
                # The same id with other text: both are kept (they are different texts), and said.
                where_id = ids_seen.setdefault((item.fields["outlet"], item.record_id), f"{relative} {item.record}".strip())
                if where_id != f"{relative} {item.record}".strip():
                    note = "; ".join(filter(None, [note, f"id {item.record_id!r} also used by {where_id} with different text"]))
            entry = LedgerEntry(relative, item.record, "processed", note, article_id, title)
            first_seen[key] = entry
            result.ledger.append(entry)
            result.articles.append(Article(article_id=article_id, source_file=relative, record=item.record, **item.fields))
    return result
