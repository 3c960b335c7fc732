"""Score each claim by joint inference over propositions and learned source reliabilities.

Model (AccuVote-style, with what news adds):

- Each source's reliability A has a Beta prior: mean = its registry prior (or imported rating,
  or category default), strength = its configured pseudo-count, plus the evidence learned on
  earlier nights (credence.reliability). A source's record on a topic it has a stake in (its
  own cause) is kept apart from its record elsewhere; both start from the same prior.
- A claim's weight, in log-odds, is logit(A) of its source's record (plus log(k - 1) when it
  picks one of k observed competing answers, as AccuVote; minus log(k - 1) when it denies one),
  times its commitment (hedges weigh less), extraction confidence, recency (half-life before
  the run date the caller gives, never the newest claim), the interested-party factor on its own
  cause, and the same-group factor for every claim of an independence group after the first on
  the same proposition. Asserting adds the weight to the proposition's log-odds, denying
  subtracts it. A source that repeats an interested party's answers on nearly every question
  of its cause joins the party's group there (an echo is not independent corroboration).
- A proposition's probability is the softmax of its log-odds over its mutually exclusive set,
  with "none of the stated answers" at log-odds 0 (a sigmoid for a lone yes/no proposition).
- Each record's reliability is re-estimated as its Beta posterior mean (an EM step): each claim
  counts as right with the probability that its record and the *other* independence groups
  give it, weighted by commitment, confidence and recency; judges below even odds count as no
  evidence there, so that a bloc cannot talk the others down.

The two steps alternate until no reliability moves by more than the tolerance, separately in
each connected component of sources and exclusive sets; the priors' strength is checked per
component too. A claim's score thus depends only on the claims it is connected to, the settings
and the state of earlier nights: unrelated claims added to a run change nothing. A claim's score
is the probability that what it asserts is true (a denial scores 1 - P), calibrated, then capped
when no independent group supports it. A claim's log-odds is a sum, and the explanation lists
every term.

Propositions come from the corroboration stage's ``proposition_id`` (with an exclusive-set
column for competing answers) when present. Without them, each claim is weighed against the
claims its ``supporting_claim_ids`` and ``contradicting_claim_ids`` name, and no further: chains
of lexical matches are not trusted to be one proposition.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.special import expit

from credence.config import CalibrationSettings, Config, ScoringSettings
from credence.reliability import beta_summary

# Columns score_claims adds after the documented SCORE_COLUMNS.
EXTRA_SCORE_COLUMNS: list[str] = [
    "raw_score",  # the model's probability, before calibration and cap
    "source_reliability",  # learned reliability (Beta posterior mean) of the claim's source, all its claims
    "claim_reliability",  # the reliability applied to this claim: the source's record on its own cause, or elsewhere
    "reliability_low",  # its 90% interval
    "reliability_high",
    "reliability_prior",  # the Beta prior's mean (registry prior, rating or category default)
    "reliability_strength",  # the Beta prior's pseudo-count
    "interested_party",  # weighed as an interested party's claim on its own cause (or an echo of one)
    "independent_support",  # independence groups other than the claim's own that say the same
    "independent_contradiction",  # groups that deny it or assert a competing answer
    "proposition_key",  # the proposition it was scored in ("claim:<id>" without propositions)
    "exclusive_set_key",  # the set of mutually exclusive answers it belongs to
    "reliability_evidence_for",  # what the claim adds to its source's Beta alpha tonight
    "reliability_evidence_against",  # ... and to its beta
]

# Optional input columns, used when an earlier stage provides them.
PROPOSITION_COLUMN = "proposition_id"
EXCLUSIVE_SET_COLUMNS = ("exclusive_set_id", "exclusive_set", "question_id")
POLARITY_COLUMN = "polarity"
INTERESTED_COLUMN = "interested"
TOPICS_COLUMN = "topics"
STRENGTH_COLUMN = "source_strength"
INTERESTS_COLUMN = "source_interested_in"

LISTED_GROUPS = 5  # other groups named one by one in an explanation; the rest are summed

# Claim-to-claim relations, read when the claims have no propositions (see evidence_structure).
RELATION_COLUMNS = ("supporting_claim_ids", "contradicting_claim_ids")
# Every column of a corroborated claims frame that scoring reads: the score stage reads only
# these from the night's claims, not their texts (tests check that this gives the same scores).
SCORING_INPUT_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "source_id",
    "source_name",
    "source_prior",
    STRENGTH_COLUMN,
    INTERESTS_COLUMN,
    "prior_rule",
    "independence_group",
    "cue",
    "stance",
    "commitment",
    "confidence",
    "published_at",
    POLARITY_COLUMN,
    INTERESTED_COLUMN,
    TOPICS_COLUMN,
    PROPOSITION_COLUMN,
    *EXCLUSIVE_SET_COLUMNS,
    *RELATION_COLUMNS,
)


def input_columns(available: list[str]) -> list[str]:
    """The columns scoring reads among those a claims table has: the relation lists only
    without propositions (they are the largest of them, and propositions make them unused)."""
    skipped = RELATION_COLUMNS if PROPOSITION_COLUMN in available else ()
    return [name for name in available if name in SCORING_INPUT_COLUMNS and name not in skipped]


def logit(probability: float | np.ndarray, clip: float) -> np.ndarray:
    """Log-odds of probabilities clipped to [clip, 1 - clip]."""
    p = np.clip(np.asarray(probability, dtype="float64"), clip, 1.0 - clip)
    return np.log(p / (1.0 - p))


def sigmoid(value: float | np.ndarray) -> np.ndarray:
    """Inverse of logit."""
    return expit(np.asarray(value, dtype="float64"))


def status_of(n_supporting: int, n_contradicting: int) -> str:
    """Status from the counts of independent supporting and contradicting groups."""
    return str(statuses(np.array([n_supporting]), np.array([n_contradicting]))[0])


def statuses(n_supporting: np.ndarray, n_contradicting: np.ndarray) -> np.ndarray:
    """Status per claim: corroborated, contested, contradicted or single-source."""
    support, contradict = np.asarray(n_supporting) > 0, np.asarray(n_contradicting) > 0
    return np.select([support & contradict, contradict, support], ["contested", "contradicted", "corroborated"], "single-source").astype(object)


def source_strengths(config: Config) -> dict[str, float]:
    """Registry source id -> prior strength (pseudo-count)."""
    return {entry.id: float(entry.strength) for entry in config.registry.sources}


def source_interests(config: Config) -> dict[str, frozenset[str]]:
    """Registry source id -> topics it has a stake in (sources that have some)."""
    return {entry.id: frozenset(entry.interested_in) for entry in config.registry.sources if entry.interested_in}


def calibrate(probability: np.ndarray, calibration: CalibrationSettings) -> np.ndarray:
    """Apply the configured calibration map to model probabilities."""
    p = np.clip(np.asarray(probability, dtype="float64"), 1e-9, 1.0 - 1e-9)
    if calibration.method == "platt":
        return sigmoid(calibration.slope * logit(p, 1e-9) + calibration.intercept)
    if calibration.method == "isotonic" and calibration.x:
        return np.interp(p, calibration.x, calibration.y)
    return p


def describe_calibration(calibration: CalibrationSettings) -> str:
    """How the calibration step is named in explanations ("" when there is none)."""
    if calibration.method == "platt":
        return f"Platt: {calibration.slope:.2f} x log-odds {calibration.intercept:+.2f}"
    if calibration.method == "isotonic" and calibration.x:
        return "isotonic"
    return ""


# --- Input columns -----------------------------------------------------------------------


def _text(frame: pd.DataFrame, column: str | None, default: str = "") -> np.ndarray:
    """A text column as an object array, missing values (or a missing column) as ``default``."""
    if column is None or column not in frame.columns:
        return np.full(len(frame), default, dtype=object)
    return frame[column].astype(object).where(frame[column].notna(), default).astype(str).to_numpy(dtype=object)


def _number(frame: pd.DataFrame, column: str, default: float) -> np.ndarray:
    """A numeric column as floats, missing or unreadable values (or a missing column) as ``default``."""
    if column not in frame.columns:
        return np.full(len(frame), default, dtype="float64")
    return pd.to_numeric(frame[column], errors="coerce").fillna(default).to_numpy(dtype="float64")


def claim_signs(claims: pd.DataFrame) -> np.ndarray:
    """+1 for a claim that asserts its proposition, -1 for one that denies it."""
    if POLARITY_COLUMN in claims.columns:
        values = pd.to_numeric(claims[POLARITY_COLUMN], errors="coerce").fillna(1).to_numpy()
        return np.where(values < 0, -1, 1).astype("int64")
    return np.where(_text(claims, "stance", "assert") == "deny", -1, 1).astype("int64")


def recency_weights(claims: pd.DataFrame, half_life_days: float, as_of: pd.Timestamp | None) -> tuple[np.ndarray, np.ndarray]:
    """(weight, age in days) per claim: the weight halves every half_life_days before as_of.

    The reference is given by the caller (the run date), never taken from the data: a newer
    unrelated article must not age every other claim. Without it, no claim is discounted.
    Claims dated after as_of count as new.
    """
    if as_of is None or "published_at" not in claims.columns:
        return np.ones(len(claims)), np.zeros(len(claims))
    published = pd.to_datetime(claims["published_at"], utc=True, errors="coerce", format="ISO8601")
    age = ((as_of - published).dt.total_seconds() / 86400.0).fillna(0.0).clip(lower=0.0).to_numpy()
    return np.power(0.5, age / half_life_days), age


def reference_time(as_of: pd.Timestamp | date | str | None) -> pd.Timestamp | None:
    """as_of as a UTC timestamp (a date or a naive time is taken as UTC)."""
    if as_of is None:
        return None
    reference = pd.Timestamp(as_of)
    return reference.tz_localize("UTC") if reference.tzinfo is None else reference.tz_convert("UTC")


def interested_claims(claims: pd.DataFrame, interests: Mapping[str, frozenset[str]] | None) -> tuple[np.ndarray, np.ndarray]:
    """(flag, topic) per claim: its source has a stake in one of the claim's topics.

    Uses an ``interested`` column when an earlier stage decided; else the claim's ``topics``
    against the source's stakes (column source_interested_in, or the ``interests`` mapping).
    """
    size = len(claims)
    none = np.zeros(size, dtype=bool), np.full(size, "", dtype=object)
    if INTERESTED_COLUMN in claims.columns:
        flag = claims[INTERESTED_COLUMN].fillna(False).astype(bool).to_numpy()
        return flag, np.where(flag, "its own cause", "").astype(object)
    if TOPICS_COLUMN not in claims.columns:
        return none
    if interests is not None:
        stakes = [interests.get(source, frozenset()) for source in claims["source_id"].astype(str)]
    elif INTERESTS_COLUMN in claims.columns:
        stakes = [frozenset(filter(None, value.split("; "))) for value in _text(claims, INTERESTS_COLUMN)]
    else:
        return none
    # A handful of topics per claim: a set intersection each is cheap next to the inference.
    topic = np.array(
        [next((t for t in mine.split("; ") if t and t in theirs), "") for mine, theirs in zip(_text(claims, TOPICS_COLUMN), stakes, strict=True)],
        dtype=object,
    )
    return topic != "", topic


def first_in_runs(keys: list[np.ndarray], priority: np.ndarray) -> np.ndarray:
    """True for the highest-priority element among those sharing all keys (ties: first position)."""
    size = len(priority)
    order = np.lexsort([np.arange(size), -priority, *keys[::-1]])
    first = np.ones(size, dtype=bool)
    if size > 1:
        same = np.ones(size - 1, dtype=bool)
        for key in keys:
            ordered = key[order]
            same &= ordered[1:] == ordered[:-1]
        first[1:] = ~same
    result = np.empty(size, dtype=bool)
    result[order] = first
    return result


def _pair_codes(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """One integer code per distinct (first, second) pair."""
    return pd.factorize(pd.Series(first.astype("int64") * (int(second.max(initial=0)) + 1) + second.astype("int64")))[0].astype("int64")


# --- Evidence structure -----------------------------------------------------------------


@dataclass
class Evidence:
    """Which claims bear on which: propositions and sets, or explicit claim-to-claim relations."""

    mode: str  # "propositions" or "relations"
    sign: np.ndarray  # claim -> +1 asserts its proposition, -1 denies it ("relations": always +1)
    proposition: np.ndarray  # claim -> proposition code ("relations": the claim itself)
    exclusive_set: np.ndarray  # proposition code -> set code
    proposition_key: np.ndarray
    set_key: np.ndarray
    # "relations" only: edge e says claim other[e] supports (+1) or contradicts (-1) claim target[e].
    target: np.ndarray
    other: np.ndarray
    relation: np.ndarray


def _edges(claims: pd.DataFrame, column: str, ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(claim, related claim) positions for a "; "-joined id column (split and looked up by Arrow)."""
    if column not in claims.columns:
        return np.empty(0, dtype="int64"), np.empty(0, dtype="int64")
    lists = pc.split_pattern(pa.array(claims[column].fillna("").astype(str), type=pa.string()), "; ")
    related = pc.index_in(pc.list_flatten(lists), value_set=ids)
    owner = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    keep = related.is_valid().to_numpy(zero_copy_only=False)
    return owner[keep].astype("int64"), related.to_numpy(zero_copy_only=False)[keep].astype("int64")


