"""Configuration in config/*.yaml, validated with pydantic.

A bad file fails with one error that names the file, the entry and the field, the value
found and what is allowed, so that an analyst editing the YAML can fix it without the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

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
    domains: list[str] = Field(default_factory=list)
    prior: float = Field(ge=0.0, le=1.0)
    strength: float = Field(default=10.0, gt=0.0)
    authoritative: bool = False

    @field_validator("affiliations")
    @classmethod
    def _affiliation_has_kind(cls, values: list[str]) -> list[str]:
        for value in values:
            if ":" not in value:
                raise ValueError(f"affiliation {value!r} must look like 'kind:value', e.g. 'state:VA'")
        return values


class SourceRegistry(_Strict):
    sources: list[SourceEntry]

    @field_validator("sources")
    @classmethod
    def _unique_ids(cls, sources: list[SourceEntry]) -> list[SourceEntry]:
        seen: set[str] = set()
        for entry in sources:
            if entry.id in seen:
                raise ValueError(f"source id {entry.id!r} appears twice; ids must be unique")
            seen.add(entry.id)
        return sources


class CueClass(_Strict):
    stance: Literal["assert", "deny", "hedge", "belief"]
    commitment: float = Field(ge=0.0, le=1.0)
    lemmas: list[str] = Field(min_length=1)


class CueLexicon(_Strict):
    """Reporting cues by class (config/cues.yaml)."""

    classes: dict[str, CueClass]


class CorroborationSettings(_Strict):
    similarity_threshold: float = Field(default=0.35, gt=0.0, le=1.0)
    syndication_threshold: float = Field(default=0.75, gt=0.0, le=1.0)
    story_threshold: float = Field(default=0.2, gt=0.0, le=1.0)
    number_tolerance: float = Field(default=0.15, ge=0.0, le=1.0)


class ScoringSettings(_Strict):
    support_weight: float = Field(default=1.0, ge=0.0)
    contradict_weight: float = Field(default=1.2, ge=0.0)
    same_group_factor: float = Field(default=0.1, ge=0.0, le=1.0)
    single_source_cap: float = Field(default=0.75, ge=0.0, le=1.0)
    low_credibility: float = Field(default=0.45, ge=0.0, le=1.0)
    prior_clip: float = Field(default=0.02, gt=0.0, lt=0.5)


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


@dataclass(frozen=True)
class Config:
    """Everything read from a config folder."""

    registry: SourceRegistry
    scoring: ScoringConfig
    cues: CueLexicon
    directory: Path


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
    return Config(
        registry=_validate(SourceRegistry, config_dir / "sources.yaml"),
        scoring=_validate(ScoringConfig, config_dir / "scoring.yaml"),
        cues=_validate(CueLexicon, config_dir / "cues.yaml"),
        directory=config_dir,
    )
