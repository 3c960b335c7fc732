"""Claim splitting: sentence in, (source, cue, content, stance) out; and sentences that yield nothing."""

from __future__ import annotations

import pytest

from credence import claims
from tests.conftest import shared_file

OUTLET = "Test Outlet"


def extract(text: str, english, settings) -> list[claims.Claim]:
    doc = english(text)
    return claims.extract_claims(doc, article_id="a1", outlet=OUTLET, cues=claims.cue_table(settings.cues))


def attributed(found: list[claims.Claim]) -> list[claims.Claim]:
    return [claim for claim in found if claim.attribution == "source"]


# (id, text, source, cue, content, stance, quote_type); source/content are exact after trimming.
POSITIVE_CASES = [
    ("said-that", "Finance Minister Lena Marsh said on Tuesday that the budget deficit would narrow next year.",
     "Finance Minister Lena Marsh", "said", "the budget deficit would narrow next year", "assert", "indirect"),
    ("said-no-that", "The mayor said the bridge would reopen in March.",
     "The mayor", "said", "the bridge would reopen in March", "assert", "indirect"),
    ("content-first", "The bridge will reopen in March, the mayor said.",
     "the mayor", "said", "The bridge will reopen in March", "assert", "indirect"),
    ("inverted-direct", "“We have lost contact with two of our field teams,” said Tomas Ruiz, a coordinator for the aid group.",
     "Tomas Ruiz, a coordinator for the aid group", "said", "We have lost contact with two of our field teams", "assert", "direct"),
    ("denial-clause", "Defence Minister Ilona Varga denied that Valdorian troops controlled Tarvel.",
     "Defence Minister Ilona Varga", "denied", "Valdorian troops controlled Tarvel", "deny", "indirect"),
    ("hedge-estimate", "Western officials estimated that at least 1,000 volunteers had been killed.",
     "Western officials", "estimated", "at least 1,000 volunteers had been killed", "hedge", "indirect"),
    ("belief", "Renner believes that the bank will raise rates in December.",
     "Renner", "believes", "the bank will raise rates in December", "belief", "indirect"),
    ("participle-inherits", "The United States condemned the deployment, stating that Valdoria must bear responsibility.",
     "The United States", "stating", "Valdoria must bear responsibility", "assert", "indirect"),
    ("told-addressee-not-source", "The harbour master told Meridian Wire that 40 workers were evacuated.",
     "The harbour master", "told", "40 workers were evacuated", "assert", "indirect"),
    ("according-to", "According to the national statistics office, inflation rose to 5.9% in October.",
     "the national statistics office", "according to", "inflation rose to 5.9% in October", "assert", "according_to"),
    ("according-to-report-by", "According to a report by the state news agency Norpress, police detained 14 people.",
     "the state news agency Norpress", "according to", "police detained 14 people", "assert", "according_to"),
    ("mixed-quote", "The governor said further rate rises were “not off the table.”",
     "The governor", "said", "further rate rises were “not off the table", "assert", "mixed"),
    ("small-clause", "The general described the volunteers as “highly motivated and numerous.”",
     "The general", "described", "the volunteers as “highly motivated and numerous", "assert", "mixed"),
    ("reportedly-hedges", "The ministry said that the convoy had reportedly crossed the border.",
     "The ministry", "said", "the convoy had reportedly crossed the border", "hedge", "indirect"),
]


@pytest.mark.parametrize(("case_id", "text", "source", "cue", "content", "stance", "quote_type"), POSITIVE_CASES, ids=[c[0] for c in POSITIVE_CASES])
def test_attributed_claim_is_extracted(case_id, text, source, cue, content, stance, quote_type, english, settings):
    """Each pattern yields exactly one attributed claim with the expected roles."""
    found = attributed(extract(text, english, settings))
    # The cue may carry its auxiliaries ("has denied"), as PolNeAR annotates it; other claims of
    # the sentence (a position such as "condemned the deployment") may come out beside it.
    matching = [c for c in found if c.cue.lower().split()[-1] == cue.lower().split()[-1]]
    assert len(matching) == 1, [(c.source_text, c.cue, c.content) for c in found]
    claim = matching[0]
    assert (claim.source_text, claim.content.rstrip("”\"")) == (source, content.rstrip("”\""))
    assert (claim.stance, claim.quote_type) == (stance, quote_type)
    assert claim.cue.split()[-1].lower() in text[claim.cue_start : claim.cue_end].lower()
    assert text[claim.content_start : claim.content_end].startswith(content[:10])


NEGATIVE_CASES = [
    ("said-goodbye", "She said goodbye to her colleagues on Friday."),
    ("warning-sirens", "Warning sirens sounded across the city before dawn."),
    ("asked-whether", "Reporters asked whether the minister would resign."),
    ("directive", "The officer told him to wait outside the building."),
    ("negated-omission", "The report did not say when the soldiers would return."),
]


@pytest.mark.parametrize(("case_id", "text"), NEGATIVE_CASES, ids=[c[0] for c in NEGATIVE_CASES])
def test_sentence_without_attribution_yields_no_attributed_claim(case_id, text, english, settings):
    """Sentences that look like attributions but are not yield no attributed claim."""
    assert attributed(extract(text, english, settings)) == []


def test_split_quote_is_one_claim_with_both_parts(english, settings):
    """A quote split around the cue is one claim whose content holds both parts."""
    found = attributed(extract("“The dam is holding for now,” the regional governor said, “but another night of rain could change that.”", english, settings))
    assert len(found) == 1
    assert found[0].source_text == "the regional governor"
    assert "The dam is holding for now" in found[0].content and "another night of rain could change that" in found[0].content
    assert found[0].quote_type == "direct"


