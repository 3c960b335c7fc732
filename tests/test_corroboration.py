"""Corroboration: figures, polarity, syndication, independence, and the sample corpus's stories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from credence import corroboration, corroboration_blocking, ingest, pipeline, synthetic
from credence.corroboration_blocking import group_chunks, term_matrix
from credence.config import CorroborationSettings


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("at least 2,000 of the 15,000 workers", [2000.0, 15000.0]),
        ("rates rose to 6.5% in 2026", [6.5]),
        ("the 2027 budget", []),
        ("no figure at all", []),
    ],
)
def test_numbers_in(text, numbers):
    """Counts and percentages are found; bare years are not figures."""
    assert corroboration.numbers_in(text) == numbers


@pytest.mark.parametrize(
    ("a", "b", "disagree"),
    [
        ([1000, 8000], [3000], True),  # "at least 1,000 of 8,000" vs "3,000"
        ([1000, 8000], [1000], False),  # "about 1,000 dead"
        ([40], [42], False),  # within the tolerance
        ([40], [], False),  # no figure on one side: nothing to compare
    ],
)
def test_figures_disagree(a, b, disagree):
    """Figures disagree only when each side has one the other cannot match."""
    assert corroboration.figures_disagree(a, b, 0.15) is disagree


@pytest.mark.parametrize(
    ("stance", "terms", "sign"),
    [("assert", "leak contain", 1), ("assert", "leak not contain", -1), ("deny", "army liberate region", -1), ("deny", "troop not leave", 1)],
)
def test_polarity(stance, terms, sign):
    """A denial or a negation flips polarity; both together cancel."""
    assert corroboration.polarity(stance, terms) == sign


def test_credit_line_names_the_wire():
    """A wire credit line at the start of a story names its origin."""
    assert corroboration.credit_line_outlet("LISSEN (Meridian Wire) - About 40 workers") == "Meridian Wire"
    assert corroboration.credit_line_outlet("Officials (who declined) said") == ""


def test_independence_groups():
    """Affiliation beats source; outlet assertions in syndicated copies belong to the origin."""
    assert corroboration.independence_group("source", "kcna", "state:KP;owner:x", "syn-1", 1) == "affiliation:state:KP"
    assert corroboration.independence_group("outlet", "herald", "", "syn-1", 3) == "syndicate:syn-1"
    assert corroboration.independence_group("outlet", "herald", "", "syn-2", 1) == "source:herald"


def test_near_duplicate_articles_share_a_syndication_group():
    """A lightly edited copy joins its origin's group; an unrelated article does not."""
    wire = "About 40 workers were evacuated from the port after an ammonia leak, the harbour master said. " * 3
    articles = pd.DataFrame(
        {
            "article_id": ["a", "b", "c"],
            "published_at": ["2026-11-25T07:00:00+00:00", "2026-11-25T09:00:00+00:00", "2026-11-25T08:00:00+00:00"],
            "outlet": ["Wire", "Paper", "Other"],
            "text": [wire, "PORT (Wire) - " + wire.replace("ammonia", "toxic ammonia"), "The central bank raised rates by half a point on Monday."],
        }
    )
    groups = corroboration.syndication_groups(articles, CorroborationSettings())
    assert groups["a"] == groups["b"] == "syn-a" and groups["c"] == "syn-c"


def test_a_credit_line_points_inside_the_copy_story():
    """A credited copy joins the credited outlet's article of its own story, not the outlet's earliest of the night."""
    port = "About 40 workers were evacuated from the port after an ammonia leak, the harbour master said."
    bank = "The central bank raised rates by half a point on Monday, its governor told reporters."
    articles = pd.DataFrame(
        {
            "article_id": ["bank", "port", "copy"],
            "published_at": ["2026-11-25T06:00:00+00:00", "2026-11-25T07:00:00+00:00", "2026-11-25T09:00:00+00:00"],
            "outlet": ["Wire", "Wire", "Paper"],
            "text": [bank, port, "PORT (Wire) - Workers left the port after the leak of ammonia, officials said."],
        }
    )
    stories = pd.Series({"bank": "story-001", "port": "story-002", "copy": "story-002"})
    groups = corroboration.syndication_groups(articles, CorroborationSettings(), stories)
    assert groups["copy"] == groups["port"] == "syn-port" and groups["bank"] == "syn-bank"


