"""`credence bench truth`: metrics, baselines, the synthetic world, calibration writing and the real fusion adapters."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import CONFIG_DIR, shared_file

from credence import cli
from credence.config import CalibrationSettings, load_config
from credence.evaluation import truth, truth_fusion
from credence.evaluation.truth_baselines import BASELINES, Observations, winners
from credence.evaluation.truth_synthetic import WorldSettings, generate, sweep_settings

TINY = WorldSettings(n_sources=60, n_questions=200)


@pytest.mark.parametrize(
    ("probability", "outcome", "brier", "ece"),
    [
        ([1.0, 0.0], [1, 0], 0.0, 0.0),
        ([0.5, 0.5], [1, 0], 0.25, 0.0),
        ([0.9, 0.9], [0, 0], 0.81, 0.9),
    ],
)
def test_brier_and_calibration_error(probability, outcome, brier, ece):
    """Brier score and expected calibration error on hand-checked cases."""
    assert truth.brier(np.array(probability), np.array(outcome)) == pytest.approx(brier)
    assert truth.expected_calibration_error(np.array(probability), np.array(outcome)) == pytest.approx(ece)


def test_interval_and_spearman():
    """95% t-interval over seeds; Spearman on the sources both sides know."""
    mean, half = truth.interval([0.8, 0.9, 1.0])
    assert mean == pytest.approx(0.9) and half == pytest.approx(4.303 * 0.1 / math.sqrt(3), abs=1e-3)
    assert math.isnan(truth.interval([0.5])[1])
    learned = pd.Series([0.1, 0.5, 0.9, 0.3], index=list("abcd"))
    true = pd.Series([0.2, 0.6, 0.95], index=list("abc"))
    assert truth.spearman(learned, true) == pytest.approx(1.0)


def observations() -> Observations:
    """Two objects; three reliable sources agree, one unreliable source dissents on both."""
    # values: 0 = obj0/right, 1 = obj0/wrong, 2 = obj1/right, 3 = obj1/wrong
    source = np.array([0, 1, 2, 3, 0, 1, 3])
    value = np.array([0, 0, 0, 1, 2, 2, 3])
    return Observations(source, value, np.array([0, 0, 1, 1]), 4, np.array([0.8, 0.8, 0.8, 0.3]))


@pytest.mark.parametrize("name", list(BASELINES))
def test_baselines_pick_the_consensus(name):
    """Every baseline picks the agreed values and trusts the agreeing sources more than the dissenter."""
    estimate = BASELINES[name](observations())
    picked = winners(observations(), estimate.probability)
    assert picked.tolist() == [True, False, True, False]
    assert estimate.reliability[0] > estimate.reliability[3]


def test_world_is_reproducible_and_in_claim_format():
    """One seed, one world; the claims carry the columns score_claims reads and the hidden truth."""
    first, second = generate(TINY, 3), generate(TINY, 3)
    pd.testing.assert_frame_equal(first.claims, second.claims)
    needed = {"claim_id", "source_id", "source_prior", "commitment", "confidence", "stance", "independence_group", "proposition_id", "exclusive_set_id", "topics"}
    assert needed <= set(first.claims.columns)
    kinds = set(first.sources["kind"])
    assert {"plain", "copier", "network", "interested"} <= kinds
    assert first.claims["independence_group"].str.startswith("syndicate:").any()
    assert first.claims["independence_group"].eq("affiliation:state:network").any()
    assert {name for name, _ in sweep_settings()} >= {"default", "copiers=0.3", "network=20", "prior_noise=2.0", "single_source=0.7"}


def test_credence_beats_the_network_on_a_tiny_world():
    """With a coordinated network, credence's accuracy is above AccuVote's; no single-source claim passes the cap."""
    settings = load_config(CONFIG_DIR).scoring.scoring
    results = truth.evaluate_world(generate(TINY, 0), settings, TINY)
    assert set(results) == set(truth.METHODS)
    assert results["credence"]["accuracy"] > results["accuvote"]["accuracy"]
    assert results["credence"]["single_source_above_cap"] == 0


def test_command_writes_the_json_table(tmp_path):
    """`credence bench truth --quick` prints the tables and writes the documented JSON."""
    out = tmp_path / "truth.json"
    assert cli.main(["bench", "truth", "--quick", "--seeds", "1", "--settings", "default", "--no-fusion", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    setting = report["settings"][0]
    assert setting["name"] == "default"
    for method in truth.METHODS:
        assert set(truth.METRICS) <= set(setting["methods"][method])


def test_write_calibration_replaces_the_block(tmp_path):
    """The fitted calibration goes between the markers of scoring.yaml, and the file still loads."""
    folder = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, folder)
    calibration = CalibrationSettings(method="isotonic", x=[0.0, 0.5, 1.0], y=[0.05, 0.5, 0.97], fitted_on="a test")
    truth.write_calibration(folder / "scoring.yaml", calibration)
    assert load_config(folder).scoring.scoring.calibration == calibration
    truth.write_calibration(folder / "scoring.yaml", CalibrationSettings(method="platt", slope=0.9, intercept=0.1))
    assert load_config(folder).scoring.scoring.calibration.method == "platt"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Knuth, Donald E.", {"knuth"}),
        ("Donald E. Knuth", {"knuth"}),
        ("Russell, Stuart J.; Norvig, Peter", {"russell", "norvig"}),
        ("Aho, Alfred V., Sethi, Ravi, Ullman, Jeffrey D.", {"aho", "sethi", "ullman"}),
        ("Bob Beauchemin, Niels Berglund, Dan Sullivan", {"beauchemin", "berglund", "sullivan"}),
        ("By (author) Calvert, Kenneth L. By (author) Donahoo, Michael J.", {"calvert", "donahoo"}),
        ("Kaplan, Joseph E. (Author) Dunn, Ryan (Author)", {"kaplan", "dunn"}),
        ("Dowd, Mark/ McDonald, John/ Schuh, Justin", {"dowd", "mcdonald", "schuh"}),
        ("Nick Rozanski, E&oacute;in Woods", {"rozanski", "woods"}),
        ("BEAUCHEMIN, BOB SULLIVAN, DAN", {"beauchemin", "sullivan"}),
        ("Meltzer, KevinMichalski, Brent", {"meltzer", "michalski"}),
        ("Hancock- John C./ Toren- Roger", {"hancock", "toren"}),
        ("Edited by Jones, Karen Sparck Edited by Willett, Peter", {"jones", "willett"}),
    ],
)
def test_author_strings_become_last_names(text, names):
    """The many author-list formats of the book stores become one set of last names."""
    assert truth_fusion.last_names(text, {}) == frozenset(names)


def test_two_word_names_are_ordered_by_the_lexicon():
    """"Knuth Donald" and "Donald Knuth" both give knuth once the unambiguous forms are counted."""
    lexicon = truth_fusion.surname_lexicon(pd.Series(["Knuth, Donald E.", "Knuth, Donald", "Norvig, Peter"]))
    assert truth_fusion.last_names("Knuth Donald", lexicon) == truth_fusion.last_names("Donald Knuth", lexicon) == frozenset({"knuth"})


@pytest.mark.shared_data
def test_real_fusion_data_meet_the_bar():
    """Book authors >= 0.90 over the 100 gold books; population exact >= 0.80 over the gold city-years."""
    folder = shared_file("data/truth_discovery/book_author").parent
    config = load_config(CONFIG_DIR).scoring
    anonymous = config.category_priors["anonymous_source"]
    books = truth.run_fusion(truth_fusion.read_books(folder / "book_author"), config.scoring, anonymous_prior=anonymous)
    assert books["credence"]["accuracy"] >= 0.90 > books["majority_vote"]["accuracy"]
    population = truth.run_fusion(truth_fusion.read_population(folder / "population"), config.scoring, anonymous_prior=anonymous)
    assert population["credence"]["accuracy"] >= 0.80


def test_scale_command_times_both_inputs(tmp_path):
    """`credence bench truth --scale N` scores N random claims with propositions and with relation lists."""
    out = tmp_path / "scale.json"
    assert cli.main(["bench", "truth", "--scale", "3000", "--json", str(out)]) == 0
    assert set(json.loads(out.read_text())["seconds"]) == {"propositions", "relations"}