def test_according_to_wrapping_a_statement_is_kept_as_via(english, settings):
    """'According to X, Y stated C' yields Y's claim with X as the channel."""
    found = attributed(extract("According to VSNA, the Valdorian general staff stated that the army had liberated Tarvel.", english, settings))
    assert [(c.source_text, c.cue, c.content, c.via) for c in found] == [
        ("the Valdorian general staff", "stated", "the army had liberated Tarvel", "VSNA")
    ]


def test_pronoun_source_resolves_to_the_last_person(english, settings):
    """'He' resolves to the nearest earlier person source; the surface form is kept."""
    text = "The ministry said that the talks had failed. Ukraine's top general, Oleksandr Syrskyi, warned that the attacks would go on. He described them as “highly motivated.”"
    found = attributed(extract(text, english, settings))
    last = found[-1]
    assert (last.source_surface, last.source_text) == ("He", "Ukraine's top general, Oleksandr Syrskyi")
    assert last.confidence < 1.0


def test_trailing_hedge_participle_is_the_outlets(english, settings):
    """'..., suggesting C' is the journalist's inference, not the subject's claim."""
    found = extract("Ukraine has denied Russia's claims of fully regaining control over Kursk, suggesting the situation remains contested.", english, settings)
    suggesting = [c for c in found if c.cue == "suggesting"]
    assert len(suggesting) == 1 and suggesting[0].attribution == "outlet" and suggesting[0].source_text == OUTLET
    # Ukraine's denial, and the denied party's own claim ("Russia's claims of ...").
    assert [c.source_text for c in attributed(found)][0] == "Ukraine"
    assert "Russia" in [c.source_text for c in attributed(found)]


def test_unattributed_factual_sentence_is_an_outlet_assertion(english, settings):
    """A declarative sentence with no cue is the outlet's own claim; a question is not."""
    found = extract("The eastern dock remained closed on Wednesday evening. Will it reopen before the holidays?", english, settings)
    assert [(c.attribution, c.source_text, c.content, c.quote_type) for c in found] == [
        ("outlet", OUTLET, "The eastern dock remained closed on Wednesday evening", "outlet")
    ]


def test_wire_dateline_is_not_part_of_the_content(english, settings):
    """'LISSEN (Meridian Wire) - ' opening a syndicated story is dropped from the claim."""
    found = attributed(extract("LISSEN (Meridian Wire) - About 40 workers were evacuated from the port, the harbour master said.", english, settings))
    assert found[0].content == "About 40 workers were evacuated from the port"


def test_offsets_point_into_the_article_text(english, settings):
    """Source, cue and content offsets slice the article text back to each role."""
    text = "Prices will rise again next month, the central bank warned on Monday."
    claim = attributed(extract(text, english, settings))[0]
    assert text[claim.source_start : claim.source_end] == claim.source_surface == "the central bank"
    assert text[claim.cue_start : claim.cue_end] == "warned"
    assert text[claim.content_start : claim.content_end] == claim.content


def test_seed_article_claims(english, settings):
    """Every attributed claim of the acceptance seed article has the right source, cue and stance."""
    text = shared_file("acceptance/seed_article.txt").read_text(encoding="utf-8")
    found = attributed(extract(text, english, settings))
    # Cues are compared by their verb: the extractor keeps auxiliaries ("has officially confirmed").
    by_cue = {(c.cue.split()[-1], c.source_text): c for c in found}
    expected = [
        ("confirmed", "North Korea", "assert", "it sent troops to support Russia"),
        ("stated", "Pyongyang’s military", "assert", "its forces helped Russian troops"),
        ("estimated", "Western officials", "hedge", "at least 1,000 of the 11,000 North Korean soldiers"),
        ("emphasized", "KCNA", "assert", "this proven “friendship” would further deepen"),
        ("stating", "The United States", "assert", "Pyongyang must bear responsibility"),
        ("denied", "Ukraine", "deny", "Russia’s claims of fully regaining control over Kursk"),
        ("argue", "military experts", "assert", "these troops are ill-prepared for modern warfare"),
        ("warned", "Ukraine’s top general, Oleksandr Syrskyi", "assert", "the North Korean presence is having a significant impact"),
        ("described", "Ukraine’s top general, Oleksandr Syrskyi", "assert", "them as “highly motivated and numerous"),
    ]
    for cue, source, stance, content_start in expected:
        claim = by_cue.get((cue, source))
        assert claim is not None, f"no claim with cue {cue!r} and source {source!r}; found {sorted(by_cue)}"
        assert claim.stance == stance
        assert claim.content.startswith(content_start), claim.content
    stated = by_cue[("stated", "Pyongyang’s military")]
    assert "KCNA" in stated.via


def test_denial_of_a_claim_keeps_both_sides(english, settings):
    """'Kestria denied Valdoria's claims that C' is Kestria's denial and Valdoria's claim, C."""
    found = attributed(extract("Kestria denied Valdoria's claims that its army had liberated the Tarvel region.", english, settings))
    assert [(c.source_text, c.cue, c.content, c.stance) for c in found] == [
        ("Kestria", "denied", "Valdoria's claims that its army had liberated the Tarvel region", "deny"),
        ("Valdoria", "claims", "its army had liberated the Tarvel region", "assert"),
    ]


@pytest.mark.xfail(strict=True, reason="known: in the full seed article the parse hangs 'vowing' under a verb whose subject is the Kursk region, so the inherited subject is wrong")
def test_seed_article_vowing_inherits_the_authorities(english, settings):
    """'..., with North Korean authorities hailing ... and vowing that C' is the authorities' claim."""
    text = shared_file("acceptance/seed_article.txt").read_text(encoding="utf-8")
    found = attributed(extract(text, english, settings))
    assert any(c.cue.split()[-1] == "vowing" and c.source_text == "North Korean authorities" for c in found)
