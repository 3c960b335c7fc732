"""Split an article into attributed claims: who (source), how (cue), what (content).

The rules live in :mod:`credence.attribution_rules` (what counts as an attribution and how
each role is found) and the parsing in :mod:`credence.attribution_parse` (a cheap pre-filter
so that paragraphs that cannot hold an attribution skip the dependency parser). This module
turns what the rules find into :class:`~credence.models.Claim` records:

- one claim per attribution that carries a statement (attributions of cue classes marked
  ``scored: false``, such as positions and questions, and negated cues are found but make no
  claim), with character offsets of its source, cue and content, the cue's lemma, class and
  commitment from ``config/cues.yaml``, the stance, the channel (``via``) and an extraction
  confidence;
- a quotation standing alone after an attributed one is a claim of the same speaker (its cue
  offsets are -1: it has no cue of its own);
- declarative sentences with no attribution become the outlet's own assertions
  (``attribution = "outlet"``, cue "asserts");
- a claim whose cue sits inside another claim's direct quotation, or whose speaker is a
  pronoun inside reported speech, only repeats the outer claim and is dropped.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from credence import attribution_parse, attribution_rules
from credence.attribution_rules import DATELINE, NEGATION_WORDS, OUTLET_CUE, CueInfo, Found, dateline_end
from credence.config import CueLexicon
from credence.models import CLAIM_COLUMNS, Article, Claim

__all__ = [
    "DATELINE",
    "NEGATION_WORDS",
    "OUTLET_CUE",
    "Claim",
    "CueInfo",
    "Found",
    "claims_frame",
    "content_terms",
    "cue_table",
    "dateline_end",
    "extract_claims",
    "find_attributions",
    "parse_articles",
    "split_claims",
]

_PRONOUNS = attribution_rules.PERSON_PRONOUNS | attribution_rules.GROUP_PRONOUNS | attribution_rules.SPEAKER_PRONOUNS


def cue_table(lexicon: CueLexicon) -> dict[str, CueInfo]:
    """Lemma -> class, stance and commitment; the first class listing a lemma wins (verbs and
    nouns separately, so "claim" can be a strong verb and a strong noun)."""
    table: dict[str, CueInfo] = {}
    for name, cue_class in lexicon.classes.items():
        for part, words in (("verb", cue_class.lemmas), ("noun", cue_class.nouns), ("adjective", cue_class.adjectives)):
            for word in words:
                key = word.lower()
                existing = table.get(key)
                if existing is None:
                    # Only verbs take a noun-phrase object as content (positions: "endorsed X").
                    table[key] = CueInfo(
                        name, cue_class.stance, cue_class.commitment, verb=part == "verb", noun=part == "noun",
                        adjective=part == "adjective", objects=cue_class.objects and part == "verb", scored=cue_class.scored,
                    )
                elif not getattr(existing, part):
                    table[key] = replace(existing, **{part: True})
    return table


def content_terms(doc: Doc, start: int, end: int) -> str:
    """Lemmas of the words inside [start, end), lower-cased; negations kept, stop words dropped."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return ""
    terms = [
        t.lemma_.lower()
        for t in span
        if not t.is_punct and not t.is_space and (t.dep_ == "neg" or t.lower_ in NEGATION_WORDS or not t.is_stop)
    ]
    return " ".join(terms)


def find_attributions(doc: Doc, *, article_id: str, outlet: str, cues: dict[str, CueInfo]) -> list[Found]:
    """Everything the rules find in one parsed article (richer than claims: fragments,
    wrappers of nested attributions, continued quotes); for evaluation and debugging."""
    del article_id  # the rules need no id; kept so both entry points take the same arguments
    return attribution_rules.find_attributions(doc, cues=cues, outlet=outlet)


def _to_claim(found: Found, doc: Doc, text: str, article_id: str) -> Claim:
    pieces = sorted(found.content_spans)
    content_start, content_end = pieces[0][0], max(e for _, e in pieces)
    terms = " ".join(term for s, e in pieces if (term := content_terms(doc, s, e)))
    source_start, source_end = found.source_range if found.source_range is not None else (-1, -1)
    cue_start, cue_end = found.cue_range if found.cue_range is not None else (-1, -1)
    return Claim(
        claim_id="",
        article_id=article_id,
        sentence_index=found.sentence_index,
        source_text=found.source_text,
        source_surface=found.source_surface,
        source_start=source_start,
        source_end=source_end,
        cue=found.cue_text,
        cue_lemma=found.cue_lemma,
        cue_class=found.cue_class,
        cue_start=cue_start,
        cue_end=cue_end,
        content=" ".join(text[s:e] for s, e in pieces),
        content_start=content_start,
        content_end=content_end,
        content_terms=terms,
        quote_type=found.quote_type,  # type: ignore[arg-type]
        attribution=found.attribution,  # type: ignore[arg-type]
        stance=found.stance,  # type: ignore[arg-type]
        commitment=found.commitment,
        via=found.via,
        confidence=round(found.confidence, 3),
    )


def _drop_nested(found: Sequence[Found]) -> list[Found]:
    """Drop an attribution whose cue sits inside another's content when it only repeats it:
    a cue inside a direct quote ("“She slammed the door and said ...”"), or a pronoun speaker
    inside reported speech ("said that they now expected ...")."""
    kept = []
    for claim in found:
        if claim.cue_range is None:
            kept.append(claim)
            continue
        cue_start = claim.cue_range[0]
        inside = [
            outer
            for outer in found
            if outer is not claim and outer.cue_range is not None and any(s <= cue_start < e for s, e in outer.content_spans)
        ]
        pronoun = claim.source_surface.lower() in _PRONOUNS
        if any(outer.quote_type == "direct" or pronoun for outer in inside):
            continue
        kept.append(claim)
    return kept


