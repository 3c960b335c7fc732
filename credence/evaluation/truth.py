"""`credence bench truth`: credence's scoring against truth-discovery baselines.

Synthetic worlds (credence.evaluation.truth_synthetic) over seeds, for the default settings and
one-knob sweeps, report per method: truth accuracy (share of questions whose best-scored
answer is the true one), Brier score and expected calibration error of the per-claim
probabilities (claims asserting an answer: the only ones the baselines can score), and the
Spearman correlation of learned with true reliabilities (true = the share of a source's
claims, as attributed, that are right), over all sources and over sources with at least 10
claims; 95% t-intervals over seeds. The real fusion sets (credence.evaluation.truth_fusion)
report accuracy against their gold standards.

``--write-calibration PATH`` fits credence's calibration (isotonic or Platt, scikit-learn) on
separate seeds of every setting and writes it into the scoring block of PATH.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from credence import io
from credence.config import CalibrationSettings, ScoringSettings, load_config
from credence.evaluation import truth_fusion
from credence.evaluation.truth_baselines import BASELINES, Estimate, Observations, winners
from credence.evaluation.truth_synthetic import AS_OF, World, WorldSettings, generate, sweep_settings
from credence.scoring import logit, score_claims

METRICS = ("accuracy", "brier", "ece", "spearman", "spearman_10")
HIDDEN_COLUMNS = ["question", "answer", "correct"]
METHODS = ("credence", *BASELINES)
DEFAULT_FUSION_DIR = io.PROJECT_ROOT.parent / "shared" / "data" / "truth_discovery"
CALIBRATION_SEED = 1000  # calibration is fitted on seeds from here, never on the evaluated ones
CALIBRATION_BEGIN = "  # calibration: begin (written by `credence bench truth --write-calibration`; do not edit by hand)"
CALIBRATION_END = "  # calibration: end"
# Fusion data: every source starts from one prior, the initial accuracy AccuVote uses.
FUSION_PRIOR = 0.8
FUSION_STRENGTH = 2.0


# --- Metrics ------------------------------------------------------------------------------


def brier(probability: np.ndarray, outcome: np.ndarray) -> float:
    """Mean squared difference between probability and 0/1 outcome."""
    return float(np.mean((np.asarray(probability, float) - np.asarray(outcome, float)) ** 2)) if len(probability) else math.nan


def expected_calibration_error(probability: np.ndarray, outcome: np.ndarray, bins: int = 10) -> float:
    """Weighted mean |mean probability - frequency| over equal-width bins."""
    p, y = np.asarray(probability, float), np.asarray(outcome, float)
    if not len(p):
        return math.nan
    which = np.minimum((p * bins).astype(int), bins - 1)
    count = np.bincount(which, minlength=bins)
    gap = np.abs(np.bincount(which, weights=p, minlength=bins) - np.bincount(which, weights=y, minlength=bins))
    return float(gap.sum() / count.sum())


def spearman(learned: pd.Series, true: pd.Series) -> float:
    """Spearman correlation on the sources both know (nan when fewer than 3)."""
    both = pd.concat([learned.rename("a"), true.rename("b")], axis=1, join="inner").dropna()
    if len(both) < 3 or both["a"].nunique() < 2 or both["b"].nunique() < 2:
        return math.nan
    return float(stats.spearmanr(both["a"], both["b"]).statistic)


def interval(values: list[float]) -> tuple[float, float]:
    """Mean and half-width of the 95% t-interval (nan half-width for one value)."""
    clean = np.array([v for v in values if not math.isnan(v)])
    if not len(clean):
        return math.nan, math.nan
    if len(clean) == 1:
        return float(clean[0]), math.nan
    return float(clean.mean()), float(stats.t.ppf(0.975, len(clean) - 1) * clean.std(ddof=1) / math.sqrt(len(clean)))


# --- Running the methods ------------------------------------------------------------------


@dataclass
class Observed:
    """The asserting claims as baseline observations, with their keys."""

    observations: Observations
    claim_value: np.ndarray  # asserting claim -> value code
    asserting: np.ndarray  # claim mask
    value_keys: np.ndarray  # value code -> proposition id
    object_keys: np.ndarray  # value code -> exclusive set id
    source_keys: np.ndarray  # source code -> source id


def observe(claims: pd.DataFrame) -> Observed:
    """Positive statements only: the form every baseline takes."""
    asserting = (claims["stance"] != "deny").to_numpy()
    kept = claims[asserting]
    value, value_keys = pd.factorize(kept["proposition_id"])
    object_of = kept.groupby("proposition_id", sort=False)["exclusive_set_id"].first().reindex(value_keys)
    objects, object_keys = pd.factorize(object_of)
    source, source_keys = pd.factorize(kept["source_id"])
    prior = kept.groupby("source_id", sort=False)["source_prior"].first().reindex(source_keys).fillna(0.5).to_numpy()
    pairs = pd.DataFrame({"s": source, "v": value}).drop_duplicates()
    observations = Observations(pairs["s"].to_numpy(), pairs["v"].to_numpy(), objects.astype("int64"), len(source_keys), prior)
    return Observed(observations, value.astype("int64"), asserting, np.asarray(value_keys), np.asarray(object_keys)[objects], np.asarray(source_keys))


def credence_estimate(scored: pd.DataFrame, observed: Observed) -> Estimate:
    """credence's per-value probability (before calibration) and per-source reliability, in baseline form."""
    asserting = scored[observed.asserting]
    probability = asserting.groupby("proposition_id", sort=False)["raw_score"].first().reindex(observed.value_keys).to_numpy()
    reliability = scored.groupby("source_id", sort=False)["source_reliability"].first().reindex(observed.source_keys).to_numpy()
    return Estimate(probability, reliability)


