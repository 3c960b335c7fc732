"""Truth-discovery baselines on (source, object, value) observations, vectorised with numpy.

Each method returns, for every value, the probability (or confidence) that it is the object's
true value, and for every source, its learned weight or reliability. Values are integer codes;
``value_object`` maps each value to its object. The published algorithms take only positive
statements ("source s gives value v"); denials have no place in them and are left out.

- majority vote: one vote per source and value; probability = vote share.
- prior-weighted vote: votes weighted by the registry prior.
- TruthFinder (Yin, Han & Yu, KDD 2007): trust t(s) = mean confidence of its values; a value's
  score is the sum of -ln(1 - t(s)), lowered by rho x its competitors' scores, through a
  sigmoid with dampening gamma.
- AccuVote (Dong, Berti-Equille & Srivastava, VLDB 2009, without copy detection): vote count
  ln(n A(s) / (1 - A(s))), softmax over the object's values, A(s) = mean probability.
- CRH (Li et al., SIGMOD 2014), categorical: weights -log(share of the total loss), weighted vote.
- Investment (Pasternack & Roth, COLING 2010): sources invest trust evenly in their values,
  beliefs grow as G(x) = x^1.2 and return trust in proportion to the investment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Observations:
    """Deduplicated (source, value) pairs and the value -> object map."""

    source: np.ndarray
    value: np.ndarray
    value_object: np.ndarray
    n_sources: int
    prior: np.ndarray  # per source, for the prior-weighted vote

    @property
    def n_values(self) -> int:
        return len(self.value_object)

    @property
    def n_objects(self) -> int:
        return int(self.value_object.max(initial=-1)) + 1


@dataclass
class Estimate:
    """A method's output: per-value probability and per-source reliability."""

    probability: np.ndarray
    reliability: np.ndarray


def _per_object_sum(obs: Observations, per_value: np.ndarray) -> np.ndarray:
    return np.bincount(obs.value_object, weights=per_value, minlength=obs.n_objects)[obs.value_object]


def _weighted_vote(obs: Observations, weights: np.ndarray) -> np.ndarray:
    votes = np.bincount(obs.value, weights=weights[obs.source], minlength=obs.n_values)
    total = _per_object_sum(obs, votes)
    return np.divide(votes, total, out=np.zeros_like(votes), where=total > 0)


def winners(obs: Observations, score: np.ndarray) -> np.ndarray:
    """Per value: True for the best-scored value of its object (ties: lowest code)."""
    order = np.lexsort([np.arange(obs.n_values), -score, obs.value_object])
    first = np.ones(obs.n_values, dtype=bool)
    first[1:] = obs.value_object[order][1:] != obs.value_object[order][:-1]
    best = np.zeros(obs.n_values, dtype=bool)
    best[order[first]] = True
    return best


def _agreement(obs: Observations, score: np.ndarray) -> np.ndarray:
    """Per source: the share of its values that the method picks."""
    picked = winners(obs, score)[obs.value].astype(float)
    claims = np.bincount(obs.source, minlength=obs.n_sources)
    return np.divide(np.bincount(obs.source, weights=picked, minlength=obs.n_sources), claims, out=np.full(obs.n_sources, np.nan), where=claims > 0)


def majority_vote(obs: Observations) -> Estimate:
    """One vote per source and value."""
    probability = _weighted_vote(obs, np.ones(obs.n_sources))
    return Estimate(probability, _agreement(obs, probability))


def prior_weighted_vote(obs: Observations) -> Estimate:
    """Votes weighted by each source's prior."""
    probability = _weighted_vote(obs, obs.prior)
    return Estimate(probability, _agreement(obs, probability))


def truthfinder(obs: Observations, *, rho: float = 0.5, gamma: float = 0.3, initial: float = 0.9, iterations: int = 20) -> Estimate:
    """TruthFinder with conflicting values of one object implying each other at -1."""
    trust = np.full(obs.n_sources, initial)
    claims = np.maximum(np.bincount(obs.source, minlength=obs.n_sources), 1)
    confidence = np.zeros(obs.n_values)
    for _ in range(iterations):
        tau = -np.log(np.clip(1.0 - trust, 1e-9, 1.0))
        sigma = np.bincount(obs.value, weights=tau[obs.source], minlength=obs.n_values)
        adjusted = sigma - rho * (_per_object_sum(obs, sigma) - sigma)
        confidence = 1.0 / (1.0 + np.exp(-gamma * adjusted))
        updated = np.bincount(obs.source, weights=confidence[obs.value], minlength=obs.n_sources) / claims
        converged = np.max(np.abs(updated - trust)) < 1e-6
        trust = updated
        if converged:
            break
    return Estimate(confidence, trust)


