"""Resolve a source mention ("Pyongyang's military") to a canonical source with a prior.

Order of rules, first match wins: exact alias, alias after dropping titles and determiners,
a registry pattern, a registered alias contained in the mention that holds one of its head
words (a person's name beats the body they speak for), a country qualifier plus a kind of
body ("Moscow's army" -> the registered Russian military), a fuzzy alias match (rapidfuzz),
then a category guessed from the mention's words with that category's configured prior.
Within one article, a short unregistered mention ("Renner", "the general staff") takes the
resolution of a longer mention of the same article that contains it.

Every result records its method, a confidence, and the rule that set its prior (registry,
imported outlet rating with its file, column and date, inherited from the organisation, or
category default), for the explanation of each score. Results are cached by normalised
mention, so a run pays once per distinct mention.
"""

from __future__ import annotations

import bisect
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import PurePath
from urllib.parse import urlsplit

import pandas as pd
from rapidfuzz import fuzz, process

from credence.config import Config, OutletRating, SourceEntry
from credence.ingest import outlet_from_url

# Titles and roles dropped before an alias lookup ("Defence Minister Ilona Varga" -> "Ilona Varga").
_TITLE_WORDS = frozenset(
    {"the", "a", "an", "mr", "mrs", "ms", "dr", "prof", "professor", "general", "gen", "colonel",
     "president", "prime", "minister", "defence", "defense", "foreign", "finance", "chief", "of",
     "staff", "spokesman", "spokeswoman", "spokesperson", "governor", "mayor", "senator", "top",
     "senior", "deputy", "head", "leader", "secretary", "ambassador", "commander", "director",
     "harbour", "harbor", "master", "lt", "maj", "capt", "sen", "rep", "admiral"}
)
_PERSON_ROLE_WORDS = frozenset(
    {"minister", "general", "president", "spokesman", "spokeswoman", "spokesperson", "governor",
     "mayor", "senator", "chief", "commander", "director", "ambassador", "secretary", "head",
     "leader", "fellow", "economist", "chairman", "chairwoman", "ceo", "official", "master",
     "colonel", "admiral", "chancellor", "premier", "envoy", "diplomat", "prosecutor", "judge"}
)
# Roles recorded on a person's resolution; longest first so "chief of staff" beats "chief".
_ROLE_PHRASES = sorted(
    ("chief of the general staff", "chief of staff", "commander-in-chief", "defence minister",
     "defense minister", "foreign minister", "finance minister", "interior minister", "prime minister",
     "vice president", "minister", "president", "general", "colonel", "admiral", "commander",
     "spokesperson", "spokesman", "spokeswoman", "ambassador", "governor", "mayor", "senator",
     "harbour master", "fire chief", "chief", "head", "leader", "director", "secretary", "economist",
     "analyst", "senior fellow", "fellow", "professor", "researcher", "chancellor", "envoy", "prosecutor"),
    key=len, reverse=True,
)
_ROLE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(role) for role in _ROLE_PHRASES) + r")(?![\w-])")

