"""A synthetic truth-discovery world written as credence claims, with the truth kept aside.

From one seed: sources with known reliabilities (a long tail of small ones), questions with
mutually exclusive answers, copiers that repeat other sources' claims with their errors, a
coordinated network of affiliated sources pushing one false answer on the questions of the
topics where it has a stake, other interested parties, hedging, denials, extraction noise
(a flipped stance, a wrong speaker) and misspecified priors. The claims table has the columns
score_claims reads, so that credence's own scoring runs on it unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from credence.scoring import logit, sigmoid


# Claims are published over the DAYS days from START; the world is scored as of the end of them.
START = pd.Timestamp("2026-11-01", tz="UTC")
DAYS = 6.0
AS_OF = START + pd.Timedelta(days=DAYS)


@dataclass(frozen=True)
class WorldSettings:
    """Knobs of the generator; the sweeps vary one at a time."""

    n_sources: int = 300
    n_questions: int = 1500
    n_topics: int = 20
    min_answers: int = 2
    max_answers: int = 5
    claims_per_question: float = 8.0  # mean for questions with more than one claim
    single_source_share: float = 0.3  # questions with exactly one claim
    activity_tail: float = 1.2  # Pareto shape of source activity: smaller = longer tail
    copier_share: float = 0.1  # sources that copy another source
    copy_rate: float = 0.7  # share of a copier's claims that are copies
    copy_detected: float = 0.7  # share of copies the corroboration stage marks as one syndicate
    network_size: int = 10  # affiliated sources pushing one false answer where they have a stake
    network_topics: int = 3
    network_push: float = 0.9  # chance a network member speaks on each question of a stake topic
    network_known: float = 0.8  # share of network members whose affiliation and stake the registry knows
    interested_share: float = 0.05  # other sources with a stake in one topic
    interested_push: float = 0.7  # chance an interested source states its favoured answer on its topic
    hedge_share: float = 0.2
    hedge_commitment: float = 0.6
    deny_share: float = 0.1
    flip_noise: float = 0.4  # chance of a flipped stance = flip_noise x (1 - extraction confidence)
    speaker_noise: float = 0.3  # chance of a wrong speaker = speaker_noise x (1 - extraction confidence)
    registered_share: float = 0.4  # the most active sources have a registry prior ...
    prior_noise: float = 0.5  # ... their true reliability plus normal noise of this sd in log-odds
    prior_strength: float = 10.0
    category_prior: float = 0.65  # unregistered sources get this category default
    category_strength: float = 5.0

    def as_dict(self) -> dict[str, float]:
        """Plain dict of the settings."""
        return asdict(self)


@dataclass
class World:
    """A generated benchmark instance: claims in credence's format and the hidden truth."""

    claims: pd.DataFrame  # credence claim columns plus the hidden: question, answer, correct
    truth: pd.Series  # question -> true answer (a proposition id)
    sources: pd.DataFrame  # source_id, prior, strength, true reliability, kind, interested_in
    strengths: dict[str, float]
    interests: dict[str, frozenset[str]]


def _activity(rng: np.random.Generator, size: int, tail: float) -> np.ndarray:
    """Share of the claims each source makes: Pareto, so a few are prolific and most are small."""
    weights = rng.pareto(tail, size) + 1.0
    return weights / weights.sum()