def evidence_structure(claims: pd.DataFrame) -> Evidence:
    """Propositions and exclusive sets from columns when present, else the relation lists."""
    size = len(claims)
    ids = claims["claim_id"].astype(str).to_numpy(dtype=object)
    empty = np.empty(0, dtype="int64")
    if PROPOSITION_COLUMN in claims.columns:
        given = _text(claims, PROPOSITION_COLUMN)
        proposition_key = np.where(given == "", "claim:" + ids, given).astype(object)
        set_column = next((column for column in EXCLUSIVE_SET_COLUMNS if column in claims.columns), None)
        set_given = _text(claims, set_column)
        set_key = np.where(set_given == "", proposition_key, set_given).astype(object)
        proposition, unique = pd.factorize(pd.Series(proposition_key, dtype=object))
        set_codes = pd.factorize(pd.Series(set_key, dtype=object))[0]
        exclusive_set = np.zeros(len(unique), dtype="int64")
        exclusive_set[proposition] = set_codes
        return Evidence("propositions", claim_signs(claims), proposition.astype("int64"), exclusive_set, proposition_key, set_key, empty, empty, empty)
    # index_in finds a repeated id's first position, as a lookup table keeping the first would.
    id_array = pa.array(ids, type=pa.string())
    support = _edges(claims, RELATION_COLUMNS[0], id_array)
    against = _edges(claims, RELATION_COLUMNS[1], id_array)
    target = np.concatenate([support[0], against[0]])
    other = np.concatenate([support[1], against[1]])
    relation = np.concatenate([np.ones(len(support[0]), dtype="int64"), -np.ones(len(against[0]), dtype="int64")])
    keep = target != other
    codes = np.arange(size, dtype="int64")
    key = ("claim:" + ids).astype(object)
    return Evidence("relations", np.ones(size, dtype="int64"), codes, codes.copy(), key, key, target[keep], other[keep], relation[keep])