def _claims_for_scoring(world: World) -> pd.DataFrame:
    """The world's claims without the hidden truth."""
    return world.claims.drop(columns=HIDDEN_COLUMNS)


def run_credence(world: World, settings: ScoringSettings, default_strength: float) -> pd.DataFrame:
    """credence's scoring on a world's claims, with the world's registry, as of the end of its week."""
    return score_claims(
        _claims_for_scoring(world), settings, strengths=world.strengths, default_strength=default_strength, interests=world.interests, as_of=AS_OF
    )


def evaluate_world(world: World, settings: ScoringSettings, world_settings: WorldSettings) -> dict[str, dict[str, float]]:
    """Every method's metrics on one world."""
    claims = world.claims
    observed = observe(claims)
    scored = run_credence(world, settings, world_settings.category_strength)
    # A source's true reliability: the share of its claims, as attributed, that are right.
    true_reliability = claims.groupby("source_id")["correct"].mean()
    counts = claims.groupby("source_id").size()
    estimates: dict[str, Estimate] = {"credence": credence_estimate(scored, observed)}
    for name, method in BASELINES.items():
        estimates[name] = method(observed.observations)
    truth_keys = set(world.truth.to_numpy())
    is_true = np.array([key in truth_keys for key in observed.value_keys])
    objects = observed.observations.value_object
    n_objects = observed.observations.n_objects
    correct_claim = claims["correct"].to_numpy()[observed.asserting]
    results: dict[str, dict[str, float]] = {}
    for name, estimate in estimates.items():
        best = winners(observed.observations, np.nan_to_num(estimate.probability, nan=-1.0))
        accuracy = float(np.bincount(objects, weights=(best & is_true).astype(float), minlength=n_objects).sum() / n_objects)
        if name == "credence":
            probability = scored["score"].to_numpy()[observed.asserting]
        else:
            probability = np.clip(estimate.probability[observed.claim_value], 0.0, 1.0)
        learned = pd.Series(estimate.reliability, index=observed.source_keys)
        results[name] = {
            "accuracy": accuracy,
            "brier": brier(probability, correct_claim),
            "ece": expected_calibration_error(probability, correct_claim),
            "spearman": spearman(learned, true_reliability),
            "spearman_10": spearman(learned, true_reliability[counts.reindex(true_reliability.index) >= 10]),
        }
    everything = scored["score"].to_numpy()
    single = (scored["status"] == "single-source").to_numpy()
    results["credence"]["ece_all_claims"] = expected_calibration_error(everything, claims["correct"].to_numpy())
    results["credence"]["brier_all_claims"] = brier(everything, claims["correct"].to_numpy())
    results["credence"]["single_source_above_cap"] = float((everything[single] > settings.single_source_cap + 1e-9).sum())
    return results


def run_settings(named: list[tuple[str, WorldSettings]], seeds: list[int], settings: ScoringSettings) -> list[dict[str, object]]:
    """Metrics with 95% intervals over seeds, per setting and method."""
    report = []
    for name, world_settings in named:
        per_seed = [evaluate_world(generate(world_settings, seed), settings, world_settings) for seed in seeds]
        methods: dict[str, dict[str, float]] = {}
        for method in per_seed[0]:
            row: dict[str, float] = {}
            for metric in per_seed[0][method]:
                mean, half = interval([run[method][metric] for run in per_seed])
                row[metric] = mean
                row[metric + "_ci95"] = half
            methods[method] = row
        report.append({"name": name, "seeds": len(seeds), "world": world_settings.as_dict(), "methods": methods})
    return report


