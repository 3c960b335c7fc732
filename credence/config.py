"""Configuration in config/*.yaml, validated with pydantic.

A bad file fails with one error that names the file, the entry and the field, the value
found and what is allowed, so that an analyst editing the YAML can fix it without the code.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SourceType = Literal[
    "wire_agency",
    "state_media",
    "newspaper",
    "tabloid",
    "broadcaster",
    "digital_outlet",
    "government",
    "military",
    "intelligence_service",
    "named_official",
    "named_person",
    "anonymous_officials",
    "anonymous_source",
    "expert",
    "ngo_or_think_tank",
    "company",
    "social_media_account",
    "unknown",
]


ModelT = TypeVar("ModelT", bound=BaseModel)


class ConfigError(ValueError):
    """A configuration file is missing or invalid; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceEntry(_Strict):
    """One registered source in config/sources.yaml."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.:-]*$")
    name: str = Field(min_length=1)
    type: SourceType
    country: str = ""
    affiliations: list[str] = Field(default_factory=list)
    interested_in: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    # Regular expressions searched in the normalised (lower-case) mention, for name families
    # that a list of aliases cannot enumerate ("kcna( report)?").
    patterns: list[str] = Field(default_factory=list)
    # Adjectives naming this entry's country inside other mentions ("North Korean"): they give
    # other mentions a country (and state bodies an affiliation) but never resolve to this entry.
    demonyms: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    role: str = ""  # a person's role ("foreign minister"); a role written in the mention wins
    # Id of the registered body a person speaks for: its affiliations, country, interests
    # and (when this entry has none) its prior are inherited.
    organisation: str = ""
    prior: float | None = Field(default=None, ge=0.0, le=1.0)  # None: the organisation's, else the category default
    strength: float = Field(default=10.0, gt=0.0)
    # An imported outlet rating of one of `domains` replaces `prior` unless this is false.
    prefer_ratings: bool = True
    authoritative: bool = False

    @field_validator("affiliations")
    @classmethod
    def _affiliation_has_kind(cls, values: list[str]) -> list[str]:
        for value in values:
            if ":" not in value:
                raise ValueError(f"affiliation {value!r} must look like 'kind:value', e.g. 'state:VA'")
        return values

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"pattern {value!r} is not a valid regular expression: {error}") from None
        return values

    @field_validator("domains")
    @classmethod
    def _domains_are_hosts(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", value):
                raise ValueError(f"domain {value!r} must be a lower-case host name such as 'reuters.com' (no scheme, no path)")
        return values


def _alias_key(alias: str) -> str:
    # Only to catch one alias given to two sources; the resolver's own normalisation is finer.
    return re.sub(r"^(the|a|an) ", "", " ".join(alias.replace("\u2019", "'").lower().split()))


class SourceRegistry(_Strict):
    """The source registry (config/sources.yaml)."""

    # Outlet priors made by `credence sources import-ratings`, relative to the config folder.
    # The file is the user's own (generated, not committed); it is used when it exists.
    ratings_file: str = Field(default="outlet_ratings.csv", pattern=r"\.csv$")
    sources: list[SourceEntry]

    @field_validator("sources")
    @classmethod
    def _unique_ids(cls, sources: list[SourceEntry]) -> list[SourceEntry]:
        seen: set[str] = set()
        for entry in sources:
            if entry.id in seen:
                raise ValueError(f"source id {entry.id!r} appears twice; ids must be unique")
            seen.add(entry.id)
        owners: dict[str, str] = {}
        for entry in sources:
            for alias in {_alias_key(alias) for alias in (entry.name, *entry.aliases)}:
                if owners.setdefault(alias, entry.id) != entry.id:
                    raise ValueError(f"alias {alias!r} of source {entry.id!r} is already an alias of {owners[alias]!r}")
        for entry in sources:
            chain, current = [entry.id], entry
            while current.organisation:
                if current.organisation not in seen:
                    raise ValueError(f"organisation {current.organisation!r} of source {current.id!r} is not a registered id")
                if current.organisation in chain:
                    raise ValueError(f"organisations of source {entry.id!r} form a cycle: {' -> '.join([*chain, current.organisation])}")
                chain.append(current.organisation)
                current = next(other for other in sources if other.id == current.organisation)
        return sources


class OutletRating(NamedTuple):
    """One imported outlet rating (a row of the file `credence sources import-ratings` writes)."""

    domain: str
    prior: float
    raw_score: float
    source_file: str
    source_column: str
    imported_on: str


OUTLET_RATING_COLUMNS: list[str] = list(OutletRating._fields)


def load_outlet_ratings(path: Path) -> dict[str, OutletRating]:
    """Read an imported-ratings file into domain -> rating; errors name the file, line and field."""
    ratings: dict[str, OutletRating] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = [column for column in OUTLET_RATING_COLUMNS if column not in header]
        if missing:
            raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}; regenerate it with `credence sources import-ratings`")
        at = [header.index(column) for column in OUTLET_RATING_COLUMNS]
        for line, row in enumerate(reader, start=2):
            try:
                domain, prior_text, raw_text, source_file, source_column, imported_on = (row[i] for i in at)
                prior, raw_score = float(prior_text), float(raw_text)
            except (IndexError, ValueError):
                raise ConfigError(f"{path}: line {line}: expected {len(header)} fields with numbers in prior and raw_score (found {row!r:.120})") from None
            if not 0.0 <= prior <= 1.0:
                raise ConfigError(f"{path}: line {line} (domain {domain!r}) field prior: must be in [0, 1] (found {prior})")
            domain = domain.strip().lower()
            if domain not in ratings:
                ratings[domain] = OutletRating(domain, prior, raw_score, source_file, source_column, imported_on)
    return ratings


class CueClass(_Strict):
    """One class of reporting cues: what they say about the speaker's stance, and how firmly."""

    stance: Literal["assert", "deny", "hedge", "belief", "prediction"]
    commitment: float = Field(ge=0.0, le=1.0)
    # Verb lemmas ("say", "deny"), or multi-word prepositional cues ("according to").
    lemmas: list[str] = Field(min_length=1)
    # Noun lemmas that carry the same cue with a possessor or "by"-agent ("Moscow's claim that ...").
    nouns: list[str] = Field(default_factory=list)
    # Adjective lemmas reporting with a clause or a prepositional object ("X is confident that C").
    adjectives: list[str] = Field(default_factory=list)
    # Whether a noun-phrase object or an infinitive is content enough (positions: "backed
    # Clinton", "called for a no-fly zone", "wants to build a wall"); otherwise only clauses,
    # quotes and the grammatical patterns of credence/attribution_rules.py count.
    objects: bool = False
    # Whether attributions of this class become claims to score. Positions ("backed Clinton")
    # and topics ("talked about trade") are attributions, found and measured as such, but carry
    # no statement that can be true or false; their sentences stay the outlet's assertions.
    scored: bool = True

    @field_validator("lemmas", "nouns", "adjectives")
    @classmethod
    def _lower_case_words(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.strip() or value != value.strip().lower():
                raise ValueError(f"cue {value!r} must be a non-empty lower-case lemma without surrounding spaces")
        return values


class CueLexicon(_Strict):
    """Reporting cues by class (config/cues.yaml)."""

    classes: dict[str, CueClass]

    @field_validator("classes")
    @classmethod
    def _not_empty(cls, classes: dict[str, CueClass]) -> dict[str, CueClass]:
        if not classes:
            raise ValueError("at least one cue class is required")
        return classes


class CorroborationSettings(_Strict):
    """Thresholds of credence/corroboration.py (the `corroboration:` block of scoring.yaml)."""

    similarity_threshold: float = Field(default=0.4, gt=0.0, le=1.0)
    syndication_threshold: float = Field(default=0.75, gt=0.0, le=1.0)
    story_threshold: float = Field(default=0.35, gt=0.0, le=1.0)
    story_max_articles: int = Field(default=500, ge=2)
    number_tolerance: float = Field(default=0.15, ge=0.0, le=1.0)
    candidate_threshold: float = Field(default=0.2, gt=0.0, le=1.0)
    match_threshold: float = Field(default=0.8, gt=0.0, lt=1.0)
    question_overlap: float = Field(default=0.6, gt=0.0, le=1.0)
    block_max_df: int = Field(default=200, ge=2)
    block_top_k: int = Field(default=20, ge=1)
    block_max_story: int = Field(default=2000, ge=2)
    relation_model: str = ""


class CalibrationSettings(_Strict):
    """Monotone map from the model's probability to a calibrated one (`credence bench truth --write-calibration`)."""

    method: Literal["none", "platt", "isotonic"] = "none"
    # Platt: calibrated log-odds = slope x log-odds + intercept.
    slope: float = Field(default=1.0, gt=0.0)
    intercept: float = 0.0
    # Isotonic: piecewise-linear through (x, y), both non-decreasing probabilities.
    x: list[float] = Field(default_factory=list)
    y: list[float] = Field(default_factory=list)
    fitted_on: str = ""

    @field_validator("x", "y")
    @classmethod
    def _monotone_probabilities(cls, values: list[float]) -> list[float]:
        if any(not 0.0 <= value <= 1.0 for value in values) or any(b < a for a, b in zip(values, values[1:])):
            raise ValueError("calibration points must be probabilities in [0, 1], in non-decreasing order")
        return values

    @field_validator("y")
    @classmethod
    def _same_length(cls, values: list[float], info) -> list[float]:  # type: ignore[no-untyped-def]
        if len(values) != len(info.data.get("x", [])):
            raise ValueError("calibration x and y must have the same number of points")
        return values


class ScoringSettings(_Strict):
    # A further claim of an independence group already counted for a proposition weighs this much.
    same_group_factor: float = Field(default=0.1, ge=0.0, le=1.0)
    # Weight of a claim by a party with a stake in the topic (registry `interested_in`).
    interested_factor: float = Field(default=0.5, ge=0.0, le=1.0)
    # A source stating an interested party's answer on at least echo_agreement of at least
    # echo_min_questions questions of its cause joins the party's group on them.
    echo_min_questions: int = Field(default=5, ge=1)
    echo_agreement: float = Field(default=0.8, gt=0.0, le=1.0)
    # A claim published this many days before the run date (as_of) weighs half.
    half_life_days: float = Field(default=30.0, gt=0.0)
    single_source_cap: float = Field(default=0.75, ge=0.0, le=1.0)
    low_credibility: float = Field(default=0.45, ge=0.0, le=1.0)
    prior_clip: float = Field(default=0.02, gt=0.0, lt=0.5)
    max_iterations: int = Field(default=50, ge=0, le=1000)
    tolerance: float = Field(default=1e-4, gt=0.0)
    # Learned reliability evidence carried across nights halves over this many days.
    reliability_half_life_days: float = Field(default=180.0, gt=0.0)
    # Weaken the priors' strength when sources with many judged claims stray from their priors
    # more than that strength allows (an empirical-Bayes check of the registry), per connected
    # component of sources and questions, never across unrelated claims.
    adapt_prior_strength: bool = True
    calibration: CalibrationSettings = CalibrationSettings()


class ScoringConfig(_Strict):
    """Category priors for unregistered sources and the tuning knobs (config/scoring.yaml)."""

    category_priors: dict[str, float]
    default_strength: float = Field(default=5.0, gt=0.0)
    fuzzy_threshold: float = Field(default=90.0, ge=0.0, le=100.0)
    corroboration: CorroborationSettings = CorroborationSettings()
    scoring: ScoringSettings = ScoringSettings()

    @field_validator("category_priors")
    @classmethod
    def _priors_are_probabilities(cls, priors: dict[str, float]) -> dict[str, float]:
        for name, value in priors.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"prior of category {name!r} is {value}; it must be in [0, 1]")
        if "unknown" not in priors:
            raise ValueError("category 'unknown' is required: it is the prior of last resort")
        return priors


