"""`credence evaluate stance`: agree / disagree / discuss / unrelated against FNC-1.

The data (``../shared/data/fnc1/train_stances.csv`` with ``Headline``, ``Body ID``,
``Stance`` and ``train_bodies.csv`` with ``Body ID``, ``articleBody``) is read by path and
never copied.

Features of a (headline, body) pair, all hand-made:

- the symmetric pair features of :mod:`credence.relations` between the headline and the
  whole body (TF-IDF cosines of words and word bigrams, overlaps of stems,
  n-grams, numbers and names, unmatched idf mass, lengths, edit ratios, cue counts);
- sentence level: TF-IDF cosine of the headline with each body sentence (max, second, mean
  of the top three, position of the best, the first sentence, how many pass 0.2); refuting,
  hedging and negation words in the best-matching sentence, in the three best, in the first
  three sentences and over the body, and weighed by each sentence's similarity (denials sit
  next to the restated claim);
- the headline's own refuting, hedging and negation words, question mark and length.

A body word model is stacked on them: a TF-IDF logistic regression over the body's words
alone (how debunking, reporting or confirming articles are worded), whose class
probabilities enter as four more features; training pairs get out-of-fold probabilities
(5 folds grouped by body), held-out pairs those of the model fitted on all training pairs.

Classifier: scikit-learn's HistGradientBoostingClassifier (four classes, balanced class
weights so that the rare ``disagree`` is not sacrificed to the official score).

``--ablation`` also scores the hand-made features alone, and with a headline word model
added. The latter is shown, not used: in a hold-out of bodies every headline also appears in
training with other bodies, so a headline word model learns which claims tend to be
disputed, which says nothing about a new claim.

Split, fixed and documented: 20% of the body ids (sorted), drawn with
``numpy.random.default_rng(0).choice(ids, round(0.2 * len(ids)), replace=False)``, are held out
with every pair that uses them; the model is trained on the pairs of the other bodies; every
idf is fitted on the training headlines and bodies only. With ``--test PATH`` (a folder
holding ``*stances*.csv`` and ``*bodies*.csv`` in the same format, or the stances file with
its bodies file beside it) the model is trained on all of ``--fnc1`` and scored on the test.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from credence import io, relations

DEFAULT_FNC1 = io.PROJECT_ROOT.parent / "shared" / "data" / "fnc1"
LABELS = ["agree", "disagree", "discuss", "unrelated"]
HOLDOUT_FRACTION = 0.2
SEED = 0
SENTENCE_FEATURES = [
    "sentence_cosine_max", "sentence_cosine_second", "sentence_cosine_top3", "best_sentence_position", "first_sentence_cosine",
    "sentences_above_0_2", "share_above_0_2", "sentences",
    "best_refuting", "best_hedging", "best_negation", "top3_refuting", "top3_hedging", "top3_negation",
    "first3_refuting", "first3_hedging", "first3_negation", "body_refuting_rate", "body_hedging_rate", "body_negation_rate",
    "weighted_refuting", "weighted_hedging", "weighted_negation",
    "headline_refuting", "headline_hedging", "headline_negation", "headline_question", "headline_length",
]  # fmt: skip
FEATURES = [*relations.PAIR_FEATURES, *SENTENCE_FEATURES]
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n+")
# Anchors for the table (official score in %, macro-F1), from the FNC-1 literature.
ANCHORS = {"official baseline, hold-out (published)": (79.5, None), "competition winner, test (published)": (82.0, 0.58)}


def sentences(text: str) -> list[str]:
    """Sentences of a body (a line break or end punctuation); fragments under three words dropped."""
    found = [piece.strip() for piece in _SENTENCE_BREAK.split(text) if piece and len(piece.split()) >= 3]
    return found or [text]


def _resolve(path: Path) -> tuple[Path, Path]:
    """The stances and bodies files of a folder, or of a stances file and its sibling."""
    path = Path(path)
    if path.is_dir():
        stances = sorted(p for p in path.glob("*stances*.csv") if "unlabeled" not in p.name)
        bodies = sorted(path.glob("*bodies*.csv"))
        if len(stances) != 1 or len(bodies) != 1:
            raise ValueError(f"{path}: expected one *stances*.csv and one *bodies*.csv, found {[p.name for p in stances + bodies]}")
        return stances[0], bodies[0]
    return path, path.with_name(path.name.replace("stances", "bodies"))


def load_fnc1(path: Path, *, limit: int | None = None) -> pd.DataFrame:
    """Pairs with their body text: Headline, Body ID, Stance, articleBody."""
    stances_path, bodies_path = _resolve(path)
    for needed in (stances_path, bodies_path):
        if not needed.exists():
            raise ValueError(f"{needed} does not exist")
    stances = pd.read_csv(stances_path, dtype={"Headline": str, "Stance": str}, keep_default_na=False)
    bodies = pd.read_csv(bodies_path, dtype={"articleBody": str}, keep_default_na=False)
    for frame, columns, name in ((stances, ["Headline", "Body ID", "Stance"], stances_path), (bodies, ["Body ID", "articleBody"], bodies_path)):
        missing = [column for column in columns if column not in frame.columns]
        if missing:
            raise ValueError(f"{name}: missing columns {missing}")
    unknown = sorted(set(stances["Stance"]) - set(LABELS))
    if unknown:
        raise ValueError(f"{stances_path}: unknown stances {unknown}; expected {LABELS}")
    if limit is not None:
        stances = stances.head(limit)
    merged = stances.merge(bodies, on="Body ID", how="left", validate="many_to_one")
    if merged["articleBody"].isna().any():
        raise ValueError(f"{stances_path}: body ids without a body in {bodies_path}: {sorted(set(merged.loc[merged['articleBody'].isna(), 'Body ID']))[:5]}")
    return merged.reset_index(drop=True)


def holdout_bodies(body_ids: np.ndarray, *, fraction: float = HOLDOUT_FRACTION, seed: int = SEED) -> set[int]:
    """The held-out body ids: a seeded draw of ``fraction`` of the sorted distinct ids."""
    ids = np.array(sorted(set(body_ids.tolist())))
    return set(np.random.default_rng(seed).choice(ids, size=round(fraction * len(ids)), replace=False).tolist())


def _cue_sums(counts: np.ndarray, picked: np.ndarray) -> np.ndarray:
    return counts[picked].sum(axis=-1) if picked.size else np.zeros(picked.shape[0])


def sentence_features(pairs: pd.DataFrame, headline_vectors, sentence_vectors, sentence_owner: dict[int, np.ndarray], sentence_cues: np.ndarray, headline_rows: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """SENTENCE_FEATURES (without the headline's own) of every pair, body by body."""
    result = np.zeros((len(pairs), 23))
    for body_id, positions in pairs.groupby("Body ID").indices.items():
        rows = sentence_owner[body_id]
        similarity = (headline_vectors[headline_rows[positions]] @ sentence_vectors[rows].T).toarray()
        count = len(rows)
        order = np.argsort(-similarity, axis=1, kind="stable")
        ranked = np.take_along_axis(similarity, order, axis=1)
        top3 = order[:, :3]
        cues = sentence_cues[rows]  # sentences x (refuting, hedging, negation)
        first3 = cues[:3].sum(axis=0)
        block = np.column_stack(
            [
                ranked[:, 0],
                ranked[:, 1] if count > 1 else np.zeros(len(positions)),
                ranked[:, :3].mean(axis=1),
                order[:, 0] / max(count - 1, 1),
                similarity[:, 0],
                (similarity > 0.2).sum(axis=1),
                (similarity > 0.2).mean(axis=1),
                np.full(len(positions), count),
                cues[order[:, 0]],
                cues[top3].sum(axis=1),
                np.tile(first3, (len(positions), 1)),
                np.tile(cues.sum(axis=0) / count, (len(positions), 1)),
                similarity @ cues,
            ]
        )
        result[positions] = block
    return result


def features(pairs: pd.DataFrame, train_mask: np.ndarray) -> np.ndarray:
    """FEATURES of every pair, with every idf fitted on the training pairs' texts."""
    headlines = sorted(set(pairs["Headline"]))
    body_ids = sorted(set(pairs["Body ID"]))
    body_text = dict(zip(pairs["Body ID"], pairs["articleBody"], strict=False))
    texts, owner = [], {}
    for body_id in body_ids:
        pieces = sentences(body_text[body_id])
        owner[body_id] = np.arange(len(texts), len(texts) + len(pieces)) + len(headlines) + len(body_ids)
        texts += pieces
    # One encoding for headlines, bodies and body sentences: one vocabulary, one idf.
    encoded = relations.encode(headlines + [body_text[body_id] for body_id in body_ids] + texts)
    headline_row = {headline: index for index, headline in enumerate(headlines)}
    body_row = {body_id: len(headlines) + index for index, body_id in enumerate(body_ids)}
    training = pairs[train_mask]
    weights = relations.fit_weights(encoded, [headline_row[h] for h in set(training["Headline"])] + [body_row[b] for b in set(training["Body ID"])])
    left = pairs["Headline"].map(headline_row).to_numpy()
    right = pairs["Body ID"].map(body_row).to_numpy()
    pair_part = relations.pair_features(encoded, weights, left, right)

    vectors = relations.tfidf(encoded.words, weights.words)
    cues = np.column_stack([encoded.refuting, encoded.hedging, encoded.negations])
    sentence_part = sentence_features(pairs, vectors, vectors, owner, cues, left)
    own = np.column_stack(
        [
            encoded.refuting[left],
            encoded.hedging[left],
            encoded.negations[left],
            pairs["Headline"].str.contains("?", regex=False).to_numpy(dtype=float),
            encoded.lengths[left],
        ]
    )
    return np.column_stack([pair_part, sentence_part, own])


# Below this many training pairs every fit runs on one thread (OpenMP and BLAS): on a small or
# busy machine, threads spinning over tiny fits made the boosting a hundred times slower (109 s
# against 3 s for 40 pairs), and small fits gain nothing from parallelism.
_PARALLEL_MIN_ROWS = 10_000


def classifier(seed: int = SEED) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, max_leaf_nodes=31, class_weight="balanced", random_state=seed)


