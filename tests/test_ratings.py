"""Registry maintenance: outlet ratings import, discovered sources, and merging curated rows."""

from __future__ import annotations

import re
import shutil
from io import StringIO

import pandas as pd
import pytest
import yaml

from credence import cli, config, discovery, io, ratings, reporting, sources
from credence.config import SourceRegistry
from tests.conftest import CONFIG_DIR, shared_file

RATINGS_CSV = "domain,score\nhttps://www.Good-News.example/world,90\ngood-news.example/sport,20\nbad.example,10\nnot a domain,50\nempty.example,\nkcna.kp,22\n"


@pytest.fixture
def config_dir(tmp_path):
    """A copy of the shipped configuration without any ratings file the user generated."""
    folder = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, folder, ignore=shutil.ignore_patterns("outlet_ratings.csv"))
    return folder


@pytest.mark.parametrize(
    ("cell", "domain"),
    [
        ("reuters.com", "reuters.com"),
        ("https://www.Reuters.com/world/x", "reuters.com"),
        ("http://en.yna.co.kr:443/view", "en.yna.co.kr"),
        ("aawsat.com/english", "aawsat.com"),
        ("BBC.co.uk.", "bbc.co.uk"),
        ("wvec–13newsnow.com", ""),  # an en dash: not a host name
        ("localhost", ""),
        ("", ""),
    ],
)
def test_normalise_domain(cell, domain):
    """Domain cells become bare lower-case host names, or "" when they are not one."""
    assert ratings.normalise_domain(cell) == domain


def rate(text, **options):
    raw = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    settings = {"domain_column": "domain", "score_column": "score", "scale": (0.0, 100.0), "source_file": "r.csv", "imported_on": "2026-11-29", "where": "r.csv"}
    return ratings.ratings_table(raw, **{**settings, **options})


def test_ratings_table_rescales_and_keeps_provenance():
    """Scores on a declared scale map to [0, 1]; a whole domain beats one of its sections."""
    table, summary = rate(RATINGS_CSV)
    priors = dict(zip(table["domain"], table["prior"], strict=True))
    assert priors == {"good-news.example": 0.9, "bad.example": 0.1, "kcna.kp": 0.22}
    assert (summary.rows, summary.written, summary.skipped_empty, summary.skipped_bad_domain, summary.duplicates) == (6, 3, 1, 1, 1)
    assert set(table["source_column"]) == {"score"} and set(table["imported_on"]) == {"2026-11-29"}
    assert list(table.columns) == config.OUTLET_RATING_COLUMNS
    sections_first, _ = rate("domain,score\naol.com/news,30\naol.com,80\n")
    assert sections_first["prior"].tolist() == [0.8]


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("domain,score\na.com,120\n", {}, "line 2 column 'score': 120 is outside the scale [0, 100]"),
        ("domain,score\na.com,high\n", {}, "line 2 column 'score': 'high' is not a number"),
        ("site,score\na.com,1\n", {}, "no column 'domain'; the columns are site, score"),
        ("domain,score\na.com,1\n", {"scale": (1.0, 1.0)}, "the maximum must be above the minimum"),
    ],
)
def test_bad_ratings_are_refused_with_the_line(text, options, message):
    """A score off the scale, a non-number or a missing column stops the import and says where."""
    with pytest.raises(ratings.RatingsError, match=re.escape(message)):
        rate(text, **options)


def test_import_command_writes_the_registry_ratings_file(config_dir, tmp_path, capsys):
    """Without --out the command writes the registry's ratings_file, which load_config then reads."""
    source = tmp_path / "ratings.csv"
    source.write_text(RATINGS_CSV)
    code = cli.main(["sources", "import-ratings", "--csv", str(source), "--domain-column", "domain", "--score-column", "score",
                     "--scale", "0", "100", "--config-dir", str(config_dir), "--date", "2026-11-29"])
    assert code == 0 and "Wrote 3 outlet priors" in capsys.readouterr().out
    loaded = config.load_config(config_dir).outlet_ratings
    assert loaded["kcna.kp"].prior == pytest.approx(0.22) and loaded["kcna.kp"].imported_on == "2026-11-29"
    assert loaded["kcna.kp"].source_file.startswith("ratings.csv (sha256 ")
    assert cli.main(["sources", "import-ratings", "--csv", str(tmp_path / "missing.csv"), "--config-dir", str(config_dir)]) == 2


