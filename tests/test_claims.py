"""Claim splitting: sentence in, (source, cue, content, stance) out; and sentences that yield nothing."""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import permutations

import pytest
from spacy.lang.en.stop_words import STOP_WORDS

from credence import attribution_parse, attribution_rules, claims
from tests.conftest import shared_file

OUTLET = "Test Outlet"


def extract(text: str, english, settings) -> list[claims.Claim]:
    doc = english(text)
    return claims.extract_claims(doc, article_id="a1", outlet=OUTLET, cues=claims.cue_table(settings.cues))


def attributed(found: list[claims.Claim]) -> list[claims.Claim]:
    return [claim for claim in found if claim.attribution == "source"]


# (id, text, source, cue, content, stance, quote_type); source/content are exact after trimming.
POSITIVE_CASES = [
    ("said-that", "Trade Minister Orla Penn said on Friday that the export surplus would widen next spring.",
     "Trade Minister Orla Penn", "said", "the export surplus would widen next spring", "assert", "indirect"),
    ("said-no-that", "The mayor said the bridge would reopen in March.",
     "The mayor", "said", "the bridge would reopen in March", "assert", "indirect"),
    ("content-first", "The bridge will reopen in March, the mayor said.",
     "the mayor", "said", "The bridge will reopen in March", "assert", "indirect"),
    ("inverted-direct", "“Three of our clinics have run out of fuel,” said Ines Havel, a director of the relief charity.",
     "Ines Havel, a director of the relief charity", "said", "Three of our clinics have run out of fuel", "assert", "direct"),
    ("mixed-quote-marks", "\"I prefer the governor,” the delegate said.",
     "the delegate", "said", "I prefer the governor", "assert", "direct"),
    ("denial-clause", "Defence Minister Ilona Varga denied that Valdorian troops controlled Tarvel.",
     "Defence Minister Ilona Varga", "denied", "Valdorian troops controlled Tarvel", "deny", "indirect"),
    ("auxiliaries-in-cue", "Kyiv has repeatedly denied that its forces shelled the town.",
     "Kyiv", "has repeatedly denied", "its forces shelled the town", "deny", "indirect"),
    ("hedge-estimate", "Western officials estimated that at least 1,000 volunteers had been killed.",
     "Western officials", "estimated", "at least 1,000 volunteers had been killed", "hedge", "indirect"),
    ("prediction", "Economists predict that inflation will ease next spring.",
     "Economists", "predict", "inflation will ease next spring", "prediction", "indirect"),
    ("belief", "Renner believes that the bank will raise rates in December.",
     "Renner", "believes", "the bank will raise rates in December", "belief", "indirect"),
    ("belief-adjective", "Union leaders are confident that the strike will end this week.",
     "Union leaders", "are confident", "the strike will end this week", "belief", "indirect"),
    ("participle-inherits", "The United States responded to the deployment, stating that Valdoria must bear responsibility.",
     "The United States", "stating", "Valdoria must bear responsibility", "assert", "indirect"),
    ("told-addressee-not-source", "The harbour master told Meridian Wire that 40 workers were evacuated.",
     "The harbour master", "told", "40 workers were evacuated", "assert", "indirect"),
    ("according-to", "According to the national statistics office, inflation rose to 5.9% in October.",
     "the national statistics office", "According to", "inflation rose to 5.9% in October", "assert", "according_to"),
    ("according-to-report-by", "According to a bulletin by the state broadcaster Telvan, guards arrested 9 smugglers.",
     "the state broadcaster Telvan", "According to", "guards arrested 9 smugglers", "assert", "according_to"),
    ("said-in-a-statement-that", "The ministry said in a statement on Friday that the convoy had crossed the border.",
     "The ministry", "said", "the convoy had crossed the border", "assert", "indirect"),
    ("mixed-quote", "The chairwoman said deeper spending cuts were “still very much possible.”",
     "The chairwoman", "said", "deeper spending cuts were “still very much possible", "assert", "mixed"),
    ("small-clause", "The general described the volunteers as “highly motivated and numerous.”",
     "The general", "described", "the volunteers as “highly motivated and numerous", "assert", "mixed"),
    ("call-small-clause", "The senator called the plan “a disaster.”",
     "The senator", "called", "the plan “a disaster", "assert", "mixed"),
    ("reportedly-hedges", "The ministry said that the convoy had reportedly crossed the border.",
     "The ministry", "said", "the convoy had reportedly crossed the border", "hedge", "indirect"),
    ("omission", "The agency's report said nothing about the cost of the repairs.",
     "The agency's report", "said", "nothing about the cost of the repairs", "assert", "indirect"),
    ("headline-colon", "Port authority head: cargo traffic will recover, but slowly",
     "Port authority head", ":", "cargo traffic will recover, but slowly", "assert", "indirect"),
]