# (category, pattern over the normalised mention), first match wins. Person-like categories
# come first: "military experts" are experts and "Western intelligence officials" officials.
_PERSON_FIRST_RULES: tuple[tuple[str, str], ...] = (
    ("state_media", r"\b(state[- ](run |owned |controlled )?(media|news|television|tv|broadcaster|press)|official news agency)\b"),
    ("anonymous_officials", r"\b(officials?|diplomats?|aides?|people familiar|sources familiar|administration sources)\b"),
    ("anonymous_source", r"\b(insiders?|sources?|unnamed|anonymous|who asked not to be named|whistle-?blowers?)\b"),
    ("intelligence_service", r"\b(intelligence|spy agency|spy service)\b"),
    ("expert", r"\b(experts?|analysts?|researchers?|economists?|scholars?|academics?|scientists?|professor|dr|fellow"
               r"|specialists?|observers?)\b"),
)
_BODY_RULES: tuple[tuple[str, str], ...] = (
    ("wire_agency", r"\b(news agency|press agency|wire service|newswire|wire)\b"),
    ("social_media_account", r"\b(telegram channel|blogger|influencer|account|posted on x|tweet(ed)?)\b"),
    ("broadcaster", r"\b(television|tv|radio|broadcaster|broadcasting)\b"),
    ("newspaper", r"\b(newspaper|daily|herald|times|gazette|ledger|post|journal|tribune|chronicle)\b"),
    ("military", r"\b(army|armies|military|militaries|general staff|forces|troops|soldiers|navy|air force|commanders"
                 r"|defen[cs]e ministry|ministry of defen[cs]e|brigade|battalions?|pentagon)\b"),
    ("government", r"\b(ministry|ministries|governments?|authorities|cabinet|parliament|kremlin|white house|presidency"
                   r"|embassy|office|agency|bureau|department|council|commission|administration|police|regulator"
                   r"|authority|central bank|national bank|statistics|prosecutors?)\b"),
    ("ngo_or_think_tank", r"\b(institute|think tank|foundation|ngo|charity|union|association|watchdog|group|observatory"
                          r"|human rights|monitor)\b"),
    ("company", r"\b(company|companies|corp|corporation|inc|ltd|plc|terminals?|operator|bank|banks|firm|manufacturer)\b"),
)
_PERSON_FIRST_RULES_COMPILED = [(name, re.compile(pattern)) for name, pattern in _PERSON_FIRST_RULES]
_BODY_RULES_COMPILED = [(name, re.compile(pattern)) for name, pattern in _BODY_RULES]
# Categories that speak for a state: they inherit a state's affiliation from a country named
# in the mention ("Russian officials"); experts, companies and outlets only take its country.
_STATE_LIKE = frozenset(
    {"government", "military", "intelligence_service", "state_media", "named_official", "anonymous_officials", "anonymous_source"}
)
# Bodies a country qualifier can point to a registered entry of ("Moscow's army"). Not state
# media: a state has several outlets, and "Valdorian state television" is not its news agency.
_COUNTRY_KINDS = frozenset({"government", "military", "intelligence_service"})
# Categories whose prior is lower when their state is a party to a conflict in the registry.
_PARTY_CATEGORIES = frozenset({"government", "military", "state_media"})
_OUTLET_TYPES = frozenset({"wire_agency", "state_media", "newspaper", "tabloid", "broadcaster", "digital_outlet"})
_PERSON_TYPES = frozenset({"named_official", "named_person", "expert"})
_WEST = re.compile(r"\b(western|nato|allied)\b")
_TOKEN = re.compile(r"'s\b|[^\W_]+(?:[.&-][^\W_]+)*")
_NAME_WORD = re.compile(r"[A-Z][a-z'’.-]+|[A-Z]\.")
# Words that end a mention's head phrase: "a channel close to the army" is a channel.
_NOT_NAMES = _TITLE_WORDS | _PERSON_ROLE_WORDS
_QUOTES = re.compile(r"[\"“”()\[\]]")
_SPACES = re.compile(r"\s+")
_ARTICLE = re.compile(r"^(the|a|an) ")
_WORD = re.compile(r"[\w'’.-]+")
_CAPITALISED_NAME = re.compile(r"([A-Z][\w.'’-]+ ?){2,4}")
_SLUG = re.compile(r"[^a-z0-9]+")
_PREPOSITIONS = frozenset(
    {"of", "at", "in", "for", "from", "with", "who", "which", "on", "to", "by", "under", "close", "near",
     "linked", "loyal", "tied", "affiliated", "connected", "backed"}
)


@dataclass(frozen=True)
class Resolution:
    """A mention resolved: the source, its type, affiliation, prior and how it was found."""

    source_id: str
    source_name: str
    source_type: str
    source_affiliation: str
    source_prior: float
    prior_rule: str
    resolution_method: str
    confidence: float
    source_role: str = ""
    source_organisation: str = ""  # registry id of the body a person speaks for
    source_country: str = ""
    source_interested_in: str = ""  # ";"-joined topics where the source is an interested party
    source_strength: float = 0.0  # pseudo-observations the prior is worth