def word_model(texts: pd.Series, labels: np.ndarray, train_mask: np.ndarray, groups: np.ndarray, *, folds: int = 5) -> np.ndarray:
    """Class probabilities of a TF-IDF logistic regression on one side's words, stacked safely.

    Training pairs get out-of-fold probabilities (folds grouped by body, so a body never
    informs its own pairs); the other pairs get the model fitted on all training pairs.
    """
    vectorizer = TfidfVectorizer(min_df=3, max_features=50_000, sublinear_tf=True, stop_words="english")
    vectorizer.fit(texts[train_mask].unique())
    matrix = vectorizer.transform(texts)
    probabilities = np.zeros((len(texts), len(LABELS)))
    train_rows = np.flatnonzero(train_mask)

    def fitted(rows: np.ndarray) -> LogisticRegression:
        return LogisticRegression(C=3.0, max_iter=3000, class_weight="balanced").fit(matrix[rows], labels[rows])

    def place(model: LogisticRegression, rows: np.ndarray) -> None:
        columns = [LABELS.index(label) for label in model.classes_]
        probabilities[np.ix_(rows, columns)] = model.predict_proba(matrix[rows])

    splits = min(folds, len(set(groups[train_rows])))
    for inner, outer in GroupKFold(n_splits=splits).split(train_rows, groups=groups[train_rows]):
        place(fitted(train_rows[inner]), train_rows[outer])
    place(fitted(train_rows), np.flatnonzero(~train_mask))
    return probabilities


