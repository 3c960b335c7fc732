"""`credence evaluate matching`: MRPC reading, pair features, the JSON model, and the command.

The command tests run on invented sentence pairs written by the tests; the two tests on a
slice of the real MRPC file skip, with the reason, when ../shared is absent.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from credence import cli, relations
from credence.evaluation import matching
from tests.conftest import shared_file

HEADER = "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"

# Invented events: (who, what happened, figure, place, day).
EVENTS = [
    ("The Kestrian ministry", "evacuated workers", 40, "Lissen harbour", "Monday"),
    ("Valdorian police", "arrested protesters", 12, "Orvel square", "Tuesday"),
    ("The Meridian council", "closed schools", 30, "the northern district", "Wednesday"),
    ("Port officials", "seized containers", 250, "the Brack terminal", "Thursday"),
    ("The health agency", "reported new cases", 1200, "Tarsa province", "Friday"),
    ("Rescue teams", "pulled survivors", 18, "the collapsed Omen tower", "Saturday"),
    ("The central bank", "cut its rate by basis points", 50, "its Halden meeting", "Sunday"),
    ("Farmers", "blocked roads with tractors", 300, "the Ferris valley", "Monday"),
    ("The airline", "cancelled flights", 85, "Corvin airport", "Tuesday"),
    ("The army", "withdrew tanks", 60, "the Drava border", "Wednesday"),
    ("Striking nurses", "closed wards", 9, "St Alba hospital", "Thursday"),
    ("The regulator", "fined banks", 4, "the capital Pellam", "Friday"),
    ("Fire crews", "saved homes", 140, "the hills above Sorrel", "Saturday"),
    ("The ministry of energy", "shut power plants", 3, "the Kaskar coast", "Sunday"),
    ("Customs officers", "found smuggled rifles", 75, "the Ostrin crossing", "Monday"),
    ("The electoral board", "rejected candidate lists", 7, "Vell county", "Tuesday"),
    ("Engineers", "repaired bridges", 22, "the Lune river", "Wednesday"),
    ("The prison service", "released inmates", 500, "the Harrow jail", "Thursday"),
    ("Coast guards", "rescued migrants", 65, "the Sable strait", "Friday"),
    ("The university", "suspended lecturers", 11, "its Tamsin campus", "Saturday"),
]  # fmt: skip


def _pairs() -> list[tuple[int, str, str]]:
    """Twenty paraphrases (the same event reworded) and twenty non-paraphrases (another figure, place and day)."""
    rows = []
    for index, (who, what, figure, place, day) in enumerate(EVENTS):
        first = f"{who} {what} at {place} on {day}, officials said, putting the number at {figure}."
        if index % 2 == 0:
            rows.append((1, first, f"On {day}, {who.lower()} {what} at {place}; the number was {figure}, according to officials."))
        else:
            other_who, other_what, other_figure, other_place, other_day = EVENTS[(index + 7) % len(EVENTS)]
            rows.append((0, first, f"{other_who} {other_what} near {other_place} on {other_day}, a spokesman said, giving {other_figure * 3 + 1}."))
        # A second pair per event, of the other label, so that both labels are balanced.
        if index % 2 == 0:
            rows.append((0, f"Officials said {who.lower()} {what} on {day}.", f"Nobody knows whether {EVENTS[(index + 3) % len(EVENTS)][0].lower()} will meet again next year."))
        else:
            rows.append((1, f"{who} {what} on {day}, officials said.", f"Officials said that on {day} {who.lower()} {what}."))
    return rows


def _write(path, rows: list[tuple[int, str, str]]):
    lines = [f"{label}\t{2 * number}\t{2 * number + 1}\t{left}\t{right}" for number, (label, left, right) in enumerate(rows)]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_mrpc_reads_labels_and_both_sentences(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text(HEADER + "1\t1\t2\tAbout 40 workers were evacuated.\tSome 40 workers were evacuated.\n0\t3\t4\tRates rose.\tThe port closed.\n", encoding="utf-8")
    pairs = matching.load_mrpc(path)
    assert pairs.labels.tolist() == [1, 0]
    assert pairs.left[0].startswith("About 40") and pairs.right[1] == "The port closed."


@pytest.mark.parametrize("body", ["Quality\t#1 ID\n1\tonly two fields\n", "not an MRPC header\n", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n2\t1\t2\ta\tb\n"])
def test_load_mrpc_rejects_other_formats(tmp_path, body):
    path = tmp_path / "bad.txt"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError):
        matching.load_mrpc(path)


@pytest.mark.parametrize(
    ("left", "right", "feature", "expected"),
    [
        ("About 40 workers were evacuated", "About 40 workers were evacuated", "word_cosine", 1.0),
        ("About 40 workers were evacuated", "About 40 workers were evacuated", "numbers_equal", 1.0),
        ("About 40 workers were evacuated", "About 3,000 workers were evacuated", "numbers_unmatched_max", 1.0),
        ("The leak was contained", "The leak was not contained", "negation_mismatch", 1.0),
        ("The report is a hoax", "The report is true", "refuting_max", 1.0),
        ("They said Kestria and Valdoria met", "The ministers met", "names_unmatched_max", 2.0),
    ],
)
def test_pair_features(left, right, feature, expected):
    """Each feature says what its name says; every feature is symmetric."""
    encoded = relations.encode([left, right])
    weights = relations.fit_weights(encoded)
    forward = relations.pair_features(encoded, weights, [0], [1])[0]
    backward = relations.pair_features(encoded, weights, [1], [0])[0]
    assert forward[relations.PAIR_FEATURES.index(feature)] == pytest.approx(expected)
    np.testing.assert_allclose(forward, backward)


def test_linear_model_round_trips_through_json():
    """A fitted model is plain JSON and predicts the same after reading it back."""
    rng = np.random.default_rng(0)
    features = rng.random((40, len(relations.PAIR_FEATURES)))
    labels = (features[:, 0] > 0.5).astype(int)
    model = relations.fit_linear(features, labels, relations.PAIR_FEATURES)
    again = relations.LinearModel.from_json(model.to_json())
    np.testing.assert_allclose(model.probability(features), again.probability(features))
    assert ((again.probability(features) >= 0.5) == labels).mean() > 0.8


def test_command_cross_validates_invented_pairs(tmp_path, capsys):
    """10-fold CV on 40 invented pairs: the documented JSON, fractions, a loadable JSON model."""
    data = _write(tmp_path / "pairs.txt", _pairs())
    out, model_path = tmp_path / "m.json", tmp_path / "model.json"
    assert cli.main(["evaluate", "matching", "--mrpc", str(data), "--json", str(out), "--save-model", str(model_path)]) == 0
    figures = json.loads(out.read_text())
    assert set(figures) == {"accuracy", "f1"} and all(0 <= value <= 1 for value in figures.values())
    # Rewordings of one event against unrelated events: easy, so the model must do well.
    assert figures["accuracy"] >= 0.8
    model = relations.LinearModel.from_json(model_path.read_text())
    assert model.features == relations.PAIR_FEATURES and model.notes and "--save-model" in model.notes["command"]
    output = capsys.readouterr().out
    assert "Wan et al. 2006" in output and "10-fold" in output


def test_command_scores_a_separate_invented_test_file(tmp_path):
    """--test trains on the whole --mrpc file and scores the other file only."""
    rows = _pairs()
    train, test = _write(tmp_path / "train.txt", rows[:30]), _write(tmp_path / "test.txt", rows[30:])
    out = tmp_path / "m.json"
    assert cli.main(["evaluate", "matching", "--mrpc", str(train), "--test", str(test), "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert set(figures) == {"accuracy", "f1"} and all(0 <= value <= 1 for value in figures.values())


def test_command_reports_a_missing_file(tmp_path, capsys):
    assert cli.main(["evaluate", "matching", "--mrpc", str(tmp_path / "absent.txt")]) == 2
    assert "does not exist" in capsys.readouterr().err


def _mrpc_slice(tmp_path, name: str, start: int, stop: int):
    """Rows [start, stop) of the shared MRPC file, written to a temporary file (never into the project)."""
    lines = shared_file("data/mrpc/msr_paraphrase_train.txt").read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines[1 + start : 1 + stop]) + "\n", encoding="utf-8")
    return path


@pytest.mark.shared_data
def test_command_on_a_slice_of_mrpc(tmp_path):
    """10-fold CV on 300 real pairs (loose bounds: a slice is noisy)."""
    out = tmp_path / "m.json"
    assert cli.main(["evaluate", "matching", "--mrpc", str(_mrpc_slice(tmp_path, "train.txt", 0, 300)), "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert set(figures) == {"accuracy", "f1"} and 0.6 <= figures["accuracy"] <= 1 and 0.6 <= figures["f1"] <= 1


@pytest.mark.shared_data
def test_command_scores_a_separate_slice_of_mrpc(tmp_path):
    train, test = _mrpc_slice(tmp_path, "train.txt", 0, 300), _mrpc_slice(tmp_path, "test.txt", 300, 450)
    out = tmp_path / "m.json"
    assert cli.main(["evaluate", "matching", "--mrpc", str(train), "--test", str(test), "--json", str(out)]) == 0
    assert 0.55 <= json.loads(out.read_text())["accuracy"] <= 1