# Columns added to the claims table besides models.SOURCE_COLUMNS (kept after the documented ones).
EXTRA_SOURCE_COLUMNS: list[str] = [
    "source_role", "source_organisation", "source_country", "source_interested_in", "source_strength", "resolution_confidence",
]


@dataclass(frozen=True)
class _Profile:
    """What a registered entry resolves to, computed once: inherited fields and its prior."""

    entry: SourceEntry
    affiliations: str
    country: str
    interested_in: str
    prior: float
    prior_rule: str
    strength: float


# A night names the same few thousand sources again and again.
@lru_cache(maxsize=100_000)
def normalise_mention(mention: str) -> str:
    """Lower case, straight apostrophes, single spaces, no surrounding punctuation or "the"."""
    text = mention.replace("’", "'").replace("‘", "'").replace("`", "'").lower()
    text = _SPACES.sub(" ", _QUOTES.sub(" ", text)).strip(" ,.;:-")
    return _ARTICLE.sub("", text)


def mention_tokens(normalised: str) -> list[str]:
    """Words of a normalised mention, with a possessive "'s" as its own token."""
    return _TOKEN.findall(normalised)


def mention_key(text: str) -> str:
    """The lookup key of a mention or alias: its tokens after normalisation, space-joined."""
    return " ".join(mention_tokens(normalise_mention(text)))


def _strip_titles(tokens: Sequence[str]) -> list[str]:
    """The tokens after any leading titles, roles and determiners."""
    start = 0
    while start < len(tokens) and tokens[start] in _TITLE_WORDS:
        start += 1
    return list(tokens[start:])


def mention_heads(normalised: str) -> set[str]:
    """Head words of a mention: the last word of each comma-separated part before any
    "of/at/in ..." phrase ("the governor of the bank, helena marsh" -> governor, marsh)."""
    heads: set[str] = set()
    for part in normalised.split(","):
        words = [token for token in mention_tokens(part) if token != "'s"]
        for index, word in enumerate(words):
            if word in _PREPOSITIONS and index > 0:
                words = words[:index]
                break
        if words:
            heads.add(words[-1])
    return heads


def looks_like_person(mention: str) -> bool:
    """True when the mention holds a role word ("minister", "spokesperson", "chief" ...)."""
    words = normalise_mention(mention).replace(",", " ").split()
    return any(word in _PERSON_ROLE_WORDS for word in words)


def mention_role(normalised: str) -> str:
    """The first role named in a mention ("russian chief of staff valery gerasimov" -> chief of staff)."""
    match = _ROLE.search(normalised)
    return match.group(1) if match else ""


def names_a_body(text: str) -> bool:
    """True when words name an organisation ("Harlow Institute", "National Bank"), not a person."""
    normalised = normalise_mention(text)
    return any(pattern.search(normalised) for _, pattern in _BODY_RULES_COMPILED)


def _titled_name(mention: str) -> bool:
    """A role word written right before a capitalised name ("Foreign Minister Daniel Ardel")."""
    words = _WORD.findall(mention)
    for word, following in zip(words, words[1:], strict=False):
        if word.lower() in _PERSON_ROLE_WORDS and _NAME_WORD.fullmatch(following) and following.lower().strip(".") not in _NOT_NAMES:
            return True
    return False


def guess_category(mention: str, normalised: str, *, label: str = "", heads: set[str] | None = None) -> str:
    """The kind of an unregistered source from its words (and its named-entity label if known)."""
    if mention.strip().startswith("@"):
        return "social_media_account"
    for name, pattern in _PERSON_FIRST_RULES_COMPILED:
        if pattern.search(normalised):
            return name
    # A person named by role ("the governor of the bank, Helena Marsh", "the city's fire
    # chief") is an official even when an organisation is named inside the mention.
    if (mention_heads(normalised) if heads is None else heads) & _PERSON_ROLE_WORDS or _titled_name(mention):
        return "named_official"
    for name, pattern in _BODY_RULES_COMPILED:
        if pattern.search(normalised):
            return name
    if label == "PERSON" or _CAPITALISED_NAME.fullmatch(mention.strip()):
        return "named_person"
    if label == "GPE":
        return "government"  # a place named as a speaker is its government ("Ostrane said")
    return "unknown"