# --- Real fusion data -----------------------------------------------------------------------


def run_fusion(
    data: truth_fusion.FusionData, settings: ScoringSettings, *, anonymous_prior: float, prior: float = FUSION_PRIOR, strength: float = FUSION_STRENGTH
) -> dict[str, dict[str, float]]:
    """Accuracy of every method on a real fusion set (and within 1% for numbers)."""
    claims = data.claims.assign(source_prior=np.where(data.claims["anonymous"], anonymous_prior, prior))
    scored = score_claims(claims, settings, default_strength=strength)
    observed = observe(claims)
    estimates = {"credence": credence_estimate(scored, observed)} | {name: method(observed.observations) for name, method in BASELINES.items()}
    results = {}
    for name, estimate in estimates.items():
        best = winners(observed.observations, np.nan_to_num(estimate.probability, nan=-1.0))
        chosen = pd.Series(observed.value_keys[best], index=observed.object_keys[best]).str.split("=", n=1).str[1]
        row = {"accuracy": truth_fusion.accuracy(chosen, data)}
        if data.name == "population":
            row["accuracy_within_1pct"] = truth_fusion.accuracy(chosen, data, tolerance=0.01)
        results[name] = row
    return results


# --- Calibration ----------------------------------------------------------------------------


def fit_calibration(named: list[tuple[str, WorldSettings]], seeds: list[int], settings: ScoringSettings, method: str) -> CalibrationSettings:
    """Fit the map from credence's raw probability to the observed frequency on calibration seeds."""
    uncalibrated = settings.model_copy(update={"calibration": CalibrationSettings()})
    raw, outcome = [], []
    for _, world_settings in named:
        for seed in seeds:
            world = generate(world_settings, seed)
            scored = run_credence(world, uncalibrated, world_settings.category_strength)
            raw.append(scored["raw_score"].to_numpy())
            outcome.append(world.claims["correct"].to_numpy(dtype=float))
    p, y = np.concatenate(raw), np.concatenate(outcome)
    described = f"{len(p)} claims of {len(named)} synthetic settings x seeds {seeds[0]}-{seeds[-1]}"
    if method == "platt":
        model = LogisticRegression(C=1e6).fit(logit(p, 1e-9)[:, None], y)
        return CalibrationSettings(method="platt", slope=round(float(model.coef_[0][0]), 4), intercept=round(float(model.intercept_[0]), 4), fitted_on=described)
    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y)
    x, fitted = _thin(np.asarray(model.X_thresholds_), np.asarray(model.y_thresholds_))
    return CalibrationSettings(method="isotonic", x=x, y=fitted, fitted_on=described)


def _thin(x: np.ndarray, y: np.ndarray, points: int = 60) -> tuple[list[float], list[float]]:
    """At most ``points`` breakpoints of a monotone step function, rounded for the YAML file."""
    grid = np.unique(np.concatenate([[0.0, 1.0], np.quantile(x, np.linspace(0, 1, points))]))
    values = np.interp(grid, x, y)
    return [round(float(v), 4) for v in grid], [round(float(v), 4) for v in np.maximum.accumulate(values)]


def calibration_yaml(calibration: CalibrationSettings) -> str:
    """The calibration block of config/scoring.yaml, between its markers."""
    lines = [CALIBRATION_BEGIN, "  calibration:", f"    method: {calibration.method}"]
    if calibration.method == "platt":
        lines += [f"    slope: {calibration.slope}", f"    intercept: {calibration.intercept}"]
    if calibration.method == "isotonic":
        lines += [f"    x: [{', '.join(str(v) for v in calibration.x)}]", f"    y: [{', '.join(str(v) for v in calibration.y)}]"]
    lines += [f"    fitted_on: {json.dumps(calibration.fitted_on)}", CALIBRATION_END]
    return "\n".join(lines)