def test_sample_wire_copies_form_one_group(sample_scored):
    """The wire's Lissen story and its two syndicated copies are one syndication group."""
    lissen = sample_scored[sample_scored["content"].str.contains("leak had been contained within two hours", regex=False)]
    assert set(lissen["outlet"]) == {"Meridian Wire", "The Northbridge Herald", "The Daily Blaze"}
    assert lissen["syndication_group"].nunique() == 1


def test_sample_state_agency_claim_is_contradicted_by_the_named_party(sample_scored):
    """VSNA's 'completely liberated' claim is contradicted by Kestria's denial."""
    by_id = sample_scored.set_index("claim_id")
    vsna = sample_scored[(sample_scored["outlet"] == "Valdorian State News Agency") & sample_scored["content"].str.contains("completely liberated")]
    assert len(vsna) == 1
    claim = vsna.iloc[0]
    assert "affiliation:state:kestria" in claim["contradicting_groups"]
    denials = by_id.loc[claim["contradicting_claim_ids"].split("; ")]
    assert (denials["stance"] == "deny").any() and denials["source_name"].str.contains("Kestria").any()


def test_sample_wire_story_is_corroborated_by_an_independent_outlet(sample_scored):
    """A Meridian Wire claim is supported by a claim of an outlet outside its syndication group."""
    by_id = sample_scored.set_index("claim_id")
    found = []
    for claim in sample_scored[(sample_scored["outlet"] == "Meridian Wire") & (sample_scored["status"] == "corroborated")].itertuples():
        supporters = by_id.loc[claim.supporting_claim_ids.split("; ")]
        independent = supporters[(supporters["syndication_group"] != claim.syndication_group) & (supporters["outlet"] != "Meridian Wire")]
        if not independent.empty:
            found.append((claim.content, sorted(set(independent["outlet"]))))
    assert any("40 workers were evacuated" in content and "The Capital Ledger" in outlets for content, outlets in found), found


def test_term_matrix_read_in_chunks_equals_one_pass():
    """Texts read a few at a time give the same counts and columns as all at once."""
    texts = [["port", "leak", "port"], [], ["leak", "ammonia"], ["mayor"], ["ammonia", "port", "mayor", "rates"]]
    whole, whole_terms = term_matrix(texts, chunk=len(texts))
    streamed, streamed_terms = term_matrix((terms for terms in texts), chunk=2)
    assert whole_terms.tolist() == streamed_terms.tolist() == ["port", "leak", "ammonia", "mayor", "rates"]
    assert (whole != streamed).nnz == 0 and streamed.shape == (5, 5)
    assert streamed[0, 0] == 2
    assert term_matrix([[], []])[0].shape == (2, 1)


def test_group_chunks_keep_groups_whole():
    """Every row lands in exactly one chunk, a group never spans two, and chunks stay near the size asked."""
    groups = np.array(["b", "a", "b", "c", "a", "d", "d", "d", "d", "d", "a"])
    chunks = group_chunks(groups, max_rows=4)
    assert sorted(np.concatenate(chunks).tolist()) == list(range(len(groups)))
    assert all((np.diff(chunk) > 0).all() for chunk in chunks)  # positions in row order
    for label in set(groups):
        assert sum(label in groups[chunk] for chunk in chunks) == 1
    # The five-row group is larger than a chunk, so it is a chunk of its own.
    assert [len(chunk) for chunk in chunks] == [2, 4, 5]
    assert group_chunks(np.array([], dtype=object), 4) == []