def accuvote(obs: Observations, *, initial: float = 0.8, iterations: int = 50) -> Estimate:
    """AccuVote: log-odds votes with n = observed competitors, softmax per object."""
    accuracy = np.full(obs.n_sources, initial)
    claims = np.maximum(np.bincount(obs.source, minlength=obs.n_sources), 1)
    k = np.bincount(obs.value_object, minlength=obs.n_objects)[obs.value_object]
    n_false = np.maximum(k - 1, 1).astype(float)
    unobserved = (k == 1).astype(float)  # a lone value competes with one unseen value
    probability = np.zeros(obs.n_values)
    for _ in range(iterations):
        a = np.clip(accuracy, 1e-6, 1 - 1e-6)
        votes = np.bincount(obs.value, weights=np.log(a / (1 - a))[obs.source], minlength=obs.n_values) + np.log(n_false) * np.bincount(obs.value, minlength=obs.n_values)
        top = np.full(obs.n_objects, -np.inf)
        np.maximum.at(top, obs.value_object, votes)
        top = np.maximum(top, 0.0)[obs.value_object]
        shifted = np.exp(votes - top)
        probability = shifted / (_per_object_sum(obs, shifted) + unobserved * np.exp(-top))
        updated = np.bincount(obs.source, weights=probability[obs.value], minlength=obs.n_sources) / claims
        converged = np.max(np.abs(updated - accuracy)) < 1e-6
        accuracy = updated
        if converged:
            break
    return Estimate(probability, accuracy)


def crh(obs: Observations, *, iterations: int = 20) -> Estimate:
    """CRH with 0-1 loss: weight = -log(source's smoothed loss share); truth = weighted vote."""
    weights = np.ones(obs.n_sources)
    claims = np.bincount(obs.source, minlength=obs.n_sources)
    probability = _weighted_vote(obs, weights)
    for _ in range(iterations):
        truth = winners(obs, probability)
        errors = np.bincount(obs.source, weights=(~truth[obs.value]).astype(float), minlength=obs.n_sources)
        loss = (errors + 0.5) / (claims + 1.0)  # smoothed so that one lucky claim is no certainty
        updated = -np.log(loss / loss[claims > 0].sum())
        probability = _weighted_vote(obs, np.maximum(updated, 1e-9))
        converged = np.max(np.abs(updated - weights)) < 1e-9
        weights = updated
        if converged:
            break
    return Estimate(probability, weights)


def investment(obs: Observations, *, growth: float = 1.2, iterations: int = 20) -> Estimate:
    """Investment: trust invested evenly, belief grown by x^growth, returned pro rata."""
    claims = np.maximum(np.bincount(obs.source, minlength=obs.n_sources), 1).astype(float)
    trust = np.ones(obs.n_sources)
    k = np.bincount(obs.value_object, minlength=obs.n_objects)[obs.value_object]
    belief = 1.0 / k
    for _ in range(iterations):
        stake = (trust / claims)[obs.source]  # what each source invests in each of its values
        invested = np.bincount(obs.value, weights=stake, minlength=obs.n_values)
        share = stake / np.maximum(invested[obs.value], 1e-300)
        trust = np.bincount(obs.source, weights=belief[obs.value] * share, minlength=obs.n_sources)
        trust = trust / max(trust.mean(), 1e-300)
        stake = (trust / claims)[obs.source]
        belief = np.bincount(obs.value, weights=stake, minlength=obs.n_values) ** growth
    total = _per_object_sum(obs, belief)
    return Estimate(np.divide(belief, total, out=np.zeros_like(belief), where=total > 0), trust)


BASELINES: dict[str, Callable[[Observations], Estimate]] = {
    "majority_vote": majority_vote,
    "prior_weighted_vote": prior_weighted_vote,
    "truthfinder": truthfinder,
    "accuvote": accuvote,
    "crh": crh,
    "investment": investment,
}