@pytest.mark.parametrize(("case_id", "text", "source", "cue", "content", "stance", "quote_type"), POSITIVE_CASES, ids=[c[0] for c in POSITIVE_CASES])
def test_attributed_claim_is_extracted(case_id, text, source, cue, content, stance, quote_type, english, settings):
    """Each pattern yields exactly one attributed claim with the expected roles."""
    found = attributed(extract(text, english, settings))
    assert len(found) == 1, [(c.source_surface, c.cue, c.content) for c in found]
    claim = found[0]
    assert (claim.source_surface, claim.cue, claim.content.rstrip("”\"")) == (source, cue, content.rstrip("”\""))
    assert (claim.stance, claim.quote_type) == (stance, quote_type)
    assert text[claim.cue_start : claim.cue_end] == cue
    assert text[claim.content_start : claim.content_end].startswith(content[:10])


NEGATIVE_CASES = [
    ("said-goodbye", "She said goodbye to her colleagues on Friday."),
    ("warning-sirens", "Warning sirens sounded across the city before dawn."),
    ("asked-whether", "Journalists asked whether the coach would step down."),
    ("directive", "The officer told him to wait outside the building."),
    ("negated-omission", "The report did not say when the soldiers would return."),
    ("future-speech", "The committee will publish its findings on Thursday."),
    ("scare-quotes", "The self-styled “people's militias” were dissolved last spring."),
    ("quoted-title", "His latest album, “Northern Lights,” topped the charts for six weeks."),
    ("position-is-no-claim", "The governor endorsed the mayor on Monday."),
    ("topic-is-no-claim", "The minister spoke about the budget for an hour."),
]


@pytest.mark.parametrize(("case_id", "text"), NEGATIVE_CASES, ids=[c[0] for c in NEGATIVE_CASES])
def test_sentence_without_attribution_yields_no_attributed_claim(case_id, text, english, settings):
    """Sentences that look like attributions but are not, or carry no statement, yield no attributed claim."""
    assert attributed(extract(text, english, settings)) == []


def test_positions_and_questions_are_found_but_not_scored(english, settings):
    """An endorsement or a question is an attribution (the evaluation counts it) but no claim."""
    cues = claims.cue_table(settings.cues)
    for text, lemma in (("The governor endorsed the mayor on Monday.", "endorse"), ("Journalists asked whether the coach would step down.", "ask")):
        found = [f for f in claims.find_attributions(english(text), article_id="a", outlet=OUTLET, cues=cues) if f.attribution == "source"]
        assert [(f.cue_lemma, f.scored) for f in found] == [(lemma, False)]


def test_split_quote_is_one_claim_with_both_parts(english, settings):
    """A quote split around the cue is one claim whose content holds both parts."""
    found = attributed(extract("“The levee is stable this morning,” the county engineer said, “but a second storm could undo that.”", english, settings))
    assert len(found) == 1
    assert found[0].source_text == "the county engineer"
    assert "The levee is stable this morning" in found[0].content and "a second storm could undo that" in found[0].content
    assert found[0].quote_type == "direct"


def test_medial_cue_content_is_both_sides(english, settings):
    """'C1, X said, C2' is one claim whose content is C1 and C2 without the cue."""
    found = attributed(extract("The merger, the bank said in a statement, will not close before June.", english, settings))
    assert [(c.source_text, c.content) for c in found] == [("the bank", "The merger will not close before June")]


def test_floating_quote_inherits_the_last_speaker(english, settings):
    """A quotation with no cue after an attributed quote is the same speaker's claim."""
    text = "“The water came in within minutes,” said Marta Vos, a teacher. “We carried the children upstairs. Nobody was hurt.”"
    found = attributed(extract(text, english, settings))
    assert [(c.source_text, c.content) for c in found] == [
        ("Marta Vos, a teacher", "The water came in within minutes"),
        ("Marta Vos, a teacher", "We carried the children upstairs. Nobody was hurt"),
    ]
    assert found[1].cue_start == -1 and found[1].cue_lemma == "say"