def generate(settings: WorldSettings, seed: int) -> World:
    """One benchmark world from a seed."""
    rng = np.random.default_rng(seed)
    s = settings
    n = s.n_sources
    # True reliabilities: most sources are fair, a fifth are poor.
    poor = rng.random(n) < 0.2
    reliability = np.where(poor, rng.beta(2.0, 3.0, n), rng.beta(7.0, 2.0, n))
    activity = _activity(rng, n, s.activity_tail)
    order = np.argsort(-activity)
    kind = np.full(n, "plain", dtype=object)
    # The network: a state's media and officials (active, registered, usually accurate on other
    # topics) and, unknown to the registry, small accounts that amplify them.
    known_count = int(round(s.network_known * s.network_size))
    officials = order[5 : 5 + known_count]
    amplifiers = rng.choice(order[n // 2 :], size=s.network_size - known_count, replace=False) if s.network_size > known_count else np.empty(0, dtype=int)
    network = np.concatenate([officials, amplifiers]).astype(int)
    kind[network] = "network"
    reliability[network] = rng.beta(8.0, 2.0, len(network))
    others = np.setdiff1d(np.arange(n), network)
    copiers = rng.choice(others, size=int(round(s.copier_share * n)), replace=False)
    kind[copiers] = "copier"
    free = np.setdiff1d(others, copiers)
    interested = rng.choice(free, size=int(round(s.interested_share * n)), replace=False)
    kind[interested] = "interested"
    copy_target = np.full(n, -1)
    candidates = np.setdiff1d(order[:60], copiers)
    copy_target[copiers] = rng.choice(candidates, size=len(copiers))
    topics = [f"topic-{t:02d}" for t in range(s.n_topics)]
    stake_topics = set(topics[: s.network_topics]) if s.network_size else set()
    own_topic = np.full(n, "", dtype=object)
    own_topic[interested] = rng.choice(topics, size=len(interested))

    # Questions and answers: answer 0 of every question is the true one.
    n_answers = rng.integers(s.min_answers, s.max_answers + 1, s.n_questions)
    question_topic = rng.choice(topics, s.n_questions)
    single = rng.random(s.n_questions) < s.single_source_share
    count = np.where(single, 1, 2 + rng.poisson(max(s.claims_per_question - 2.0, 0.0), s.n_questions))
    pushed = np.array([topic in stake_topics for topic in question_topic])
    network_answer = np.where(n_answers > 1, 1 + rng.integers(0, np.maximum(n_answers - 1, 1)), 0)

    rows: list[tuple[int, int, int, int, float]] = []  # (question, source, answer, stance sign, commitment)
    for q in range(s.n_questions):
        # Everyone, network members included, speaks on any question in proportion to activity.
        speakers = rng.choice(n, size=min(int(count[q]), n), replace=False, p=activity)
        for source in speakers:
            rows.append(_statement(rng, s, q, int(source), n_answers[q], reliability[source], kind[source], own_topic[source], question_topic[q]))
        if pushed[q]:
            for source in network:
                if rng.random() < s.network_push and source not in speakers:
                    rows.append((q, int(source), int(network_answer[q]), 1, 1.0))
    frame = pd.DataFrame(rows, columns=["question", "source", "answer", "sign", "commitment"])
    # Network members state the favoured answer on their stake topics whatever they were going to say.
    on_stake = frame["source"].isin(network) & frame["question"].map(lambda q: bool(pushed[q]))
    frame.loc[on_stake, "answer"] = frame.loc[on_stake, "question"].map(lambda q: int(network_answer[q]))
    frame.loc[on_stake, "sign"] = 1
    frame["copy_of"] = -1

    # Copiers repeat claims of their target, errors included.
    copies = []
    for copier in copiers:
        target_rows = frame.index[frame["source"] == copy_target[copier]]
        own_rows = frame.index[frame["source"] == copier]
        wanted = int(round(len(own_rows) * s.copy_rate / max(1.0 - s.copy_rate, 1e-9)))
        for index in rng.choice(target_rows, size=min(wanted, len(target_rows)), replace=False) if len(target_rows) else []:
            copied = frame.loc[index].copy()
            copied["source"] = copier
            copied["copy_of"] = index
            copies.append(copied)
    if copies:
        frame = pd.concat([frame, pd.DataFrame(copies)], ignore_index=True)
    frame = frame.drop_duplicates(["question", "source", "answer", "sign"], keep="first").reset_index(drop=True)
    frame = frame.astype({"question": int, "source": int, "answer": int, "sign": int, "commitment": float, "copy_of": int})

    # Whether the claim, as made, is right: asserting the true answer or denying a false one.
    frame["correct"] = (frame["answer"] == 0) == (frame["sign"] > 0)
    # Extraction: confidence, then noise that is likelier at low confidence.
    size = len(frame)
    confidence = np.clip(rng.beta(8.0, 1.5, size), 0.3, 1.0)
    flip = rng.random(size) < s.flip_noise * (1.0 - confidence)
    wrong_speaker = rng.random(size) < s.speaker_noise * (1.0 - confidence)
    frame["sign"] = np.where(flip, -frame["sign"], frame["sign"])
    frame["correct"] = np.where(flip, ~frame["correct"], frame["correct"])
    frame["source"] = np.where(wrong_speaker, rng.choice(n, size=size, p=activity), frame["source"].to_numpy()).astype(int)
    frame["confidence"] = np.round(confidence, 3)
    return _as_claims(rng, s, frame, reliability, activity, kind, officials, copy_target, own_topic, stake_topics, question_topic, n_answers)


def _statement(
    rng: np.random.Generator, s: WorldSettings, question: int, source: int, n_answers: int, reliability: float, kind: str, topic: str, question_topic: str
) -> tuple[int, int, int, int, float]:
    """What one source says on one question."""
    hedged = rng.random() < s.hedge_share
    commitment = s.hedge_commitment if hedged else 1.0
    # A hedge is partly a guess: it is right less often than the source's plain statements.
    right = commitment * reliability + (1.0 - commitment) / n_answers
    if kind == "interested" and topic == question_topic and rng.random() < s.interested_push:
        favoured = int(rng.integers(0, n_answers))  # self-serving: unrelated to the truth
        return question, source, favoured, 1, commitment
    correct = rng.random() < right
    wrong = int(1 + rng.integers(0, n_answers - 1)) if n_answers > 1 else 0
    if rng.random() < s.deny_share and n_answers > 1:
        # A correct denial names a false answer; a wrong one denies the truth.
        return question, source, (wrong if correct else 0), -1, commitment
    if n_answers == 1:
        return question, source, 0, 1 if correct else -1, commitment
    return question, source, (0 if correct else wrong), 1, commitment


def _as_claims(
    rng: np.random.Generator,
    s: WorldSettings,
    frame: pd.DataFrame,
    reliability: np.ndarray,
    activity: np.ndarray,
    kind: np.ndarray,
    officials: np.ndarray,
    copy_target: np.ndarray,
    own_topic: np.ndarray,
    stake_topics: set[str],
    question_topic: np.ndarray,
    n_answers: np.ndarray,
) -> World:
    """Write the statements in credence's claim format and the registry the scorer sees."""
    n = len(reliability)
    source_ids = np.array([f"src-{i:04d}" for i in range(n)], dtype=object)
    known_network = set(officials.tolist())
    registered = np.zeros(n, dtype=bool)
    registered[np.argsort(-activity)[: int(round(s.registered_share * n))]] = True
    registered[list(known_network)] = True
    noisy = sigmoid(logit(reliability, 0.02) + rng.normal(0.0, s.prior_noise, n)) if s.prior_noise > 0 else reliability
    prior = np.where(registered, np.round(np.clip(noisy, 0.02, 0.98), 3), s.category_prior)
    strength = np.where(registered, s.prior_strength, s.category_strength)
    interests: dict[str, frozenset[str]] = {}
    for i in range(n):
        if kind[i] == "interested":
            interests[source_ids[i]] = frozenset({own_topic[i]})
        elif i in known_network:
            interests[source_ids[i]] = frozenset(stake_topics)

    size = len(frame)
    claim_id = np.array([f"c{i:07d}" for i in range(size)], dtype=object)
    source = frame["source"].to_numpy()
    group = np.array([f"source:{source_ids[i]}" for i in source], dtype=object)
    group = np.where(np.isin(source, list(known_network)), "affiliation:state:network", group)
    copy_of = frame["copy_of"].to_numpy()
    detected = (copy_of >= 0) & (rng.random(size) < s.copy_detected)
    # A detected copy and its original form one syndicate group.
    syndicate = np.array([f"syndicate:{claim_id[c]}" for c in copy_of[detected]], dtype=object)
    group[detected] = syndicate
    group[copy_of[detected]] = syndicate
    question = frame["question"].to_numpy()
    answer = frame["answer"].to_numpy()
    days = rng.uniform(0.0, DAYS, size)
    published = (START + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    sign = frame["sign"].to_numpy()
    claims = pd.DataFrame(
        {
            "claim_id": claim_id,
            "source_id": source_ids[source],
            "source_name": source_ids[source],
            "source_prior": prior[source],
            "prior_rule": np.where(registered[source], "registry prior", "category default"),
            "source_affiliation": np.where(np.isin(source, list(known_network)), "state:network", ""),
            "commitment": frame["commitment"].to_numpy(),
            "confidence": frame["confidence"].to_numpy(),
            "stance": np.where(sign < 0, "deny", np.where(frame["commitment"].to_numpy() < 1, "hedge", "assert")),
            "cue": np.where(sign < 0, "denied", np.where(frame["commitment"].to_numpy() < 1, "may", "said")),
            "attribution": "source",
            "independence_group": group,
            "published_at": np.asarray(published, dtype=object),
            "topics": question_topic[question],
            "proposition_id": [f"q{q:05d}=a{a}" for q, a in zip(question, answer, strict=True)],
            "exclusive_set_id": [f"q{q:05d}" for q in question],
            "supporting_claim_ids": "",
            "contradicting_claim_ids": "",
            # Hidden from the scorer: what the benchmark measures against.
            "question": question,
            "answer": answer,
            "correct": frame["correct"].to_numpy(dtype=bool),
        }
    )
    truth = pd.Series([f"q{q:05d}=a0" for q in range(len(n_answers))], index=[f"q{q:05d}" for q in range(len(n_answers))])
    sources = pd.DataFrame(
        {
            "source_id": source_ids,
            "prior": prior,
            "strength": strength,
            "reliability": reliability,
            "kind": kind,
            "registered": registered,
        }
    )
    strengths = dict(zip(source_ids, strength.astype(float), strict=True))
    return World(claims, truth, sources, strengths, interests)


# Settings compared by `credence bench truth`: the default world and one-knob sweeps.
def sweep_settings(base: WorldSettings | None = None) -> list[tuple[str, WorldSettings]]:
    """(name, settings) of the default world and the sweeps of the issue."""
    base = base or WorldSettings()
    named = [("default", base)]
    named += [(f"copiers={v}", replace(base, copier_share=v)) for v in (0.0, 0.2, 0.3)]
    named += [(f"network={v}", replace(base, network_size=v)) for v in (0, 5, 20)]
    named += [(f"prior_noise={v}", replace(base, prior_noise=v)) for v in (0.0, 1.0, 2.0)]
    named += [(f"single_source={v}", replace(base, single_source_share=v)) for v in (0.1, 0.5, 0.7)]
    return named