def test_ratings_set_outlet_priors_unless_the_registry_keeps_its_own(config_dir, tmp_path):
    """An imported rating replaces a registered outlet's prior; `prefer_ratings: false` keeps it."""
    source = tmp_path / "ratings.csv"
    source.write_text("domain,pc1\nkcna.kp,0.2\ntass.com,0.34\nnewsite.example,0.7\n")
    ratings.import_ratings(source, config_dir / "outlet_ratings.csv", domain_column="domain", score_column="pc1", imported_on="2026-11-29")
    registry = config_dir / "sources.yaml"
    registry.write_text(registry.read_text().replace("  - id: tass\n", "  - id: tass\n    prefer_ratings: false\n"))
    resolver = sources.SourceResolver(config.load_config(config_dir))
    kcna = resolver.resolve("state-run news agency KCNA")
    assert kcna.source_prior == 0.2 and kcna.prior_rule.startswith("imported outlet rating of kcna.kp (pc1 = 0.2 in ratings.csv (sha256 ")
    assert resolver.resolve("TASS").prior_rule == "registry prior of TASS (state media)"
    outlet = resolver.resolve_outlet("New Site", "https://www.newsite.example/a")
    assert (outlet.source_id, outlet.source_prior, outlet.resolution_method) == ("unregistered:newsite-example", 0.7, "outlet-rating")


@pytest.mark.shared_data
def test_lin_ratings_give_reuters_and_kcna_their_priors_with_provenance(config_dir, capsys):
    """Importing Lin et al.'s pc1: reuters.com near 1.0, kcna.kp near 0.22, and sources.csv says so."""
    source = shared_file("data/domain_ratings/domain_pc1.csv")
    assert cli.main(["sources", "import-ratings", "--csv", str(source), "--domain-column", "domain", "--score-column", "pc1",
                     "--config-dir", str(config_dir), "--date", "2026-11-29"]) == 0
    settings = config.load_config(config_dir)
    assert len(settings.outlet_ratings) > 11_000
    claims = pd.DataFrame({
        "claim_id": ["c1", "c2", "c3"], "article_id": ["a", "a", "a"], "attribution": ["source", "outlet", "source"],
        "source_text": ["state-run news agency KCNA", "Reuters", "Western officials"], "sentence_index": [0, 1, 2], "source_start": [0, -1, 0],
    })
    articles = pd.DataFrame({"article_id": ["a"], "url": ["https://www.reuters.com/world/asia-pacific/x"], "outlet": ["Reuters"]})
    resolved = sources.resolve_claim_sources(claims, articles, settings).assign(status="single-source", score=0.5)
    table = reporting.sources_table(resolved).set_index("source_id")
    assert table.loc["reuters", "source_prior"] == pytest.approx(1.0, abs=0.01)
    assert table.loc["kcna", "source_prior"] == pytest.approx(0.22, abs=0.01)
    for source_id in ("reuters", "kcna"):
        assert "domain_pc1.csv" in table.loc[source_id, "prior_rule"] and "pc1 = " in table.loc[source_id, "prior_rule"]
        assert "imported 2026-11-29" in table.loc[source_id, "prior_rule"]
    assert table.loc["unregistered:western-officials", "prior_rule"].startswith("category default for anonymous officials")


def test_discovered_sources_lists_unregistered_mentions(settings):
    """Unregistered sources get one row each: count, mentions, guesses and example claims."""
    claims = pd.DataFrame({
        "claim_id": ["c1", "c2", "c3", "c4", "c5"], "article_id": ["a", "a", "b", "b", "b"],
        "attribution": ["source", "source", "source", "source", "outlet"],
        "source_text": ["Dr. Anna Fischer, an economist at the Harlow Institute", "Fischer", "Russian diplomats", "KCNA", "Nowhere News"],
        "sentence_index": [0, 1, 0, 1, 2], "source_start": [0, 0, 0, 0, -1],
        "content": ["rates will rise", "inflation is sticky", "talks failed", "the army won", "the bridge is closed"],
    })
    articles = pd.DataFrame({"article_id": ["a", "b"], "url": ["", "https://www.nowhere.example/x"], "outlet": ["Harlow Institute", "Nowhere News"]})
    resolved = sources.resolve_claim_sources(claims, articles, settings).merge(articles, on="article_id")
    found = discovery.discovered_sources(resolved, settings)
    assert list(found.columns) == discovery.DISCOVERED_COLUMNS
    table = found.set_index("name")
    assert set(table.index) == {"Anna Fischer", "Russian diplomats", "Nowhere News"}  # KCNA is registered
    fischer = table.loc["Anna Fischer"]
    assert (fischer["claims"], fischer["type"], fischer["affiliations"], fischer["organisation"]) == (2, "expert", "org:harlow-institute", "harlow-institute")
    assert "c1: rates will rise" in fischer["example_claims"] and "Fischer" in fischer["aliases"]
    assert table.loc["Russian diplomats", "affiliations"] == "state:RU" and table.loc["Russian diplomats", "country"] == "Russia"
    assert table.loc["Nowhere News", "domains"] == "nowhere.example" and table.loc["Nowhere News", "type"] == "digital_outlet"
    assert table["claims"].is_monotonic_decreasing
    empty = discovery.discovered_sources(resolved.iloc[0:0], settings)
    assert list(empty.columns) == discovery.DISCOVERED_COLUMNS and empty.empty