def fnc_score(gold: list[str], predicted: list[str]) -> float:
    """FNC-1's weighted score as a fraction of the best possible (0.25 related-or-not, +0.75 exact related class)."""
    score = best = 0.0
    for truth, guess in zip(gold, predicted, strict=True):
        related_truth, related_guess = truth != "unrelated", guess != "unrelated"
        best += 0.25 + (0.75 if related_truth else 0.0)
        score += 0.25 * (related_truth == related_guess) + (0.75 if related_truth and truth == guess else 0.0)
    return score / best if best else 0.0


def scores(gold: list[str], predicted: list[str]) -> dict[str, object]:
    per_class = f1_score(gold, predicted, labels=LABELS, average=None, zero_division=0)
    return {
        "fnc_score": fnc_score(gold, predicted),
        "macro_f1": float(np.mean(per_class)),
        "per_class_f1": {label: float(value) for label, value in zip(LABELS, per_class, strict=True)},
    }


# Variants of the ablation table: which stacked word models join the hand-made features.
VARIANTS = {
    "hand-made features + body word model (the model)": ("articleBody",),
    "hand-made features only": (),
    "hand-made features + body and headline word models": ("articleBody", "Headline"),
}


def evaluate(pairs: pd.DataFrame, train_mask: np.ndarray, test_mask: np.ndarray, *, ablation: bool = False) -> dict[str, object]:
    """Train on the pairs of ``train_mask``, score those of ``test_mask`` (and the ablation variants)."""
    with threadpool_limits(limits=None if train_mask.sum() >= _PARALLEL_MIN_ROWS else 1):
        return _evaluate(pairs, train_mask, test_mask, ablation=ablation)


