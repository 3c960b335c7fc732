"""Corroboration: figures, polarity, syndication, independence, and the sample corpus's stories."""

from __future__ import annotations

import pandas as pd
import pytest

from credence import corroboration
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