def test_a_story_grown_too_large_is_split_at_its_weak_links():
    """Two tight stories chained by a weak link are one component, two stories under a cap."""
    # Nodes 0-3 and 4-7 are linked strongly inside (0.9), the stories by one weak link (0.22);
    # 8-9 are a small story whose own weak link (0.21) stays, as it fits under any cap.
    inside = [(0, 1), (1, 2), (2, 3), (0, 3), (4, 5), (5, 6), (6, 7)]
    left = np.array([a for a, _ in inside] + [3, 8])
    right = np.array([b for _, b in inside] + [4, 9])
    weight = np.array([0.9] * len(inside) + [0.22, 0.21])
    plain = corroboration_blocking.components(10, left, right)
    capped = corroboration_blocking.capped_components(10, left, right, weight, max_size=5, step=0.05)
    assert len(set(plain[:8])) == 1 and plain[8] == plain[9]
    assert len(set(capped[:4])) == 1 and len(set(capped[4:8])) == 1 and capped[0] != capped[4]
    assert capped[8] == capped[9]
    # Under a cap nothing reaches, the components are the plain ones.
    uncapped = corroboration_blocking.capped_components(10, left, right, weight, max_size=8, step=0.05)
    assert (uncapped == plain).all()
    # A component whose links are all equally strong falls apart once the bar passes them.
    star = corroboration_blocking.capped_components(4, np.array([0, 0, 0]), np.array([1, 2, 3]), np.full(3, 0.5), max_size=2, step=0.05)
    assert len(set(star)) == 4


def test_stories_of_a_night_stay_under_the_cap(synthetic_articles):
    """The synthetic night's stories, capped at a size below its largest, are each within the cap."""
    plain = corroboration.story_groups(synthetic_articles, CorroborationSettings(), window_days=7)
    largest = plain.value_counts().max()
    assert largest > 2
    capped = corroboration.story_groups(synthetic_articles, CorroborationSettings(story_max_articles=largest - 1), window_days=7)
    assert capped.value_counts().max() <= largest - 1
    assert capped.nunique() > plain.nunique()


@pytest.fixture(scope="module")
def synthetic_articles(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("synthetic")
    synthetic.generate(folder, articles=240, seed=3)
    return pipeline.articles_frame(ingest.ingest(folder).articles)


def test_syndication_found_chunk_by_chunk_equals_the_whole_night(synthetic_articles, monkeypatch):
    """Copies are looked for inside stories, so packing stories into small chunks changes nothing."""
    settings = CorroborationSettings()
    stories = corroboration.story_groups(synthetic_articles, settings, window_days=7)
    monkeypatch.setattr(corroboration, "SYNDICATION_CHUNK_ARTICLES", len(synthetic_articles))
    whole = corroboration.syndication_groups(synthetic_articles, settings, stories)
    monkeypatch.setattr(corroboration, "SYNDICATION_CHUNK_ARTICLES", 10)
    chunked = corroboration.syndication_groups(synthetic_articles, settings, stories)
    assert stories.nunique() > 10 and whole.value_counts().max() > 1
    pd.testing.assert_series_equal(whole, chunked)


def test_claim_relations_found_chunk_by_chunk_equal_the_whole_night(sample_scored, monkeypatch):
    """Pairs and every weight are local to a story, so small chunks of stories give the same pairs."""
    claims = sample_scored.reset_index(drop=True)
    stories = claims["story_id"].to_numpy()
    times = corroboration.utc_times(claims["published_at"])
    settings = CorroborationSettings()
    monkeypatch.setattr(corroboration, "RELATION_CHUNK_CLAIMS", len(claims))
    whole = corroboration.claim_relations(claims, stories, times, settings, 7)
    monkeypatch.setattr(corroboration, "RELATION_CHUNK_CLAIMS", 5)
    chunked = corroboration.claim_relations(claims, stories, times, settings, 7)
    assert len(corroboration_blocking.group_chunks(stories, 5)) > 2 and set(whole["relation"]) >= {"same", "competing"}
    pd.testing.assert_frame_equal(whole, chunked)
