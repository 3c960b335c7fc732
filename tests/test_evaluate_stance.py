"""`credence evaluate stance`: FNC-1 score, hold-out, sentence features, and the command.

The command tests run on a handful of invented bodies and headlines written by the tests;
the two tests on a slice of the real FNC-1 files skip, with the reason, when ../shared is
absent.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from credence import cli
from credence.evaluation import stance
from tests.conftest import shared_file

# Invented events: (place, what happened, figure, who reported it).
EVENTS = [
    ("Lissen harbour", "workers were evacuated after a chemical leak", 40, "the Kestrian ministry"),
    ("Orvel square", "protesters were arrested by the police", 12, "Valdorian police"),
    ("the Brack terminal", "containers of smuggled rifles were seized", 250, "port officials"),
    ("Tarsa province", "new cases of fever were reported", 1200, "the health agency"),
    ("the Omen tower", "survivors were pulled from the rubble", 18, "rescue teams"),
    ("Corvin airport", "flights were cancelled because of a strike", 85, "the airline"),
    ("the Drava border", "tanks were withdrawn from the front", 60, "the army"),
    ("the Sable strait", "migrants were rescued from a sinking boat", 65, "coast guards"),
    ("the Harrow jail", "inmates were released early", 500, "the prison service"),
    ("the Lune river", "bridges were closed after the flood", 22, "engineers"),
]


def _body(place: str, what: str, figure: int, who: str) -> str:
    return (
        f"At {place}, {figure} {what}, {who} said on Monday. "
        f"Officials confirmed the figure of {figure} in a statement and said the situation at {place} was under control. "
        "Local residents told reporters they had watched the events from their windows. "
        "More details are expected to be released by officials later in the week."
    )


def _headlines(place: str, what: str, figure: int, who: str) -> dict[str, str]:
    return {
        "agree": f"{figure} {what} at {place}, {who} confirms",
        "disagree": f"{who.capitalize()} denies reports that {figure} {what} at {place}, calling them a hoax",
        "discuss": f"Unconfirmed reports claim {figure} {what} at {place}",
    }


def _write_fnc1(folder, events: list[tuple[str, str, int, str]], first_id: int = 0):
    """Stances and bodies files in FNC-1's format: per body three related headlines and two unrelated ones."""
    folder.mkdir()
    stances = []
    for index, event in enumerate(events):
        body_id = first_id + index
        for label, headline in _headlines(*event).items():
            stances.append((headline, body_id, label))
        for shift in (1, 3):
            other = _headlines(*events[(index + shift) % len(events)])
            stances.append((other["agree" if shift == 1 else "disagree"], body_id, "unrelated"))
    pd.DataFrame(stances, columns=["Headline", "Body ID", "Stance"]).to_csv(folder / "train_stances.csv", index=False)
    bodies = [(first_id + index, _body(*event)) for index, event in enumerate(events)]
    pd.DataFrame(bodies, columns=["Body ID", "articleBody"]).to_csv(folder / "train_bodies.csv", index=False)
    return folder


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        (["agree", "unrelated"], ["agree", "unrelated"], 1.0),
        (["agree", "unrelated"], ["discuss", "unrelated"], 0.5 / 1.25),  # related right (0.25), class wrong
        (["disagree"], ["unrelated"], 0.0),
        (["unrelated", "unrelated"], ["discuss", "unrelated"], 0.5),
    ],
)
def test_fnc_score(gold, predicted, expected):
    """0.25 for related-or-not, 0.75 more for the exact related class, over the best possible."""
    assert stance.fnc_score(gold, predicted) == pytest.approx(expected)


def test_holdout_is_a_seeded_fifth_of_the_bodies():
    ids = np.arange(100, 600)
    held = stance.holdout_bodies(ids)
    assert len(held) == 100 and held == stance.holdout_bodies(ids[::-1].copy())


@pytest.mark.parametrize(
    ("text", "count"),
    [("It is a hoax. The video was fake! Police said so.", 3), ("The first line\nAnother line here", 2), ("Too. Short. Bits but this sentence counts.", 1)],
)
def test_sentences(text, count):
    assert len(stance.sentences(text)) == count