def test_according_to_wrapping_a_statement_is_kept_as_via(english, settings):
    """'According to X, Y stated C' yields Y's claim with X as the channel."""
    found = attributed(extract("According to VSNA, the Valdorian general staff stated that the army had liberated Tarvel.", english, settings))
    assert [(c.source_text, c.cue, c.content, c.via) for c in found] == [
        ("the Valdorian general staff", "stated", "the army had liberated Tarvel", "VSNA")
    ]


def test_quoted_as_saying_keeps_the_channel(english, settings):
    """'X was quoted by Y as saying C': X is the source and Y the channel, never the source."""
    found = attributed(extract("The governor was quoted by a regional newspaper as saying that the schools would reopen.", english, settings))
    assert [(c.source_text, c.cue, c.via) for c in found] == [("The governor", "was quoted as saying", "a regional newspaper")]


def test_expletive_passive_is_unattributed(english, settings):
    """'It was reported that C' has no source: 'It' is never the speaker."""
    found = attributed(extract("It was reported that the train had been running well above its speed limit.", english, settings))
    assert [(c.source_surface, c.source_start, c.cue) for c in found] == [("", -1, "was reported")]


def test_pronoun_source_resolves_to_the_last_person(english, settings):
    """'He' resolves to the nearest earlier person source; the surface form is kept."""
    text = "The ministry said that the talks had failed. Valdoria's army chief, Marek Holt, warned that the raids would go on. He described them as “carefully planned.”"
    found = attributed(extract(text, english, settings))
    last = found[-1]
    assert (last.source_surface, last.source_text) == ("He", "Valdoria's army chief, Marek Holt")
    assert last.confidence < 1.0


def test_pronoun_resolves_to_a_named_subject_that_was_no_source(english, settings):
    """'She' can refer to a person named as a subject before, not only to earlier sources."""
    found = attributed(extract("Coach Anna Berg watched the last training session on Friday. She said the team had recovered from its injuries.", english, settings))
    assert [(c.source_surface, c.source_text) for c in found] == [("She", "Anna Berg")]


def test_cue_inside_a_quotation_is_part_of_it(english, settings):
    """'“He said it was possible,” Davis said' is Davis's claim only."""
    found = attributed(extract("“He said it was possible, but there is no proof,” Davis said.", english, settings))
    assert [(c.source_text, c.cue) for c in found] == [("Davis", "said")]


def test_trailing_hedge_participle_is_the_outlets(english, settings):
    """'..., suggesting C' is the journalist's inference, not the subject's claim."""
    found = extract("Kestria has denied Valdoria's claims of fully retaking the Tarvel valley, suggesting the fighting remains intense.", english, settings)
    suggesting = [c for c in found if c.cue == "suggesting"]
    assert len(suggesting) == 1 and suggesting[0].attribution == "outlet" and suggesting[0].source_text == OUTLET
    assert [(c.source_text, c.cue, c.stance) for c in attributed(found)] == [("Kestria", "has denied", "deny"), ("Valdoria", "claims", "assert")]


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


def test_denial_of_a_claim_keeps_both_sides(english, settings):
    """'Kestria denied Valdoria's claims that C' is Kestria's denial and Valdoria's claim, C."""
    found = attributed(extract("Kestria denied Valdoria's claims that its army had liberated the Tarvel region.", english, settings))
    assert [(c.source_text, c.cue, c.content, c.stance) for c in found] == [
        ("Kestria", "denied", "Valdoria's claims that its army had liberated the Tarvel region", "deny"),
        ("Valdoria", "claims", "its army had liberated the Tarvel region", "assert"),
    ]


def test_cue_spans_for_evaluation_are_whole_runs(english, settings):
    """The cue as annotated corpora mark it: one run with its adverbs, and the preposition of a
    phrasal cue ("pointed to"), each word once (a word taken twice must not split the run)."""
    cues = claims.cue_table(settings.cues)
    for text, expected in (
        ("The senator has repeatedly said that the bill would fail.", ["has repeatedly said"]),
        ("The mayor pointed to the new figures as proof that crime had fallen.", ["pointed to"]),
    ):
        found = [f for f in claims.find_attributions(english(text), article_id="a", outlet=OUTLET, cues=cues) if f.attribution == "source"]
        assert [[text[s:e] for s, e in f.cue_spans] for f in found] == [expected]


