"""Bad input never loses data: a corpus of broken files, run through the flow beside the sample corpus."""

from __future__ import annotations

import codecs
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from credence import ingest
from flows.score_articles import score_articles
from tests.conftest import CONFIG_DIR, RAW_DIR, RUN_DATE

pytestmark = pytest.mark.slow

# Unrelated to every sample story, so that processed bad inputs cannot corroborate sample claims.
WEATHER = (
    "Heavy snow closed the mountain pass above Brenn for the second day, the road authority said on Monday. "
    "Crews expect to reopen one lane by Wednesday if the wind drops, a spokeswoman for the authority added."
)
FRENCH = (
    "Le ministre a déclaré mardi que le convoi avait franchi la frontière pendant la nuit et que personne "
    "n'était blessé, selon un communiqué publié par le gouvernement dans la soirée de mardi."
)


def record(**fields: object) -> dict[str, object]:
    return {"outlet": "Alpine Courier", "url": "https://alpinecourier.example/a", "published_at": "2026-11-25T08:00:00Z", "title": "Pass closed", **fields}


def bad_inputs(folder: Path, outside: Path) -> dict[str, list[tuple[str, str]]]:
    """Write the bad-input corpus; return {file: [(expected state, reason substring), ...]} by record order."""
    files: dict[str, bytes] = {
        "empty.json": b"",
        "blank.txt": b"  \n\t\n",
        "junk.json": bytes(range(256)) * 4,
        "broken_utf8.txt": ("Title: Pass\n\n" + WEATHER).encode() + b" \xff caf\xe9",
        "latin1.txt": ("Title: Café\n\n" + WEATHER + " The café stayed open.").encode("latin-1"),
        "utf16.txt": codecs.BOM_UTF16_LE + ("Title: Pass\n\n" + WEATHER + " Day two.").encode("utf-16-le"),
        "utf8_bom.txt": codecs.BOM_UTF8 + ("Title: Pass\n\n" + WEATHER + " Day three.").encode(),
        "truncated.json": json.dumps(record(text=WEATHER))[:60].encode(),
        "mixed.jsonl": "\n".join(
            [json.dumps(record(text=WEATHER + " One.")), "{not json", json.dumps(record(text=WEATHER + " Two.")), "[1, 2]"]
        ).encode(),
        "no_text_column.csv": b"title,outlet\nPass closed,Alpine Courier\n",
        "extra_cells.csv": f'title,text\nPass,"{WEATHER} Four."\nBad,"{WEATHER} Five.",surplus\n'.encode(),
        "renamed_columns.csv": f'headline,body,publisher,date\nPass,"{WEATHER} Six.",Alpine Courier,2026-11-25\n'.encode(),
        "quoted_newlines.csv": f'title,text\nPass,"{WEATHER}\n\nSeven, with a second paragraph."\n'.encode(),
        "no_body.html": b"<html><head><title>Empty</title></head></html>",
        "huge.json": json.dumps(record(text=(WEATHER + " ") * 180_000)).encode(),  # about 50 MB
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "same_id.jsonl": "\n".join(
            [json.dumps(record(id="x-1", text=WEATHER + " Eight.")), json.dumps(record(id="x-1", text=WEATHER + " Nine."))]
        ).encode(),
        "bad_date.json": json.dumps(record(text=WEATHER + " Ten.", published_at="the day after tomorrow")).encode(),
        "future_date.json": json.dumps(record(text=WEATHER + " Eleven.", published_at="2099-01-01T00:00:00Z")).encode(),
        "empty_text.json": json.dumps(record(text="   ")).encode(),
        "french.txt": ("Title: Convoi\n\n" + FRENCH).encode(),
        "notes.pdf": b"%PDF-1.4 not an article",
        "not_objects.json": b'[1, "two", null]',
        "too_short.txt": b"Snow fell.",
        "huge_integer.json": ('{"text": "%s", "n": 1%s}' % (WEATHER, "0" * 5000)).encode(),
        "wrapped.json": json.dumps({"articles": [record(text=WEATHER + " Twelve.")]}).encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    shutil.copy(RAW_DIR / "press" / "harlow_2026-11-24_kestria_rates.txt", folder / "copy_of_sample.txt")
    (outside / "secret.txt").write_text(WEATHER + " Thirteen.")
    (folder / "link_outside.txt").symlink_to(outside / "secret.txt")
    os.mkfifo(folder / "pipe.txt")
    return {
        "empty.json": [("quarantined", "empty file")],
        "blank.txt": [("quarantined", "empty file")],
        "junk.json": [("quarantined", "binary content")],
        "broken_utf8.txt": [("processed", "")],
        "latin1.txt": [("processed", "")],
        "utf16.txt": [("processed", "")],
        "utf8_bom.txt": [("processed", "")],
        "truncated.json": [("quarantined", "not valid JSON")],
        "mixed.jsonl": [("processed", ""), ("quarantined", "line 2 is not valid JSON"), ("processed", ""), ("quarantined", "not an object")],
        "no_text_column.csv": [("quarantined", "CSV has no text column")],
        "extra_cells.csv": [("processed", ""), ("quarantined", "more cells than the header")],
        "renamed_columns.csv": [("processed", "")],
        "quoted_newlines.csv": [("processed", "")],
        "no_body.html": [("quarantined", "no main article text")],
        "huge.json": [("processed", "text truncated from")],
        "deep.json": [("quarantined", "nested too deeply")],
        "same_id.jsonl": [("processed", ""), ("processed", "also used by")],
        "bad_date.json": [("processed", "not understood; file modification time used")],
        "future_date.json": [("processed", "in the future")],
        "empty_text.json": [("quarantined", "no article text")],
        "french.txt": [("quarantined", "not English")],
        "notes.pdf": [("quarantined", "unsupported file type")],
        "not_objects.json": [("quarantined", "not an object")] * 3,
        "too_short.txt": [("quarantined", "too short")],
        "huge_integer.json": [("quarantined", "JSON cannot be read")],
        "wrapped.json": [("processed", "")],
        "copy_of_sample.txt": [("duplicate", "same text as press/harlow_2026-11-24_kestria_rates.txt")],
        "link_outside.txt": [("quarantined", "symbolic link pointing outside")],
        "pipe.txt": [("quarantined", "not a regular file")],
    }


@pytest.fixture(scope="module")
def mixed_run(prefect_server, tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw_mixed")
    shutil.copytree(RAW_DIR, raw, dirs_exist_ok=True)
    bad = raw / "zz_bad"
    bad.mkdir()
    expected = bad_inputs(bad, tmp_path_factory.mktemp("outside"))
    out_dir = tmp_path_factory.mktemp("processed_mixed")
    run_dir = Path(score_articles(raw_dir=raw, out_dir=out_dir, run_date=RUN_DATE, config_dir=CONFIG_DIR))
    return run_dir, expected


def test_bad_corpus_has_at_least_25_kinds(mixed_run):
    """The generated corpus covers at least 25 kinds of bad input."""
    assert len(mixed_run[1]) >= 25


def test_every_bad_input_has_its_expected_ledger_state(mixed_run):
    """Each bad input ends processed, duplicate or quarantined as expected, with a reason."""
    run_dir, expected = mixed_run
    ledger = pd.read_csv(run_dir / "ledger.csv", keep_default_na=False)
    for name, rows in expected.items():
        found = ledger[ledger["source_file"] == f"zz_bad/{name}"]
        assert len(found) == len(rows), (name, found.to_dict("records"))
        for (state, reason), actual in zip(rows, found.to_dict("records"), strict=True):
            assert actual["state"] == state, (name, actual)
            assert reason in actual["reason"], (name, actual)
            if state != "processed":
                assert actual["reason"].strip(), (name, actual)


def test_ledger_accounts_for_every_input(mixed_run):
    """inputs = processed + duplicates + quarantined, and every processed article has claims or is listed."""
    run_dir, _ = mixed_run
    ledger = pd.read_csv(run_dir / "ledger.csv", keep_default_na=False)
    counts = ledger["state"].value_counts()
    assert len(ledger) == counts.get("processed", 0) + counts.get("duplicate", 0) + counts.get("quarantined", 0)
    assert set(ledger["state"]) == {"processed", "duplicate", "quarantined"}
    report = (run_dir / "report.md").read_text()
    assert f"{len(ledger)} inputs read" in report


def test_sample_claims_unchanged_by_bad_inputs(mixed_run, sample_run):
    """The sample corpus's claims, sources and scores are the same with or without the bad files."""
    run_dir, _ = mixed_run
    columns = ["claim_id", "source_id", "cue", "content", "score", "status", "supporting_claim_ids", "contradicting_claim_ids"]
    alone = pd.read_parquet(sample_run[1] / "claims.parquet")
    mixed = pd.read_parquet(run_dir / "claims.parquet")
    mixed = mixed[mixed["article_id"].isin(set(alone["article_id"]))]
    pd.testing.assert_frame_equal(
        alone[columns].sort_values("claim_id").reset_index(drop=True), mixed[columns].sort_values("claim_id").reset_index(drop=True)
    )


def test_file_vanishing_during_the_run_is_quarantined(tmp_path, monkeypatch):
    """A file listed but gone (or unreadable) when read is quarantined with the reason."""
    (tmp_path / "a.txt").write_text(WEATHER)
    (tmp_path / "b.txt").write_text(WEATHER + " Other.")
    real_read = Path.read_bytes

    def vanishing(self: Path) -> bytes:
        if self.name == "a.txt":
            raise FileNotFoundError(2, "No such file or directory")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", vanishing)
    result = ingest.ingest(tmp_path)
    assert [(e.source_file, e.state) for e in result.ledger] == [("a.txt", "quarantined"), ("b.txt", "processed")]
    assert result.ledger[0].reason == "could not be read: No such file or directory"


def test_non_english_can_be_processed_when_configured(tmp_path):
    """With non_english='process', a French article is kept and flagged."""
    (tmp_path / "fr.txt").write_text(FRENCH)
    result = ingest.ingest(tmp_path, non_english="process")
    assert result.ledger[0].state == "processed" and "not English" in result.ledger[0].reason