class SourceResolver:
    """Resolves mentions against the registry; results are cached by normalised mention."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._priors = config.scoring.category_priors
        self._ratings = config.outlet_ratings
        self._entries = {entry.id: entry for entry in config.registry.sources}
        self._profiles = {entry.id: self._profile(entry) for entry in config.registry.sources}
        self._aliases: dict[str, str] = {}
        for entry in config.registry.sources:
            for alias in (entry.name, *entry.aliases):
                key = mention_key(alias)
                if key:
                    self._aliases.setdefault(key, entry.id)
        self._demonyms: dict[str, str] = {}
        for entry in config.registry.sources:
            for demonym in entry.demonyms:
                self._demonyms.setdefault(mention_key(demonym), entry.id)
        # Longest alias (in tokens) by its first token: only n-grams that can match are built.
        self._spans: dict[str, int] = {}
        for key in (*self._aliases, *self._demonyms):
            words = key.split()
            self._spans[words[0]] = max(self._spans.get(words[0], 0), len(words))
        self._patterns = [(re.compile(pattern), entry.id) for entry in config.registry.sources for pattern in entry.patterns]
        self._domains = {domain: entry.id for entry in config.registry.sources for domain in entry.domains}
        self._by_country_kind: dict[tuple[str, str], str] = {}
        for entry in config.registry.sources:
            if entry.country and not entry.organisation:
                self._by_country_kind.setdefault((entry.country, entry.type), entry.id)
        # Fuzzy matching compares sorted tokens (token-sort ratio), sorted once here.
        # Sorted by length: a ratio of at least the threshold needs lengths within a window.
        self._fuzzy_keys = sorted(self._aliases, key=lambda key: len(" ".join(sorted(key.split()))))
        self._fuzzy_choices = [" ".join(sorted(key.split())) for key in self._fuzzy_keys]
        self._fuzzy_lengths = [len(choice) for choice in self._fuzzy_choices]
        self._cache: dict[tuple[str, str], Resolution] = {}
        self._outlet_cache: dict[tuple[str, str], Resolution] = {}

    # --- registered entries -------------------------------------------------------------

    def _lineage(self, entry: SourceEntry) -> list[SourceEntry]:
        """The entry, then its organisation, that one's organisation, and so on."""
        chain = [entry]
        while chain[-1].organisation:
            chain.append(self._entries[chain[-1].organisation])
        return chain

    def _rating_of(self, entry: SourceEntry) -> tuple[str, OutletRating] | None:
        """The first imported rating of one of the entry's domains, unless it keeps its own prior."""
        if not entry.prefer_ratings:
            return None
        for domain in entry.domains:
            if domain in self._ratings:
                return domain, self._ratings[domain]
        return None

    def _profile(self, entry: SourceEntry) -> _Profile:
        """Inherited affiliations, country, interests, and the prior with the rule that set it."""
        lineage = self._lineage(entry)
        affiliations = list(dict.fromkeys(a for member in reversed(lineage) for a in member.affiliations))
        country = next((member.country for member in lineage if member.country), "")
        interested = list(dict.fromkeys(topic for member in lineage for topic in member.interested_in))
        category, label = entry.type, entry.type.replace("_", " ")
        if category in _PARTY_CATEGORIES and interested and f"{category}_party" in self._priors:
            category, label = f"{category}_party", f"{label} of a party to {', '.join(interested)}"
        prior, strength = self._category_prior(category), self._config.scoring.default_strength
        rule = f"category default for {label} (registered source without a prior)"
        for depth, member in enumerate(lineage):
            rated = self._rating_of(member)
            if rated is not None:
                prior, rule, strength = rated[1].prior, rating_rule(*rated), member.strength
            elif member.prior is not None:
                prior, strength = member.prior, member.strength
                rule = f"registry prior of {member.name} ({member.type.replace('_', ' ')})"
            else:
                continue
            if depth:
                rule += f", the organisation of {entry.name}"
            break
        return _Profile(entry, ";".join(affiliations), country, ";".join(interested), prior, rule, strength)

    def _category_prior(self, category: str) -> float:
        """The configured prior of a category, else that of "unknown"."""
        return self._priors.get(category, self._priors["unknown"])

    def _registered(self, entry_id: str, method: str, confidence: float, normalised: str = "") -> Resolution:
        """The resolution to a registered entry (a person's role from the mention when it names one)."""
        profile = self._profiles[entry_id]
        entry = profile.entry
        role = (mention_role(normalised) if entry.type in _PERSON_TYPES else "") or entry.role
        return Resolution(
            source_id=entry.id,
            source_name=entry.name,
            source_type=entry.type,
            source_affiliation=profile.affiliations,
            source_prior=profile.prior,
            prior_rule=profile.prior_rule,
            resolution_method=method,
            confidence=confidence,
            source_role=role,
            source_organisation=entry.organisation,
            source_country=profile.country,
            source_interested_in=profile.interested_in,
            source_strength=profile.strength,
        )

    # --- lookups ------------------------------------------------------------------------

    def _contained(self, tokens: Sequence[str]) -> list[tuple[int, int, str, bool]]:
        """Registered aliases and demonyms inside the mention: (start, length, entry id, is demonym)."""
        found = []
        for start, first in enumerate(tokens):
            for size in range(min(self._spans.get(first, 0), len(tokens) - start), 0, -1):
                gram = " ".join(tokens[start : start + size])
                if gram in self._aliases:
                    found.append((start, size, self._aliases[gram], False))
                elif gram in self._demonyms:
                    found.append((start, size, self._demonyms[gram], True))
        return found

    def _fuzzy(self, tokens: Sequence[str]) -> tuple[str, float] | None:
        """The registered alias closest to the mention (token-sort ratio), if above the threshold."""
        query = " ".join(sorted(tokens))
        threshold = self._config.scoring.fuzzy_threshold
        # Indel ratio r needs |a - b| <= (1 - r) (a + b): bound b's length from a's.
        slack = (100.0 - threshold) / 100.0
        low = bisect.bisect_left(self._fuzzy_lengths, len(query) * (1 - slack) / (1 + slack) - 1)
        high = bisect.bisect_right(self._fuzzy_lengths, len(query) * (1 + slack) / max(1 - slack, 1e-9) + 1)
        if low >= high:
            return None
        match = process.extractOne(query, self._fuzzy_choices[low:high], scorer=fuzz.ratio, score_cutoff=threshold)
        return (self._fuzzy_keys[low + match[2]], match[1]) if match is not None else None

    def resolve(self, mention: str, label: str = "") -> Resolution:
        """Resolve one source mention (label: its named-entity label, e.g. PERSON, if known)."""
        normalised = normalise_mention(mention)
        cached = self._cache.get((normalised, label))
        if cached is not None:
            return cached
        result = self._resolve_uncached(mention, normalised, label)
        self._cache[(normalised, label)] = result
        return result

    def _resolve_uncached(self, mention: str, normalised: str, label: str) -> Resolution:
        """The rules in order, first match wins (see the module docstring)."""
        tokens = mention_tokens(normalised)
        key = " ".join(tokens)
        if key in self._aliases:
            return self._registered(self._aliases[key], "alias", 1.0, normalised)
        untitled = " ".join(_strip_titles(tokens))
        if untitled in self._aliases:
            return self._registered(self._aliases[untitled], "alias-without-title", 0.95, normalised)
        for pattern, entry_id in self._patterns:
            if pattern.search(normalised):
                return self._registered(entry_id, "pattern", 0.9, normalised)
        contained = self._contained(tokens)
        heads = mention_heads(normalised)
        # A contained alias counts only when it holds the mention's head: "the governor of the
        # National Bank of Kestria" is not the bank, "Defence Minister Ilona Varga" is Varga.
        holding = [
            (self._entries[entry_id].type in _PERSON_TYPES, size, entry_id)
            for start, size, entry_id, demonym in contained
            if not demonym and heads & set(tokens[start : start + size]) and len(" ".join(tokens[start : start + size])) >= 4
        ]
        if holding:
            return self._registered(max(holding)[2], "contains-alias", 0.85, normalised)
        category = guess_category(mention, normalised, label=label, heads=heads)
        if category in _COUNTRY_KINDS:
            for _, _, entry_id, _ in contained:
                country = self._profiles[entry_id].country
                target = self._by_country_kind.get((country, category)) if country else None
                if target is not None:
                    return self._registered(target, "country-kind", 0.8, normalised)
        if key and len(tokens) <= 8:
            match = self._fuzzy(tokens)
            if match is not None:
                return self._registered(self._aliases[match[0]], f"fuzzy ({match[1]:.0f})", round(match[1] / 100, 2), normalised)
        return self._categorised(mention, normalised, category, contained)

    def _categorised(self, mention: str, normalised: str, category: str, contained: list[tuple[int, int, str, bool]]) -> Resolution:
        """An unregistered source: its category prior, and what it inherits from bodies it names."""
        state_like = category in _STATE_LIKE
        affiliation = organisation = country = interested = note = ""
        # Longest named body first; a country (demonym or government alias) gives a state's
        # affiliation only to state-like speakers ("Russian officials", not "Russian economists").
        usable = [
            (size, entry_id, demonym) for _, size, entry_id, demonym in contained
            if state_like or (not demonym and self._entries[entry_id].type != "government")
        ]
        if usable:
            _, entry_id, _ = max(usable, key=lambda item: item[0])
            profile = self._profiles[entry_id]
            affiliation, country, interested = profile.affiliations, profile.country, profile.interested_in
            organisation = entry_id
            note = f"; affiliation from {profile.entry.name}"
        elif contained:
            country = self._profiles[max(contained, key=lambda item: item[1])[2]].country
        if not affiliation and _WEST.search(normalised):
            affiliation, note = "bloc:west", "; affiliation from 'Western'"
        key, label = category, category.replace("_", " ")
        if category in _PARTY_CATEGORIES and interested and f"{category}_party" in self._priors:
            key, label = f"{category}_party", f"{label} of a party to {interested.replace(';', ', ')}"
        slug = _SLUG.sub("-", normalised).strip("-")[:60] or "unnamed"
        return Resolution(
            source_id=f"unregistered:{slug}",
            source_name=mention.strip() or "unnamed source",
            source_type=category,
            source_affiliation=affiliation,
            source_prior=self._category_prior(key),
            prior_rule=f"category default for {label} (unregistered source{note})",
            resolution_method="category",
            confidence=0.5 if category != "unknown" else 0.3,
            source_role=mention_role(normalised) if category in _PERSON_TYPES else "",
            source_organisation=organisation,
            source_country=country,
            source_interested_in=interested,
            source_strength=self._config.scoring.default_strength,
        )

    # --- outlets ------------------------------------------------------------------------

    def resolve_outlet(self, outlet: str, url: str = "") -> Resolution:
        """The publishing outlet: registered domain, registered name, imported rating, category."""
        cache_key = (outlet, url)
        cached = self._outlet_cache.get(cache_key)
        if cached is None:
            cached = self._outlet_cache[cache_key] = self._resolve_outlet(outlet, url)
        return cached

    def _resolve_outlet(self, outlet: str, url: str) -> Resolution:
        """The outlet resolution without the cache."""
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.") if url else ""
        # The host first ("en.yna.co.kr"), then its registrable domain, then a name that is a domain.
        candidates = list(dict.fromkeys(c for c in (host, outlet_from_url(url) if url else "", outlet.strip().lower()) if c))
        for candidate in candidates:
            if candidate in self._domains:
                return self._registered(self._domains[candidate], "outlet-domain", 1.0)
        resolution = self.resolve(outlet)
        if resolution.resolution_method != "category":
            return resolution
        guessed = resolution.source_type if resolution.source_type in _OUTLET_TYPES else "digital_outlet"
        for candidate in candidates:
            if candidate in self._ratings:
                rating = self._ratings[candidate]
                return replace(
                    resolution, source_id="unregistered:" + _SLUG.sub("-", candidate), source_name=outlet, source_type=guessed,
                    source_affiliation="", source_prior=rating.prior, prior_rule=rating_rule(candidate, rating),
                    resolution_method="outlet-rating", confidence=0.9, source_role="", source_organisation="", source_interested_in="",
                )
        return replace(
            resolution, source_name=outlet, source_type=guessed, source_affiliation="",
            source_prior=self._category_prior(guessed),
            prior_rule=f"category default for {guessed.replace('_', ' ')} (unregistered outlet)",
            resolution_method="outlet-category", confidence=0.5, source_role="", source_organisation="", source_interested_in="",
        )


