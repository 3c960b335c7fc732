"""Reports and file output: escaping, safe links, formula-proof CSV, atomic writes and run swaps."""

from __future__ import annotations

import pandas as pd
import pytest

from credence import io, reporting
from credence.models import RunSummary


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("", ""),
    ],
)
def test_safe_url(url, safe):
    """Only http(s) URLs become links."""
    assert reporting.safe_url(url) == safe


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("plain", "plain"), (3, 3)],
)
def test_neutralise_cell(cell, expected):
    """Cells a spreadsheet would evaluate get a leading apostrophe."""
    assert io.neutralise_cell(cell) == expected


def test_csv_is_neutralised(tmp_path):
    """A claim whose content starts with =HYPERLINK comes out inert in the CSV."""
    path = io.write_csv(tmp_path / "claims.csv", pd.DataFrame({"content": ['=HYPERLINK("http://evil","x")'], "score": [0.5]}))
    assert pd.read_csv(path)["content"][0].startswith("'=HYPERLINK")


def test_markdown_cell_escapes_layout_characters():
    """Pipes, newlines and markup in text cannot break a Markdown table."""
    assert reporting.markdown_cell("a | b\n<script>") == "a \\| b \\<script\\>"


def hostile_report(tmp_path):
    claims = pd.DataFrame(
        [
            {
                "claim_id": "x-c001", "article_id": "x", "content": "<script>window.pwned=1</script>", "content_start": 0,
                "source_name": "<img src=x onerror=alert(1)>", "source_prior": 0.3, "cue": "said", "outlet": "Evil <b>Outlet</b>",
                "published_at": "2026-11-25T00:00:00+00:00", "score": 0.2, "status": "single-source", "explanation": "<i>x</i>",
                "via": "", "n_supporting_groups": 0, "n_contradicting_groups": 0, "supporting_claim_ids": "", "contradicting_claim_ids": "",
                "source_id": "s", "source_type": "unknown", "source_affiliation": "", "prior_rule": "r",
            }
        ]
    )
    articles = pd.DataFrame([{"article_id": "x", "title": "<script>alert(2)</script>", "outlet": "Evil", "url": "javascript:alert(3)", "published_at": "2026-11-25T00:00:00+00:00", "text": "<script>alert(4)</script>"}])
    ledger = pd.DataFrame([{"source_file": "<b>bad</b>.json", "record": "", "state": "quarantined", "reason": "<script>"}])
    data = reporting.build_report_data(RunSummary(run_date="2026-11-25", claims=1), claims, ledger, articles, reporting.sources_table(claims), low_credibility=0.45)
    return reporting.render_html(data), reporting.render_markdown(data)


def test_html_escapes_untrusted_text(tmp_path):
    """Article text, titles, sources and file names are escaped; javascript: URLs are not linked."""
    html, _ = hostile_report(tmp_path)
    assert "<script>" not in html.split("</style>", 1)[1]
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert "javascript:" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html


def test_markdown_report_escapes_untrusted_text(tmp_path):
    """The Markdown report shows hostile text as text."""
    _, markdown = hostile_report(tmp_path)
    assert "<script>" not in markdown and "\\<script\\>" in markdown


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    """A write goes through a temporary name and leaves only the final file."""
    io.write_text(tmp_path / "report.md", "hello")
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    """If writing fails half-way, the previous file is intact and no temporary file remains."""
    target = io.write_text(tmp_path / "report.md", "previous")

    def failing_write(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pathlib.Path.write_text", failing_write)
    with pytest.raises(OSError, match="No space left"):
        io.write_text(target, "new")
    monkeypatch.undo()
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_publish_run_replaces_only_its_own_folder(tmp_path):
    """Publishing a date's run replaces that folder and leaves other dates alone."""
    out = tmp_path / "processed"
    other = out / "2026-11-28"
    other.mkdir(parents=True)
    (other / "report.md").write_text("older day")
    for content in ("first", "second"):
        staging = io.staging_dir(out, "2026-11-29")
        (staging / "report.md").write_text(content)
        io.publish_run(staging, out / "2026-11-29")
    assert (out / "2026-11-29" / "report.md").read_text() == "second"
    assert (other / "report.md").read_text() == "older day"
    assert sorted(p.name for p in out.iterdir()) == ["2026-11-28", "2026-11-29"]