# ---------------------------------------------------------------- lexicon, quotes, parsing


def test_cue_table_merges_verbs_nouns_and_adjectives(settings):
    """A lemma can be a verb cue and a noun cue; the first class listing a lemma wins."""
    table = claims.cue_table(settings.cues)
    assert table["claim"].verb and table["claim"].noun and table["claim"].cue_class == "strong"
    assert table["confident"].adjective and table["confident"].stance == "belief"
    assert table["according to"].cue_class == "evidential"
    assert not table["endorse"].scored and table["say"].scored


def test_quote_spans_pair_mixed_marks():
    """Curly, straight and doubled-apostrophe quotes pair; an open quote ends at the paragraph."""
    text = "\"I prefer Kasich,” he said. ''Yes,'' she said.\n“Open quote"
    assert [text[s:e] for s, e in attribution_rules.quote_spans(text)] == ['"I prefer Kasich,”', "''Yes,''", "“Open quote"]


def test_word_forms_cover_regular_and_irregular_verbs():
    """The pre-filter knows the inflections of cue lemmas."""
    assert {"says", "said", "saying"} <= attribution_parse.word_forms("say")
    assert {"denies", "denied", "denying"} <= attribution_parse.word_forms("deny")
    assert {"stated", "stating"} <= attribution_parse.word_forms("state")
    assert {"admitted", "admitting"} <= attribution_parse.word_forms("admit")


def test_prefiltered_parse_keeps_the_text_and_the_outlet_assertions(english, settings):
    """Paragraphs with no cue word skip the parser, yet the text is unchanged and their
    declarative sentences still become outlet assertions."""
    cues = claims.cue_table(settings.cues)
    text = "The mayor said the bridge would reopen in March.\n\nThe port closed early on Monday evening after a leak.\n"
    (doc,) = claims.parse_articles([text], nlp=english, cues=cues)
    assert doc.text == text
    light = [t for t in doc if t.idx > text.index("The port")]
    assert all(t.dep_ == attribution_rules.UNPARSED for t in light if not t.is_space)
    found = claims.extract_claims(doc, article_id="a", outlet=OUTLET, cues=cues)
    assert [(c.attribution, c.cue, c.content) for c in found] == [
        ("source", "said", "the bridge would reopen in March"),
        ("outlet", "asserts", "The port closed early on Monday evening after a leak"),
    ]
    assert found[1].content_terms  # lemmas for matching, without the parser


def test_runs_join_consecutive_paragraphs_of_a_kind(settings):
    """Paragraphs that may attribute go to the parser together, and the runs give the text back."""
    words = attribution_parse.cue_words(claims.cue_table(settings.cues))
    text = "Officials said it was safe.\n\n“It is,” she added.\n\nThe port closed.\nRain fell.\n\nHe denied it."
    found = attribution_parse.runs(text, words)
    assert [flag for _, flag in found] == [True, False, True]
    assert found[0][0] == "Officials said it was safe.\n\n“It is,” she added.\n\n"
    assert "".join(part for part, _ in found) == text
    assert attribution_parse.runs(text, None) == [(text, True)]


def test_a_sentence_never_runs_over_a_paragraph_break(english):
    """The parser alone would join a line that ends without a full stop to the next one."""
    text = "“We never stop” was the reply from the union\nThe mayor said it was fine.\n\n“No,” she said."
    sentences = [sentence.text for sentence in english(text).sents]
    assert sentences == ["“We never stop” was the reply from the union\n", "The mayor said it was fine.\n\n", "“No,” she said."]


def test_split_claims_equals_claims_of_a_full_parse(english, settings):
    """The pre-filter changes nothing for paragraphs that hold cues."""
    article_text = "Officials said the dam was safe.\n\n“We are watching it closely,” the governor added.\n"
    parsed = claims.extract_claims(english(article_text), article_id="a", outlet=OUTLET, cues=claims.cue_table(settings.cues))
    (doc,) = claims.parse_articles([article_text], nlp=english, cues=claims.cue_table(settings.cues))
    filtered = claims.extract_claims(doc, article_id="a", outlet=OUTLET, cues=claims.cue_table(settings.cues))
    assert [(c.source_text, c.cue, c.content) for c in parsed] == [(c.source_text, c.cue, c.content) for c in filtered]


