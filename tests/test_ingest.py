"""Table-driven tests of credence.ingest: formats, quarantine reasons, encodings, duplicates, dates."""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from credence.ingest import (RecordError, article_fields, article_id_for, content_key, decode_bytes, ingest,
                             normalise_text, outlet_from_url, parse_datetime)

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
MTIME = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
BODY = "The harbour master said that forty workers were evacuated from the eastern dock on Tuesday night."
BODY2 = "Officials in the capital said the budget would be presented to parliament before the end of the month."
BODY3 = "The fire chief added that the leak had been contained and that residents were never in any danger."
PARAS = [BODY, BODY2, BODY3]


def jsonl(*records: object) -> str:
    """JSON Lines text, one record per line, non-ASCII kept as is."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def html_page(published: str = "2026-11-26T06:00:00+02:00") -> str:
    """A full news page: head metadata, nav, the article, and a footer with boilerplate links."""
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAS)
    return (
        "<!DOCTYPE html><html><head><title>Port leak contained | The Capital Ledger</title>"
        "<meta property='og:site_name' content='The Capital Ledger'>"
        "<meta property='og:title' content='Port leak contained'>"
        f"<meta property='article:published_time' content='{published}'></head><body>"
        "<header><nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav></header>"
        f"<main><article><h1>Port leak contained</h1>{paragraphs}</article></main>"
        "<footer><ul><li><a href='/privacy'>Privacy policy</a></li><li><a href='/terms'>Terms of use</a></li></ul>"
        "<p>Copyright 2026 The Capital Ledger. All rights reserved.</p></footer></body></html>"
    )


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (str as UTF-8) under folder, all with the modification time MTIME."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return folder


def run(tmp_path: Path, files: dict[str, str | bytes], **options: int):
    """Write files to tmp_path/raw and ingest that folder."""
    return ingest(write(tmp_path / "raw", files), **options)


# ---------------------------------------------------------------- formats

FORMATS = [
    pytest.param({"feed.jsonl": jsonl({"title": "One", "text": BODY, "outlet": "Wire", "date": "2026-11-24T05:30Z"},
                                      {"title": "Two", "text": BODY2}, {"title": "Three", "text": BODY3})},
                 [{"record": "line 1", "title": "One", "outlet": "Wire", "published_at": "2026-11-24T05:30:00+00:00"},
                  {"record": "line 2", "title": "Two"}, {"record": "line 3", "title": "Three"}], id="jsonl-lines"),
    pytest.param({"one.json": json.dumps({"title": "Solo", "text": BODY})},
                 [{"record": "", "title": "Solo", "text": BODY}], id="json-object"),
    pytest.param({"list.json": json.dumps([{"title": "A", "text": BODY}, {"title": "B", "text": BODY2}])},
                 [{"record": "item 1", "title": "A"}, {"record": "item 2", "title": "B"}], id="json-list"),
    pytest.param({"wrap.json": json.dumps({"articles": [{"title": "A", "text": BODY}, {"title": "B", "text": BODY2}]})},
                 [{"record": "item 1", "title": "A"}, {"record": "item 2", "title": "B"}], id="json-articles-key"),
    pytest.param({"x.csv": f'title,text,url\r\n"Leak, contained","{BODY}\r\n\r\n{BODY2}",https://www.bbc.co.uk/a\r\n'},
                 [{"record": "row 2", "title": "Leak, contained", "text": f"{BODY}\n\n{BODY2}", "outlet": "bbc.co.uk"}],
                 id="csv-quoted-newlines"),
    pytest.param({"press/r.txt": "Title: Port leak\nOutlet: Harlow Institute\nURL: https://harlow.example/a\n"
                                 f"Published: 2026-11-24T08:30:00+03:00\n\n{BODY}\n\n{BODY2}\n"},
                 [{"source_file": "press/r.txt", "title": "Port leak", "outlet": "Harlow Institute",
                   "url": "https://harlow.example/a", "published_at": "2026-11-24T05:30:00+00:00",
                   "published_at_origin": "field", "text": f"{BODY}\n\n{BODY2}"}], id="txt-with-headers"),
    pytest.param({"plain.txt": f"{BODY}\n{BODY2}\n\n{BODY3}\n"},
                 [{"title": "", "outlet": "unknown", "published_at": MTIME.isoformat(),
                   "published_at_origin": "file_mtime", "text": f"{BODY} {BODY2}\n\n{BODY3}"}], id="txt-no-headers"),
    pytest.param({"web/page.html": html_page()},
                 [{"title": "Port leak contained", "outlet": "The Capital Ledger", "published_at_origin": "field",
                   "text": "\n\n".join(PARAS)}], id="html-full-page"),
]


@pytest.mark.parametrize(("files", "expected"), FORMATS)
def test_each_format_becomes_articles(tmp_path, files, expected):
    """Every supported format yields the expected article fields and only processed ledger rows."""
    result = run(tmp_path, files)
    assert [{key: getattr(a, key) for key in e} for a, e in zip(result.articles, expected)] == expected
    assert len(result.articles) == len(expected)
    assert {entry.state for entry in result.ledger} == {"processed"}


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param({"headline": "H", "body": BODY, "link": "https://x.example/a", "date": "2026-11-25",
                      "publisher": "The Northbridge Herald"},
                     {"title": "H", "text": BODY, "url": "https://x.example/a",
                      "published_at": "2026-11-25T00:00:00+00:00", "outlet": "The Northbridge Herald"}, id="synonyms"),
        pytest.param({"text": BODY, "url": "https://www.meridianwire.example/a"}, {"outlet": "meridianwire.example"},
                     id="outlet-from-url"),
        pytest.param({"text": BODY}, {"outlet": "unknown", "url": ""}, id="no-outlet-no-url"),
    ],
)
def test_article_fields_maps_synonyms_and_outlets(record, expected):
    """Field synonyms map to article fields; the outlet falls back to the URL's registrable domain."""
    fields, _ = article_fields(record, file_mtime=MTIME, min_words=5, max_chars=200_000)
    assert {key: fields[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("url", "outlet"),
    [("https://www.bbc.co.uk/news/x", "bbc.co.uk"), ("https://www.meridianwire.example/a", "meridianwire.example"),
     ("https://news.example.com/a", "example.com"), ("", ""), ("not a url", "")],
    ids=["public-suffix", "unknown-suffix", "subdomain", "empty", "no-host"],
)
def test_outlet_from_url(url, outlet):
    """outlet_from_url returns the registrable domain, or "" when there is no host."""
    assert outlet_from_url(url) == outlet


# ---------------------------------------------------------------- quarantine

QUARANTINE = [
    pytest.param({"empty.txt": "  \n"}, "empty.txt", "", "empty file", id="empty-file"),
    pytest.param({"junk.txt": b"PK\x03\x04\x00\x00junk" * 20}, "junk.txt", "", "binary content (NUL", id="binary"),
    pytest.param({"report.pdf": b"%PDF-1.4 whatever"}, "report.pdf", "", "unsupported file type '.pdf'", id="pdf"),
    pytest.param({"bad.json": '{"text": "unfinished'}, "bad.json", "", "not valid JSON", id="invalid-json"),
    pytest.param({"list.json": json.dumps([{"text": BODY}, "a bare string"])}, "list.json", "item 2",
                 "record is a str, not an object", id="list-item-not-object"),
    pytest.param({"notext.json": json.dumps({"title": "A title"})}, "notext.json", "", "no article text", id="no-text"),
    pytest.param({"short.json": json.dumps({"text": "Far too short."})}, "short.json", "",
                 "text too short to hold a claim (3 words", id="too-short"),
    pytest.param({"cols.csv": "title,url\nA,https://x.example\n"}, "cols.csv", "",
                 "no text column: found columns ['title', 'url']", id="csv-no-text-column"),
    pytest.param({"rows.csv": f'title,text\nA,"{BODY}"\nB,"{BODY2}",extra\n'}, "rows.csv", "row 3",
                 "row 3 has more cells than the header", id="csv-extra-cells"),
    pytest.param({"nav.html": "<html><head><title>Menu</title></head><body><script>var x;</script></body></html>"},
                 "nav.html", "", "no main article text", id="html-no-body"),
]


@pytest.mark.parametrize(("files", "source_file", "record", "reason"), QUARANTINE)
def test_quarantine_reasons(tmp_path, files, source_file, record, reason):
    """Each unreadable input or record is quarantined with a readable reason."""
    result = run(tmp_path, files)
    [entry] = [e for e in result.ledger if e.state == "quarantined"]
    assert (entry.source_file, entry.record) == (source_file, record)
    assert reason in entry.reason


def test_jsonl_bad_line_quarantined_alone(tmp_path):
    """One invalid JSONL line is quarantined with its line number; the good lines are processed."""
    result = run(tmp_path, {"feed.jsonl": jsonl({"text": BODY}) + "{not json\n" + jsonl({"text": BODY2})})
    assert [(e.record, e.state) for e in result.ledger] == [
        ("line 1", "processed"), ("line 2", "quarantined"), ("line 3", "processed")]
    assert "line 2 is not valid JSON" in result.ledger[1].reason


def test_symlink_outside_raw_folder_not_followed(tmp_path):
    """A symbolic link to a file outside the raw folder is quarantined, not read."""
    secret = write(tmp_path / "elsewhere", {"secret.txt": BODY}) / "secret.txt"
    os.symlink(secret, write(tmp_path / "raw", {}) / "link.txt")
    result = ingest(tmp_path / "raw")
    assert result.articles == []
    assert [(e.source_file, e.state) for e in result.ledger] == [("link.txt", "quarantined")]
    assert "symbolic link pointing outside the raw folder" in result.ledger[0].reason


def test_hidden_files_are_not_inputs(tmp_path):
    """Hidden files and folders (.gitkeep, .cache/) get no ledger row."""
    result = run(tmp_path, {".gitkeep": "", ".cache/x.txt": BODY2, "a.txt": BODY})
    assert [e.source_file for e in result.ledger] == ["a.txt"]


# ---------------------------------------------------------------- encodings

@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param("The mayor said the café on the main square had been closed since Monday after a gas leak, "
                     "and that nobody was hurt.", "café", id="latin1-english"),
        pytest.param("Le maire a déclaré que le café était fermé depuis lundi, après une fuite de gaz, selon les "
                     "pompiers.", "après", id="latin1-french"),
        pytest.param("Officials in Zürich said the café would reopen next week, according to a statement from the "
                     "city council.", "Zürich said the café", id="latin1-english-short"),
        pytest.param(f"Title: Café\n\nThe café {BODY}".encode("utf-16"), "The café", id="utf16-bom"),
        pytest.param(f"\ufeffTitle: Café\n\nThe café {BODY}".encode(), "The café", id="utf8-bom"),
    ],
)
def test_encodings_decoded(tmp_path, data, expected):
    """Text files in Latin-1 (given as str here), UTF-16 and UTF-8 with BOM keep their accented letters."""
    result = run(tmp_path, {"story.txt": data.encode("latin-1") if isinstance(data, str) else data})
    [article] = result.articles
    assert expected in article.text
    assert article.title == ("Café" if isinstance(data, bytes) else "")


