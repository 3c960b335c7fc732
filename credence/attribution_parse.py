"""Parsing for the attribution rules: runs of paragraphs, with a cheap pre-filter.

The dependency parser (and the entity recognizer) are most of spaCy's cost, and only a
paragraph that holds a cue word, a quote mark or a colon can carry an attribution. So:

- a paragraph break always starts a sentence (the parser otherwise lets a sentence run on
  after a quote): :func:`credence.nlp.paragraph_starts` marks it before the parser runs;
- a paragraph with no word of the cue lexicon in any inflection, no quote mark and no colon
  skips the parser and the entity recognizer: it is tagged and lemmatized (the outlet's own
  assertions need lemmas for matching), split into sentences at sentence-final punctuation,
  and its tokens carry the dependency label ``unparsed``;
- consecutive paragraphs of the same kind go to spaCy as one text (a Doc costs a fixed
  amount to pass between processes, whatever its length), and the pieces are joined back into
  one Doc whose text is the article's, unchanged, so that every offset the rules produce
  points into the article.

The pre-filter can only cost recall when a cue appears in a form the inflection rules below
do not generate; the attribution evaluation measures the extractor with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

import numpy
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc

from credence.attribution_rules import QUOTE_CHARS, TEXT_KEY, UNPARSED, CueInfo
from credence.nlp import PARAGRAPH_STARTS

# Components that only the parsed paragraphs need (_mark_unparsed starts the others' sentences).
PARSE_ONLY = (PARAGRAPH_STARTS, "parser", "ner")
# Articles sent to spaCy at once; with several processes a chunk should be large, since
# each nlp.pipe call starts its workers anew.
CHUNK_ARTICLES = 64
# Runs of paragraphs (about one per article) each process must have to be worth starting.
MIN_RUNS_PER_PROCESS = 20
_PARAGRAPH = re.compile(r"[^\n]*(?:\n+|$)")
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_SENTENCE_END = frozenset({".", "!", "?", "…"})
# Irregular forms of cue verbs (the regular ones are generated).
_IRREGULAR = {
    "say": ("said", "says"),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "think": ("thought",),
    "feel": ("felt",),
    "know": ("knew", "known"),
    "understand": ("understood",),
    "see": ("saw", "seen"),
    "find": ("found",),
    "foresee": ("foresaw", "foreseen"),
    "swear": ("swore", "sworn"),
    "show": ("shown",),
    "bet": ("bet",),
    "read": ("read",),
    "forecast": ("forecast",),
    "hold": ("held",),
    "mean": ("meant",),
    "seek": ("sought",),
    "lead": ("led",),
    "speak": ("spoke", "spoken"),
    "withdraw": ("withdrew", "withdrawn"),
    "get": ("got", "gotten"),
    "give": ("gave", "given"),
    "make": ("made",),
    "go": ("went", "gone"),
    "take": ("took", "taken"),
    "teach": ("taught",),
    "forgive": ("forgave",),
}
# Words of multi-word cues that say nothing alone.
_FUNCTION_WORDS = frozenset({"in", "the", "of", "to", "a", "an", "on", "for", "by", "as", "with", "at", "from"})
# Words that open a prepositional cue ("according to", "in the words of", "per").
_PREPOSITION_WORDS = frozenset({"according", "per", "words"})


def word_forms(lemma: str) -> set[str]:
    """Inflected forms of an English verb or noun lemma, generously (a superset is harmless)."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        forms |= {lemma[:-1] + "ing"}
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) >= 3 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    if lemma.endswith("ic"):
        forms |= {lemma + "ked", lemma + "king"}
    forms |= set(_IRREGULAR.get(lemma, ()))
    return forms


def cue_words(cues: dict[str, CueInfo]) -> frozenset[str]:
    """Every lower-case word whose presence means a paragraph may hold an attribution."""
    words: set[str] = set(_PREPOSITION_WORDS) | {"clear", "known", "plain"}
    for lemma in cues:
        for part in lemma.split():
            if part not in _FUNCTION_WORDS:  # "according to": "according" tells, "to" does not
                words |= word_forms(part)
    return frozenset(words)


