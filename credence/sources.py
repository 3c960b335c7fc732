"""Resolve a source mention ("Pyongyang's military") to a canonical source with a prior.

Order of rules, first match wins: exact alias, alias after dropping titles and determiners,
a registered alias contained in the mention (longest first), fuzzy alias match (rapidfuzz),
then a category guessed from the mention's words with that category's configured prior.
Every result says which rule set the prior, for the explanation of each score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from credence.config import Config, SourceEntry
from credence.ingest import outlet_from_url

# Titles and roles dropped before an alias lookup ("Defence Minister Ilona Varga" -> "Ilona Varga").
_TITLE_WORDS = (
    "the", "a", "an", "mr", "mrs", "ms", "dr", "prof", "professor", "general", "gen", "colonel",
    "president", "prime", "minister", "defence", "defense", "foreign", "finance", "chief", "of",
    "staff", "spokesman", "spokeswoman", "spokesperson", "governor", "mayor", "senator", "top",
    "senior", "deputy", "head", "leader", "secretary", "ambassador", "commander", "director",
)
_PERSON_ROLE_WORDS = frozenset(
    {"minister", "general", "president", "spokesman", "spokeswoman", "spokesperson", "governor",
     "mayor", "senator", "chief", "commander", "director", "ambassador", "secretary", "head",
     "leader", "fellow", "economist", "chairman", "chairwoman", "ceo", "official", "master"}
)

# (pattern over the lower-cased mention, category, affiliation) for unregistered mentions.
_CATEGORY_RULES: tuple[tuple[str, str], ...] = (
    (r"\b(insider|insiders|a source|the source|sources? close to|who asked not to be named|unnamed)\b", "anonymous_source"),
    (r"\b(officials?|diplomats?|sources familiar|people familiar|aides?)\b", "anonymous_officials"),
    (r"\bintelligence\b", "intelligence_service"),
    (r"\b(experts?|analysts?|researchers?|economists?|scholars?|professor|dr\.?|fellow)\b", "expert"),
    (r"\b(news agency|agency|wire)\b", "wire_agency"),
    (r"\b(newspaper|daily|herald|times|gazette|ledger|post)\b", "newspaper"),
    (r"\b(army|military|general staff|forces|troops|armed forces|defen[cs]e ministry|ministry of defen[cs]e)\b", "military"),
    (r"\b(ministry|government|authorities|cabinet|parliament|kremlin|white house|president|prime minister|minister)\b", "government"),
    (r"\b(institute|think tank|foundation|ngo|charity|union|association|group)\b", "ngo_or_think_tank"),
    (r"\b(company|corp|inc|ltd|terminals?|operator|bank|firm)\b", "company"),
)

# Categories decided by the mention's words before a person's role is considered.
_PERSON_FIRST_CATEGORIES = frozenset({"anonymous_source", "anonymous_officials", "intelligence_service", "expert"})
_WEST = re.compile(r"\b(western|nato|allied)\b")


@dataclass(frozen=True)
class Resolution:
    source_id: str
    source_name: str
    source_type: str
    source_affiliation: str
    source_prior: float
    prior_rule: str
    resolution_method: str
    confidence: float


def normalise_mention(mention: str) -> str:
    """Lower case, straight apostrophes, single spaces, no surrounding punctuation or "the"."""
    text = mention.replace("’", "'").replace("‘", "'").replace("`", "'").lower()
    text = re.sub(r"[\"“”()\[\]]", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:-")
    return re.sub(r"^(the|a|an) ", "", text)


def _strip_titles(normalised: str) -> str:
    words = normalised.replace(",", " ").split()
    while words and words[0].rstrip(".") in _TITLE_WORDS:
        words.pop(0)
    return " ".join(words)


def mention_heads(normalised: str) -> set[str]:
    """Head words of a mention: the last word of each comma-separated part before any
    "of/at/in ..." phrase ("the governor of the bank, helena marsh" -> governor, marsh)."""
    heads: set[str] = set()
    for part in normalised.split(","):
        core = re.split(r" (?:of|at|in|for|from|with|who|which|on) ", " " + part.strip() + " ")
        words = (core[0] if core[0].strip() else part).split()
        if words:
            heads.add(words[-1])
    return heads


def looks_like_person(mention: str) -> bool:
    words = normalise_mention(mention).replace(",", " ").split()
    return any(word in _PERSON_ROLE_WORDS for word in words)


class SourceResolver:
    """Resolves mentions against the registry; results are cached by normalised mention."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._entries = {entry.id: entry for entry in config.registry.sources}
        self._aliases: dict[str, str] = {}
        for entry in config.registry.sources:
            for alias in (entry.name, *entry.aliases):
                self._aliases.setdefault(normalise_mention(alias), entry.id)
        self._domains = {domain.lower(): entry.id for entry in config.registry.sources for domain in entry.domains}
        # Longest first, so "ukraine's top general" wins over "ukraine".
        self._contained = sorted(self._aliases, key=len, reverse=True)
        self._patterns = [re.compile(rf"(?<![\w']){re.escape(alias)}(?![\w])") for alias in self._contained]
        self._alias_list = list(self._aliases)
        self._cache: dict[str, Resolution] = {}

    def _registered(self, entry: SourceEntry, method: str, confidence: float) -> Resolution:
        return Resolution(
            source_id=entry.id,
            source_name=entry.name,
            source_type=entry.type,
            source_affiliation=";".join(entry.affiliations),
            source_prior=entry.prior,
            prior_rule=f"registry prior of {entry.name} ({entry.type.replace('_', ' ')})",
            resolution_method=method,
            confidence=confidence,
        )

    def _category(self, mention: str, normalised: str) -> Resolution:
        category = "unknown"
        has_name = re.search(r"\b[A-Z][a-z]+ [A-Z][a-z]+", mention) is not None
        for pattern, name in _CATEGORY_RULES:
            # A named person whose head is a role ("the governor of the bank, Helena Marsh") is a
            # named official, even when an organisation is named inside the mention.
            if name not in _PERSON_FIRST_CATEGORIES and has_name and mention_heads(normalised) & _PERSON_ROLE_WORDS:
                category = "named_official"
                break
            if re.search(pattern, normalised):
                category = name
                break
        if category == "unknown" and re.fullmatch(r"([A-Z][\w.'-]+ ?){2,4}", mention.strip()):
            category = "named_person"
        priors = self._config.scoring.category_priors
        if category not in priors:
            category = "unknown"
        affiliation, rule_note = "bloc:west" if _WEST.search(normalised) else "", ""
        # People and bodies inherit the affiliation of a registered organisation named in the
        # mention ("General Anton Dravik, the chief of the Valdorian general staff").
        for alias, pattern in zip(self._contained, self._patterns, strict=True):
            entry = self._entries[self._aliases[alias]]
            if len(alias) >= 4 and entry.affiliations and pattern.search(normalised):
                affiliation, rule_note = ";".join(entry.affiliations), f"; affiliation from {entry.name}"
                break
        slug = re.sub(r"[^a-z0-9]+", "-", normalised).strip("-")[:60] or "unnamed"
        return Resolution(
            source_id=f"unregistered:{slug}",
            source_name=mention.strip() or "unnamed source",
            source_type=category,
            source_affiliation=affiliation,
            source_prior=priors[category],
            prior_rule=f"category default for {category.replace('_', ' ')} (unregistered source{rule_note})",
            resolution_method="category",
            confidence=0.5,
        )

    def resolve(self, mention: str) -> Resolution:
        """Resolve one source mention."""
        normalised = normalise_mention(mention)
        cached = self._cache.get(normalised)
        if cached is not None:
            return cached
        result = self._resolve_uncached(mention, normalised)
        self._cache[normalised] = result
        return result

    def _resolve_uncached(self, mention: str, normalised: str) -> Resolution:
        if normalised in self._aliases:
            return self._registered(self._entries[self._aliases[normalised]], "alias", 1.0)
        untitled = _strip_titles(normalised)
        if untitled in self._aliases:
            return self._registered(self._entries[self._aliases[untitled]], "alias-without-title", 0.95)
        # A contained alias counts only when it holds the mention's head: "the governor of the
        # National Bank of Kestria" is not the Kestrian government, "Defence Minister Ilona Varga" is Varga.
        heads = mention_heads(normalised)
        for alias, pattern in zip(self._contained, self._patterns, strict=True):
            if len(alias) >= 4 and heads & set(alias.split()) and pattern.search(normalised):
                return self._registered(self._entries[self._aliases[alias]], "contains-alias", 0.85)
        threshold = self._config.scoring.fuzzy_threshold
        match = process.extractOne(normalised, self._alias_list, scorer=fuzz.token_sort_ratio, score_cutoff=threshold)
        if match is not None:
            return self._registered(self._entries[self._aliases[match[0]]], f"fuzzy ({match[1]:.0f})", match[1] / 100)
        return self._category(mention, normalised)

    def resolve_outlet(self, outlet: str, url: str = "") -> Resolution:
        """The publishing outlet, from its name, else its registrable domain."""
        domain = outlet_from_url(url) if url else ""
        for candidate in (outlet.lower(), domain):
            if candidate in self._domains:
                return self._registered(self._entries[self._domains[candidate]], "outlet-domain", 1.0)
        resolution = self.resolve(outlet)
        if resolution.resolution_method == "category":
            priors = self._config.scoring.category_priors
            category = "digital_outlet" if "digital_outlet" in priors else "unknown"
            return Resolution(
                source_id=resolution.source_id,
                source_name=outlet,
                source_type=category,
                source_affiliation="",
                source_prior=priors[category],
                prior_rule=f"category default for {category.replace('_', ' ')} (unregistered outlet)",
                resolution_method="outlet-category",
                confidence=0.5,
            )
        return resolution


def resolve_claim_sources(claims: pd.DataFrame, articles: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Add the SOURCE_COLUMNS of models to a claims frame (outlet claims resolve to the outlet)."""
    resolver = SourceResolver(config)
    urls = dict(zip(articles["article_id"], articles["url"], strict=True))
    outlets = dict(zip(articles["article_id"], articles["outlet"], strict=True))
    rows = []
    for article_id, attribution, mention in zip(claims["article_id"], claims["attribution"], claims["source_text"], strict=True):
        if attribution == "outlet":
            resolution = resolver.resolve_outlet(outlets[article_id], urls[article_id])
        else:
            resolution = resolver.resolve(mention)
        rows.append(resolution)
    resolved = pd.DataFrame(
        [
            {
                "source_id": r.source_id,
                "source_name": r.source_name,
                "source_type": r.source_type,
                "source_affiliation": r.source_affiliation,
                "source_prior": r.source_prior,
                "prior_rule": r.prior_rule,
                "resolution_method": r.resolution_method,
            }
            for r in rows
        ],
        index=claims.index,
    )
    return pd.concat([claims, resolved], axis=1)
