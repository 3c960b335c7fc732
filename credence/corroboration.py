"""Which claims say the same thing, which contradict each other, and who is independent.

- **Syndication**: articles whose word-bigram TF-IDF cosine (idf from English word
  frequencies, never from the night's own texts: see ``term_weights``) reaches ``syndication_threshold``,
  or that carry a wire credit line ("LISSEN (Meridian Wire) -") naming an outlet of the
  corpus, are copies of one origin (the earliest).
- **Stories**: articles linked by a TF-IDF cosine of their content words and capitalised
  names (people, places) of at least ``story_threshold``, published within the window.
- **Candidate claim pairs**: claims of different articles of one story (compared story by
  story, so the cost is the sum of squared story sizes) whose concept
  vectors (lemmas of ``content_terms``, synonyms folded by ``corroboration_lexicon.CONCEPTS``)
  reach ``candidate_threshold``. Every similarity search above is blocked on rare terms with
  top-k neighbours (``corroboration_blocking``), so the cost grows linearly, not with the
  square of the night.
- **Relations**: a pair is the *same proposition* when the matching model (the logistic
  regression measured by ``credence evaluate matching``, read from ``relation_model``) gives
  at least ``match_threshold``, or, without a model, when the concept cosine reaches
  ``similarity_threshold``; it is about the *same question* when the idf-weighted share of
  the shorter claim's concepts (figures and negations aside) found in the other reaches
  ``question_overlap``. A similar or same-question pair *contradicts* when exactly one of
  these holds: their polarity differs (a denial, a negation, or a word calling the report
  false, on one side only), or they use opposite poles of an antonym pair ("light" /
  "heavy losses"); a same-question pair also contradicts when their figures disagree beyond
  ``number_tolerance`` ("at least 1,000" vs "3,000"). A same-proposition pair that does not
  contradict *supports*. A relation involving a hedged claim (hedge or belief cue,
  "reportedly") weighs ``hedge_weight``.
- **Propositions** are the connected claims of support relations; propositions linked by a
  contradiction form a set of mutually exclusive answers (``exclusive_set_id``).
- **Independence groups**: claims of sources sharing a registry affiliation (a state's
  media, government and military) form one group; other sources are their own group; the
  outlet's own assertions in syndicated copies belong to the copy's origin. Relations inside
  one group are kept for propositions but are not evidence.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from credence import relations
from credence.claims import DATELINE, NEGATION_WORDS
from credence.config import CorroborationSettings
from credence.corroboration_blocking import (
    capped_components,
    components,
    first_seen_numbering,
    group_chunks,
    neighbour_pairs,
    pairs_within_groups,
    term_matrix,
    tfidf_rows,
)
from credence.corroboration_lexicon import CONCEPTS, FALSITY_WORDS, antonym_poles
from credence.term_weights import idf_weights

LOGGER = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Columns added after the documented CORROBORATION_COLUMNS of credence/models.py.
EXTRA_COLUMNS: list[str] = ["proposition_id", "exclusive_set_id", "polarity"]
# Every column of a claims frame that corroboration reads: the stage reads only these, not
# the claims' sentences and contexts.
CORROBORATION_INPUT_COLUMNS: tuple[str, ...] = ("claim_id", "article_id", "source_id", "source_affiliation", "attribution", "stance", "content", "content_terms")

numbers_in = relations.numbers_in

# Typical lengths in words, for the idf a term would have over many such texts (term_weights).
ARTICLE_WORDS = 400
CLAIM_WORDS = 20

# Story-local work runs on whole stories packed into chunks of about this many rows, so its
# memory is bounded by the chunk, not the night (results are the same: see group_chunks).
SYNDICATION_CHUNK_ARTICLES = 2000
RELATION_CHUNK_CLAIMS = 20000

# A story grown past story_max_articles is split again over its links this much stronger in
# cosine, step by step: at 100,000 synthetic articles and a story threshold of 0.2, the first
# step (to 0.25) cut a 62,768-article chain into stories of at most 71.
STORY_SPLIT_STEP = 0.05
# Each article's story terms, space-joined, are stored with the history's articles, so that a
# night reads its window's (100,000 articles) instead of splitting their texts again. The name
# carries a version: change it when _story_terms changes, and stored terms are computed afresh.
STORY_TERMS_COLUMN = "story_terms_v1"


def credit_line_outlet(text: str) -> str:
    """The outlet named by a wire credit line at the start of a story, or ""."""
    match = DATELINE.match(text)
    return match.group(0).split("(", 1)[1].rsplit(")", 1)[0].strip() if match else ""


def figures_disagree(a: list[float], b: list[float], tolerance: float) -> bool:
    """True when each side states a figure that the other side has no close match for."""
    missing_a, missing_b = relations.figures_match(a, b, tolerance)
    return bool(a and b) and missing_a > 0 and missing_b > 0


def polarity(stance: str, terms: str) -> int:
    """+1 when the claim affirms its content, -1 when it denies, negates or calls it false."""
    words = set(terms.split())
    negated = bool(words & NEGATION_WORDS) != bool(words & FALSITY_WORDS)
    sign = -1 if stance == "deny" else 1
    return -sign if negated else sign


def concept_terms(terms: str) -> list[str]:
    """Lemmas with synonyms folded into one concept ("killed", "dead" -> "die")."""
    return [CONCEPTS.get(term, term) for term in terms.split()]


# ---------------------------------------------------------------- articles


def utc_times(values: pd.Series) -> np.ndarray:
    """ISO 8601 timestamps as naive UTC datetime64 (tz-aware arrays are Python objects: slow to subtract)."""
    return pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")


def _ordered(articles: pd.DataFrame) -> pd.DataFrame:
    order = articles.assign(_time=pd.to_datetime(articles["published_at"], utc=True, format="ISO8601"))
    return order.sort_values(["_time", "article_id"]).reset_index(drop=True)


def _word_bigrams(text: str) -> list[str]:
    words = relations.tokens(text)
    return [*words, *map(" ".join, zip(words, words[1:]))]


def _story_terms(text: str) -> list[str]:
    words = [word for word in relations.tokens(text) if word not in relations.STOP_WORDS and not word[0].isdigit()]
    # Names count twice: sharing "Lissen" says more about the event than sharing "port".
    return [*words, *("@" + name for name in relations.capitalised(text))]


def with_story_terms(articles: pd.DataFrame) -> pd.DataFrame:
    """The articles with their story terms (space-joined) in STORY_TERMS_COLUMN, computed from
    the text where the frame does not hold them already (stored with the history's articles)."""
    stored = articles[STORY_TERMS_COLUMN] if STORY_TERMS_COLUMN in articles.columns else pd.Series(None, index=articles.index, dtype=object)
    terms = [value if isinstance(value, str) else " ".join(_story_terms(text)) for value, text in zip(stored, articles["text"], strict=True)]
    return articles.assign(**{STORY_TERMS_COLUMN: terms})


def syndication_groups(articles: pd.DataFrame, settings: CorroborationSettings, stories: pd.Series | None = None) -> pd.Series:
    """A group id per article: copies of one origin share it (the earliest article's id).

    A copy tells the story of its origin, so copies are looked for inside each story (given
    by article id; without them, among all articles), and a credit line ("PORT (Wire) - ...") points to the
    earliest article of the credited outlet in the copy's story. Groups then depend on the
    story alone, not on whatever else the night holds.
    """
    order = _ordered(articles)
    n = len(order)
    # Without stories the whole frame is one (compared by rare-term blocking when large).
    story_of = np.full(n, "", dtype=object) if stories is None else stories.reindex(order["article_id"]).fillna("").to_numpy(dtype=object)
    texts = order["text"].to_numpy(dtype=object)
    lefts, rights = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for positions in group_chunks(story_of, SYNDICATION_CHUNK_ARTICLES):
        vectors = tfidf_rows(*term_matrix(_word_bigrams(text) for text in texts[positions]), ARTICLE_WORDS)
        left, right, _ = pairs_within_groups(
            vectors, story_of[positions], settings.syndication_threshold, max_group=settings.block_max_story, max_df=settings.block_max_df, top_k=settings.block_top_k
        )
        lefts.append(positions[left])
        rights.append(positions[right])
    left, right = np.concatenate(lefts), np.concatenate(rights)
    earliest: dict[tuple[str, str], int] = {}
    for index, (outlet, story) in enumerate(zip(order["outlet"], story_of, strict=True)):
        earliest.setdefault((outlet.lower(), story), index)
    credited = [
        (index, earliest.get((credit_line_outlet(text).lower(), story), -1)) for index, (text, story) in enumerate(zip(order["text"], story_of, strict=True))
    ]
    credit_left = np.array([index for index, origin in credited if origin >= 0], dtype=np.int64)
    credit_right = np.array([origin for _, origin in credited if origin >= 0], dtype=np.int64)
    labels = components(n, np.concatenate([left, credit_left]), np.concatenate([right, credit_right]))
    # Order is by time, so each component's first member is its origin.
    first_member = pd.Series(np.arange(n)).groupby(labels).transform("min").to_numpy()
    article_ids = order["article_id"].tolist()
    groups = ["syn-" + article_ids[index] for index in first_member]
    return pd.Series(groups, index=order["article_id"]).reindex(articles["article_id"])


def story_groups(articles: pd.DataFrame, settings: CorroborationSettings, window_days: int) -> pd.Series:
    """A story id per article: articles linked by similar words and names within the window."""
    order = with_story_terms(articles.reset_index(drop=True))
    times = utc_times(order["published_at"])
    vectors = tfidf_rows(*term_matrix(terms.split() for terms in order[STORY_TERMS_COLUMN]), ARTICLE_WORDS)
    left, right, cosine = neighbour_pairs(vectors, settings.story_threshold, max_df=settings.block_max_df, top_k=settings.block_top_k)
    inside = np.abs(times[left] - times[right]) <= np.timedelta64(window_days, "D")
    labels = capped_components(len(order), left[inside], right[inside], cosine[inside], max_size=settings.story_max_articles, step=STORY_SPLIT_STEP)
    return pd.Series(story_ids(labels), index=order["article_id"])


def story_ids(labels: np.ndarray) -> list[str]:
    """Story ids "story-001", ... numbered in order of each story's first article."""
    return [f"story-{number:03d}" for number in first_seen_numbering(labels)]


def independence_group(attribution: str, source_id: str, affiliation: str, syndication_group: str, copies: int) -> str:
    """The group a claim's evidence belongs to; claims of one group are not independent."""
    if affiliation:
        return "affiliation:" + affiliation.split(";")[0]
    if attribution == "outlet" and copies > 1:
        return "syndicate:" + syndication_group
    return "source:" + source_id


# ---------------------------------------------------------------- claim relations


@lru_cache(maxsize=4)
def _load_model(path: str, modified: float) -> relations.LinearModel:
    del modified  # part of the cache key only: a refitted file is read again
    return relations.LinearModel.from_json(Path(path).read_text(encoding="utf-8"))


def relation_model(settings: CorroborationSettings) -> relations.LinearModel | None:
    """The matching model named by ``relation_model`` (relative to the project), or None."""
    if not settings.relation_model:
        return None
    path = Path(settings.relation_model)
    path = path if path.is_absolute() else PROJECT_ROOT / path
    if not path.exists():
        LOGGER.warning("relation model %s not found; deciding 'same proposition' by concept cosine", path)
        return None
    model = _load_model(str(path), path.stat().st_mtime)
    if model.features != relations.PAIR_FEATURES:
        raise ValueError(f"{path}: the model's features differ from relations.PAIR_FEATURES; refit it with `credence evaluate matching --save-model`")
    return model


def story_term_weights(counts: sp.csr_matrix, stories: np.ndarray, background_idf: np.ndarray) -> sp.csr_matrix:
    """Per claim and term, the smaller of the term's English idf and its idf among the claims
    of the claim's story (same sparsity as ``counts``).

    Inside the story of a battle for Tarvel nearly every claim names Tarvel, so sharing it
    says nothing about two claims stating the same thing, however rare the name is in
    English; a word common in English ("said", "people") says little however rare it is in
    the story. Both are local to the story, so other stories of the night leave them alone.
    """
    counts = sp.csr_matrix(counts, copy=True)
    counts.sum_duplicates()  # one entry per claim and term
    labels, story_of_claim = np.unique(stories.astype(str), return_inverse=True)
    story_size = np.bincount(story_of_claim, minlength=len(labels))
    entry_rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    entry_stories = story_of_claim[entry_rows]
    # The entries sharing a (story, term) key are the story's claims that hold the term.
    keys = entry_stories.astype(np.int64) * counts.shape[1] + counts.indices
    _, key_of_entry, claims_with_key = np.unique(keys, return_inverse=True, return_counts=True)
    frequency = claims_with_key[key_of_entry]
    story_idf = np.log((1 + story_size[entry_stories]) / (1 + frequency)) + 1.0
    weights = counts.copy()
    weights.data = np.minimum(background_idf[counts.indices], story_idf)
    return weights


def weighted_rows(counts: sp.csr_matrix, weights: sp.csr_matrix) -> sp.csr_matrix:
    """Sublinear term frequency times per-entry weights, rows L2-normalised."""
    vectors = counts.astype(np.float64, copy=True)
    vectors.data = (1.0 + np.log(vectors.data)) * weights.data
    return normalize(vectors)


def _weighted_containment(weights: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Weight of the terms the two claims share over the smaller claim's total weight."""
    binary = weights.copy()
    binary.data[:] = 1.0
    shared = relations.row_dots(weights, left, right, binary)  # pairs share a story, so a term weighs the same on both sides
    mass = np.asarray(weights.sum(axis=1)).ravel()
    smaller = np.minimum(mass[left], mass[right])
    return np.divide(shared, smaller, out=np.zeros_like(shared), where=smaller > 0)


def _antonym_conflicts(term_sets: list[set[str]], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    poles = [antonym_poles(terms) for terms in term_sets]
    conflict = np.zeros(len(left), dtype=bool)
    for position, (a, b) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        if poles[a] and poles[b]:
            conflict[position] = any(poles[b].get(pair, pole) != pole for pair, pole in poles[a].items())
    return conflict


def _negated_near(concepts: list[str], shared: set[str], window: int = 3) -> bool:
    """A negation whose next few terms include a term the other claim shares ("not contained")."""
    return any(term in NEGATION_WORDS and shared.intersection(concepts[index + 1 : index + 1 + window]) for index, term in enumerate(concepts))


def _pair_polarity(concepts: list[list[str]], stance_signs: np.ndarray, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each side's polarity within a pair: a denial, a word calling the report false, and a
    negation of what the pair shares each flip it ("no danger" does not negate "contained")."""
    sets = [set(terms) for terms in concepts]
    falsity = np.array([bool(terms & FALSITY_WORDS) for terms in sets])
    has_negation = np.array([bool(terms & NEGATION_WORDS) for terms in sets])
    negated_left, negated_right = np.zeros(len(left), dtype=bool), np.zeros(len(left), dtype=bool)
    for position in np.flatnonzero(has_negation[left] | has_negation[right]).tolist():
        a, b = int(left[position]), int(right[position])
        shared = (sets[a] & sets[b]) - NEGATION_WORDS
        negated_left[position] = has_negation[a] and _negated_near(concepts[a], shared)
        negated_right[position] = has_negation[b] and _negated_near(concepts[b], shared)
    signs_left = stance_signs[left] * np.where(negated_left != falsity[left], -1, 1)
    signs_right = stance_signs[right] * np.where(negated_right != falsity[right], -1, 1)
    return signs_left, signs_right


def _no_pairs() -> pd.DataFrame:
    return pd.DataFrame({"left": np.zeros(0, dtype=np.int64), "right": np.zeros(0, dtype=np.int64), "relation": np.zeros(0, dtype=object), "strength": np.zeros(0)})


def claim_relations(claims: pd.DataFrame, stories: np.ndarray, times: np.ndarray, settings: CorroborationSettings, window_days: int) -> pd.DataFrame:
    """Related claim pairs: left, right (row positions, sorted), relation, strength.

    relation: "same" (one proposition, same polarity), "opposite" (one proposition, one side
    denies or negates it) or "competing" (different answers to one question: figures that
    disagree, opposite poles of an antonym pair).

    Pairs never cross stories and every weight is local to a story, so the claims are taken
    in chunks of whole stories. Not with a matching model: its term weights are fitted on all
    the night's paired claims at once, so the night stays one chunk.
    """
    model = relation_model(settings)
    chunk_rows = len(claims) if model is not None else RELATION_CHUNK_CLAIMS
    found = [_no_pairs()]
    for positions in group_chunks(stories, chunk_rows):
        pairs = _relations_within(claims.iloc[positions], stories[positions], times[positions], settings, window_days, model)
        found.append(pairs.assign(left=positions[pairs["left"].to_numpy()], right=positions[pairs["right"].to_numpy()]))
    related = pd.concat(found, ignore_index=True)
    return related.iloc[np.lexsort((related["right"].to_numpy(), related["left"].to_numpy()))].reset_index(drop=True)


def _relations_within(
    claims: pd.DataFrame, stories: np.ndarray, times: np.ndarray, settings: CorroborationSettings, window_days: int, model: relations.LinearModel | None
) -> pd.DataFrame:
    """claim_relations over one chunk of whole stories (positions within the chunk)."""
    empty = _no_pairs()
    terms = claims["content_terms"].fillna("").tolist()
    concepts = [concept_terms(text) for text in terms]
    # Negations decide polarity, not topic: they stay out of the vectors.
    topical = [[term for term in terms_of_claim if term not in NEGATION_WORDS] for terms_of_claim in concepts]
    counts, vocabulary = term_matrix(topical)
    weights = story_term_weights(counts, stories, idf_weights(vocabulary, CLAIM_WORDS))
    vectors = weighted_rows(counts, weights)
    left, right, cosine = pairs_within_groups(
        vectors, stories, settings.candidate_threshold, max_group=settings.block_max_story, max_df=settings.block_max_df, top_k=settings.block_top_k
    )
    articles = pd.factorize(claims["article_id"])[0]
    keep = (articles[left] != articles[right]) & (np.abs(times[left] - times[right]) <= np.timedelta64(window_days, "D"))
    left, right, cosine = left[keep], right[keep], cosine[keep]
    if len(left) == 0:
        return empty

    # Same question: concepts without figures, idf-weighted containment of the smaller claim.
    is_figure = np.array([any(character.isdigit() for character in str(term)) for term in vocabulary], dtype=bool)
    question_weights = weights.copy()
    question_weights.data[is_figure[question_weights.indices]] = 0.0
    same_question = _weighted_containment(question_weights, left, right) >= settings.question_overlap

    # Same proposition: the concept cosine, or a confident matching model (it finds the
    # paraphrases with few shared words; alone it misses what the folded concepts catch).
    strength = cosine
    similar = cosine >= settings.similarity_threshold
    if model is not None:
        involved = np.unique(np.concatenate([left, right]))
        position = np.full(len(claims), -1, dtype=np.int64)
        position[involved] = np.arange(len(involved))
        encoded = relations.encode(claims["content"].fillna("").to_numpy()[involved].tolist())
        probability = model.probability(relations.pair_features(encoded, relations.fit_weights(encoded), position[left], position[right]))
        similar |= probability >= settings.match_threshold
        strength = np.maximum(strength, probability)

    stance_signs = np.where(claims["stance"].to_numpy() == "deny", -1, 1)
    signs_left, signs_right = _pair_polarity(concepts, stance_signs, left, right)
    term_sets = [set(text.split()) | set(concept) for text, concept in zip(terms, concepts, strict=True)]
    opposite = (signs_left != signs_right) != _antonym_conflicts(term_sets, left, right)
    figures = [numbers_in(content) for content in claims["content"].fillna("")]
    numbers_both, unmatched_min, _, _ = relations.number_columns(figures, left, right, settings.number_tolerance)
    figures_conflict = (numbers_both > 0) & (unmatched_min > 0)

    # Same proposition (same or opposite polarity), or competing answers to one question.
    same = similar & ~opposite & ~figures_conflict
    flipped = similar & opposite & (signs_left != signs_right)
    competing = (similar & opposite & (signs_left == signs_right)) | (same_question & figures_conflict & ~flipped)
    relation = np.select([flipped, competing, same], ["opposite", "competing", "same"], "")
    related = relation != ""
    return pd.DataFrame({"left": left[related], "right": right[related], "relation": relation[related], "strength": np.round(strength[related], 3)})


# ---------------------------------------------------------------- the stage


def propositions(n: int, pairs: pd.DataFrame, stances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A proposition label and a polarity (+1 asserts it, -1 denies it) per claim.

    Star clustering rather than connected components, so that a chain of partial matches
    (A like B, B like C) does not make A and C one proposition: claims are taken by
    decreasing number of links; an unassigned claim becomes a centre (polarity -1 for a
    denial, else +1), and its unassigned direct neighbours join it, with the same polarity
    for "same" links and the opposite one for "opposite" links.
    """
    label = np.full(n, -1, dtype=np.int64)
    sign = np.where(stances == "deny", -1, 1).astype(np.int64)
    relation = pairs["relation"].to_numpy()
    linked = np.flatnonzero((relation == "same") | (relation == "opposite"))
    if len(linked) == 0:
        return np.arange(n, dtype=np.int64), sign
    # Each link both ways, grouped by claim, strongest first. A night has millions of links:
    # the narrowest types that hold them (strengths are rounded to 3 places, so float32 keeps
    # their order and ties).
    left, right = pairs["left"].to_numpy()[linked].astype(np.int32), pairs["right"].to_numpy()[linked].astype(np.int32)
    parity = np.where(relation[linked] == "opposite", -1, 1).astype(np.int8)
    strength = pairs["strength"].to_numpy()[linked].astype(np.float32)
    del relation, linked
    order = np.lexsort((-np.concatenate([strength, strength]), np.concatenate([left, right])))
    del strength
    both_left = np.concatenate([left, right])[order]
    both_right = np.concatenate([right, left])[order]
    both_parity = np.concatenate([parity, parity])[order]
    del left, right, parity, order
    starts = np.searchsorted(both_left, np.arange(n + 1))
    del both_left
    degree = np.diff(starts)
    for centre in np.lexsort((np.arange(n), -degree)).tolist():
        if label[centre] >= 0:
            continue
        label[centre] = centre
        for position in range(starts[centre], starts[centre + 1]):
            member = int(both_right[position])
            if label[member] < 0:
                label[member] = centre
                sign[member] = sign[centre] * int(both_parity[position])
    return label, sign


def exclusive_sets(proposition: np.ndarray, pairs: pd.DataFrame) -> np.ndarray:
    """Per claim, the set of mutually exclusive propositions it belongs to, or -1 when none competes."""
    competing = pairs[pairs["relation"] == "competing"]
    n = len(proposition)
    if competing.empty or n == 0:
        return np.full(n, -1, dtype=np.int64)
    first, second = proposition[competing["left"].to_numpy(dtype=np.int64)], proposition[competing["right"].to_numpy(dtype=np.int64)]
    keep = first != second
    labels = components(n, first[keep], second[keep])[proposition]
    answers = pd.Series(proposition).groupby(labels).nunique()
    return np.where(np.isin(labels, answers[answers > 1].index.to_numpy()), labels, -1)


def evidence_lists(proposition: np.ndarray, sign: np.ndarray, exclusive: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Per claim, the claims of other independence groups that support it and that contradict it.

    Support: the same proposition with the same polarity, or, for a denial, an assertion of a
    competing answer. Contradiction: the same proposition with the opposite polarity, or, for
    an assertion, an assertion of a competing answer (the scoring stage counts the same way).

    Claims alike in proposition, polarity, group and exclusive set (syndicated copies, a
    source repeating itself) have the same lists, so they are found once per such kind:
    returns each claim's kind, and the supporting and contradicting claims of each kind.
    """
    n = len(proposition)
    if n == 0:
        return np.zeros(0, dtype=np.int64), [], []
    group_codes = pd.factorize(pd.Series(groups, dtype=object))[0]
    _, representative, kind_of = np.unique(
        np.stack([proposition, sign, group_codes, exclusive], axis=1), axis=0, return_index=True, return_inverse=True
    )
    members = pd.Series(np.arange(n)).groupby(proposition).apply(lambda rows: rows.to_numpy()).to_dict()
    in_set = pd.Series(np.arange(n)[exclusive >= 0]).groupby(exclusive[exclusive >= 0]).apply(lambda rows: rows.to_numpy()).to_dict()
    supporting: list[np.ndarray] = []
    contradicting: list[np.ndarray] = []
    for claim in representative.tolist():
        same = members[proposition[claim]]
        same = same[group_codes[same] != group_codes[claim]]
        agree, disagree = same[sign[same] == sign[claim]], same[sign[same] != sign[claim]]
        if exclusive[claim] >= 0:
            rivals = in_set[exclusive[claim]]
            rivals = rivals[(proposition[rivals] != proposition[claim]) & (sign[rivals] > 0) & (group_codes[rivals] != group_codes[claim])]
            if sign[claim] > 0:
                disagree = np.concatenate([disagree, rivals])
            else:
                agree = np.concatenate([agree, rivals])
        supporting.append(np.sort(agree))
        contradicting.append(np.sort(disagree))
    return kind_of.reshape(-1), supporting, contradicting


def _numbered(prefix: str, labels: np.ndarray) -> list[str]:
    return [f"{prefix}-{number:05d}" for number in first_seen_numbering(labels)]


def corroborate(
    claims: pd.DataFrame, articles: pd.DataFrame, settings: CorroborationSettings, *, window_days: int, stories: pd.Series | None = None
) -> pd.DataFrame:
    """The claims frame (with resolved sources) with its corroboration_columns added (see there)."""
    added = corroboration_columns(claims, articles, settings, window_days=window_days, stories=stories)
    related = claims.reset_index(drop=True)  # a new frame: the caller's is left as it was
    for column, values in added.items():
        related[column] = values
    return related


def corroboration_columns(
    claims: pd.DataFrame, articles: pd.DataFrame, settings: CorroborationSettings, *, window_days: int, stories: pd.Series | None = None
) -> pd.DataFrame:
    """The CORROBORATION_COLUMNS of models (then EXTRA_COLUMNS) of a claims frame with resolved
    sources, one row per claim in its order (indexed 0..n-1). Only the frame's
    CORROBORATION_INPUT_COLUMNS are read.

    ``stories``: each article's story id (by article id), when found beforehand over more
    articles than these (an incremental night's plan, see credence.history); else found here.
    """
    claims = claims[[name for name in CORROBORATION_INPUT_COLUMNS if name in claims.columns]].reset_index(drop=True)
    n = len(claims)
    if stories is None:
        stories = story_groups(articles, settings, window_days)
    syndication = syndication_groups(articles, settings, stories)
    copies = syndication.value_counts().to_dict()
    claims["story_id"] = claims["article_id"].map(stories)
    claims["syndication_group"] = claims["article_id"].map(syndication)
    claims["independence_group"] = [
        independence_group(attribution, source_id, affiliation, group, int(copies.get(group, 1)))
        for attribution, source_id, affiliation, group in zip(
            claims["attribution"].tolist(), claims["source_id"].tolist(), claims["source_affiliation"].fillna("").tolist(), claims["syndication_group"].tolist(), strict=True
        )
    ]
    published = articles.set_index("article_id")["published_at"]
    times = utc_times(claims["article_id"].map(published))
    pairs = claim_relations(claims, claims["story_id"].to_numpy(), times, settings, window_days) if n > 1 else _no_pairs()
    proposition, sign = propositions(n, pairs, claims["stance"].to_numpy())
    exclusive = exclusive_sets(proposition, pairs)
    claims["proposition_id"] = _numbered("prop", proposition)
    numbering = {label: number for number, label in enumerate(dict.fromkeys(label for label in exclusive if label >= 0), start=1)}
    claims["exclusive_set_id"] = [f"set-{numbering[label]:03d}" if label >= 0 else "" for label in exclusive]
    claims["polarity"] = sign.astype("int64")
    groups = claims["independence_group"].to_numpy(dtype=object)
    kind_of, supporting, contradicting = evidence_lists(proposition, sign, exclusive, groups)
    claim_ids = claims["claim_id"].to_numpy(dtype=object)
    for kind, related in (("supporting", supporting), ("contradicting", contradicting)):
        # Written once per kind of claim (see evidence_lists), then spread to its claims.
        group_sets = [sorted(set(groups[members].tolist())) for members in related]
        claims[f"{kind}_groups"] = np.array(["; ".join(names) for names in group_sets], dtype=object)[kind_of].tolist()
        # Sorted by id, not by row: the order of the night's rows must not show in the output.
        claims[f"{kind}_claim_ids"] = np.array(["; ".join(sorted(claim_ids[members].tolist())) for members in related], dtype=object)[kind_of].tolist()
        claims[f"n_{kind}_groups"] = np.array([len(names) for names in group_sets], dtype="int64")[kind_of]
    return claims.drop(columns=[name for name in CORROBORATION_INPUT_COLUMNS if name in claims.columns])