def echoes(evidence: Evidence, source: np.ndarray, group: np.ndarray, interested: np.ndarray, min_questions: int, agreement: float) -> tuple[np.ndarray, np.ndarray]:
    """(party group or -1, agreement count, common count) per claim of a source that echoes an interested party.

    A source that, on the questions where an interested party argues its own cause, states the
    party's answer nearly every time is not independent of it there (an amplifier, or an outlet
    repeating its releases): those claims join the party's group and count as interested.
    """
    size = len(source)
    none = np.full(size, -1, dtype="int64"), np.zeros(size, dtype="int64"), np.zeros(size, dtype="int64")
    if evidence.mode != "propositions" or not interested.any():
        return none
    claim_set = evidence.exclusive_set[evidence.proposition]
    asserting = evidence.sign > 0
    parties = pd.DataFrame({"set": claim_set, "party": group, "party_p": evidence.proposition})[interested & asserting].drop_duplicates()
    others = pd.DataFrame({"claim": np.arange(size), "set": claim_set, "source": source, "g": group, "p": evidence.proposition})[asserting & ~interested]
    pairs = others.merge(parties, on="set")
    pairs = pairs[pairs["g"] != pairs["party"]]
    if pairs.empty:
        return none
    pairs["same"] = pairs["p"] == pairs["party_p"]
    per_set = pairs.groupby(["source", "party", "set"], sort=False)["same"].any().reset_index()
    record = per_set.groupby(["source", "party"], sort=False)["same"].agg(["sum", "size"])
    echo = record[(record["size"] >= min_questions) & (record["sum"] >= agreement * record["size"])]
    if echo.empty:
        return none
    hits = pairs.join(echo, on=["source", "party"], how="inner").drop_duplicates("claim")
    party, agreed, common = none
    party[hits["claim"].to_numpy()] = hits["party"].to_numpy()
    agreed[hits["claim"].to_numpy()] = hits["sum"].to_numpy()
    common[hits["claim"].to_numpy()] = hits["size"].to_numpy()
    return party, agreed, common


def source_components(evidence: Evidence, source: np.ndarray, n_sources: int) -> np.ndarray:
    """Per source: its connected component, sources joined by any exclusive set or relation they share.

    A claim's score depends on its own component only: everything that is estimated over many
    sources (convergence, the check of the priors' strength) is done per component, so claims
    that share no proposition or source with a claim, even transitively, cannot move it.
    """
    n_sets = int(evidence.exclusive_set.max(initial=-1)) + 1
    # Nodes: sources, then exclusive sets (in relation mode, one per claim).
    start = np.concatenate([source, n_sources + evidence.exclusive_set[evidence.target]])
    end = np.concatenate([n_sources + evidence.exclusive_set[evidence.proposition], n_sources + evidence.exclusive_set[evidence.other]])
    size = n_sources + n_sets
    graph = coo_matrix((np.ones(len(start), dtype="int8"), (start, end)), shape=(size, size))
    return connected_components(graph, directed=False)[1][:n_sources].astype("int64")


# --- Inference ----------------------------------------------------------------------------


@dataclass
class Inference:
    """The converged state: per claim, per source, and the terms explanations need."""

    weight: np.ndarray  # claim -> its own term in the log-odds of its reading
    own_group_rest: np.ndarray  # claim -> the rest of its own group on its proposition, in its reading
    others: np.ndarray  # claim -> the other groups' terms, in its reading
    competition: np.ndarray  # claim -> minus log(sum of exp(L) of competing answers + 1), in its reading
    edge_value: np.ndarray  # "relations": per edge, its term in the target's reading
    reliability: np.ndarray  # source -> posterior mean
    alpha: np.ndarray
    beta: np.ndarray
    judged: np.ndarray  # claim -> how the other groups alone judge it (0.5: they say nothing)
    evidence_for: np.ndarray  # claim -> added to its source's alpha
    evidence_against: np.ndarray
    iterations: int

    @property
    def log_odds(self) -> np.ndarray:
        """Each claim's log-odds of being right: the sum of all its terms."""
        return self.weight + self.own_group_rest + self.others + self.competition


def _set_competition(log_odds: np.ndarray, exclusive_set: np.ndarray) -> np.ndarray:
    """Per proposition: log(sum of exp(L_b) over the other answers b of its set, + exp(0)), without cancellation."""
    n_sets = int(exclusive_set.max(initial=-1)) + 1
    top = np.zeros(n_sets)
    np.maximum.at(top, exclusive_set, log_odds)  # shift by max(0, max L) for stability
    shifted = np.exp(log_odds - top[exclusive_set])
    # The set's leading answer gets the exact sum of the others; the rest subtract a smaller term.
    order = np.lexsort([log_odds, exclusive_set])
    last = np.ones(len(order), dtype=bool)
    last[:-1] = exclusive_set[order][1:] != exclusive_set[order][:-1]
    leader = np.zeros(len(log_odds), dtype=bool)
    leader[order[last]] = True
    total = np.bincount(exclusive_set, weights=shifted, minlength=n_sets) + np.exp(-top)
    rest = np.bincount(exclusive_set, weights=np.where(leader, 0.0, shifted), minlength=n_sets) + np.exp(-top)
    others = np.where(leader, rest[exclusive_set], total[exclusive_set] - shifted)
    return np.log(np.maximum(others, 1e-300)) + top[exclusive_set]


def _answer_bonus(evidence: Evidence) -> np.ndarray:
    """Per claim, log(k - 1) for picking one of k observed competing answers: + for an assertion (AccuVote), - for a denial.

    A source right with probability A that names one of the k - 1 false answers at random
    makes an assertion that is k - 1 times less likely by chance than by knowledge, and a
    denial that is k - 1 times less informative: a wrong denial hits the true answer, a right
    one any of the false ones.
    """
    if evidence.mode != "propositions":
        return np.zeros(len(evidence.sign))
    answers = np.bincount(evidence.exclusive_set)
    k = answers[evidence.exclusive_set[evidence.proposition]]
    return evidence.sign * np.log(np.maximum(k - 1, 1))


