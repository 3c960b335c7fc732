"""Sources a run met that the registry does not know, as a table for analysts to curate.

`discovered_sources` turns a run's resolved (or scored) claims into the rows of
`sources_discovered.csv`: one row per unregistered source, with how often it spoke, its
mentions, guessed type, country, affiliation and role, and example claims. The columns that
match registry fields (id, name, type, country, affiliations, ...) are pre-filled guesses; an
analyst sets `decision` to `add` (a new entry) or `alias` (with `alias_of`: the mentions become
aliases of that registered id), edits what is wrong, and runs
`credence sources merge-discovered --csv FILE`.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
from rapidfuzz import fuzz, process

from credence.config import Config
from credence.ingest import outlet_from_url
from credence.sources import mention_heads, mention_key, names_a_body

DISCOVERED_COLUMNS: list[str] = [
    "decision",  # for the analyst: add, alias or empty (ignored)
    "id", "name", "type", "country", "affiliations", "interested_in", "role", "organisation",
    "aliases", "domains", "prior",  # an empty prior means the category default
    "alias_of",  # for the analyst: the registered id that `alias` rows join
    "suggested_alias_of",  # the closest registered alias, "id (score)", when one is close
    "claims", "articles", "outlets", "category_prior", "prior_rule", "resolution_method", "example_claims",
]
_PERSON_TYPES = frozenset({"named_official", "named_person", "expert"})
_NOT_NAME_WORDS = frozenset(
    {"the", "a", "an", "dr", "mr", "mrs", "ms", "prof", "professor", "general", "president", "minister", "defence",
     "defense", "foreign", "finance", "prime", "chief", "governor", "mayor", "ambassador", "harbour", "master", "head"}
)


def person_name(mentions: list[str]) -> str:
    """The longest run of capitalised words that is neither a title nor an organisation's name
    ("Dr. Paul Renner, an economist at the Harlow Institute" -> Paul Renner)."""
    best = ""
    for mention in mentions:
        run: list[str] = []
        for word in [*re.findall(r"[\w'’.-]+|,", mention), ","]:
            bare = word.strip(".,'’")
            if bare[:1].isupper() and bare.lower() not in _NOT_NAME_WORDS:
                run.append(bare)
                continue
            name = " ".join(run)
            if len(name) > len(best) and not names_a_body(name):
                best = name
            run = []
    return best


def _slug(text: str) -> str:
    """An id-safe form of a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "source"


def _suggestion(name: str, choices: dict[str, str]) -> str:
    """The registered id whose alias is closest to the name and holds one of its head words."""
    key = mention_key(name)
    heads = mention_heads(key)
    for alias, score, _ in process.extract(key, list(choices), scorer=fuzz.token_set_ratio, score_cutoff=90, limit=5):
        if heads & set(alias.split()):
            return f"{choices[alias]} ({score:.0f})"
    return ""


def discovered_sources(claims: pd.DataFrame, config: Config | None = None, *, max_examples: int = 3) -> pd.DataFrame:
    """One row per unregistered source of a run's claims, most frequent first (DISCOVERED_COLUMNS)."""
    if claims.empty or "source_id" not in claims:
        return pd.DataFrame(columns=DISCOVERED_COLUMNS)
    # Only the columns read below.
    wanted = ["source_id", "claim_id", "content", "source_text", "source_type", "source_prior", "prior_rule", "resolution_method", "article_id",
              "outlet", "url", "source_country", "source_affiliation", "source_interested_in", "source_role", "source_organisation"]
    unregistered = claims.loc[claims["source_id"].astype(str).str.startswith("unregistered:"), [c for c in wanted if c in claims.columns]]
    choices: dict[str, str] = {}
    if config is not None:
        for entry in config.registry.sources:
            for alias in (entry.name, *entry.aliases):
                choices.setdefault(mention_key(alias), entry.id)
    # Plain lists and row positions per source (in order of first appearance): a pandas group
    # per source costs about a millisecond, and a night has thousands of unregistered sources.
    # Lists of every row only for the columns every row counts in; of the other columns only
    # the rows read (a source's first, its examples), as a night's texts take gigabytes as lists.
    positions: dict[object, list[int]] = {}
    for position, source_id in enumerate(unregistered["source_id"].astype(object).tolist()):
        positions.setdefault(source_id, []).append(position)
    read = sorted({row for rows in positions.values() for row in rows[: max(max_examples, 1)]})
    every_row = {"source_id", "source_text", "outlet", "url", "article_id", "resolution_method"}

    def cells(name: str) -> list[object] | dict[int, object] | None:
        if name not in unregistered:
            return None
        if name in every_row:
            return unregistered[name].astype(object).tolist()
        return dict(zip(read, unregistered[name].iloc[read].astype(object).tolist(), strict=True))

    column = {name: cells(name) for name in wanted}

    def values(name: str, rows: list[int]) -> list[object]:
        cells = column[name]
        return [cells[row] for row in rows] if cells is not None else []  # type: ignore[index]

    def first(name: str, rows: list[int]) -> object:
        cells = column[name]
        return cells[rows[0]] if cells is not None else ""  # type: ignore[index]

    rows_out: list[dict[str, object]] = []
    taken: Counter[str] = Counter()
    for source_id, rows in positions.items():
        is_outlet = str(first("resolution_method", rows)).startswith("outlet")
        texts = values("outlet", rows) if is_outlet and column["outlet"] is not None else values("source_text", rows)
        mentions = [text for text, _ in Counter(str(text) for text in texts).most_common()]
        source_type = str(first("source_type", rows))
        name = (person_name(mentions) if source_type in _PERSON_TYPES else "") or mentions[0]
        proposed = _slug(name)
        taken[proposed] += 1
        if taken[proposed] > 1:
            proposed = f"{proposed}-{taken[proposed]}"
        domains = ""
        if is_outlet and column["url"] is not None:
            domains = "; ".join(sorted({outlet_from_url(url) for url in {str(url) for url in values("url", rows)} if url} - {""}))
        head = rows[:max_examples]
        examples = [f"{claim_id}: {' '.join(str(content).split())[:160]}" for claim_id, content in zip(values("claim_id", head), values("content", head), strict=True)]
        rows_out.append({
            "decision": "",
            "id": proposed,
            "name": name,
            "type": source_type,
            "country": str(first("source_country", rows)),
            "affiliations": str(first("source_affiliation", rows)),
            "interested_in": str(first("source_interested_in", rows)),
            "role": str(first("source_role", rows)),
            "organisation": str(first("source_organisation", rows)),
            "aliases": "; ".join(mentions),
            "domains": domains,
            "prior": "",
            "alias_of": "",
            "suggested_alias_of": _suggestion(name, choices),
            "claims": len(rows),
            "articles": len(set(values("article_id", rows))),
            "outlets": "; ".join(sorted({str(outlet) for outlet in values("outlet", rows)})),
            "category_prior": float(first("source_prior", rows)),  # type: ignore[arg-type]
            "prior_rule": str(first("prior_rule", rows)),
            "resolution_method": "; ".join(sorted({str(method) for method in values("resolution_method", rows)})),
            "example_claims": " | ".join(examples),
            "_key": str(source_id),
        })
    table = pd.DataFrame(rows_out, columns=[*DISCOVERED_COLUMNS, "_key"])
    table = table.sort_values(["claims", "name", "_key"], ascending=[False, True, True], kind="stable")
    return table.drop(columns="_key").reset_index(drop=True)
