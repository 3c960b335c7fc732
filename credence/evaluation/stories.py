"""`credence evaluate stories`: the story search (corroboration.story_groups) against FNC-1.

FNC-1 pairs headlines with real news bodies; a body is related (agree, disagree, discuss) to
the headlines of the claim it reports and unrelated to the rest. Two bodies related to a
common headline report the same claim, so the bodies linked through related headlines are
one story: that is the truth here (bodies read by path, never copied). Stories are scored
as pairs of bodies: precision is the share of the pairs put in one story that share a true
story, recall the share of true story pairs put in one story.

Corroboration only compares claims inside a story, so recall bounds what it can find, and
precision is what it pays: a story that chains unrelated events costs the square of its size.
FNC-1's bodies have no dates, so all fall in one window; the nightly window can only split.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from credence import config, corroboration, io
from credence.corroboration_blocking import components
from credence.evaluation.stance import DEFAULT_FNC1, load_fnc1

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45)


def story_truth(pairs: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The bodies as articles (one date, so one window) and each body's true story label."""
    bodies = pairs.drop_duplicates("Body ID").sort_values("Body ID").reset_index(drop=True)
    articles = pd.DataFrame(
        {"article_id": "body-" + bodies["Body ID"].astype(str), "published_at": "2015-01-01T00:00:00+00:00", "text": bodies["articleBody"]}
    )
    related = pairs[pairs["Stance"] != "unrelated"]
    position = pd.Series(np.arange(len(bodies)), index=bodies["Body ID"])
    # Bodies and headlines as one graph: bodies 0..n-1, headlines after them.
    headline_codes, headlines = pd.factorize(related["Headline"])
    labels = components(len(bodies) + len(headlines), position[related["Body ID"]].to_numpy(), len(bodies) + headline_codes)
    return articles, labels[: len(bodies)]


def _pairs(sizes: np.ndarray) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pair_scores(predicted: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering, with its number of stories and the largest."""
    predicted_codes = pd.factorize(predicted)[0]
    together = pd.DataFrame({"predicted": predicted_codes, "truth": truth}).groupby(["predicted", "truth"]).size().to_numpy()
    both, found, true = _pairs(together), _pairs(np.bincount(predicted_codes)), _pairs(np.bincount(truth))
    precision = both / found if found else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "stories": int(predicted_codes.max(initial=-1) + 1),
        "largest": int(np.bincount(predicted_codes).max(initial=0)),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def evaluate(pairs: pd.DataFrame, settings: config.CorroborationSettings, thresholds: tuple[float, ...] = THRESHOLDS) -> dict[str, object]:
    """Scores of story_groups at each threshold (and the configured one), with the true stories' sizes."""
    articles, truth = story_truth(pairs)
    rows = {}
    for threshold in sorted({*thresholds, settings.story_threshold}):
        stories = corroboration.story_groups(articles, settings.model_copy(update={"story_threshold": threshold}), window_days=1)
        rows[f"{threshold:g}"] = pair_scores(stories.to_numpy(dtype=object), truth)
    return {
        "bodies": len(articles),
        "true_stories": int(truth.max(initial=-1) + 1),
        "largest_true_story": int(np.bincount(truth).max(initial=0)),
        "configured": f"{settings.story_threshold:g}",
        "story_max_articles": settings.story_max_articles,
        "thresholds": rows,
    }


def format_table(result: dict[str, object]) -> str:
    lines = ["| story_threshold | stories | largest | pair precision | pair recall | F1 |", "|---|---:|---:|---:|---:|---:|"]
    for threshold, row in result["thresholds"].items():  # type: ignore[attr-defined]
        name = f"{threshold} (configured)" if threshold == result["configured"] else threshold
        lines.append(f"| {name} | {row['stories']} | {row['largest']} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} |")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fnc1", type=Path, default=DEFAULT_FNC1, help="folder of train_stances.csv and train_bodies.csv (default: ../shared/data/fnc1)")
    parser.add_argument("--config", type=Path, default=io.DEFAULT_CONFIG_DIR, help="configuration folder whose corroboration settings are used (default: config/)")
    parser.add_argument("--json", type=Path, default=None, help="also write the result (fractions) to this JSON file")


def run(arguments: argparse.Namespace) -> int:
    try:
        pairs = load_fnc1(arguments.fnc1)
    except (ValueError, FileNotFoundError) as error:
        print(f"evaluate stories: {error} (FNC-1 lives in ../shared/data/fnc1/)", file=sys.stderr)
        return 2
    settings = config.load_config(arguments.config).scoring.corroboration
    started = time.perf_counter()
    result = evaluate(pairs, settings)
    print(
        f"Stories of {result['bodies']:,} FNC-1 bodies in {arguments.fnc1} ({result['true_stories']} true stories through related headlines,"
        f" the largest {result['largest_true_story']} bodies; story_max_articles {result['story_max_articles']}):"
    )
    print(format_table(result))
    print(f"({time.perf_counter() - started:.0f} s)")
    if arguments.json is not None:
        io.write_text(arguments.json, json.dumps(result, indent=2) + "\n")
        print(f"Wrote {arguments.json}")
    return 0
