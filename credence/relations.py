"""Hand-made features of a pair of texts, shared by claim matching, stance and the pipeline.

Every feature is symmetric in the two texts (a min and a max rather than "left" and
"right"), so that the relation of two claims does not depend on which was read first.
The features are the classic ones of paraphrase and stance work: TF-IDF cosines of words
and word bigrams, overlap of stems, content words, stem n-grams, numbers and capitalised
names, the idf mass left unmatched on each side, lengths, edit-based ratios (token LCS and
rapidfuzz's token-sort, token-set and partial ratios), and negation, refutation and
hedging cues.

Texts are encoded once (:func:`encode`: tokens, stems, n-grams and cue counts as sparse
matrices); a training set only fits idf weights (:func:`fit_weights`); features of any
index pairs are then vectorised (:func:`pair_features`). A fitted model is a
:class:`LinearModel`: plain numbers in JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(%|percent\b|per cent\b))?(?:\s*(thousand|million|billion|trillion|bn)\b)?",
    re.IGNORECASE,
)
_NAME = re.compile(r"(?<![.!?\"“]\s)(?<!^)\b[A-Z][a-zA-Z]+")
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "dozen": 12, "dozens": 24, "hundreds": 200, "thousands": 2000,
}  # fmt: skip
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9}

NEGATION_WORDS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "n't", "without", "cannot"})
# Words that reject a statement rather than merely negate a clause.
REFUTING_WORDS = frozenset(
    {
        "fake", "fraud", "hoax", "false", "deny", "denies", "denied", "denying", "refute", "refutes", "refuted",
        "debunk", "debunks", "debunked", "untrue", "bogus", "fabricated", "fabrication", "rumor", "rumors",
        "rumour", "rumours", "myth", "misleading", "nonsense", "baseless", "unfounded", "dismiss", "dismissed",
        "dismisses", "reject", "rejected", "rejects", "doubt", "doubts", "retract", "retracted", "satire",
        "satirical", "prank", "lie", "lies", "lied", "incorrect", "wrong", "erroneous", "contrary", "disputed",
        "dispute", "disputes", "contradict", "contradicts", "contradicted", "misreported", "photoshopped",
    }
)  # fmt: skip
# Words that report without committing ("discuss" in FNC-1 terms; weak support in ours).
HEDGING_WORDS = frozenset(
    {
        "allegedly", "reportedly", "apparently", "purportedly", "supposedly", "claims", "claim", "claimed",
        "alleged", "allege", "rumored", "rumoured", "unconfirmed", "unverified", "may", "might", "could",
        "possibly", "perhaps", "suggest", "suggests", "suggested", "speculation", "speculate", "believed",
        "appears", "appear", "seems", "seem", "report", "reports", "according", "if", "whether", "unclear",
    }
)  # fmt: skip
STOP_WORDS = frozenset(
    """a an the of to in on at by for with from and or but as is are was were be been being this that these those
    it its he she they them his her their we our you your i me my has have had do does did will would shall
    should can so than then there here which who whom whose what when where why how also about into over after
    before up down out off s said says say told tell""".split()
)


def tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens of a text."""
    found = _TOKEN.findall(text)
    # Tokens are ASCII letters, digits and apostrophes: lower-cased together, in one call.
    return "\n".join(found).lower().replace("’", "'").split("\n") if found else []


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix-stripping stem, enough to match 'killed'/'kills'/'killing'."""
    if len(word) <= 4 or word[0].isdigit():
        return word
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return (word[: -len(suffix)] + replacement)[:7]
    return word[:7]


def numbers_in(text: str) -> list[float]:
    """Figures stated in a text (digits, with 'million' scales), without bare years 1900-2100."""
    values = []
    for match in _NUMBER.finditer(text):
        raw = match.group(1)
        value = float(raw.replace(",", ""))
        if match.group(2) is None and match.group(3) is None and 1900 <= value <= 2100 and "," not in raw and "." not in raw:
            continue
        values.append(value * (_SCALES[match.group(3).lower()] if match.group(3) else 1.0))
    return values


def number_words_in(words: Sequence[str]) -> list[float]:
    """Figures written as words ('forty', 'dozens')."""
    return [float(_NUMBER_WORDS[word]) for word in words if word in _NUMBER_WORDS]


def figures_match(a: Sequence[float], b: Sequence[float], tolerance: float) -> tuple[int, int]:
    """How many figures of ``a`` have no close match in ``b``, and of ``b`` in ``a``."""

    def unmatched(xs: Sequence[float], ys: Sequence[float]) -> int:
        return sum(all(abs(x - y) > tolerance * max(abs(x), abs(y), 1.0) for y in ys) for x in xs)

    return unmatched(a, b), unmatched(b, a)


def capitalised(text: str) -> set[str]:
    """Capitalised words not opening a sentence: a cheap stand-in for names and places."""
    return {name.lower() for name in _NAME.findall(text)}


def _codes(ids: np.ndarray) -> str:
    """One code point per vocabulary item, so that a string edit distance works on tokens."""
    ids = ids % (0x10F000 - 0x800)
    points = np.where(ids < 0xD700, ids + 0x100, ids + 0x900)  # skip the surrogates
    return "".join(map(chr, points.tolist()))


def _matrix(documents: np.ndarray, ids: np.ndarray, shape: tuple[int, int], *, binary: bool) -> sp.csr_matrix:
    """Counts (or 0/1) of item ``ids[k]`` in document ``documents[k]``."""
    matrix = sp.csr_matrix((np.ones(len(ids)), (documents, ids)), shape=shape)
    matrix.sum_duplicates()
    if binary:
        matrix.data[:] = 1.0
    return matrix


def _factorize(keys: np.ndarray | list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Dense ids of the keys (in order of first appearance) and the distinct keys."""
    values = np.asarray(keys, dtype=object) if isinstance(keys, list) else keys
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int64), np.asarray(uniques)


