"""`credence evaluate matching`: "same proposition" against the MSR Paraphrase Corpus (MRPC).

The data (``../shared/data/mrpc/msr_paraphrase_train.txt``, tab-separated ``Quality``,
``#1 ID``, ``#2 ID``, ``#1 String``, ``#2 String``) is read by path and never copied.

The model is the one the pipeline uses to decide that two claims state the same thing: the
symmetric pair features of :mod:`credence.relations` (TF-IDF cosines of words and word
bigrams; overlap of stems, content words, n-grams, numbers and names; idf mass
left unmatched; lengths; edit ratios; negation, refutation and hedging cues), each also as
log(1 + |x|), standardised, into an L2 logistic regression (C = 0.1), decision at 0.5.

Split, fixed and documented: stratified 10-fold cross-validation of the file with
``StratifiedKFold(n_splits=10, shuffle=True, random_state=0)``; in each fold every idf
(words, word bigrams, stems) is fitted on the training pairs' sentences only.
With ``--test PATH`` (a file in the same format, e.g. ``msr_paraphrase_test.txt``) the model
is fitted on the whole ``--mrpc`` file and scored once on the test file instead.
``--save-model PATH`` writes the model fitted on the whole ``--mrpc`` file as JSON
(coefficients only, see :class:`credence.relations.LinearModel`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from credence import io, relations

DEFAULT_MRPC = io.PROJECT_ROOT.parent / "shared" / "data" / "mrpc" / "msr_paraphrase_train.txt"
FOLDS = 10
SEED = 0
REGULARISATION = 0.1
# Published anchors on MRPC (accuracy, F1 in %), for the table.
ANCHORS = {"majority class": (66.5, 79.9), "bag-of-words cosine": (71.7, 81.5), "Wan et al. 2006": (75.6, 83.0)}


@dataclass(frozen=True)
class Pairs:
    """Sentence pairs and their 0/1 paraphrase labels."""

    left: list[str]
    right: list[str]
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def load_mrpc(path: Path, *, limit: int | None = None) -> Pairs:
    """Read an MRPC file; rows that do not have five tab-separated fields are an error."""
    left, right, labels = [], [], []
    with Path(path).open(encoding="utf-8-sig") as handle:
        header = handle.readline()
        if not header.lower().startswith("quality"):
            raise ValueError(f"{path}: expected the MRPC header 'Quality<TAB>#1 ID<TAB>...', found {header[:60]!r}")
        for number, line in enumerate(handle, start=2):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 5 or fields[0] not in {"0", "1"}:
                raise ValueError(f"{path}: line {number} is not 'Quality<TAB>#1 ID<TAB>#2 ID<TAB>#1 String<TAB>#2 String'")
            labels.append(int(fields[0]))
            left.append(fields[3])
            right.append(fields[4])
            if limit is not None and len(labels) >= limit:
                break
    return Pairs(left=left, right=right, labels=np.array(labels, dtype=int))


def pair_matrix(pairs: Pairs, train_rows: np.ndarray, extra: Pairs | None = None) -> np.ndarray:
    """PAIR_FEATURES of every pair (then of ``extra``), idf fitted on ``train_rows`` only."""
    everything = pairs if extra is None else Pairs(pairs.left + extra.left, pairs.right + extra.right, np.concatenate([pairs.labels, extra.labels]))
    n = len(everything)
    encoded = relations.encode(everything.left + everything.right)
    weights = relations.fit_weights(encoded, np.concatenate([train_rows, train_rows + n]))
    return relations.pair_features(encoded, weights, np.arange(n), np.arange(n) + n)


def fit_model(features: np.ndarray, labels: np.ndarray) -> relations.LinearModel:
    return relations.fit_linear(features, labels, relations.PAIR_FEATURES, regularisation=REGULARISATION)


def scores(labels: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    return {"accuracy": float(accuracy_score(labels, predicted)), "f1": float(f1_score(labels, predicted))}


def cross_validate(pairs: Pairs, *, folds: int = FOLDS, seed: int = SEED) -> dict[str, object]:
    """Out-of-fold predictions of the stratified k-fold split; accuracy and F1 over all pairs."""
    predicted = np.zeros(len(pairs), dtype=int)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    encoded = relations.encode(pairs.left + pairs.right)
    n = len(pairs)
    for train, test in splitter.split(np.zeros(n), pairs.labels):
        weights = relations.fit_weights(encoded, np.concatenate([train, train + n]))
        features = relations.pair_features(encoded, weights, np.arange(n), np.arange(n) + n)
        model = fit_model(features[train], pairs.labels[train])
        predicted[test] = model.probability(features[test]) >= model.threshold
    result: dict[str, object] = scores(pairs.labels, predicted)
    result["split"] = f"stratified {folds}-fold cross-validation, shuffle seed {seed}"
    result["pairs"] = n
    result["majority_accuracy"] = float(max(pairs.labels.mean(), 1 - pairs.labels.mean()))
    return result


def held_out(pairs: Pairs, test: Pairs) -> tuple[dict[str, object], relations.LinearModel]:
    """Fit on all of ``pairs``, score ``test``."""
    features = pair_matrix(pairs, np.arange(len(pairs)), extra=test)
    model = fit_model(features[: len(pairs)], pairs.labels)
    predicted = (model.probability(features[len(pairs) :]) >= model.threshold).astype(int)
    result: dict[str, object] = scores(test.labels, predicted)
    result["split"] = "trained on the --mrpc file, scored on the --test file"
    result["pairs"] = len(test)
    return result, model


def format_table(result: dict[str, object]) -> str:
    """Our figures next to the published anchors, as a Markdown table (percent)."""
    lines = ["| system | accuracy | F1 |", "|---|---:|---:|"]
    for name, (accuracy, f1) in ANCHORS.items():
        lines.append(f"| {name} (published) | {accuracy:.1f} | {f1:.1f} |")
    lines.append(f"| credence matching model | {100 * result['accuracy']:.1f} | {100 * result['f1']:.1f} |")  # type: ignore[operator]
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mrpc", type=Path, default=DEFAULT_MRPC, help="MRPC training file (default: ../shared/data/mrpc/msr_paraphrase_train.txt)")
    parser.add_argument("--json", type=Path, default=None, help="also write {accuracy, f1} (fractions) to this JSON file")
    parser.add_argument("--test", type=Path, default=None, help="score this MRPC-format file, training on the whole --mrpc file")
    parser.add_argument("--save-model", type=Path, default=None, help="write the model fitted on the whole --mrpc file (JSON coefficients)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pairs of each file (quick checks)")


def run(arguments: argparse.Namespace) -> int:
    for path in filter(None, (arguments.mrpc, arguments.test)):
        if not Path(path).exists():
            print(f"evaluate matching: {path} does not exist (MRPC lives in ../shared/data/mrpc/)", file=sys.stderr)
            return 2
    try:
        pairs = load_mrpc(arguments.mrpc, limit=arguments.limit)
        test = load_mrpc(arguments.test, limit=arguments.limit) if arguments.test else None
    except ValueError as error:
        print(f"evaluate matching: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    model: relations.LinearModel | None = None
    if test is not None:
        result, model = held_out(pairs, test)
        source = f"{arguments.test} ({len(test)} pairs), trained on {arguments.mrpc} ({len(pairs)} pairs)"
    else:
        result = cross_validate(pairs)
        source = f"{arguments.mrpc} ({len(pairs)} pairs), {result['split']}"
    print(f"Same-proposition matching on {source}:")
    print(format_table(result))
    print(f"({time.perf_counter() - started:.0f} s)")
    if arguments.json is not None:
        io.write_text(arguments.json, json.dumps({"accuracy": result["accuracy"], "f1": result["f1"]}, indent=2) + "\n")
        print(f"Wrote {arguments.json}")
    if arguments.save_model is not None:
        if model is None:
            features = pair_matrix(pairs, np.arange(len(pairs)))
            model = fit_model(features, pairs.labels)
        notes = {
            "task": "same proposition (paraphrase) of two claims",
            "data": f"{Path(arguments.mrpc).name}, {len(pairs)} pairs",
            "command": f"credence evaluate matching --mrpc {arguments.mrpc} --save-model {arguments.save_model}",
        }
        model = relations.LinearModel(**{**model.__dict__, "notes": notes})
        io.write_text(arguments.save_model, model.to_json())
        print(f"Wrote {arguments.save_model}")
    return 0