def test_parsing_in_two_processes_gives_the_same_claims(english, settings, monkeypatch):
    """spaCy's worker processes parse exactly as the main process does; the order is kept."""
    monkeypatch.setattr(attribution_parse, "MIN_RUNS_PER_PROCESS", 1)
    cues = claims.cue_table(settings.cues)
    texts = [
        "Officials said the dam was safe.\n\n“We are watching it closely,” the governor added.\n",
        "The port closed early on Monday.\n\nThe union denied that workers had been hurt.\n",
        "According to the ministry, prices will rise. Analysts estimated growth at 2 percent.\n",
    ]

    def extracted(n_process: int) -> list[tuple[str, str, str, str]]:
        docs = claims.parse_articles(texts, nlp=english, cues=cues, n_process=n_process)
        return [
            (str(number), found.source_text, found.cue, found.content)
            for number, doc in enumerate(docs)
            for found in claims.extract_claims(doc, article_id=str(number), outlet=OUTLET, cues=cues)
        ]

    single = extracted(1)
    assert len(single) >= 5
    assert extracted(2) == single


def test_worker_processes_split_the_same_claims_as_one_process(english, settings, monkeypatch):
    """The flow's parse: worker processes forked from a task thread each parse and apply the
    rules to a share of the articles; the claims and their order are those of one process."""
    from concurrent.futures import ThreadPoolExecutor

    from credence.models import Article

    monkeypatch.setattr(claims, "WORKER_CHUNK_ARTICLES", 2)
    texts = [
        "Officials said the dam was safe.\n\n“We are watching it closely,” the governor added.\n",
        "The port closed early on Monday.\n\nThe union denied that workers had been hurt.\n",
        "According to the ministry, prices will rise. Analysts estimated growth at 2 percent.\n",
    ] * 3
    articles = [
        Article(
            article_id=f"a{number}", outlet=OUTLET, url="", published_at="2026-11-28T10:00:00+00:00", published_at_origin="field",
            title="", text=text, source_file="night.jsonl", record=f"line {number + 1}",
        )
        for number, text in enumerate(texts)
    ]

    def split(n_process: int) -> list[tuple[str, str, str, str, str]]:
        found = claims.split_claims(articles, lexicon=settings.cues, nlp=english, n_process=n_process)
        return [(c.claim_id, c.article_id, c.source_text, c.cue, c.content) for c in found]

    single = split(1)
    assert len(single) >= 15
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(split, 2).result() == single
        workers = set(claims._pool[1]._processes)  # noqa: SLF001 - the pool a night's batches share
        assert pool.submit(split, 2).result() == single
        assert set(claims._pool[1]._processes) == workers and len(workers) == 2  # noqa: SLF001
    # Two batches at once (the flow overlaps its parse tasks): the same claims, the same workers.
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = [pool.submit(split, 2) for _ in range(2)]
        assert [future.result() for future in together] == [single, single]
    assert set(claims._pool[1]._processes) == workers  # noqa: SLF001
    claims.close_worker_pool()
    assert claims._pool is None  # noqa: SLF001


def test_parse_workers_forked_from_a_thread_pool_exit_cleanly(english, settings, monkeypatch):
    """Prefect runs tasks in pool threads; spaCy's workers forked from one finish with status 0 (no W127)."""
    import warnings
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(attribution_parse, "MIN_RUNS_PER_PROCESS", 1)
    cues = claims.cue_table(settings.cues)
    texts = ["Officials said the dam was safe.\n", "The union denied that workers had been hurt.\n"] * 4

    def parse() -> tuple[int, list[str]]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            docs = list(claims.parse_articles(texts, nlp=english, cues=cues, n_process=2))
        return len(docs), [str(warning.message) for warning in caught if "W127" in str(warning.message)]

    with ThreadPoolExecutor(max_workers=1) as pool:
        parsed, worker_warnings = pool.submit(parse).result()
    assert parsed == len(texts)
    assert worker_warnings == []