class IngestSettings(_Strict):
    """How raw files become articles (config/ingest.yaml; every key optional)."""

    min_words: int = Field(default=5, ge=1, description="shorter texts are quarantined as too short")
    max_chars: int = Field(default=200_000, ge=1_000, description="longer texts are cut here; the ledger says so")
    non_english: Literal["quarantine", "process"] = Field(
        default="quarantine", description="what to do with articles that are not in English"
    )


@dataclass(frozen=True)
class Config:
    """Everything read from a config folder."""

    registry: SourceRegistry
    scoring: ScoringConfig
    cues: CueLexicon
    directory: Path
    ingest: IngestSettings = IngestSettings()
    outlet_ratings: Mapping[str, OutletRating] = field(default_factory=dict)  # domain -> imported rating


def _describe(path: Path, raw: object, error: ValidationError) -> str:
    lines = [f"{path}: invalid configuration"]
    for problem in error.errors():
        location = list(problem["loc"])
        where = ".".join(str(part) for part in location)
        # Name the entry by its id where there is one, so "sources.3" becomes readable.
        if len(location) >= 2 and location[0] == "sources" and isinstance(location[1], int):
            try:
                entry_id = raw["sources"][location[1]].get("id")  # type: ignore[index,union-attr]
                where = f"sources[{location[1]}] (id {entry_id!r}) field {'.'.join(map(str, location[2:]))}"
            except (KeyError, IndexError, TypeError, AttributeError):
                pass
        value = problem.get("input")
        shown = repr(value) if not isinstance(value, dict) else "a mapping"
        lines.append(f"  - {where}: {problem['msg']} (found {shown[:80]})")
    return "\n".join(lines)


def load_yaml(path: Path) -> object:
    """Read YAML safely (no arbitrary object construction) with a readable error."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: configuration file not found") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error


def _validate(model: type[ModelT], path: Path) -> ModelT:
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, found {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(path, raw, error)) from None


def load_config(config_dir: Path) -> Config:
    """Load and validate sources.yaml, scoring.yaml and cues.yaml from ``config_dir``."""
    config_dir = Path(config_dir)
    registry = _validate(SourceRegistry, config_dir / "sources.yaml")
    # Optional: without a generated ratings file, outlets keep their registry or category priors.
    ratings_path = config_dir / registry.ratings_file
    return Config(
        registry=registry,
        scoring=_validate(ScoringConfig, config_dir / "scoring.yaml"),
        cues=_validate(CueLexicon, config_dir / "cues.yaml"),
        directory=config_dir,
        # Optional: a folder without ingest.yaml runs with the defaults.
        ingest=_validate(IngestSettings, config_dir / "ingest.yaml") if (config_dir / "ingest.yaml").exists() else IngestSettings(),
        outlet_ratings=load_outlet_ratings(ratings_path) if ratings_path.exists() else {},
    )