def rating_rule(domain: str, rating: OutletRating) -> str:
    """The explanation of a prior set by an imported outlet rating, with its provenance."""
    return (
        f"imported outlet rating of {domain} ({rating.source_column} = {rating.raw_score:g} in "
        f"{PurePath(rating.source_file).name}, imported {rating.imported_on})"
    )


@dataclass(frozen=True)
class _MentionWords:
    """A normalised mention's words, as " w1 w2 " for run matching, and its head words."""

    tokens: list[str]
    padded: str
    heads: frozenset[str]

    @classmethod
    def of(cls, normalised: str) -> _MentionWords:
        tokens = mention_tokens(normalised)
        return cls(tokens, f" {' '.join(tokens)} ", frozenset(mention_heads(normalised)))


def _coreferent(short: _MentionWords, long: _MentionWords) -> bool:
    """A short mention names the same source as a longer one of the same article that holds it
    as a run of words including one of its heads ("renner" in "dr. paul renner, an economist")."""
    if not short.tokens or short.padded not in long.padded:
        return False
    return bool(long.heads.intersection(short.tokens))


def link_within_articles(
    article_ids: Sequence[str], order: Sequence[tuple[int, int]], mentions: Sequence[str], resolutions: list[Resolution]
) -> list[Resolution]:
    """Give a short unregistered mention the resolution of a longer mention of the same article
    that contains it (nearest earlier one first, else the nearest later one)."""
    linked = list(resolutions)
    by_article: dict[str, list[int]] = {}
    for index, article_id in enumerate(article_ids):
        by_article.setdefault(article_id, []).append(index)
    for indices in by_article.values():
        indices.sort(key=lambda i: order[i])
        normalised = {i: normalise_mention(mentions[i]) for i in indices}
        # Each mention's words once: every category mention is tried against all the others.
        words = {i: _MentionWords.of(normalised[i]) for i in indices}
        for position, i in enumerate(indices):
            if resolutions[i].resolution_method != "category":
                continue
            tokens, written = words[i].tokens, mentions[i].strip()
            # One word is linked only as a capitalised name ("Renner"); "the company" is too generic.
            if len(tokens) < 2 and not (tokens and written[:1].isupper() and not written.lower().startswith("the ")):
                continue
            before = [j for j in reversed(indices[:position])]
            after = indices[position + 1 :]
            for j in (*before, *after):
                if normalised[j] != normalised[i] and _coreferent(words[i], words[j]):
                    target = resolutions[j]
                    linked[i] = replace(target, resolution_method="article-coreference", confidence=round(min(target.confidence, 0.8), 2))
                    break
    return linked