def _terms(evidence: Evidence, unsigned: np.ndarray, pair: np.ndarray, edge_factor: np.ndarray) -> tuple[np.ndarray, ...]:
    """(own group rest, other groups, competition, edge values), each in the claim's reading, for claim weights ``unsigned``."""
    sign = evidence.sign
    if evidence.mode == "propositions":
        signed = sign * unsigned
        log_odds = np.bincount(evidence.proposition, weights=signed, minlength=len(evidence.exclusive_set))
        own_group = np.bincount(pair, weights=signed)[pair]
        competition = _set_competition(log_odds, evidence.exclusive_set)[evidence.proposition]
        total = log_odds[evidence.proposition]
        return sign * own_group - unsigned, sign * (total - own_group), -sign * competition, np.empty(0)
    # Relations: each related claim counts in the target's reading with the relation's sign.
    edge_value = evidence.relation * edge_factor * unsigned[evidence.other]
    others = np.bincount(evidence.target, weights=edge_value, minlength=len(unsigned))
    zero = np.zeros(len(unsigned))
    return zero, others, zero, edge_value


def infer(
    evidence: Evidence,
    source: np.ndarray,
    group: np.ndarray,
    base: np.ndarray,
    edge_factor: np.ndarray,
    evidence_weight: np.ndarray,
    alpha0: np.ndarray,
    beta0: np.ndarray,
    component: np.ndarray,
    settings: ScoringSettings,
) -> Inference:
    """Alternate claim probabilities and source reliabilities until the reliabilities settle.

    ``source`` maps claims to the records whose reliability is learned; ``base``: each claim's
    product of discounts (commitment, confidence, recency, interest, same-group factor);
    ``edge_factor``: the same-group factor of each relation edge; ``evidence_weight``: what
    each claim counts for its record's reliability; ``component``: each record's connected
    component. Each component stops on its own, as it would if it were scored alone: a slow
    component elsewhere in the run must not give this one more iterations.
    """
    bonus = _answer_bonus(evidence)
    pair = _pair_codes(evidence.proposition, group)
    alpha, beta = alpha0.copy(), beta0.copy()
    reliability = alpha / (alpha + beta)
    evidence_for = np.zeros(len(source))
    evidence_against = np.zeros(len(source))
    judged = np.full(len(source), 0.5)
    active = np.ones(int(component.max(initial=-1)) + 1, dtype=bool)
    iterations = 0
    while iterations < settings.max_iterations and active.any():
        live_record = active[component]
        live_claim = live_record[source]
        own_logit = logit(reliability, settings.prior_clip)[source]
        # Each claim is judged right with the probability its own term (its source's reliability
        # and the AccuVote answer bonus) and the other groups' evidence give it (an EM step).
        # Judges below even odds count as no evidence here:
        # letting a poor source's agreement condemn a claim lets whole blocs talk each other down.
        judges = base * np.maximum(own_logit + bonus, 0.0)
        _, judged_others, judged_competition, _ = _terms(evidence, judges, pair, edge_factor)
        right = sigmoid(own_logit + bonus + judged_others + judged_competition)
        judged = np.where(live_claim, sigmoid(judged_others + judged_competition), judged)
        evidence_for = np.where(live_claim, evidence_weight * right, evidence_for)
        evidence_against = np.where(live_claim, evidence_weight * (1.0 - right), evidence_against)
        alpha = np.where(live_record, alpha0 + np.bincount(source, weights=evidence_for, minlength=len(alpha0)), alpha)
        beta = np.where(live_record, beta0 + np.bincount(source, weights=evidence_against, minlength=len(beta0)), beta)
        updated = alpha / (alpha + beta)
        moved = np.zeros(len(active))
        np.maximum.at(moved, component, np.abs(updated - reliability))
        reliability = updated
        active &= moved >= settings.tolerance
        iterations += 1
    unsigned = base * (logit(reliability, settings.prior_clip)[source] + bonus)
    own_rest, others, competition, edge_value = _terms(evidence, unsigned, pair, edge_factor)
    return Inference(unsigned, own_rest, others, competition, edge_value, reliability, alpha, beta, judged, evidence_for, evidence_against, iterations)


