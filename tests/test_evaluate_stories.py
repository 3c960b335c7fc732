"""`credence evaluate stories`: true stories from FNC-1's related headlines, pair scores, the command."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from credence import cli
from credence.config import CorroborationSettings
from credence.evaluation import stance, stories

EVENTS = [
    ("Dravenholm", "Kessler Mining", "collapsed tunnel", "miners trapped underground"),
    ("Oselby", "Marrow Shipping", "tanker fire", "crew members evacuated by helicopter"),
    ("Quillstead", "Brannock Foods", "listeria recall", "cheese products pulled from shelves"),
]


def _body(place: str, company: str, event: str, detail: str, variant: int) -> str:
    openings = [f"Rescuers in {place} worked through the night after the {event} at {company}.", f"The {event} at {company} near {place} drew crowds on Monday."]
    return (
        f"{openings[variant]} Officials said {detail} and that {company} had been warned. "
        f"A spokesperson for {company} in {place} declined to comment on the {event}. Residents of {place} said the {event} was expected."
    )


def _write_fnc1(folder):
    folder.mkdir()
    bodies, rows = [], []
    for index, event in enumerate(EVENTS):
        headline = f"{event[2].capitalize()} at {event[1]} in {event[0]}"
        for variant in (0, 1):
            body_id = 10 * index + variant
            bodies.append((body_id, _body(*event, variant)))
            rows.append((headline, body_id, "discuss" if variant else "agree"))
            rows.append((f"Unrelated headline {index}", body_id, "unrelated"))
    pd.DataFrame(rows, columns=["Headline", "Body ID", "Stance"]).to_csv(folder / "train_stances.csv", index=False)
    pd.DataFrame(bodies, columns=["Body ID", "articleBody"]).to_csv(folder / "train_bodies.csv", index=False)
    return folder


def test_pair_scores_count_pairs_of_one_story():
    truth = np.array([0, 0, 0, 1, 1])
    # One story too many: 0-1 and 3-4 found, 0-2 and 1-2 missed, nothing wrong.
    assert stories.pair_scores(np.array(["a", "a", "b", "c", "c"]), truth) == {"stories": 3, "largest": 2, "precision": 1.0, "recall": 0.5, "f1": 0.6667}
    # Everything in one story: all 4 true pairs of the 10 found.
    merged = stories.pair_scores(np.array(["a"] * 5), truth)
    assert merged["precision"] == 0.4 and merged["recall"] == 1.0 and merged["largest"] == 5


def test_bodies_related_to_one_headline_are_one_true_story(tmp_path):
    pairs = stance.load_fnc1(_write_fnc1(tmp_path / "fnc"))
    articles, truth = stories.story_truth(pairs)
    assert len(articles) == 6 and articles["article_id"].str.startswith("body-").all()
    assert len(set(truth)) == 3 and truth[0] == truth[1] and truth[0] != truth[2]


def test_evaluate_stories_command_writes_the_table(tmp_path, capsys):
    out = tmp_path / "stories.json"
    assert cli.main(["evaluate", "stories", "--fnc1", str(_write_fnc1(tmp_path / "fnc")), "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["bodies"] == 6 and result["true_stories"] == 3
    configured = result["thresholds"][result["configured"]]
    assert configured["precision"] == 1.0 and configured["recall"] == 1.0  # the three events stay apart and whole
    assert "(configured)" in capsys.readouterr().out


def test_evaluate_stories_says_where_the_data_is_missing(tmp_path, capsys):
    assert cli.main(["evaluate", "stories", "--fnc1", str(tmp_path / "absent")]) == 2
    assert "FNC-1" in capsys.readouterr().err


@pytest.mark.slow
def test_configured_story_threshold_on_fnc1_bodies():
    """The configured threshold keeps FNC-1's real stories apart and mostly whole (README: F1 0.844)."""
    if not stance.DEFAULT_FNC1.exists():
        pytest.skip(f"FNC-1 not found at {stance.DEFAULT_FNC1}")
    settings = CorroborationSettings()
    result = stories.evaluate(stance.load_fnc1(stance.DEFAULT_FNC1), settings, thresholds=())
    row = result["thresholds"][result["configured"]]
    assert row["precision"] > 0.8 and row["recall"] > 0.8 and row["largest"] < 100