def resolve_claim_sources(claims: pd.DataFrame, articles: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Add models.SOURCE_COLUMNS and EXTRA_SOURCE_COLUMNS to a claims frame (outlet claims resolve to the outlet).

    An optional ``source_entity`` column (the spaCy label of the mention: PERSON, ORG, GPE)
    helps type unregistered mentions.
    """
    resolver = SourceResolver(config)
    urls = dict(zip(articles["article_id"], articles["url"], strict=True))
    outlets = dict(zip(articles["article_id"], articles["outlet"], strict=True))
    labels = claims["source_entity"].fillna("").astype(str) if "source_entity" in claims else pd.Series("", index=claims.index)
    rows: list[Resolution] = []
    # Plain lists: iterating Arrow-backed columns goes through pandas for every cell.
    article_ids, attributions, mentions = claims["article_id"].tolist(), claims["attribution"].tolist(), claims["source_text"].tolist()
    for article_id, attribution, mention, label in zip(article_ids, attributions, mentions, labels.tolist(), strict=True):
        if attribution == "outlet":
            rows.append(resolver.resolve_outlet(outlets[article_id], urls[article_id]))
        else:
            rows.append(resolver.resolve(mention, label))
    if len(claims):
        sentence = claims["sentence_index"] if "sentence_index" in claims else pd.Series(0, index=claims.index)
        start = claims["source_start"] if "source_start" in claims else pd.Series(0, index=claims.index)
        order = list(zip(sentence.astype(int).tolist(), start.astype(int).tolist(), strict=True))
        sourced = [attribution != "outlet" for attribution in attributions]
        article_keys = [a if keep else f"\0outlet-{n}" for n, (a, keep) in enumerate(zip(article_ids, sourced, strict=True))]
        rows = link_within_articles(article_keys, order, mentions, rows)
    columns = [f.name for f in fields(Resolution) if f.name != "confidence"]
    resolved = pd.DataFrame(
        [{**{name: getattr(r, name) for name in columns}, "resolution_confidence": r.confidence} for r in rows],
        index=claims.index,
        columns=[*columns, "resolution_confidence"],
    )
    return pd.concat([claims, resolved], axis=1)


def benchmark_resolution(config: Config, *, mentions: int = 100_000, distinct: int = 10_000, seed: int = 0) -> dict[str, float]:
    """Seconds a fresh resolver takes for `mentions` synthetic mentions, `distinct` of them different."""
    rng = random.Random(seed)
    aliases = [alias for entry in config.registry.sources for alias in (entry.name, *entry.aliases)]
    firsts = ["Anna", "Boris", "Chen", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ivan", "Julia", "Kofi", "Lena"]
    lasts = ["Aaltonen", "Brandt", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova", "Jensen", "Kowalski", "Lopez"]
    titles, roles = ["Defence Minister", "General", "Dr.", "spokesperson"], ["spokesperson", "senior fellow", "economist"]
    groups, kinds = ["Western", "Russian", "Ukrainian", "Kestrian", "senior"], ["officials", "diplomats", "experts", "sources"]
    templates = [
        lambda: rng.choice(aliases),
        lambda: f"{rng.choice(titles)} {rng.choice(firsts)} {rng.choice(lasts)}",
        lambda: f"{rng.choice(firsts)} {rng.choice(lasts)}, a {rng.choice(roles)} at the {rng.choice(aliases)}",
        lambda: f"{rng.choice(groups)} {rng.choice(kinds)} in {rng.choice(lasts)}ville",
        lambda: rng.choice(aliases)[:-1] + "x",  # typos, for the fuzzy matcher
    ]
    pool: list[str] = []
    seen: set[str] = set()
    while len(pool) < distinct:
        candidate = rng.choice(templates)()
        if candidate in seen:
            candidate = f"{candidate} {len(pool)}"  # keeps the distinct count exact
        seen.add(candidate)
        pool.append(candidate)
    # Mentions of real news repeat a few sources very often: sample with Zipf-like weights.
    weights = [1.0 / (rank + 1) for rank in range(len(pool))]
    sample = pool if mentions == len(pool) else rng.choices(pool, weights=weights, k=mentions)
    resolver = SourceResolver(config)
    started = time.perf_counter()
    for mention in sample:
        resolver.resolve(mention)
    seconds = time.perf_counter() - started
    return {"mentions": float(len(sample)), "distinct": float(len(set(sample))), "seconds": round(seconds, 3),
            "per_second": round(len(sample) / seconds) if seconds else float("inf")}

