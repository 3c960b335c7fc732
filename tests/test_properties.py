"""Property-based tests: arbitrary text and records never crash a stage, and scores stay in [0, 1]."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credence import claims, ingest, scoring
from credence.config import ScoringSettings

# At least 200 examples each, as CI runs them; no deadline (the parser's first call is slow).
EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MTIME = datetime(2026, 1, 1, tzinfo=UTC)

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=300))
records = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=6)), max_leaves=20)
field_names = st.sampled_from(["text", "body", "title", "headline", "outlet", "url", "link", "date", "published_at", "id", "other"])
article_like = st.dictionaries(field_names, st.one_of(st.text(max_size=400), st.integers(), st.none()), max_size=8)
news_words = st.sampled_from(
    ["said", "the", "minister", "denied", "that", "according", "to", "“", "”", '"', ",", ".", "Kestria", "army", "claimed",
     "he", "she", "it", "was", "reported", "not", "3,000", "\n\n", "(Reuters) -", "?", "told", "as", "described"]
)
news_like_text = st.lists(news_words, max_size=60).map(" ".join)


@EXAMPLES
@given(record=st.one_of(records, article_like))
def test_article_fields_never_raises_anything_but_a_record_error(record):
    """Any JSON-like value becomes article fields or a RecordError with a reason, never a crash."""
    try:
        fields, _ = ingest.article_fields(record, file_mtime=MTIME)
    except ingest.RecordError as error:
        assert str(error)
    else:
        assert fields["text"].strip() and fields["outlet"] and fields["published_at"]


@EXAMPLES
@given(data=st.binary(max_size=2000))
def test_decode_bytes_never_raises_anything_but_a_record_error(data):
    """Arbitrary bytes decode to text or are refused with a reason."""
    try:
        assert isinstance(ingest.decode_bytes(data), str)
    except ingest.RecordError as error:
        assert str(error)


@EXAMPLES
@given(content=st.one_of(st.binary(max_size=1500), st.text(max_size=1500).map(str.encode)), suffix=st.sampled_from(ingest.SUPPORTED_SUFFIXES))
def test_ingest_accounts_for_any_file(tmp_path_factory, content, suffix):
    """Any file of a supported type ends in the ledger; articles match processed rows."""
    folder = tmp_path_factory.mktemp("raw")
    (folder / f"input{suffix}").write_bytes(content)
    result = ingest.ingest(folder)
    assert result.ledger and all(entry.state in ("processed", "duplicate", "quarantined") for entry in result.ledger)
    assert len(result.articles) == sum(entry.state == "processed" for entry in result.ledger)
    assert all(entry.reason for entry in result.ledger if entry.state == "quarantined")


@EXAMPLES
@given(text=st.one_of(news_like_text, st.text(max_size=400)))
def test_claim_splitting_never_raises_and_offsets_fit(text, english, settings):
    """Any text yields claims whose offsets lie inside the text and whose content is not empty."""
    doc = english(text)
    found = claims.extract_claims(doc, article_id="a1", outlet="Outlet", cues=claims.cue_table(settings.cues))
    for claim in found:
        assert claim.content.strip()
        assert 0 <= claim.content_start <= claim.content_end <= len(text)
        assert claim.source_start == -1 or 0 <= claim.source_start <= claim.source_end <= len(text)
        assert 0.0 <= claim.confidence <= 1.0


unit = st.floats(min_value=0.0, max_value=1.0)


@st.composite
def claim_tables(draw):
    size = draw(st.integers(min_value=1, max_value=12))
    ids = [f"c{i}" for i in range(size)]
    rows = []
    for claim_id in ids:
        others = [other for other in ids if other != claim_id]
        rows.append(
            {
                "claim_id": claim_id,
                "source_id": draw(st.sampled_from(["s1", "s2", "s3"])),
                "source_name": "source",
                "source_prior": draw(unit),
                "prior_rule": "rule",
                "source_affiliation": draw(st.sampled_from(["", "state:x"])),
                "independence_group": draw(st.sampled_from(["g1", "g2", "g3", "g4"])),
                "commitment": draw(unit),
                "confidence": draw(unit),
                "stance": draw(st.sampled_from(["assert", "deny", "hedge", "belief"])),
                "attribution": draw(st.sampled_from(["source", "outlet"])),
                "cue": "said",
                "supporting_claim_ids": "; ".join(draw(st.lists(st.sampled_from(others), unique=True, max_size=3)) if others else []),
                "contradicting_claim_ids": "; ".join(draw(st.lists(st.sampled_from(others), unique=True, max_size=3)) if others else []),
            }
        )
    frame = pd.DataFrame(rows)
    frame["n_supporting_groups"] = frame["supporting_claim_ids"].str.count("c")
    frame["n_contradicting_groups"] = frame["contradicting_claim_ids"].str.count("c")
    return frame


@EXAMPLES
@given(frame=claim_tables())
def test_scores_stay_probabilities(frame):
    """Whatever the priors, weights and relations, every score is in [0, 1] with an explanation."""
    scored = scoring.score_claims(frame, ScoringSettings())
    assert scored["score"].between(0.0, 1.0).all()
    assert scored["explanation"].str.len().gt(0).all()
    assert set(scored["status"]) <= {"corroborated", "single-source", "contested", "contradicted"}
