"""Score each claim from its source's prior and independent corroboration, with an explanation.

The score is a probability built as a sum in log-odds, so that the explanation can list
every term exactly:

    log-odds = logit(prior) x commitment x extraction confidence
             + sum over supporting independence groups  (support_weight x group credibility)
             - sum over contradicting independence groups (contradict_weight x group credibility)

A group's credibility is the highest prior among its claims that relate to this one; a
hedged supporter counts with its commitment. A claim that no independent source supports is
capped at ``single_source_cap`` unless its source is marked authoritative. A denial is
scored like any claim: the probability that the denial is right.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from credence.config import ScoringSettings


def logit(probability: float, clip: float) -> float:
    p = min(max(probability, clip), 1.0 - clip)
    return math.log(p / (1.0 - p))


def sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def status_of(n_supporting: int, n_contradicting: int) -> str:
    if n_supporting and n_contradicting:
        return "contested"
    if n_contradicting:
        return "contradicted"
    if n_supporting:
        return "corroborated"
    return "single-source"


def _group_credibility(claims: pd.DataFrame, related_ids: str) -> dict[str, tuple[float, str]]:
    """Independence group -> (credibility, display name of its most credible member)."""
    best: dict[str, tuple[float, str]] = {}
    for claim_id in filter(None, related_ids.split("; ")):
        row = claims.loc[claim_id]
        weight = float(row["source_prior"]) * float(row["commitment"])
        group = row["independence_group"]
        if group not in best or weight > best[group][0]:
            best[group] = (weight, str(row["source_name"]))
    return best


def score_claims(claims: pd.DataFrame, settings: ScoringSettings, *, authoritative: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Add the SCORE_COLUMNS of models to a corroborated claims frame."""
    scored = claims.copy()
    by_id = claims.set_index("claim_id", drop=False)
    scores: list[float] = []
    statuses: list[str] = []
    explanations: list[str] = []
    for row in claims.itertuples(index=False):
        prior_term = logit(float(row.source_prior), settings.prior_clip) * float(row.commitment) * float(row.confidence)
        parts = [
            f"Prior {row.source_prior:.2f} for {row.source_name} ({row.prior_rule})"
            + (f", weighed by commitment {row.commitment:.1f} of the cue '{row.cue}'" if row.commitment < 1 else "")
            + (f" and extraction confidence {row.confidence:.2f}" if row.confidence < 1 else "")
            + f": {prior_term:+.2f}"
        ]
        total = prior_term
        supporters = _group_credibility(by_id, row.supporting_claim_ids)
        for group, (credibility, name) in sorted(supporters.items()):
            contribution = settings.support_weight * credibility
            total += contribution
            parts.append(f"supported by {name} [{group}]: {contribution:+.2f}")
        opponents = _group_credibility(by_id, row.contradicting_claim_ids)
        for group, (credibility, name) in sorted(opponents.items()):
            contribution = -settings.contradict_weight * credibility
            total += contribution
            parts.append(f"contradicted by {name} [{group}]: {contribution:+.2f}")
        score = sigmoid(total)
        status = status_of(len(supporters), len(opponents))
        if not supporters and row.source_id not in authoritative and score > settings.single_source_cap:
            parts.append(f"capped at {settings.single_source_cap:.2f} because no independent source corroborates it")
            score = settings.single_source_cap
        scores.append(round(score, 4))
        statuses.append(status)
        explanations.append("; ".join(parts) + f". Log-odds {total:+.2f} gives {score:.2f} ({status}).")
    scored["score"] = np.array(scores, dtype="float64")
    scored["status"] = statuses
    scored["explanation"] = explanations
    return scored