def _evaluate(pairs: pd.DataFrame, train_mask: np.ndarray, test_mask: np.ndarray, *, ablation: bool) -> dict[str, object]:
    hand_made = features(pairs, train_mask)
    labels = pairs["Stance"].to_numpy()
    groups = pairs["Body ID"].to_numpy()
    stacked = {column: word_model(pairs[column], labels, train_mask, groups) for column in ("articleBody", "Headline") if ablation or column == "articleBody"}
    results = {}
    for name, columns in VARIANTS.items():
        if not ablation and columns != ("articleBody",):
            continue
        matrix = np.column_stack([hand_made, *(stacked[column] for column in columns)])
        model = classifier().fit(matrix[train_mask], labels[train_mask])
        results[name] = scores(labels[test_mask].tolist(), model.predict(matrix[test_mask]).tolist())
    result = dict(results[next(iter(VARIANTS))])
    result["pairs"] = {"train": int(train_mask.sum()), "test": int(test_mask.sum())}
    result["variants"] = results
    return result


def format_table(result: dict[str, object]) -> str:
    """Official score, macro-F1 and per-class F1 as a Markdown table, with the anchors."""
    lines = ["| system | FNC score % | macro-F1 | " + " | ".join(f"F1 {label}" for label in LABELS) + " |", "|---|---:|---:|" + "---:|" * len(LABELS)]
    for name, (fnc, macro) in ANCHORS.items():
        lines.append(f"| {name} | {fnc:.1f} | {'' if macro is None else f'{macro:.2f}'} |" + " |" * len(LABELS))
    for name, figures in result["variants"].items():  # type: ignore[attr-defined]
        cells = " | ".join(f"{figures['per_class_f1'][label]:.3f}" for label in LABELS)
        lines.append(f"| credence: {name} | {100 * figures['fnc_score']:.1f} | {figures['macro_f1']:.3f} | {cells} |")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fnc1", type=Path, default=DEFAULT_FNC1, help="folder of train_stances.csv and train_bodies.csv (default: ../shared/data/fnc1)")
    parser.add_argument("--json", type=Path, default=None, help="also write {fnc_score, macro_f1, per_class_f1} (fractions) to this JSON file")
    parser.add_argument("--test", type=Path, default=None, help="score this FNC-1-format folder (or stances file), training on all of --fnc1")
    parser.add_argument("--limit", type=int, default=None, help="only the first N stance rows of each file (quick checks)")
    parser.add_argument("--ablation", action="store_true", help="also score without the body word model and with a headline word model")


def run(arguments: argparse.Namespace) -> int:
    try:
        pairs = load_fnc1(arguments.fnc1, limit=arguments.limit)
        test = load_fnc1(arguments.test, limit=arguments.limit) if arguments.test else None
    except (ValueError, FileNotFoundError) as error:
        print(f"evaluate stance: {error} (FNC-1 lives in ../shared/data/fnc1/)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    if test is None:
        held = holdout_bodies(pairs["Body ID"].to_numpy())
        test_mask = pairs["Body ID"].isin(held).to_numpy()
        result = evaluate(pairs, ~test_mask, test_mask, ablation=arguments.ablation)
        where = f"hold-out of {len(held)} of {pairs['Body ID'].nunique()} bodies (seed {SEED}) in {arguments.fnc1}"
    else:
        # Test bodies may reuse training body ids: keep them apart by offsetting the ids.
        offset = int(pairs["Body ID"].max()) + 1
        test = test.assign(**{"Body ID": test["Body ID"] + offset})
        both = pd.concat([pairs, test], ignore_index=True)
        test_mask = np.arange(len(both)) >= len(pairs)
        result = evaluate(both, ~test_mask, test_mask, ablation=arguments.ablation)
        where = f"{arguments.test}, trained on {arguments.fnc1}"
    print(f"Stance on {where} ({result['pairs']['test']:,} test pairs, {result['pairs']['train']:,} training pairs):")  # type: ignore[index]
    print(format_table(result))
    print(f"({time.perf_counter() - started:.0f} s)")
    if arguments.json is not None:
        figures = {key: result[key] for key in ("fnc_score", "macro_f1", "per_class_f1")}
        io.write_text(arguments.json, json.dumps(figures, indent=2) + "\n")
        print(f"Wrote {arguments.json}")
    return 0