@pytest.mark.parametrize(
    ("data", "expected"),
    [("café".encode("utf-16"), "café"), (codecs.BOM_UTF8 + "café".encode(), "café"), ("café".encode(), "café"),
     (b"PK\x03\x04\x00\x00zip", "binary content (NUL bytes)"), (codecs.BOM_UTF8 + b"\xff\xfe", "utf-8-sig")],
    ids=["utf16-bom", "utf8-bom", "utf8", "nul-bytes", "bad-after-bom"],
)
def test_decode_bytes(data, expected):
    """decode_bytes honours BOMs and UTF-8, and raises RecordError for binary or broken BOM files."""
    if expected == "café":
        assert decode_bytes(data) == expected
    else:
        with pytest.raises(RecordError, match=re.escape(expected)):
            decode_bytes(data)


# ---------------------------------------------------------------- duplicates and ids


def test_duplicate_names_first_file(tmp_path):
    """The same text with other white space and case is a duplicate naming the first file."""
    result = run(tmp_path, {"a.txt": BODY, "b/copy.txt": "  " + BODY.upper().replace(" ", "\n   ")})
    assert [(e.source_file, e.state) for e in result.ledger] == [("a.txt", "processed"), ("b/copy.txt", "duplicate")]
    assert "same text as a.txt" in result.ledger[1].reason
    assert result.ledger[1].article_id == result.ledger[0].article_id
    assert len(result.articles) == 1