def extract_claims(doc: Doc, *, article_id: str, outlet: str, cues: dict[str, CueInfo]) -> list[Claim]:
    """All claims of one parsed article, in reading order."""
    found = _drop_nested([f for f in attribution_rules.find_attributions(doc, cues=cues, outlet=outlet) if f.scored])
    text = attribution_rules.article_text(doc)
    claims = [_to_claim(item, doc, text, article_id) for item in found]
    claims.sort(key=lambda c: (c.content_start, c.cue_start))
    for number, claim in enumerate(claims, start=1):
        claim.claim_id = f"{article_id}-c{number:03d}"
    return claims


def parse_articles(
    texts: Iterable[str],
    *,
    nlp: Language,
    cues: dict[str, CueInfo] | None = None,
    batch_size: int = 32,
    n_process: int = 1,
) -> Iterator[Doc]:
    """Parse article texts for the rules, one Doc per text with the text unchanged.

    With ``cues``, paragraphs that hold no cue word, quote mark or colon skip the dependency
    parser (see :mod:`credence.attribution_parse`); without, every paragraph is parsed.
    """
    return attribution_parse.parse(texts, nlp=nlp, cues=cues, batch_size=batch_size, n_process=n_process)


def split_claims(
    articles: Sequence[Article],
    *,
    lexicon: CueLexicon,
    nlp: Language,
    batch_size: int = 32,
    n_process: int = 1,
) -> list[Claim]:
    """Parse articles and extract their claims, in ``n_process`` processes.

    With more than one, each worker process parses a share of the articles and applies the
    rules itself, and sends back only the claims: spaCy's own ``n_process`` would send every
    parsed Doc back to this process (costly to pack and unpack) and leave the rules to run
    here, beside the workers, on a machine whose cores they already fill. The workers stay up
    for the next call with the same pipeline and lexicon (see :func:`close_worker_pool`).
    """
    cues = cue_table(lexicon)
    chunks = [articles[i : i + WORKER_CHUNK_ARTICLES] for i in range(0, len(articles), WORKER_CHUNK_ARTICLES)]
    if min(n_process, len(chunks)) <= 1:
        return _split_chunk_with(articles, nlp, cues, batch_size)
    pool = _worker_pool(nlp, cues, batch_size, n_process)
    try:
        return [claim for found in pool.map(_split_chunk, chunks) for claim in found]
    except BrokenProcessPool:
        close_worker_pool()  # a worker died (killed, out of memory): the next call starts afresh
        raise


# The running pool and what its workers were started with. Kept between calls (a night's
# batches): a worker forked for each batch would start cold each time, copying every page of
# the parent's memory it writes to.
_pool: tuple[tuple[object, ...], ProcessPoolExecutor] | None = None


# Two parse tasks may run at once (the flow overlaps batches so that the workers never wait
# while one task writes its claims): they share the pool, created and stopped under this lock.
_pool_lock = threading.Lock()


def _worker_pool(nlp: Language, cues: dict[str, CueInfo], batch_size: int, processes: int) -> ProcessPoolExecutor:
    global _pool  # noqa: PLW0603 - one pool per process, like the pipeline it serves
    key = (id(nlp), repr(sorted(cues.items())), batch_size, processes)
    with _pool_lock:
        if _pool is not None and _pool[0] == key:
            return _pool[1]
        _close_pool()
        # Forked, so the workers share the loaded pipeline's memory and nothing large is pickled,
        # as spaCy's n_process does on Linux.
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker, initargs=(nlp, cues, batch_size))
        _pool = (key, pool)
        return pool


def close_worker_pool() -> None:
    """Stop the parse workers, if any (the flow does at the end of a night; exit does too)."""
    with _pool_lock:
        _close_pool()


def _close_pool() -> None:
    global _pool  # noqa: PLW0603
    if _pool is not None:
        _pool[1].shutdown(wait=True, cancel_futures=True)
        _pool = None


atexit.register(close_worker_pool)


# Articles a worker process takes at a time: small enough that the workers finish together
# (the last chunk leaves the other worker idle), large enough to pack few messages.
WORKER_CHUNK_ARTICLES = 16
_worker: tuple[Language, dict[str, CueInfo], int] | None = None


def _start_worker(nlp: Language, cues: dict[str, CueInfo], batch_size: int) -> None:
    global _worker  # noqa: PLW0603 - a worker process's one pipeline, set once at its start
    _worker = (nlp, cues, batch_size)
    # Objects inherited from the parent are never freed here: keep the collector off them, so
    # it neither walks them nor copies their memory pages by touching them.
    gc.freeze()


def _split_chunk(articles: Sequence[Article]) -> list[Claim]:
    assert _worker is not None, "_start_worker runs first in each worker process"
    return _split_chunk_with(articles, *_worker)


def _split_chunk_with(articles: Sequence[Article], nlp: Language, cues: dict[str, CueInfo], batch_size: int) -> list[Claim]:
    claims: list[Claim] = []
    docs = parse_articles((article.text for article in articles), nlp=nlp, cues=cues, batch_size=batch_size)
    for article, doc in zip(articles, docs, strict=True):
        claims.extend(extract_claims(doc, article_id=article.article_id, outlet=article.outlet, cues=cues))
    return claims


def claims_frame(claims: Sequence[Claim]) -> pd.DataFrame:
    """Claims as a frame with the columns of models.CLAIM_COLUMNS, in that order."""
    return pd.DataFrame([claim.__dict__ for claim in claims], columns=CLAIM_COLUMNS)