def judged_record(source: np.ndarray, judged: np.ndarray, weight: np.ndarray, n_sources: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per source: (claims the other groups judge right, claims they judge, the effective number of them).

    Each claim is weighed by how firmly they judge it; with unequal weights the share judged
    right is as noisy as that of (sum of weights)^2 / (sum of squared weights) equal claims.
    """
    firmness = weight * np.abs(2.0 * judged - 1.0)  # a claim they say nothing about (0.5) counts for nothing
    total = np.bincount(source, weights=firmness, minlength=n_sources)
    squares = np.bincount(source, weights=firmness**2, minlength=n_sources)
    effective = np.divide(total**2, squares, out=np.zeros(n_sources), where=squares > 0)
    return np.bincount(source, weights=firmness * (judged > 0.5), minlength=n_sources), total, effective


def _moment_limit(key: np.ndarray, keep: np.ndarray, excess: np.ndarray, min_sources: int) -> tuple[np.ndarray, np.ndarray]:
    """Per key: (the pseudo-count its sources' mean excess spread implies, inf when none; whether it has min_sources to tell)."""
    keys = int(key.max(initial=-1)) + 1
    counted = np.bincount(key, weights=keep.astype("float64"), minlength=keys)
    mean_excess = np.bincount(key, weights=excess, minlength=keys) / np.maximum(counted, 1.0)
    enough = counted >= min_sources
    limit = np.where(enough & (mean_excess > 0), np.maximum(1.0 / np.where(mean_excess > 0, mean_excess, 1.0) - 1.0, 1.0), np.inf)
    return limit, enough


def strengths_the_data_allow(
    prior: np.ndarray,
    right: np.ndarray,
    judged: np.ndarray,
    effective: np.ndarray,
    cohort: np.ndarray,
    pool: np.ndarray,
    *,
    min_claims: float = 10.0,
    min_sources: int = 20,
) -> np.ndarray:
    """Empirical-Bayes check of priors: per source, the pseudo-count its cohort's fit to the evidence supports (inf: no limit).

    Method of moments on a cohort's sources with at least ``min_claims`` judged claims: when
    their rates of being judged right stray from their priors more than a Beta prior of
    strength k plus binomial noise (of ``effective`` claims) would, k is what that spread implies.
    A cohort with fewer than ``min_sources`` such sources is checked with its whole ``pool``.
    """
    keep = (judged >= min_claims) & (effective > 1.0)
    n = np.where(keep, effective, 2.0)  # placeholders outside ``keep``, which are not summed
    share = np.where(keep, right / np.where(keep, judged, 1.0), 0.0)
    spread = prior * (1.0 - prior)
    excess = np.where(keep, ((share - prior) ** 2 - spread / n) / (spread * (n - 1.0) / n), 0.0)
    own, enough = _moment_limit(cohort, keep, excess, min_sources)
    pooled, _ = _moment_limit(pool, keep, excess, min_sources)
    return np.where(enough[cohort], own[cohort], pooled[pool])


# --- Independent support and contradiction ----------------------------------------------


def group_positions(evidence: Evidence, group: np.ndarray, weight: np.ndarray) -> pd.DataFrame:
    """Each group's one position per exclusive set: the proposition and side (+1 asserts, -1 denies) of its weightiest net stance.

    A group whose claims pull both ways on a proposition stands where its weightier claims put it.
    """
    net = pd.DataFrame({"p": evidence.proposition, "g": group, "pull": evidence.sign * (np.abs(weight) + 1e-6)})
    net = net.groupby(["p", "g"], sort=False)["pull"].sum().reset_index()
    net["set"] = evidence.exclusive_set[net["p"].to_numpy()]
    net["strength"] = net["pull"].abs()
    position = net.sort_values("strength", ascending=False, kind="stable").drop_duplicates(["set", "g"])
    position["side"] = np.where(position["pull"] > 0, 1, -1)
    return position[["set", "g", "p", "side"]]


def group_counts(evidence: Evidence, group: np.ndarray, weight: np.ndarray, edge_value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per claim: how many other independence groups say the same, and how many say otherwise.

    Propositions: each group stands where group_positions puts it in the set. It backs a claim
    from the same side of the same proposition, or, for a denial, by asserting a competing
    answer; it opposes it from the other side, or, for an assertion, by asserting a competing
    answer. Relation lists: the groups of the listed claims, each on the side its weightier
    relations put it (a group listed as both supporting and contradicting counts once).
    """
    size = len(group)
    if evidence.mode == "relations":
        edges = pd.DataFrame({"t": evidence.target, "g": group[evidence.other], "side": evidence.relation * (np.abs(edge_value) + 1e-6)})
        edges = edges[edges["g"].to_numpy() != group[evidence.target]]
        net = edges.groupby(["t", "g"], sort=False)["side"].sum().reset_index()
        support = np.bincount(net["t"].to_numpy()[net["side"].to_numpy() > 0], minlength=size)
        contradict = np.bincount(net["t"].to_numpy()[net["side"].to_numpy() < 0], minlength=size)
        return support, contradict
    position = group_positions(evidence, group, weight)
    n_props, n_sets = len(evidence.exclusive_set), int(evidence.exclusive_set.max(initial=-1)) + 1
    proposition, sign = evidence.proposition, evidence.sign
    claim_set = evidence.exclusive_set[proposition]
    p, side, s = position["p"].to_numpy(), position["side"].to_numpy(), position["set"].to_numpy()
    asserting_here = np.bincount(p[side > 0], minlength=n_props)[proposition]
    denying_here = np.bincount(p[side < 0], minlength=n_props)[proposition]
    asserting_set = np.bincount(s[side > 0], minlength=n_sets)[claim_set]
    asserting_other = asserting_set - asserting_here  # groups asserting a competing answer
    # Where the claim's own group stands, to leave it out.
    own = position.set_index(["set", "g"]).reindex(pd.MultiIndex.from_arrays([claim_set, group]))
    own_p, own_side = own["p"].to_numpy(), own["side"].to_numpy()
    own_here = own_p == proposition
    own_asserts_here = own_here & (own_side > 0)
    own_denies_here = own_here & (own_side < 0)
    own_asserts_other = ~own_here & (own_side > 0)
    with_claim = np.where(sign > 0, asserting_here - own_asserts_here, denying_here - own_denies_here)
    against_claim = np.where(sign > 0, denying_here - own_denies_here, asserting_here - own_asserts_here)
    other = asserting_other - own_asserts_other
    support = with_claim + np.where(sign < 0, other, 0)
    contradict = against_claim + np.where(sign > 0, other, 0)
    return np.maximum(support, 0).astype("int64"), np.maximum(contradict, 0).astype("int64")


# --- Explanations -------------------------------------------------------------------------


def _fmt(values: np.ndarray, pattern: str) -> pa.Array:
    """Numbers as text: each distinct rounded value is formatted once (a million claims share a few thousand)."""
    precision = re.search(r"\.(\d+)f", pattern)
    rounded = np.round(np.asarray(values, dtype="float64"), int(precision.group(1)) if precision else 4) + 0.0  # no "-0.00"
    uniques, inverse = np.unique(rounded, return_inverse=True)
    return pa.array([pattern % value for value in uniques.tolist()], type=pa.string()).take(pa.array(inverse.reshape(-1)))


def _contributions(evidence: Evidence, inference: Inference, group: np.ndarray) -> pd.DataFrame:
    """Long table (claim, group, value, same, leader): each other group's term in a claim's log-odds."""
    size = len(group)
    if evidence.mode == "relations":
        edges = pd.DataFrame(
            {"claim": evidence.target, "g": group[evidence.other], "value": inference.edge_value, "same": evidence.relation > 0, "leader": evidence.other}
        )
        edges["abs"] = edges["value"].abs()
        edges["side"] = np.where(edges["same"], 1.0, -1.0) * (edges["abs"] + 1e-6)
        edges = edges.sort_values("abs", ascending=False, kind="stable")
        grouped = edges.groupby(["claim", "g"], sort=False).agg(value=("value", "sum"), side=("side", "sum"), leader=("leader", "first"))
        grouped["same"] = grouped["side"] > 0
        return grouped.drop(columns="side").reset_index()
    signed = evidence.sign * inference.weight
    # A group's side on the proposition: where its weightier claims put it (as in group_positions).
    pull = evidence.sign * (np.abs(inference.weight) + 1e-6)
    table = pd.DataFrame({"p": evidence.proposition, "g": group, "w": signed, "pull": pull, "claim_index": np.arange(size)})
    table["abs"] = table["w"].abs()
    per_group = (
        table.sort_values("abs", ascending=False, kind="stable")
        .groupby(["p", "g"], sort=False)
        .agg(G=("w", "sum"), pull=("pull", "sum"), leader=("claim_index", "first"))
        .reset_index()
    )
    per_group["s"] = np.where(per_group["pull"] > 0, 1, -1)
    per_group["n"] = per_group.groupby("p")["g"].transform("size")
    per_group = per_group[per_group["n"] > 1]
    # Only the largest groups of a proposition can be listed for any of its claims.
    per_group = per_group.assign(a=-per_group["G"].abs()).sort_values(["p", "a"], kind="stable")
    per_group = per_group[per_group.groupby("p").cumcount() <= LISTED_GROUPS]
    claims_side = pd.DataFrame({"claim": np.arange(size), "p": evidence.proposition, "own": group, "cs": evidence.sign})
    joined = claims_side.merge(per_group, on="p", how="inner")
    joined = joined[joined["g"] != joined["own"]]
    return pd.DataFrame(
        {"claim": joined["claim"], "g": joined["g"], "value": joined["cs"] * joined["G"], "same": joined["s"] == joined["cs"], "leader": joined["leader"]}
    )


def _ranked_groups(contributions: pd.DataFrame) -> pd.DataFrame:
    """The other groups each claim's explanation names: its LISTED_GROUPS largest contributions,
    sorted by claim, then by size (columns claim, g, value, same, leader)."""
    ranked = contributions.assign(a=-contributions["value"].abs()).sort_values(["claim", "a"], kind="stable")
    return ranked[ranked.groupby("claim").cumcount() < LISTED_GROUPS].drop(columns="a").reset_index(drop=True)


def _listed_groups(ranked: pd.DataFrame, names: np.ndarray, reliability: np.ndarray, group_names: np.ndarray, start: int, stop: int) -> pa.Array:
    """Per claim from start to stop: the text naming its largest other groups ("" when none)."""
    size = stop - start
    claims = ranked["claim"].to_numpy()
    ranked = ranked.iloc[np.searchsorted(claims, start) : np.searchsorted(claims, stop)]
    if ranked.empty:
        return pa.array([""] * size, type=pa.string())
    leader = ranked["leader"].to_numpy()
    pieces = pc.binary_join_element_wise(
        _arrow(np.where(ranked["same"].to_numpy(), "supported by ", "contradicted by ").astype(object)),
        _arrow(names[leader]),
        " (reliability ",
        _arrow(_fmt(reliability[leader], "%.2f")),
        ") [",
        pa.array(group_names, type=pa.string()).take(pa.array(ranked["g"].to_numpy())),
        "]: ",
        _arrow(_fmt(ranked["value"].to_numpy(), "%+.2f")),
        "",
    ).to_numpy(zero_copy_only=False)
    claim = ranked["claim"].to_numpy() - start
    position = ranked.groupby("claim", sort=False).cumcount().to_numpy()
    # One column per rank, joined column-wise (missing ranks skipped): no join per claim in Python.
    columns = np.full((LISTED_GROUPS, size), None, dtype=object)
    columns[position, claim] = pieces
    text = _arrow(columns[0])
    for column in columns[1:]:
        # Ranks fill from the first, so a missing rank ends the list.
        text = pc.coalesce(pc.binary_join_element_wise(text, _arrow(column), "; "), text)
    return pc.fill_null(text, "")


def _when(mask: np.ndarray, *pieces: np.ndarray | str | pa.Array) -> pa.Array:
    """Concatenated pieces where mask holds, empty text elsewhere."""
    joined = pc.binary_join_element_wise(*[_arrow(piece) for piece in pieces], "")
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), joined, "")


def _arrow(piece: np.ndarray | str | pa.Array) -> pa.Array | str:
    """An explanation piece as Arrow text (literals stay scalars)."""
    if isinstance(piece, str | pa.Array | pa.ChunkedArray):
        return piece
    return pa.array(np.asarray(piece, dtype=object), type=pa.string())


# Explanations are written this many claims at a time: a sentence has some forty pieces, and
# building every piece for the whole night at once took several times the finished text.
EXPLAIN_ROWS = 20_000


@dataclass(frozen=True)
class Explanations:
    """The explanations of a night's claims, written on demand, a range of claims at a time:
    the night's sentences take several times the memory of the values they are made from."""

    per_claim: Mapping[str, np.ndarray | pa.Array]  # values of each claim, sliced for a range
    ranked: pd.DataFrame  # the other groups each claim names (see _ranked_groups)
    group_names: np.ndarray
    settings: ScoringSettings

    def __len__(self) -> int:
        return len(self.per_claim["weight"])

    def rows(self, start: int, stop: int) -> pa.Array:
        """The sentences of the claims from start to stop (positions)."""
        chunks = list(self._chunks(start, stop))
        return pa.concat_arrays(chunks) if chunks else pa.array([], type=pa.string())

    def all(self) -> pa.ChunkedArray:
        """Every claim's sentence."""
        return pa.chunked_array(list(self._chunks(0, len(self))), type=pa.string())

    def _chunks(self, start: int, stop: int) -> Iterator[pa.Array]:
        """The sentences from start to stop, EXPLAIN_ROWS claims at a time."""
        for first in range(start, stop, EXPLAIN_ROWS):
            end = min(first + EXPLAIN_ROWS, stop)
            listed = _listed_groups(self.ranked, self.per_claim["names"], self.per_claim["reliability"], self.group_names, first, end)
            yield _sentences({name: values[first:end] for name, values in self.per_claim.items()}, listed, self.settings)


def explain(
    frame: pd.DataFrame, evidence: Evidence, inference: Inference, parts: Mapping[str, np.ndarray], group: np.ndarray, group_names: np.ndarray, settings: ScoringSettings
) -> Explanations:
    """One readable sentence per claim whose signed terms add up to its log-odds (written by
    the Explanations returned).

    Pieces are joined column-wise by Arrow, once per claim and a range of claims at a time:
    growing Python strings piece by piece would copy each explanation dozens of times.
    """
    size = len(frame)
    record = parts["record"]
    reliability = inference.reliability[record]
    ranked = _ranked_groups(_contributions(evidence, inference, group))
    listed_value = np.bincount(ranked["claim"].to_numpy(), weights=ranked["value"].to_numpy(), minlength=size)
    per_claim: dict[str, np.ndarray | pa.Array] = {
        **{name: parts[name] for name in ("names", "cause", "low", "high", "prior", "strength", "strength_note", "bonus", "commitment", "confidence")},
        **{name: parts[name] for name in ("recency", "age", "interested", "topic", "repeat", "raw", "calibrated", "score", "capped", "status")},
        "reliability": reliability,
        "learned": (inference.alpha + inference.beta - parts["alpha0"] - parts["beta0"])[record],
        "prior_rule": _text(frame, "prior_rule", "the default prior"),
        "cue": _text(frame, "cue"),
        "weight": inference.weight,
        "rest": inference.own_group_rest,
        "group_name": pa.array(group_names, type=pa.string()).take(pa.array(group)),
        "unlisted": inference.others - listed_value,
        "competing": inference.competition,
        "sign": evidence.sign,
        "log_odds": inference.log_odds,
    }
    return Explanations(per_claim, ranked, group_names, settings)


def _sentences(claim: Mapping[str, np.ndarray | pa.Array], listed: pa.Array, settings: ScoringSettings) -> pa.Array:
    """The explanations of some claims, from their per-claim values and listed groups (see explain)."""
    size = len(claim["weight"])

    def factor(mask: np.ndarray, values: np.ndarray | float, *label: np.ndarray | str | pa.Array) -> pa.Array:
        return _when(mask, " x ", _fmt(np.broadcast_to(values, (size,)), "%.2f"), *label)

    calibration = describe_calibration(settings.calibration)
    raw, calibrated, score = claim["raw"], claim["calibrated"], claim["score"]
    pieces = [
        claim["names"],
        np.where(claim["cause"], ": reliability on its own cause ", ": reliability ").astype(object),
        _fmt(claim["reliability"], "%.2f"),
        " (log-odds ",
        _fmt(logit(claim["reliability"], settings.prior_clip), "%+.2f"),
        "; 90% ",
        _fmt(claim["low"], "%.2f"),
        "-",
        _fmt(claim["high"], "%.2f"),
        "; prior ",
        _fmt(claim["prior"], "%.2f"),
        " from ",
        claim["prior_rule"],
        ", worth ",
        _fmt(claim["strength"], "%.3g"),
        " claims",
        claim["strength_note"],
        _when(claim["learned"] > 0.05, ", then learned from ", _fmt(claim["learned"], "%.1f"), " claims' worth of evidence"),
        ")",
        _when(claim["bonus"] > 0, ", + ", _fmt(claim["bonus"], "%.2f"), " for naming one of several competing answers"),
        _when(claim["bonus"] < 0, ", - ", _fmt(-claim["bonus"], "%.2f"), " for denying one of several competing answers"),
        factor(claim["commitment"] < 1, claim["commitment"], " hedged (cue '", claim["cue"], "')"),
        factor(claim["confidence"] < 1, claim["confidence"], " extraction confidence"),
        factor(claim["recency"] < 0.995, claim["recency"], " age ", _fmt(claim["age"], "%.0f"), " days"),
        factor(claim["interested"], settings.interested_factor, " interested party (", claim["topic"], ")"),
        factor(claim["repeat"], settings.same_group_factor, " repeat within its independence group"),
        ": ",
        _fmt(claim["weight"], "%+.2f"),
        _when(np.abs(claim["rest"]) >= 0.005, "; rest of its group [", claim["group_name"], "]: ", _fmt(claim["rest"], "%+.2f")),
        _when(pc.not_equal(listed, "").to_numpy(zero_copy_only=False), "; ", listed),
        _when(np.abs(claim["unlisted"]) >= 0.005, "; other groups: ", _fmt(claim["unlisted"], "%+.2f")),
        _when(
            np.abs(claim["competing"]) >= 0.005,
            np.where(claim["sign"] > 0, "; competing answers to the same question: ", "; competing answers make the denied one less likely: ").astype(object),
            _fmt(claim["competing"], "%+.2f"),
        ),
        ". Log-odds ",
        _fmt(claim["log_odds"], "%+.2f"),
        " gives ",
        _fmt(raw, "%.2f"),
        _when((np.abs(calibrated - raw) >= 0.005) & bool(calibration), ", calibrated (", calibration or "none", ") to ", _fmt(calibrated, "%.2f")),
        _when(claim["capped"], ", capped at ", _fmt(score, "%.2f"), " because no independent source supports it"),
        " (",
        claim["status"],
        ").",
    ]
    return pc.binary_join_element_wise(*[_arrow(piece) for piece in pieces], "")


# --- Entry point --------------------------------------------------------------------------


def _per_source(values: np.ndarray, source: np.ndarray, n_sources: int, default: float) -> np.ndarray:
    """A per-claim value as a per-source one (the source's first claim decides)."""
    out = np.full(n_sources, default)
    out[source[::-1]] = values[::-1]  # the first claim's value wins
    return out


def _no_scores() -> pd.DataFrame:
    """The score columns of no claims."""
    text = {"status", "explanation", "proposition_key", "exclusive_set_key"}
    return pd.DataFrame({column: pd.Series(dtype=object if column in text else "float64") for column in ["score", "status", "explanation", *EXTRA_SCORE_COLUMNS]})


def score_claims(claims: pd.DataFrame, settings: ScoringSettings, **options: Any) -> pd.DataFrame:
    """The claims frame with SCORE_COLUMNS (score, status, explanation) and EXTRA_SCORE_COLUMNS
    added; ``options`` are score_and_explain's keywords."""
    scores, explanations = score_and_explain(claims, settings, **options)
    scores.insert(2, "explanation", pd.Series(explanations.all(), index=scores.index, dtype="str"))
    scored = claims.copy()
    for column, values in scores.items():
        scored[column] = values.set_axis(claims.index)
    return scored


def score_and_explain(
    claims: pd.DataFrame,
    settings: ScoringSettings,
    *,
    authoritative: frozenset[str] = frozenset(),
    strengths: Mapping[str, float] | None = None,
    default_strength: float = 5.0,
    interests: Mapping[str, frozenset[str]] | None = None,
    reliability_state: pd.DataFrame | None = None,
    as_of: pd.Timestamp | date | str | None = None,
) -> tuple[pd.DataFrame, Explanations]:
    """The score columns of a corroborated claims frame but the explanation (score, status,
    then EXTRA_SCORE_COLUMNS), one row per claim in its order (a frame indexed 0..n-1), and
    the Explanations that write the explanation column. Only the frame's input_columns are read.

    ``strengths``: source id -> prior pseudo-count (else the column source_strength, else
    ``default_strength``); ``interests``: source id -> topics it has a stake in (else the
    column source_interested_in); ``reliability_state``: evidence learned on earlier nights
    (see credence.reliability), from nights before this one only; ``as_of``: the run date, the
    reference of recency (None: no recency discount; never taken from the claims, so that a
    rerun gives the same scores and an unrelated newer article changes nothing).

    A claim's score depends only on the claims connected to it through shared sources and
    exclusive sets (see source_components), the settings, and the state.
    """
    if len(claims) == 0:
        return _no_scores().drop(columns="explanation"), Explanations({"weight": np.empty(0)}, pd.DataFrame(), np.empty(0), settings)
    frame = claims.reset_index(drop=True)
    size = len(frame)
    evidence = evidence_structure(frame)
    source_ids = frame["source_id"].astype(str)
    source, unique_sources = pd.factorize(source_ids)
    source = source.astype("int64")
    n_sources = len(unique_sources)
    group_text = _text(frame, "independence_group")
    group_text = np.where(group_text == "", "source:" + source_ids.to_numpy(dtype=object), group_text)
    group, group_names = pd.factorize(pd.Series(group_text, dtype=object))
    group, group_names = group.astype("int64"), np.asarray(group_names, dtype=object)

    # Beta prior per source: mean = prior, strength = pseudo-count, plus earlier nights' evidence.
    prior = np.clip(_per_source(_number(frame, "source_prior", 0.5), source, n_sources, 0.5), settings.prior_clip, 1 - settings.prior_clip)
    if strengths is not None:
        strength = np.array([float(strengths.get(name, default_strength)) for name in unique_sources])
    else:
        strength = _per_source(_number(frame, STRENGTH_COLUMN, default_strength), source, n_sources, default_strength)
    alpha0, beta0 = prior * strength, (1 - prior) * strength
    interested, topic = interested_claims(frame, interests)
    echo_party, echo_agreed, echo_common = echoes(evidence, source, group, interested, settings.echo_min_questions, settings.echo_agreement)
    echoed = echo_party >= 0
    group = np.where(echoed, echo_party, group)
    interested = interested | echoed
    topic = np.where(echoed, "echoing " + group_names[np.maximum(echo_party, 0)] + " on " + np.char.mod("%d", echo_agreed).astype(object) + " of " + np.char.mod("%d", echo_common).astype(object) + " questions of its cause", topic).astype(object)
    # A source's record on its own cause is kept apart from its record elsewhere: a state
    # agency can be accurate on the weather and not on its war. Both start from its prior.
    record = source * 2 + interested.astype("int64")
    record, record_keys = pd.factorize(record)
    record = record.astype("int64")
    record_source = (np.asarray(record_keys) // 2).astype("int64")
    record_cause = (np.asarray(record_keys) % 2).astype(bool)
    record_alpha0, record_beta0 = alpha0[record_source].copy(), beta0[record_source].copy()
    counted = np.zeros(size, dtype=bool)
    if reliability_state is not None and len(reliability_state):
        state = reliability_state.drop_duplicates("source_id", keep="last").set_index("source_id")
        names_of_records = np.asarray(unique_sources)[record_source]
        for flag, (for_column, against_column) in ((False, ("evidence_for", "evidence_against")), (True, ("cause_evidence_for", "cause_evidence_against"))):
            if for_column in state.columns:
                mask = record_cause == flag
                record_alpha0[mask] += state[for_column].reindex(names_of_records[mask]).fillna(0.0).to_numpy()
                record_beta0[mask] += state[against_column].reindex(names_of_records[mask]).fillna(0.0).to_numpy()
        # Claims published up to the state's watermark were learned from on an earlier night.
        if "counted_through" in state.columns and "published_at" in frame.columns:
            watermark = pd.to_datetime(state["counted_through"], utc=True, errors="coerce").max()
            if pd.notna(watermark):
                published = pd.to_datetime(frame["published_at"], utc=True, errors="coerce", format="ISO8601")
                counted = (published <= watermark).fillna(False).to_numpy(dtype=bool)

    commitment = np.clip(_number(frame, "commitment", 1.0), 0.0, 1.0)
    confidence = np.clip(_number(frame, "confidence", 1.0), 0.0, 1.0)
    recency, age = recency_weights(frame, settings.half_life_days, reference_time(as_of))
    discount = commitment * confidence * recency * np.where(interested, settings.interested_factor, 1.0)
    priority = discount * (1.0 + np.abs(logit(prior, settings.prior_clip))[source])
    # One independence group counts once per proposition and reading: the first claim in full.
    first = first_in_runs([evidence.proposition, evidence.sign, group], priority)
    base = discount * np.where(first, 1.0, settings.same_group_factor)
    edge_factor = np.ones(len(evidence.target))
    if evidence.mode == "relations" and len(evidence.target):
        edge_first = first_in_runs([evidence.target, evidence.relation, group[evidence.other]], priority[evidence.other])
        edge_factor = np.where(edge_first, 1.0, settings.same_group_factor)
    # A source repeating one claim (syndicated copies of its quote) is judged on it once.
    once = first_in_runs([source, evidence.proposition, evidence.sign], commitment * confidence * recency)
    evidence_weight = commitment * confidence * recency * once * ~counted

    component = source_components(evidence, source, n_sources)
    record_component = component[record_source]
    inference = infer(evidence, record, group, base, edge_factor, evidence_weight, record_alpha0, record_beta0, record_component, settings)
    strength_note = np.full(size, "", dtype=object)
    if settings.adapt_prior_strength:
        # Sources given one strength are one class of prior (say registry entries, or a category
        # default): each class is checked on its own within each component (a class too small to
        # tell, with the whole component), and only ever weakened.
        right, judged, effective = judged_record(source, inference.judged, evidence_weight, n_sources)
        cohort = _pair_codes(component, pd.factorize(strength)[0])
        weakened = np.minimum(strength, strengths_the_data_allow(prior, right, judged, effective, cohort, component))
        if (weakened < strength).any():
            # The priors disagree with the evidence more than their strength allows: infer again.
            shift = (weakened - strength)[record_source]
            record_alpha0 = record_alpha0 + shift * prior[record_source]
            record_beta0 = record_beta0 + shift * (1.0 - prior[record_source])
            alpha0, beta0 = prior * weakened, (1.0 - prior) * weakened
            strength_note = np.where(weakened < strength, " (weakened: the priors stray from the evidence)", "").astype(object)[source]
            strength = weakened
            inference = infer(evidence, record, group, base, edge_factor, evidence_weight, record_alpha0, record_beta0, record_component, settings)
    raw = sigmoid(inference.log_odds)
    calibrated = calibrate(raw, settings.calibration)
    support, contradict = group_counts(evidence, group, inference.weight, inference.edge_value)
    status = statuses(support, contradict)
    capped = (support == 0) & ~source_ids.isin(authoritative).to_numpy() & (calibrated > settings.single_source_cap)
    score = np.where(capped, settings.single_source_cap, calibrated)
    _, record_low, record_high = beta_summary(inference.alpha, inference.beta)
    # A source's overall record: its prior plus the evidence (earlier nights and tonight) of all its records.
    source_alpha = alpha0 + np.bincount(record_source, weights=inference.alpha - alpha0[record_source], minlength=n_sources)
    source_beta = beta0 + np.bincount(record_source, weights=inference.beta - beta0[record_source], minlength=n_sources)
    overall, low, high = beta_summary(source_alpha, source_beta)

    names = _text(frame, "source_name")
    names = np.where(names == "", source_ids.to_numpy(dtype=object), names).astype(object)
    parts = {
        "record": record,
        "cause": interested,
        "names": names,
        "alpha0": record_alpha0,
        "beta0": record_beta0,
        "low": record_low[record],
        "high": record_high[record],
        "prior": prior[source],
        "strength": strength[source],
        "strength_note": strength_note,
        "bonus": _answer_bonus(evidence),
        "commitment": commitment,
        "confidence": confidence,
        "recency": recency,
        "age": age,
        "interested": interested,
        "topic": topic,
        "repeat": ~first,
        "raw": raw,
        "calibrated": calibrated,
        "score": score,
        "capped": capped,
        "status": status,
    }
    scored = pd.DataFrame(index=pd.RangeIndex(size))
    scored["score"] = np.round(score, 4)
    scored["status"] = status
    scored["raw_score"] = np.round(raw, 6)
    scored["source_reliability"] = np.round(overall[source], 4)
    scored["claim_reliability"] = np.round(inference.reliability[record], 4)
    scored["reliability_low"] = np.round(low[source], 4)
    scored["reliability_high"] = np.round(high[source], 4)
    scored["reliability_prior"] = np.round(prior[source], 4)
    scored["reliability_strength"] = strength[source]
    scored["interested_party"] = interested
    scored["independent_support"] = support.astype("int64")
    scored["independent_contradiction"] = contradict.astype("int64")
    scored["proposition_key"] = evidence.proposition_key
    scored["exclusive_set_key"] = evidence.set_key
    scored["reliability_evidence_for"] = inference.evidence_for
    scored["reliability_evidence_against"] = inference.evidence_against
    return scored, explain(frame, evidence, inference, parts, group, group_names, settings)