def test_docs_cross_processes_without_searching_entry_points(english, monkeypatch):
    """Once the pipeline is loaded, a Doc's msgpack round trip (what every parsed paragraph
    does between spaCy's processes) keeps srsly's numpy hooks but scans no entry points."""
    import catalogue
    import numpy
    import srsly
    from spacy.tokens import Doc

    def scan(self):  # type: ignore[no-untyped-def]
        raise AssertionError("entry points searched at a msgpack call")

    monkeypatch.setattr(catalogue.Registry, "get_entry_points", scan)
    doc = english("The minister said the bridge was safe.")
    assert Doc(english.vocab).from_bytes(doc.to_bytes()).text == doc.text
    array = numpy.arange(3)
    assert (srsly.msgpack_loads(srsly.msgpack_dumps({"a": array}))["a"] == array).all()


# ---------------------------------------------------------------- acceptance


# The seed article's attributed claims. The article is read by path and its text is not copied
# here: each content is pinned by its first and last words, and must equal the article's text
# from the one to the other (closing quote marks aside).
# (cue, resolved source, stance, content opens with, content ends with, via)
SEED_CLAIMS = [
    ("has officially confirmed", "North Korea", "assert", "it sent troops", "against Ukraine", ""),
    ("stated", "Pyongyang’s military", "assert", "its forces helped", "Kim Jong Un", "state-run news agency KCNA"),
    ("praised", "Russian Chief of Staff Valery Gerasimov", "assert", "the “heroism”", "North Korean soldiers", ""),
    ("acknowledging", "Russian Chief of Staff Valery Gerasimov", "assert", "their involvement", "the conflict", ""),
    ("had earlier estimated", "Western officials", "hedge", "at least 1,000", "three months", ""),
    ("hailing", "North Korean authorities", "assert", "the soldiers as", "“heroes", ""),
    ("vowing", "North Korean authorities", "assert", "their bloodshed has", "the two nations", ""),
    ("emphasized", "KCNA", "assert", "this proven “friendship”", "multiple areas", ""),
    ("has condemned", "The United States", "assert", "North Korea’s involvement", "North Korea’s involvement", ""),
    ("stating", "The United States", "assert", "Pyongyang must bear", "exacerbating the war", ""),
    ("has denied", "Ukraine", "deny", "Russia’s claims of", "over Kursk", ""),
    ("claims", "Russia", "assert", "fully regaining control", "over Kursk", ""),
    ("had previously reported", "South Korean and Western intelligence", "assert", "the presence of thousands", "troops in Kursk", ""),
    ("argue", "military experts", "assert", "these troops are", "their Russian commanders", ""),
    ("warned", "Ukraine’s top general, Oleksandr Syrskyi", "assert", "the North Korean presence", "significant impact", ""),
    ("described", "Ukraine’s top general, Oleksandr Syrskyi", "assert", "them as", "motivated and numerous", ""),
]


def test_seed_article_claims(english, settings):
    """Every attributed claim of the acceptance seed article has the right source, cue, content and stance."""
    text = shared_file("acceptance/seed_article.txt").read_text(encoding="utf-8")
    found = attributed(extract(text, english, settings))
    by_cue = {(c.cue, c.source_text): c for c in found}
    for cue, source, stance, opens, ends, via in SEED_CLAIMS:
        claim = by_cue.get((cue, source))
        assert claim is not None, f"no claim with cue {cue!r} and source {source!r}; found {sorted(by_cue)}"
        assert claim.stance == stance, (cue, claim.stance)
        start = text.index(opens, claim.cue_end)
        expected = text[start : text.index(ends, start) + len(ends)]
        assert claim.content.rstrip("”") == expected.rstrip("”"), (cue, claim.content)
        assert claim.via == via, (cue, claim.via)
    assert len(found) == len(SEED_CLAIMS), sorted(by_cue)
    described = by_cue[("described", "Ukraine’s top general, Oleksandr Syrskyi")]
    assert described.source_surface == "He" and described.confidence < 1.0
    # "suggesting ..." is the journalist's inference, "did not specify" is no claim at all.
    suggesting = [c for c in extract(text, english, settings) if c.cue == "suggesting"]
    assert [(c.attribution, c.content.split()[0]) for c in suggesting] == [("outlet", "the")]
    assert not any(c.cue_lemma == "specify" for c in found)