def _ngram_ids(ids: np.ndarray, documents: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Ids of the n-grams of consecutive items inside each document, and their documents."""
    count = len(ids) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 1
    inside = documents[:count] == documents[n - 1 :]
    width = int(ids.max()) + 1
    # Integer keys, re-densified after each step so that they never overflow.
    keys = ids[:count][inside]
    for k in range(1, n):
        keys, _ = _factorize(keys * width + ids[k : k + count][inside])
    return keys, documents[:count][inside], int(keys.max()) + 1 if len(keys) else 1


@dataclass
class Encoded:
    """Texts encoded once, whatever the training set: term counts, item sets and cue counts.

    Every matrix has one row per text; the vocabularies are those of the encoded texts, so
    pairs are always taken inside one Encoded.
    """

    words: sp.csr_matrix  # counts of lower-cased words
    word_bigrams: sp.csr_matrix  # counts of word bigrams
    stems: sp.csr_matrix  # 0/1: the text's stems
    content: sp.csr_matrix  # 0/1: stems of words that are not stop words
    bigrams: sp.csr_matrix  # 0/1: stem bigrams
    trigrams: sp.csr_matrix  # 0/1: stem trigrams
    names: sp.csr_matrix  # 0/1: capitalised words
    codes: list[str]  # the stem sequence, one code point per stem (token-level LCS)
    joined: list[str]  # lower-cased words joined by spaces (fuzzy ratios)
    numbers: list[list[float]]
    lengths: np.ndarray  # words
    negations: np.ndarray
    refuting: np.ndarray  # distinct refuting words
    hedging: np.ndarray  # distinct hedging words

    def __len__(self) -> int:
        return len(self.codes)


def encode(texts: Sequence[str]) -> Encoded:
    """Encode texts for pair features; nothing here depends on a training set.

    Tokens of all texts are handled as flat arrays (factorised once), so the cost is a few
    microseconds per text plus a little per token.
    """
    texts = list(texts)
    n = len(texts)
    token_lists = [tokens(text) for text in texts]
    lengths = np.fromiter((len(words) for words in token_lists), dtype=np.int64, count=n)
    documents = np.repeat(np.arange(n), lengths)
    word_ids, vocabulary = _factorize([word for words in token_lists for word in words])
    word_width = max(len(vocabulary), 1)
    stem_ids_of_word, stem_vocabulary = _factorize([stem(str(word)) for word in vocabulary])
    stem_width = max(len(stem_vocabulary), 1)
    is_stop = np.fromiter((word in STOP_WORDS for word in vocabulary), dtype=bool, count=len(vocabulary))
    is_negation = np.fromiter((word in NEGATION_WORDS or word.endswith("n't") for word in vocabulary), dtype=float, count=len(vocabulary))
    is_refuting = np.fromiter((word in REFUTING_WORDS for word in vocabulary), dtype=float, count=len(vocabulary))
    is_hedging = np.fromiter((word in HEDGING_WORDS for word in vocabulary), dtype=float, count=len(vocabulary))
    stem_ids = stem_ids_of_word[word_ids] if len(word_ids) else np.zeros(0, dtype=np.int64)

    words = _matrix(documents, word_ids, (n, word_width), binary=False)
    distinct_words = words.copy()
    distinct_words.data[:] = 1.0
    bigram_ids, bigram_documents, bigram_width = _ngram_ids(word_ids, documents, 2)
    stem_bigram_ids, stem_bigram_documents, stem_bigram_width = _ngram_ids(stem_ids, documents, 2)
    trigram_ids, trigram_documents, trigram_width = _ngram_ids(stem_ids, documents, 3)
    content_mask = ~is_stop[word_ids] if len(word_ids) else np.zeros(0, dtype=bool)

    name_lists = [sorted(capitalised(text)) for text in texts]
    name_ids, name_vocabulary = _factorize([name for names in name_lists for name in names])
    name_width = max(len(name_vocabulary), 1)
    name_documents = np.repeat(np.arange(n), [len(names) for names in name_lists])

    offsets = np.concatenate([[0], np.cumsum(lengths)])
    all_codes = _codes(stem_ids)
    word_numbers = {word: float(value) for word, value in _NUMBER_WORDS.items()}
    return Encoded(
        words=words,
        word_bigrams=_matrix(bigram_documents, bigram_ids, (n, bigram_width), binary=False),
        stems=_matrix(documents, stem_ids, (n, stem_width), binary=True),
        content=_matrix(documents[content_mask], stem_ids[content_mask], (n, stem_width), binary=True),
        bigrams=_matrix(stem_bigram_documents, stem_bigram_ids, (n, stem_bigram_width), binary=True),
        trigrams=_matrix(trigram_documents, trigram_ids, (n, trigram_width), binary=True),
        names=_matrix(name_documents, name_ids, (n, name_width), binary=True),
        codes=[all_codes[offsets[i] : offsets[i + 1]] for i in range(n)],
        joined=[" ".join(words_of_text) for words_of_text in token_lists],
        numbers=[
            (numbers_in(text) if any(character.isdigit() for character in text) else []) + [word_numbers[w] for w in words_of_text if w in word_numbers]
            for text, words_of_text in zip(texts, token_lists, strict=True)
        ],
        lengths=lengths.astype(float),
        negations=np.bincount(documents, weights=is_negation[word_ids], minlength=n) if len(word_ids) else np.zeros(n),
        refuting=distinct_words @ is_refuting,
        hedging=distinct_words @ is_hedging,
    )


@dataclass
class Weights:
    """Inverse document frequencies fitted on the training rows of an Encoded."""

    words: np.ndarray
    word_bigrams: np.ndarray
    item_idf: np.ndarray  # per stem
    top_idf: float  # the idf of an unseen item: unmatched masses are counted in this unit


def _idf(document_frequency: np.ndarray, total: int) -> np.ndarray:
    return np.log((1 + total) / (1 + document_frequency)) + 1.0


def _document_frequency(matrix: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
    return np.bincount(matrix[rows].indices, minlength=matrix.shape[1])


def fit_weights(encoded: Encoded, rows: Sequence[int] | np.ndarray | None = None) -> Weights:
    """Smoothed idf of words, word bigrams and stems over the given rows (all rows by default)."""
    selected = np.arange(len(encoded)) if rows is None else np.asarray(rows, dtype=np.int64)
    total = len(selected)
    spaces = {}
    for name in ("words", "word_bigrams"):
        frequency = _document_frequency(getattr(encoded, name), selected)
        weights = _idf(frequency, total)
        weights[frequency == 0] = 0.0  # unseen in training: as if out of the fitted vocabulary
        spaces[name] = weights
    # Stems unseen in training keep the highest idf: a word nobody else used is informative.
    return Weights(
        words=spaces["words"],
        word_bigrams=spaces["word_bigrams"],
        item_idf=_idf(_document_frequency(encoded.stems, selected), total),
        top_idf=float(_idf(np.zeros(1), total)[0]),
    )


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf times idf, rows L2-normalised."""
    weighted = counts.astype(np.float64, copy=True)
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    return normalize(weighted)


def row_dots(matrix: sp.csr_matrix, left: np.ndarray, right: np.ndarray, other: sp.csr_matrix | None = None) -> np.ndarray:
    """Dot product of row left[i] of ``matrix`` with row right[i] of ``other`` (default: the same matrix)."""
    other = matrix if other is None else other
    return np.asarray(matrix[left].multiply(other[right]).sum(axis=1)).ravel()


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(numerator, denominator, out=np.zeros_like(numerator, dtype=float), where=denominator > 0)


def _sizes(matrix: sp.csr_matrix) -> np.ndarray:
    return np.diff(matrix.indptr).astype(float)


LEXICAL_FEATURES: list[str] = [
    "stem_overlap_min", "stem_overlap_max", "content_overlap_min", "content_overlap_max", "content_jaccard",
    "bigram_overlap_min", "bigram_overlap_max", "trigram_overlap_min", "trigram_overlap_max",
    "idf_jaccard", "idf_unmatched_min", "idf_unmatched_max", "unmatched_content_min", "unmatched_content_max",
    "length_min", "length_max", "length_ratio", "lcs_ratio", "token_sort_ratio", "token_set_ratio", "partial_ratio",
    "numbers_both", "numbers_unmatched_min", "numbers_unmatched_max", "numbers_equal",
    "names_overlap", "names_unmatched_min", "names_unmatched_max",
    "negation_min", "negation_max", "negation_mismatch", "refuting_min", "refuting_max", "hedging_min", "hedging_max",
]  # fmt: skip
COSINE_FEATURES: list[str] = ["word_cosine", "bigram_cosine"]
PAIR_FEATURES: list[str] = [*COSINE_FEATURES, *LEXICAL_FEATURES]
# Fuzzy ratios of long texts (article bodies) cost much and say little: skip beyond this.
_FUZZY_MAX_CHARS = 2000


def _overlaps(matrix: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shared items of each pair, and the share of each side's items they cover (min, max)."""
    shared = row_dots(matrix, left, right)
    sizes = _sizes(matrix)
    a, b = _safe_divide(shared, sizes[left]), _safe_divide(shared, sizes[right])
    return shared, np.minimum(a, b), np.maximum(a, b)


def _fuzzy(scorer: object, first: list[str], second: list[str]) -> np.ndarray:
    if not first:
        return np.zeros(0)
    return np.asarray(process.cpdist(first, second, scorer=scorer, workers=1), dtype=float)  # type: ignore[arg-type]


def number_columns(numbers: list[list[float]], left: np.ndarray, right: np.ndarray, tolerance: float) -> tuple[np.ndarray, ...]:
    """numbers_both, numbers_unmatched_min/max, numbers_equal; vectorised when each side has at most one figure."""
    counts = np.fromiter((len(figures) for figures in numbers), dtype=np.int64, count=len(numbers))
    first = np.array([figures[0] if figures else np.nan for figures in numbers])
    count_left, count_right = counts[left], counts[right]
    a, b = first[left], first[right]
    with np.errstate(invalid="ignore"):
        differ = np.abs(a - b) > tolerance * np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0)
    both = (count_left > 0) & (count_right > 0)
    # Each side's figures without a close match on the other side (one figure each: 0 or 1).
    missing_left = np.where(both, differ.astype(float), count_left.astype(float))
    missing_right = np.where(both, differ.astype(float), count_right.astype(float))
    for position in np.flatnonzero((count_left > 1) | (count_right > 1)).tolist():
        missing_left[position], missing_right[position] = figures_match(numbers[left[position]], numbers[right[position]], tolerance)
    unmatched_min, unmatched_max = np.minimum(missing_left, missing_right), np.maximum(missing_left, missing_right)
    return both.astype(float), unmatched_min, unmatched_max, (both & (missing_left == 0) & (missing_right == 0)).astype(float)


def lexical_features(encoded: Encoded, weights: Weights, left: np.ndarray, right: np.ndarray, tolerance: float = 0.1) -> np.ndarray:
    """LEXICAL_FEATURES of each pair (left[i], right[i]) of encoded texts, one row per pair."""
    columns: list[np.ndarray] = []
    _, stems_min, stems_max = _overlaps(encoded.stems, left, right)
    shared_content, content_min, content_max = _overlaps(encoded.content, left, right)
    content_sizes = _sizes(encoded.content)
    union = content_sizes[left] + content_sizes[right] - shared_content
    _, bigram_min, bigram_max = _overlaps(encoded.bigrams, left, right)
    _, trigram_min, trigram_max = _overlaps(encoded.trigrams, left, right)
    weighted = encoded.content @ sp.diags(weights.item_idf)
    shared_mass = row_dots(weighted, left, right, encoded.content)
    mass = np.asarray(weighted.sum(axis=1)).ravel()
    # In units of the highest idf, so that a model fitted on one corpus size applies to another.
    only_left, only_right = (mass[left] - shared_mass) / weights.top_idf, (mass[right] - shared_mass) / weights.top_idf
    unmatched_left, unmatched_right = content_sizes[left] - shared_content, content_sizes[right] - shared_content
    length_left, length_right = encoded.lengths[left], encoded.lengths[right]
    columns += [stems_min, stems_max, content_min, content_max, _safe_divide(shared_content, union)]
    columns += [bigram_min, bigram_max, trigram_min, trigram_max]
    columns += [_safe_divide(shared_mass, mass[left] + mass[right] - shared_mass), np.minimum(only_left, only_right), np.maximum(only_left, only_right)]
    columns += [np.minimum(unmatched_left, unmatched_right), np.maximum(unmatched_left, unmatched_right)]
    columns += [np.minimum(length_left, length_right), np.maximum(length_left, length_right), _safe_divide(np.minimum(length_left, length_right), np.maximum(length_left, length_right))]

    codes_left, codes_right = [encoded.codes[i] for i in left], [encoded.codes[i] for i in right]
    columns.append(_fuzzy(LCSseq.normalized_similarity, codes_left, codes_right) if len(left) else np.zeros(0))
    # Fuzzy ratios on at most the first _FUZZY_MAX_CHARS characters of each side.
    joined_left = [encoded.joined[i][:_FUZZY_MAX_CHARS] for i in left]
    joined_right = [encoded.joined[i][:_FUZZY_MAX_CHARS] for i in right]
    for scorer in (fuzz.token_sort_ratio, fuzz.token_set_ratio, fuzz.partial_ratio):
        columns.append(_fuzzy(scorer, joined_left, joined_right) / 100.0)

    columns += list(number_columns(encoded.numbers, left, right, tolerance))

    shared_names = row_dots(encoded.names, left, right)
    name_sizes = _sizes(encoded.names)
    names_left, names_right = name_sizes[left] - shared_names, name_sizes[right] - shared_names
    columns += [_safe_divide(shared_names, name_sizes[left] + name_sizes[right] - shared_names), np.minimum(names_left, names_right), np.maximum(names_left, names_right)]
    for counts in (encoded.negations, encoded.refuting, encoded.hedging):
        first, second = counts[left], counts[right]
        columns += [np.minimum(first, second), np.maximum(first, second)]
        if counts is encoded.negations:
            columns.append(((first > 0) != (second > 0)).astype(float))
    return np.column_stack(columns) if len(left) else np.zeros((0, len(LEXICAL_FEATURES)))


def cosine_features(encoded: Encoded, weights: Weights, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """COSINE_FEATURES of each pair."""
    columns = [row_dots(tfidf(encoded.words, weights.words), left, right), row_dots(tfidf(encoded.word_bigrams, weights.word_bigrams), left, right)]
    return np.column_stack(columns) if len(left) else np.zeros((0, len(COSINE_FEATURES)))


def pair_features(encoded: Encoded, weights: Weights, left: Sequence[int] | np.ndarray, right: Sequence[int] | np.ndarray) -> np.ndarray:
    """PAIR_FEATURES of each pair of encoded texts (left[i], right[i]), one row per pair."""
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    return np.column_stack([cosine_features(encoded, weights, left, right), lexical_features(encoded, weights, left, right)])


def augment(features: np.ndarray) -> np.ndarray:
    """Features followed by log(1 + |feature|): lets a linear model bend on counts and masses."""
    return np.column_stack([features, np.log1p(np.abs(features))])


@dataclass(frozen=True)
class LinearModel:
    """A logistic regression over standardised, augmented pair features, storable as plain JSON."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coefficients: list[list[float]]  # one row per class (one row for a binary model)
    intercepts: list[float]
    classes: list[str]
    threshold: float = 0.5
    notes: dict[str, str] | None = None

    def decision(self, features: np.ndarray) -> np.ndarray:
        """Linear scores, one column per row of coefficients."""
        standard = (augment(features) - np.asarray(self.mean)) / np.asarray(self.scale)
        return standard @ np.asarray(self.coefficients).T + np.asarray(self.intercepts)

    def probability(self, features: np.ndarray) -> np.ndarray:
        """P(positive class) for a binary model; class probabilities (one column each) otherwise."""
        scores = self.decision(features)
        if scores.shape[1] == 1:
            return 1.0 / (1.0 + np.exp(-scores[:, 0]))
        scores -= scores.max(axis=1, keepdims=True)
        exponentials = np.exp(scores)
        return exponentials / exponentials.sum(axis=1, keepdims=True)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LinearModel:
        """Read a model written by ``to_json``; plain numbers only, nothing is executed."""
        data = json.loads(text)
        model = cls(**data)
        width = 2 * len(model.features)
        if len(model.mean) != width or len(model.scale) != width or any(len(row) != width for row in model.coefficients):
            raise ValueError(f"model file: expected {width} weights per row for {len(model.features)} features")
        return model


def fit_linear(features: np.ndarray, labels: np.ndarray, names: Sequence[str], *, regularisation: float = 0.1, class_weight: str | None = None) -> LinearModel:
    """Fit a LinearModel: standardise the augmented features, then an L2 logistic regression."""
    augmented = augment(features)
    mean = augmented.mean(axis=0)
    scale = augmented.std(axis=0)
    scale[scale == 0] = 1.0
    fitted = LogisticRegression(C=regularisation, max_iter=5000, class_weight=class_weight).fit((augmented - mean) / scale, labels)
    return LinearModel(
        features=list(names),
        mean=mean.tolist(),
        scale=scale.tolist(),
        coefficients=fitted.coef_.tolist(),
        intercepts=fitted.intercept_.tolist(),
        classes=[str(label) for label in fitted.classes_],
    )