def test_article_id_stable_across_folders(tmp_path):
    """The same text gets the same article_id in two ingests of different folders."""
    first = run(tmp_path / "one", {"x.txt": BODY})
    second = run(tmp_path / "two", {"other/name.json": json.dumps({"text": BODY})})
    assert first.articles[0].article_id == second.articles[0].article_id == article_id_for(BODY)
    assert re.fullmatch(r"a[0-9a-f]{16}", article_id_for(BODY))
    assert content_key(BODY) == content_key(f"  {BODY.upper()}\n")


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-11-24T08:30:00+03:00", "2026-11-24T05:30:00+00:00"), ("2026-11-24T05:30:00Z", "2026-11-24T05:30:00+00:00"),
     ("Tue, 24 Nov 2026 08:30:00 +0300", "2026-11-24T05:30:00+00:00"),
     ("2026-11-24 05:30", "2026-11-24T05:30:00+00:00"),
     ("2026-11-24", "2026-11-24T00:00:00+00:00"), ("", None), ("24/11/2026", None), ("next Tuesday", None)],
    ids=["iso-offset", "z-suffix", "rfc2822", "naive", "date-only", "empty", "dmy-slashes", "words"],
)
def test_parse_datetime(value, expected):
    """ISO 8601 and RFC 2822 dates become UTC (naive taken as UTC); anything else raises ValueError."""
    if expected is None:
        with pytest.raises(ValueError):
            parse_datetime(value)
    else:
        assert parse_datetime(value).isoformat() == expected