def test_load_fnc1_joins_bodies_and_rejects_unknown_stances(tmp_path):
    folder = _write_fnc1(tmp_path / "fnc", EVENTS[:4])
    pairs = stance.load_fnc1(folder)
    assert len(pairs) == 20 and set(pairs["Stance"]) == set(stance.LABELS) and pairs["articleBody"].str.len().min() > 0
    stances = pd.read_csv(folder / "train_stances.csv")
    stances.loc[0, "Stance"] = "maybe"
    stances.to_csv(folder / "train_stances.csv", index=False)
    with pytest.raises(ValueError, match="unknown stances"):
        stance.load_fnc1(folder)


def test_command_on_invented_bodies_writes_the_documented_json(tmp_path, capsys):
    """Hold-out of 2 of 10 invented bodies: the documented JSON, every figure a fraction."""
    out = tmp_path / "s.json"
    assert cli.main(["evaluate", "stance", "--fnc1", str(_write_fnc1(tmp_path / "fnc", EVENTS)), "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert set(figures) == {"fnc_score", "macro_f1", "per_class_f1"} and set(figures["per_class_f1"]) == set(stance.LABELS)
    assert all(0 <= figures[key] <= 1 for key in ("fnc_score", "macro_f1")) and all(0 <= value <= 1 for value in figures["per_class_f1"].values())
    # Unrelated headlines share no words with the body but stop words: these must be found.
    assert figures["per_class_f1"]["unrelated"] >= 0.9
    output = capsys.readouterr().out
    assert "official baseline" in output and "hold-out of 2 of 10 bodies" in output


def test_command_scores_a_separate_invented_test_folder(tmp_path):
    """--test trains on all of --fnc1; test body ids may repeat training ones."""
    train = _write_fnc1(tmp_path / "train", EVENTS[:7])
    test = _write_fnc1(tmp_path / "test", EVENTS[7:], first_id=0)
    out = tmp_path / "s.json"
    assert cli.main(["evaluate", "stance", "--fnc1", str(train), "--test", str(test), "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert set(figures) == {"fnc_score", "macro_f1", "per_class_f1"} and 0 <= figures["fnc_score"] <= 1


def test_command_reports_missing_data(tmp_path, capsys):
    assert cli.main(["evaluate", "stance", "--fnc1", str(tmp_path)]) == 2
    assert "stances" in capsys.readouterr().err


def _fnc_slice(tmp_path, rows: int, skip: int = 0):
    """The first ``rows`` stance rows (after ``skip``) with their bodies, in a temporary folder."""
    folder = tmp_path / f"fnc-{skip}"
    folder.mkdir()
    stances = pd.read_csv(shared_file("data/fnc1/train_stances.csv")).iloc[skip : skip + rows]
    bodies = pd.read_csv(shared_file("data/fnc1/train_bodies.csv"))
    stances.to_csv(folder / "train_stances.csv", index=False)
    bodies[bodies["Body ID"].isin(stances["Body ID"])].to_csv(folder / "train_bodies.csv", index=False)
    return folder


@pytest.mark.shared_data
def test_command_on_a_slice_of_fnc1(tmp_path):
    """Hold-out of a 400-row slice of the real data (loose bounds)."""
    out = tmp_path / "s.json"
    assert cli.main(["evaluate", "stance", "--fnc1", str(_fnc_slice(tmp_path, 400)), "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert set(figures["per_class_f1"]) == set(stance.LABELS) and 0.3 <= figures["fnc_score"] <= 1


@pytest.mark.shared_data
def test_command_scores_a_separate_slice_of_fnc1(tmp_path):
    out = tmp_path / "s.json"
    train, test = _fnc_slice(tmp_path, 400), _fnc_slice(tmp_path, 150, skip=400)
    assert cli.main(["evaluate", "stance", "--fnc1", str(train), "--test", str(test), "--json", str(out)]) == 0
    assert 0.3 <= json.loads(out.read_text())["fnc_score"] <= 1