def test_sample_run_discovers_its_unregistered_sources(sample_scored, settings):
    """The sample corpus's unregistered sources are all listed, with counts that add up."""
    table = discovery.discovered_sources(sample_scored, settings)
    unregistered = sample_scored["source_id"].str.startswith("unregistered:")
    assert table["claims"].sum() == unregistered.sum() and len(table) == sample_scored.loc[unregistered, "source_id"].nunique()
    western = table[table["name"] == "Western officials"].iloc[0]
    assert (western["type"], western["affiliations"]) == ("anonymous_officials", "bloc:west") and western["suggested_alias_of"] == ""
    staff = table[table["name"] == "the general staff"].iloc[0]
    assert staff["suggested_alias_of"] == "valdoria-military (100)"


def curated(rows):
    frame = pd.DataFrame(rows)
    for column in discovery.DISCOVERED_COLUMNS:
        if column not in frame:
            frame[column] = ""
    return frame[discovery.DISCOVERED_COLUMNS]


def test_merge_discovered_adds_entries_and_aliases(config_dir, tmp_path, capsys):
    """`add` rows become entries, `alias` rows aliases; comments survive; the result resolves."""
    path = tmp_path / "sources_discovered.csv"
    io.write_csv(path, curated([
        {"decision": "add", "id": "anna-fischer", "name": "Dr. Anna Fischer, Harlow Institute", "type": "expert",
         "organisation": "harlow-institute", "role": "economist", "aliases": "Anna Fischer; Dr. Anna Fischer", "prior": "0.66"},
        {"decision": "alias", "alias_of": "valdoria-military", "aliases": "the general staff; Valdorian top brass"},
        {"decision": "", "id": "ignored", "name": "Ignored", "type": "unknown"},
    ]))
    before = (config_dir / "sources.yaml").read_text()
    assert cli.main(["sources", "merge-discovered", "--csv", str(path), "--config-dir", str(config_dir), "--dry-run"]) == 0
    assert (config_dir / "sources.yaml").read_text() == before
    assert cli.main(["sources", "merge-discovered", "--csv", str(path), "--config-dir", str(config_dir)]) == 0
    assert "1 new sources, 2 new aliases of 1 sources" in capsys.readouterr().out
    after = (config_dir / "sources.yaml").read_text()
    assert after.startswith(before.split("\n  - id: valdoria-military")[0]) and "# --- Seed article actors" in after
    resolver = sources.SourceResolver(config.load_config(config_dir))
    fischer = resolver.resolve("Anna Fischer")
    assert (fischer.source_id, fischer.source_prior, fischer.source_affiliation) == ("anna-fischer", 0.66, "org:harlow-institute")
    assert resolver.resolve("Valdorian top brass").source_id == "valdoria-military"
    # A second merge of the same rows adds the same id twice: refused, nothing written.
    assert cli.main(["sources", "merge-discovered", "--csv", str(path), "--config-dir", str(config_dir)]) == 2
    assert "appears twice" in capsys.readouterr().err and (config_dir / "sources.yaml").read_text() == after


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"decision": "add", "id": "x", "name": "X", "type": "expert", "prior": "1.5"}, "line 2 (id 'x'): field prior"),
        ({"decision": "alias", "alias_of": "nobody", "aliases": "X"}, "line 2: alias_of 'nobody' is not a registered id"),
        ({"decision": "adopt", "id": "x"}, "decision 'adopt' must be add, alias, ignore or empty"),
    ],
)
def test_merge_discovered_refuses_bad_rows(row, message, settings):
    """A bad curated row is refused with its line and field."""
    with pytest.raises(ratings.RatingsError, match=re.escape(message)):
        ratings.curated_changes(curated([row]), settings.registry, where="d.csv")


def test_aliases_are_added_in_block_and_flow_styles():
    """Aliases join a block list, a (multi-line) flow list, or a new key, and nothing else changes."""
    text = (
        "# header\nsources:\n"
        "  - id: a\n    name: A\n    type: expert\n    aliases:\n      - A one\n    prior: 0.5\n"
        "  - id: b\n    name: B\n    type: expert\n    aliases: [\"B one\",\n              \"B two\"]\n"
        "  - id: c\n    name: C\n    type: expert\n"
        "  - id: d\n    name: D\n    type: expert\n    aliases: []\n"
    )
    merged = ratings.merge_into_registry(text, [], {"a": ["A two"], "b": ["B three"], "c": ["C one"], "d": ["D one"]}, today="2026-11-29")
    registry = SourceRegistry.model_validate(yaml.safe_load(merged))
    assert [entry.aliases for entry in registry.sources] == [["A one", "A two"], ["B one", "B two", "B three"], ["C one"], ["D one"]]
    assert merged.startswith("# header\n")