# The matching rule of ../shared/acceptance/README.md.
_PUNCTUATION = re.compile(r"[^\w\s$%]|_")


def _tokens(text: str | None) -> list[str]:
    """Lower-cased word tokens with punctuation and quote marks dropped ("Russia’s" -> "russias")."""
    return _PUNCTUATION.sub("", (text or "").lower()).split()


def _f1(a: list[str], b: list[str]) -> float:
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def _contains(a: list[str], b: list[str]) -> bool:
    """Whether the token sequence ``b`` occurs in ``a`` (``b`` non-empty)."""
    return bool(b) and any(a[i : i + len(b)] == b for i in range(len(a) - len(b) + 1))


def _source_close(a: str, b: str) -> bool:
    """Content words (stop words removed) with token F1 >= 0.5, or one source containing the other."""
    words_a, words_b = _tokens(a), _tokens(b)
    content_a = [w for w in words_a if w not in STOP_WORDS]
    content_b = [w for w in words_b if w not in STOP_WORDS]
    return _f1(content_a, content_b) >= 0.5 or _contains(words_a, words_b) or _contains(words_b, words_a)


def _sources_match(claim: claims.Claim, expected: dict) -> bool:
    """Both null; or the sources are close; or the resolved source is close to ``source_resolved``."""
    predicted, wanted = claim.source_surface or None, expected.get("source")
    if predicted is None and wanted is None:
        return True
    if predicted is not None and wanted is not None and _source_close(predicted, wanted):
        return True
    resolved = expected.get("source_resolved")
    return bool(resolved and claim.source_text and claim.attribution == "source" and _source_close(claim.source_text, resolved))


def _matches(claim: claims.Claim, expected: dict) -> bool:
    return _f1(_tokens(claim.content), _tokens(expected["content"])) >= 0.8 and _sources_match(claim, expected)


def _assignment(predicted: list[claims.Claim], expected: list[dict]) -> dict[int, int] | None:
    """A one-to-one pairing (prediction -> expected claim) that leaves no prediction unmatched and
    covers every non-optional expected claim (optional ones absorb predictions), or None."""
    required = {e for e, claim in enumerate(expected) if not claim.get("optional", False)}
    if len(predicted) > len(expected):
        return None
    for chosen in permutations(range(len(expected)), len(predicted)):
        if required <= set(chosen) and all(_matches(predicted[p], expected[e]) for p, e in enumerate(chosen)):
            return dict(enumerate(chosen))
    return None


def _cue_lemma(cue: str, english) -> set[str]:  # type: ignore[no-untyped-def]
    """The lemmas an expected cue may be reported as ("had earlier estimated" -> estimate, ...)."""
    return {t.lemma_.lower() for t in english(cue) if not t.is_punct or t.text == ":"} | {cue.lower()}


@pytest.mark.shared_data
def test_acceptance_attribution_cases(english, settings):
    """At least 26 of the 30 hand-written cases of ../shared/acceptance pass its README's matching rule.

    The predictions are the attributed claims and the outlet's inferences drawn with a cue of the
    text ("..., suggesting C", expected with source null); the outlet's plain assertions (a
    sentence with no attribution) are no attributions and are not counted.
    """
    cases_file = json.loads(shared_file("acceptance/attribution_cases.json").read_text(encoding="utf-8"))
    cases = cases_file["cases"] + cases_file["project_examples"]
    failed: list[tuple[str, list[tuple[str, str, str]]]] = []
    agree = compared = 0
    for case in cases:
        predicted = [c for c in extract(case["text"], english, settings) if c.attribution == "source" or c.cue_start >= 0]
        pairs = _assignment(predicted, case["expected"]) if case["expected"] else ({} if not predicted else None)
        if pairs is None:
            failed.append((case["id"], [(c.source_surface, c.cue, c.content) for c in predicted]))
            continue
        for p, e in pairs.items():
            if case["expected"][e].get("cue"):
                compared += 1
                agree += predicted[p].cue_lemma in _cue_lemma(case["expected"][e]["cue"], english)
    passed = len(cases) - len(failed)
    print(f"\nacceptance: {passed}/{len(cases)} cases pass; failing: {[case_id for case_id, _ in failed] or 'none'}; "
          f"cue lemma agreement on matched claims {agree}/{compared}")
    assert len(cases) == 30
    assert passed >= 26, failed