def may_attribute(paragraph: str, words: frozenset[str]) -> bool:
    """Whether a paragraph may hold an attribution: a quote mark, a colon, or a cue word."""
    if any(char in QUOTE_CHARS or char == ":" for char in paragraph) or "''" in paragraph:
        return True
    return any(match.group().lower() in words for match in _WORD.finditer(paragraph))


def paragraphs(text: str) -> list[str]:
    """The text cut after each run of newlines; joined, the pieces give the text back."""
    pieces = [match.group() for match in _PARAGRAPH.finditer(text) if match.group()]
    return pieces or [text]


def _mark_unparsed(doc: Doc) -> Doc:
    """Sentences at sentence-final punctuation, as flat trees labelled ``unparsed``."""
    label = doc.vocab.strings.add(UNPARSED)
    heads = numpy.zeros(len(doc), dtype="int64")
    root = 0
    for token in doc:
        previous = doc[token.i - 1] if token.i else None
        if previous is not None and (
            (previous.text in _SENTENCE_END and (token.is_title or token.is_quote or token.is_digit or token.is_space))
            or (previous.is_space and "\n" in previous.text)
        ):
            root = token.i
        heads[token.i] = root - token.i
    array = numpy.zeros((len(doc), 2), dtype="uint64")
    array[:, 0] = heads.astype("uint64")
    array[:, 1] = label
    if len(doc):
        doc.from_array([HEAD, DEP], array)
    return doc


def runs(text: str, words: frozenset[str] | None) -> list[tuple[str, bool]]:
    """The text as runs of consecutive paragraphs that may (True) or cannot (False) hold an
    attribution; joined, the runs give the text back. Without ``words`` all of it is one run."""
    if words is None:
        return [(text, True)]
    found: list[tuple[str, bool]] = []
    for part in paragraphs(text):
        heavy = may_attribute(part, words)
        if found and found[-1][1] == heavy:
            found[-1] = (found[-1][0] + part, heavy)
        else:
            found.append((part, heavy))
    return found


def _parse_chunk(texts: Sequence[str], nlp: Language, words: frozenset[str] | None, batch_size: int, n_process: int) -> Iterator[Doc]:
    """The chunk's Docs in order, each as soon as its runs of paragraphs are parsed.

    Both pipes are consumed lazily, so the caller's work on one article (the rules) runs while
    spaCy's worker processes parse the next ones.
    """
    pieces = [runs(text, words) for text in texts]
    heavy = [part for parts in pieces for part, flag in parts if flag]
    light = [part for parts in pieces for part, flag in parts if not flag]
    # Extra processes pay off only with enough runs to share out (each starts by forking).
    processes = n_process if len(heavy) >= MIN_RUNS_PER_PROCESS * n_process else 1
    heavy_docs = iter(nlp.pipe(heavy, batch_size=batch_size, n_process=processes))
    disabled = [name for name in PARSE_ONLY if name in nlp.pipe_names]
    # The tagger alone is cheap: more processes would cost more to start than they save.
    light_docs = (_mark_unparsed(doc) for doc in nlp.pipe(light, batch_size=batch_size, disable=disabled))
    for text, parts in zip(texts, pieces, strict=True):
        segment_docs = [next(heavy_docs) if flag else next(light_docs) for _, flag in parts]
        doc = segment_docs[0] if len(segment_docs) == 1 else Doc.from_docs(segment_docs, ensure_whitespace=False)
        doc.user_data[TEXT_KEY] = text  # Doc.text is rebuilt from the tokens at each access
        yield doc


def parse(
    texts: Iterable[str],
    *,
    nlp: Language,
    cues: dict[str, CueInfo] | None = None,
    batch_size: int = 32,
    n_process: int = 1,
    chunk_articles: int = CHUNK_ARTICLES,
) -> Iterator[Doc]:
    """One Doc per text, parsed in runs of paragraphs; with ``cues``, pre-filtered (see the module doc)."""
    words = cue_words(cues) if cues is not None else None
    chunk: list[str] = []
    size = chunk_articles if n_process == 1 else max(chunk_articles, 1000)
    for text in texts:
        chunk.append(text)
        if len(chunk) >= size:
            yield from _parse_chunk(chunk, nlp, words, batch_size, n_process)
            chunk = []
    if chunk:
        yield from _parse_chunk(chunk, nlp, words, batch_size, n_process)