@pytest.mark.parametrize(
    ("files", "note"),
    [({"plain.txt": BODY}, "no date field; file modification time used"),
     ({"a.json": json.dumps({"text": BODY, "date": "24/11/2026"})}, "'24/11/2026' not understood; file modification")],
    ids=["txt-without-headers", "unparseable-date"],
)
def test_missing_or_bad_date_falls_back_to_mtime(tmp_path, files, note):
    """Without a usable date the file mtime is used and the ledger reason says why."""
    result = run(tmp_path, files)
    assert [(a.published_at, a.published_at_origin) for a in result.articles] == [(MTIME.isoformat(), "file_mtime")]
    assert note in result.ledger[0].reason


def test_html_published_time_converted_to_utc(tmp_path):
    """An HTML article:published_time with an offset is converted to UTC like every other date."""
    result = run(tmp_path, {"page.html": html_page(published="2026-11-26T01:00:00+02:00")})
    assert result.articles[0].published_at == "2026-11-25T23:00:00+00:00"


# ---------------------------------------------------------------- limits and robustness


def test_long_text_truncated_and_recorded(tmp_path):
    """Text longer than max_chars is cut and the ledger records the truncation."""
    long_text = " ".join([BODY] * 20)
    result = run(tmp_path, {"long.json": json.dumps({"text": long_text})}, max_chars=300)
    assert len(result.articles[0].text) <= 300
    assert f"text truncated from {len(long_text):,} to 300 characters" in result.ledger[0].reason


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"deep.json": "[" * 100_000 + "]" * 100_000}, id="json-deep-nesting"),
        pytest.param({"ok.jsonl": jsonl({"text": BODY}) + "[[[]]]\n"}, id="jsonl-non-object-line"),
        pytest.param({"big.csv": f'title,text\nBig,"{"word " * 30_000}"\n'}, id="csv-cell-over-131072-chars"),
        pytest.param({"old.json": json.dumps({"text": BODY, "date": "0001-01-01T00:00:00+01:00"})},
                     id="date-out-of-range"),
        pytest.param({"deep.jsonl": "[" * 100_000 + "]" * 100_000 + "\n"}, id="jsonl-deep-nesting"),
        pytest.param({"num.json": '{"text": "%s", "n": 1%s}' % (BODY, "0" * 5000)}, id="json-huge-integer"),
    ],
)
def test_hostile_record_never_crashes_ingest(tmp_path, files):
    """A hostile record ends in the ledger; the good file beside it is still processed."""
    result = run(tmp_path, {**files, "good.txt": BODY2})
    assert {e.source_file for e in result.ledger} == {*files, "good.txt"}
    assert [e.state for e in result.ledger if e.source_file == "good.txt"] == ["processed"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"], ids=["U+2028", "U+2029", "NEL"])
def test_jsonl_splits_only_on_newline(tmp_path, separator):
    """A JSONL string value holding a Unicode line separator stays one valid record."""
    result = run(tmp_path, {"feed.jsonl": jsonl({"text": f"{BODY}{separator}{BODY3}"}, {"text": BODY2})})
    assert [(e.record, e.state) for e in result.ledger] == [("line 1", "processed"), ("line 2", "processed")]


# ---------------------------------------------------------------- accounting


def test_accounting_invariant_on_mixed_folder(tmp_path):
    """Ledger rows = processed + duplicate + quarantined; ids and reasons present; one article per processed row."""
    files = {f"q{i}_{name}": data for i, p in enumerate(QUARANTINE) for name, data in p.values[0].items()}
    files |= {"feed.jsonl": jsonl({"text": BODY}, {"text": BODY2}) + "oops\n", "copy.txt": BODY, ".gitkeep": "",
              "web/p.html": html_page(), "export.csv": f'title,text\nA,"{BODY3}"\nB,"{BODY}"\n'}
    result = run(tmp_path, files)
    states = [e.state for e in result.ledger]
    counts = {s: states.count(s) for s in ("processed", "duplicate", "quarantined")}
    assert len(result.ledger) == sum(counts.values())
    assert counts == {"processed": 4, "duplicate": 4, "quarantined": len(QUARANTINE) + 1}
    assert {e.source_file for e in result.ledger} == set(files) - {".gitkeep"}
    assert all(e.article_id for e in result.ledger if e.state != "quarantined")
    assert all(e.reason for e in result.ledger if e.state != "processed")
    assert [a.article_id for a in result.articles] == [e.article_id for e in result.ledger if e.state == "processed"]


def test_project_sample_data():
    """The project's data/raw ingests to 16 articles, one duplicate and nothing quarantined."""
    result = ingest(RAW)
    states = [e.state for e in result.ledger]
    assert [len(states)] + [states.count(s) for s in ("processed", "duplicate", "quarantined")] == [17, 16, 1, 0]
    [dup] = [e for e in result.ledger if e.state == "duplicate"]
    assert dup.source_file == "press/vsna_2026-11-24_tarvel_liberated.txt"
    assert dup.reason.startswith("same text as meridian_wire_feed.jsonl line ")
    for a in result.articles:
        assert a.outlet and a.title and a.text and a.published_at and a.published_at_origin == "field", a.source_file
    html = [a for a in result.articles if a.source_file.endswith(".html")]
    assert len(html) == 3
    for a in html:
        site = re.search(r'og:site_name" content="([^"]+)"', (RAW / a.source_file).read_text(encoding="utf-8"))
        assert site and a.outlet == site.group(1)
        assert not any(junk in a.text for junk in ("Privacy policy", "Terms of use", "All rights reserved"))
    items = json.loads((RAW / "northbridge_herald.json").read_text(encoding="utf-8"))
    herald = [a for a in result.articles if a.source_file == "northbridge_herald.json"]
    assert [(a.title, a.text, a.url, a.published_at, a.outlet) for a in herald] == [
        (i["headline"], normalise_text(i["body"]), i["link"], parse_datetime(i["date"]).isoformat(), i["publisher"])
        for i in items
    ]


# ---------------------------------------------------------------- normalise_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("  many   spaces\there  ", "many spaces here"), ("para one\nwraps\n\n\n  para two", "para one wraps\n\npara two"),
     ("line one\r\nline two\r\n\r\npara two\rend", "line one line two\n\npara two end"),
     ("cafe\u0301 au lait", "caf\u00e9 au lait"), ("non\u00a0breaking\ufeff space", "non breaking space"),
     ("\n \n", "")],
    ids=["spaces", "paragraphs", "crlf", "nfc", "nbsp-bom", "blank"],
)
def test_normalise_text(raw, expected):
    """normalise_text collapses spaces, keeps paragraph breaks as a blank line, applies NFC and Unix newlines."""
    assert normalise_text(raw) == expected