def write_calibration(path: Path, calibration: CalibrationSettings) -> None:
    """Replace the calibration block of a scoring.yaml (between its markers) and check the file still loads."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(CALIBRATION_BEGIN) + r".*?" + re.escape(CALIBRATION_END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no calibration block between the markers {CALIBRATION_BEGIN.strip()!r} and {CALIBRATION_END.strip()!r}")
    updated = pattern.sub(lambda _: calibration_yaml(calibration), text, count=1)
    io.write_text(path, updated)


# --- Scale ----------------------------------------------------------------------------------

# The random claims of the scale test are published over a week, and scored as of its end.
SCALE_START = pd.Timestamp("2026-11-01", tz="UTC")
SCALE_DAYS = 7.0


def scale_claims(size: int, *, relations: bool = False, seed: int = 0) -> pd.DataFrame:
    """``size`` random claims (about 7 per question, 50 per source, a long tail of sources), built without loops.

    With ``relations``, the claims carry support and contradiction lists (each claim linked to
    the next claim of its question) instead of proposition columns: the corroboration stage's
    first version.
    """
    rng = np.random.default_rng(seed)
    n_sources, n_questions = max(size // 50, 1), max(size // 7, 1)
    activity = rng.pareto(1.2, n_sources) + 1.0
    source = rng.choice(n_sources, size, p=activity / activity.sum())
    question = rng.integers(0, n_questions, size)
    value = rng.integers(0, 3, size)
    sign = np.where(rng.random(size) < 0.1, -1, 1)
    ids = pd.Series(np.arange(size)).map("c{}".format)
    source_ids = pd.Series(source).map("s{}".format)
    days = rng.uniform(0.0, SCALE_DAYS, size)
    claims = pd.DataFrame(
        {
            "claim_id": ids,
            "source_id": source_ids,
            "source_name": "Source " + source_ids,
            "source_prior": rng.uniform(0.3, 0.9, n_sources).round(2)[source],
            "prior_rule": "category default",
            "commitment": np.where(rng.random(size) < 0.2, 0.6, 1.0),
            "confidence": rng.uniform(0.5, 1.0, size).round(2),
            "stance": np.where(sign < 0, "deny", "assert"),
            "cue": "said",
            "attribution": "source",
            "independence_group": "source:" + source_ids,
            "published_at": (SCALE_START + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        }
    )
    if not relations:
        claims["exclusive_set_id"] = pd.Series(question).map("q{}".format)
        claims["proposition_id"] = claims["exclusive_set_id"] + "=" + pd.Series(value).astype(str)
        return claims
    order = np.argsort(question, kind="stable")
    linked = np.flatnonzero(question[order][1:] == question[order][:-1])
    first, second = order[linked], order[linked + 1]
    agree = value[first] == value[second]
    for column, mask in (("supporting_claim_ids", agree), ("contradicting_claim_ids", ~agree)):
        pairs = pd.DataFrame({"claim": np.r_[first[mask], second[mask]], "other": ids.to_numpy()[np.r_[second[mask], first[mask]]]})
        # Two neighbours at most per claim: join them column-wise rather than per group in Python.
        pairs["rank"] = pairs.groupby("claim").cumcount()
        wide = pairs.pivot(index="claim", columns="rank", values="other").reindex(range(size))
        joined = wide[0].fillna("")
        if 1 in wide.columns:
            joined = joined.where(wide[1].isna(), joined + "; " + wide[1].fillna(""))
        claims[column] = joined.to_numpy()
    return claims


def run_scale(size: int, settings: ScoringSettings) -> dict[str, float]:
    """Seconds to score ``size`` claims, with propositions and with relation lists."""
    timings = {}
    for mode in ("propositions", "relations"):
        claims = scale_claims(size, relations=mode == "relations")
        started = time.perf_counter()
        scored = score_claims(claims, settings, as_of=SCALE_START + pd.Timedelta(days=SCALE_DAYS))
        timings[mode] = round(time.perf_counter() - started, 1)
        print(f"{mode}: scored {len(scored):,} claims of {claims['source_id'].nunique():,} sources in {timings[mode]} s", flush=True)
    return timings


# --- Command --------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `credence bench truth`."""
    parser.add_argument("--seeds", type=int, default=5, help="seeds per setting (default: 5)")
    parser.add_argument("--settings", default="all", help="comma-separated setting names (default: all; 'default' for the default world only)")
    parser.add_argument("--quick", action="store_true", help="small worlds (60 sources, 200 questions): a smoke test")
    parser.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    parser.add_argument("--config-dir", type=Path, default=io.DEFAULT_CONFIG_DIR, help="folder holding scoring.yaml (default: config)")
    parser.add_argument("--fusion-dir", type=Path, default=DEFAULT_FUSION_DIR, help="folder of book_author/ and population/ (default: ../shared/data/truth_discovery)")
    parser.add_argument("--no-fusion", action="store_true", help="skip the real fusion data sets")
    parser.add_argument("--write-calibration", type=Path, default=None, metavar="SCORING_YAML", help="fit the calibration and write it into this scoring.yaml, then evaluate with it")
    parser.add_argument("--calibration-method", choices=("isotonic", "platt"), default="isotonic")
    parser.add_argument("--calibration-seeds", type=int, default=3, help="seeds per setting for fitting the calibration (default: 3)")
    parser.add_argument("--scale", type=int, default=None, metavar="N", help="only time the scoring of N random claims (propositions, then relation lists)")


