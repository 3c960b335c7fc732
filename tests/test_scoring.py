"""Scoring: priors, independent support and contradiction, the single-source cap, explanations."""

from __future__ import annotations

import pandas as pd
import pytest

from credence import scoring
from credence.config import ScoringSettings


def claim(claim_id, *, prior=0.7, group=None, supporting="", contradicting="", commitment=1.0, confidence=1.0, source_id=None):
    return {
        "claim_id": claim_id,
        "source_id": source_id or f"src-{claim_id}",
        "source_name": f"Source {claim_id}",
        "source_prior": prior,
        "prior_rule": "test prior",
        "independence_group": group or f"source:{claim_id}",
        "commitment": commitment,
        "confidence": confidence,
        "cue": "said",
        "supporting_claim_ids": supporting,
        "contradicting_claim_ids": contradicting,
    }


def score(rows, **settings):
    frame = pd.DataFrame(rows)
    return scoring.score_claims(frame, ScoringSettings(**settings)).set_index("claim_id")


def test_single_source_is_capped_and_says_why():
    """A claim nobody else supports cannot score above the cap."""
    result = score([claim("a", prior=0.95)])
    assert result.loc["a", "score"] == 0.75
    assert result.loc["a", "status"] == "single-source"
    assert "capped at 0.75" in result.loc["a", "explanation"]


def test_authoritative_source_is_not_capped():
    """A source configured as authoritative keeps its full score when alone."""
    frame = pd.DataFrame([claim("a", prior=0.95, source_id="stats-office")])
    result = scoring.score_claims(frame, ScoringSettings(), authoritative=frozenset({"stats-office"}))
    assert result.loc[0, "score"] > 0.9


def test_independent_support_raises_and_contradiction_lowers():
    """Support from another group raises the score; contradiction lowers it; both = contested."""
    rows = [
        claim("a", prior=0.6, supporting="b", contradicting="c"),
        claim("b", prior=0.8, supporting="a"),
        claim("c", prior=0.9, contradicting="a"),
        claim("d", prior=0.6),
    ]
    result = score(rows)
    assert result.loc["b", "status"] == "corroborated" and result.loc["c", "status"] == "contradicted"
    assert result.loc["a", "status"] == "contested"
    alone = score([claim("d", prior=0.6), claim("e", prior=0.6, supporting="f"), claim("f", prior=0.8, supporting="e")])
    assert alone.loc["e", "score"] > alone.loc["d", "score"]
    assert result.loc["a", "score"] < alone.loc["e", "score"]


def test_one_group_counts_once():
    """Two supporting claims of one independence group add one contribution, not two."""
    once = score([claim("a", prior=0.6, supporting="b"), claim("b", prior=0.8, group="affiliation:x")])
    twice = score([claim("a", prior=0.6, supporting="b; c"), claim("b", prior=0.8, group="affiliation:x"), claim("c", prior=0.8, group="affiliation:x")])
    assert once.loc["a", "score"] == pytest.approx(twice.loc["a", "score"])


def test_hedge_pulls_towards_even_odds():
    """A hedged claim of a credible source scores nearer 0.5 than the same claim asserted."""
    result = score([claim("a", prior=0.7), claim("b", prior=0.7, commitment=0.6)], single_source_cap=1.0)
    assert 0.5 < result.loc["b", "score"] < result.loc["a", "score"]


def test_explanation_terms_add_up_to_the_score():
    """The explanation lists every term of the log-odds sum, and they add up."""
    result = score([claim("a", prior=0.6, supporting="b", contradicting="c"), claim("b", prior=0.8), claim("c", prior=0.5)])
    text = result.loc["a", "explanation"]
    terms = [float(t) for t in __import__("re").findall(r": ([+-]\d+\.\d+)", text)]
    total = float(__import__("re").search(r"Log-odds ([+-]\d+\.\d+)", text).group(1))
    assert sum(terms) == pytest.approx(total, abs=0.02)
    assert "Source b" in text and "Source c" in text and "test prior" in text


def test_sample_denied_state_claim_scores_below_corroborated_wire_claim(sample_scored):
    """VSNA's contradicted claim scores below the independently corroborated wire claim."""
    vsna = sample_scored[(sample_scored["outlet"] == "Valdorian State News Agency") & sample_scored["content"].str.contains("completely liberated")].iloc[0]
    wire = sample_scored[(sample_scored["outlet"] == "Meridian Wire") & sample_scored["content"].str.contains("40 workers were evacuated")].iloc[0]
    assert vsna["score"] < 0.5 < wire["score"]
    assert vsna["status"] == "contradicted" and wire["status"] == "corroborated"
    assert "contradicted by" in vsna["explanation"] and "supported by" in wire["explanation"]


def test_sample_scores_are_probabilities_with_explanations(sample_scored):
    """Every claim has a score in [0, 1], a status and an explanation."""
    assert sample_scored["score"].between(0, 1).all()
    assert set(sample_scored["status"]) <= {"corroborated", "single-source", "contested", "contradicted"}
    assert (sample_scored["explanation"].str.len() > 20).all()