def _selected(arguments: argparse.Namespace) -> list[tuple[str, WorldSettings]]:
    """The settings the command line asks for."""
    base = WorldSettings(n_sources=60, n_questions=200) if arguments.quick else WorldSettings()
    named = sweep_settings(base)
    if arguments.settings != "all":
        wanted = {name.strip() for name in arguments.settings.split(",")}
        unknown = wanted - {name for name, _ in named}
        if unknown:
            raise SystemExit(f"unknown setting(s) {sorted(unknown)}; known: {[name for name, _ in named]}")
        named = [(name, settings) for name, settings in named if name in wanted]
    return named


def _cell(row: dict[str, float], metric: str) -> str:
    """"mean ± half-width" of one metric."""
    value, half = row.get(metric, math.nan), row.get(metric + "_ci95", math.nan)
    if math.isnan(value):
        return "-"
    return f"{value:.3f}" if math.isnan(half) else f"{value:.3f} ± {half:.3f}"


def render(report: dict[str, object]) -> str:
    """Markdown tables of the results."""
    lines = []
    for setting in report["settings"]:  # type: ignore[union-attr]
        lines += [f"\n{setting['name']} ({setting['seeds']} seeds)\n", "| method | accuracy | Brier | ECE | Spearman | Spearman (>= 10 claims) |", "|---|---|---|---|---|---|"]
        for method, row in setting["methods"].items():
            lines.append(f"| {method} | " + " | ".join(_cell(row, metric) for metric in METRICS) + " |")
        extra = setting["methods"]["credence"]
        lines.append(
            f"\ncredence on all claims (denials included): Brier {_cell(extra, 'brier_all_claims')}, ECE {_cell(extra, 'ece_all_claims')}; "
            f"single-source claims above the cap: {extra['single_source_above_cap']:.0f}"
        )
    for name, methods in report.get("fusion", {}).items():  # type: ignore[union-attr]
        columns = list(next(iter(methods.values())))
        lines += [f"\n{name}\n", "| method | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
        lines += [f"| {method} | " + " | ".join(f"{row[c]:.3f}" for c in columns) + " |" for method, row in methods.items()]
    return "\n".join(lines)


def _without_nan(value: object) -> object:
    """JSON has no NaN: undefined figures (one seed's interval, too few sources) become null."""
    if isinstance(value, dict):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nan(item) for item in value]
    return None if isinstance(value, float) and math.isnan(value) else value


def run(arguments: argparse.Namespace) -> int:
    """Run the benchmark; print tables; optionally write JSON and the calibration."""
    started = time.perf_counter()
    config = load_config(arguments.config_dir).scoring
    settings = config.scoring
    if arguments.scale is not None:
        timings = run_scale(arguments.scale, settings)
        if arguments.json is not None:
            io.write_text(arguments.json, json.dumps({"scale": arguments.scale, "seconds": timings}, indent=2) + "\n")
        return 0
    named = _selected(arguments)
    if arguments.write_calibration is not None:
        seeds = list(range(CALIBRATION_SEED, CALIBRATION_SEED + arguments.calibration_seeds))
        calibration = fit_calibration(named, seeds, settings, arguments.calibration_method)
        write_calibration(arguments.write_calibration, calibration)
        settings = settings.model_copy(update={"calibration": calibration})
        print(f"Calibration ({calibration.method}) fitted on {calibration.fitted_on}; written to {arguments.write_calibration}")
    report: dict[str, object] = {"settings": run_settings(named, list(range(arguments.seeds)), settings)}
    if not arguments.no_fusion:
        fusion = {}
        readers = {"book_author": truth_fusion.read_books, "population": truth_fusion.read_population}
        for name, reader in readers.items():
            folder = arguments.fusion_dir / name
            if not folder.exists():
                print(f"{folder} is absent: {name} skipped")
                continue
            fusion[name] = run_fusion(reader(folder), settings, anonymous_prior=config.category_priors.get("anonymous_source", config.category_priors["unknown"]))
        report["fusion"] = fusion
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(render(report))
    print(f"\n{report['seconds']} s")
    if arguments.json is not None:
        io.write_text(arguments.json, json.dumps(_without_nan(report), indent=2, allow_nan=False) + "\n")
    return 0
