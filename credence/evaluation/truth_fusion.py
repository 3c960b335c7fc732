"""Real fusion data sets as credence claims: AbeBooks author lists and Wikipedia populations.

Both are read by path from ../shared/data/truth_discovery (see its README); nothing is copied.
Every (source, object, value) becomes a claim asserting the proposition "object = value" in the
exclusive set of the object, from an unregistered source, so that credence's scoring and the
baselines see the same observations. Unregistered sources get one common prior, except
Wikipedia's anonymous editors ("contributor #0 (IP address)"), who get credence's category
prior for anonymous sources, as the resolver gives any anonymous source.

- book_author: author strings in many formats become sets of normalised last names; accuracy
  over the 100 gold books is the share whose chosen set equals the gold set.
- population: a city-year's claimed figures; accuracy exact and within 1% over the gold list.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass
class FusionData:
    """Claims in credence's format and how to judge a chosen value per object."""

    name: str
    claims: pd.DataFrame  # claim_id, source_id, proposition_id, exclusive_set_id, value, ...
    gold: pd.Series  # object -> gold value (in the same normal form as the claims' values)
    objects: list[str]  # the gold objects that have at least one claim


# --- Author names ---------------------------------------------------------------------------

_NOISE_WORDS = frozenset(
    """by author authors editor editors edited ed eds joint foreword introduction intro translator translated
    illustrator illustrated contributor contributors compiler et al etc jr sr ii iii iv phd dr prof mr mrs ms
    not available none unknown various staff""".split()
)
_PERSON_SEPARATORS = re.compile(r";|/|\||\band\b|&|\n|\bwith\b|\b(?:edited )?by\b", re.IGNORECASE)
# Two names run together ("KevinMichalski"), but not McGraw, MacLennan, DeRose or LaCroix.
_CAMEL_JOIN = re.compile(r"\b(?!(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|O)[A-Z])([A-Z][a-z]+)(?=[A-Z][a-z])")
_TOKEN = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")


def _ascii(text: str) -> str:
    """HTML entities decoded and accents dropped ("Zo&eacute;" -> "Zoe")."""
    return unicodedata.normalize("NFKD", html.unescape(text)).encode("ascii", "ignore").decode("ascii")


def name_tokens(part: str) -> list[str]:
    """Lower-case name words of a fragment, without initials and filler words."""
    words = _TOKEN.findall(part.lower().replace(".", " "))
    return [w.strip("'-") for w in words if len(w.strip("'-")) > 1 and w not in _NOISE_WORDS]


def author_pieces(text: str) -> list[list[list[str]]]:
    """People separated by ; / and &, each split at commas into lists of name tokens."""
    text = _CAMEL_JOIN.sub(r"\1 ", _ascii(text))
    # "(Author)" and the like separate people in some stores' lists.
    text = re.sub(r"\([^)]*\)", ";", text)
    text = re.sub(r"(?<=\w)- ", ", ", text)  # "Hancock- John C." is "Hancock, John C."
    pieces = []
    for person in _PERSON_SEPARATORS.split(text):
        parts = [name_tokens(part) for part in person.split(",")]
        parts = [part for part in parts if part]
        if parts:
            pieces.append(parts)
    return pieces


def surname_lexicon(author_strings: pd.Series) -> dict[str, float]:
    """Token -> evidence that it is a last name (> 0) rather than a first name (< 0), from unambiguous forms."""
    last: Counter[str] = Counter()
    first: Counter[str] = Counter()
    for text in author_strings:
        for parts in author_pieces(text):
            if len(parts) == 2 and len(parts[0]) == 1 and 1 <= len(parts[1]) <= 2:
                last[parts[0][0]] += 1  # "Knuth, Donald E."
                first[parts[1][0]] += 1
    return {token: float(last[token] - first[token]) for token in set(last) | set(first)}


def last_names(text: str, lexicon: dict[str, float]) -> frozenset[str]:
    """The set of last names an author string names."""
    names: set[str] = set()
    for parts in author_pieces(text):
        if len(parts) == 1:
            names |= _names_without_commas(parts[0], lexicon)
            continue
        # "Last, First, Last, First": every other part is a single token.
        if len(parts) % 2 == 0 and all(len(parts[i]) == 1 for i in range(0, len(parts), 2)):
            names |= {parts[i][0] for i in range(0, len(parts), 2)}
            continue
        # "Last, First Last, First": a middle part holds one first name and the next last name.
        if all(len(part) <= 2 for part in parts) and len(parts[0]) == 1 and len(parts) > 2:
            names.add(parts[0][0])
            for part in parts[1:-1]:
                names.add(part[-1])
            continue
        for part in parts:
            names |= _names_without_commas(part, lexicon)
    return frozenset(names)


def _names_without_commas(tokens: list[str], lexicon: dict[str, float]) -> set[str]:
    """The last name of one person written without a comma."""
    if len(tokens) == 1:
        return {tokens[0]}
    if len(tokens) == 2:
        # "Donald Knuth" or "Knuth Donald": the lexicon of unambiguous forms decides.
        return {tokens[0]} if lexicon.get(tokens[0], 0.0) > lexicon.get(tokens[1], 0.0) else {tokens[1]}
    return {tokens[-1]}


def read_books(folder: Path) -> FusionData:
    """book.txt and book_golden.txt as claims of sets of last names."""
    rows = pd.read_csv(folder / "book.txt", sep="\t", header=None, names=["source", "isbn", "title", "authors"], dtype=str, encoding="latin-1", quoting=3).fillna("")
    rows = rows[rows["authors"].str.strip() != ""]
    lexicon = surname_lexicon(rows["authors"])
    rows["value"] = [" ".join(sorted(last_names(text, lexicon))) for text in rows["authors"]]
    rows = rows[rows["value"] != ""]
    gold_rows = pd.read_csv(folder / "book_golden.txt", sep="\t", header=None, names=["isbn", "authors"], dtype=str, quoting=3).fillna("")
    gold = pd.Series(
        [" ".join(sorted({name_tokens(person.split(",")[0])[-1] for person in text.split(";") if name_tokens(person.split(",")[0])})) for text in gold_rows["authors"]],
        index=gold_rows["isbn"].str.strip(),
    )
    return _as_claims("book_author", rows.rename(columns={"isbn": "object"}), gold)


def read_population(folder: Path) -> FusionData:
    """population_claims.tsv and population_gold.csv as claims of integer figures."""
    rows = pd.read_csv(folder / "population_claims.tsv", sep="\t", header=None, names=["object", "source", "value", "year"], dtype=str, quoting=3, encoding="utf-8", encoding_errors="replace").fillna("")
    rows["object"] = rows["object"].str.strip().str.lower()
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce")
    rows = rows.dropna(subset=["value"])
    rows["value"] = rows["value"].astype("int64").astype(str)
    gold_objects, gold_values = [], []
    for line in (folder / "population_gold.csv").read_text(encoding="utf-8", errors="replace").splitlines():
        if line.count(",") < 2:
            continue
        place, year, value = (part.strip() for part in line.rsplit(",", 2))
        gold_objects.append(f"{place.lower()}_{year}")
        gold_values.append(str(int(float(value))))
    return _as_claims("population", rows, pd.Series(gold_values, index=gold_objects))


def _as_claims(name: str, rows: pd.DataFrame, gold: pd.Series) -> FusionData:
    """(source, object, value) rows as credence claims, one per distinct triple."""
    rows = rows.drop_duplicates(["source", "object", "value"]).reset_index(drop=True)
    claims = pd.DataFrame(
        {
            "claim_id": [f"{name}-{i:06d}" for i in range(len(rows))],
            "source_id": rows["source"].astype(str).to_numpy(),
            "source_name": rows["source"].astype(str).to_numpy(),
            "source_prior": np.nan,  # set by the harness: one prior for every source
            "prior_rule": "one prior for every source of the data set",
            "commitment": 1.0,
            "confidence": 1.0,
            "stance": "assert",
            "cue": "lists",
            "attribution": "source",
            "independence_group": "source:" + rows["source"].astype(str),
            "proposition_id": (rows["object"] + "=" + rows["value"]).to_numpy(),
            "exclusive_set_id": rows["object"].to_numpy(),
            "object": rows["object"].to_numpy(),
            "value": rows["value"].to_numpy(),
            "anonymous": rows["source"].astype(str).str.match(r"contributor #0\b").to_numpy(),
            "supporting_claim_ids": "",
            "contradicting_claim_ids": "",
        }
    )
    gold = gold[~gold.index.duplicated()]
    objects = sorted(set(gold.index) & set(claims["object"]))
    return FusionData(name, claims, gold, objects)


def accuracy(chosen: pd.Series, data: FusionData, *, tolerance: float = 0.0) -> float:
    """Share of gold objects whose chosen value equals the gold one (numbers: within a relative tolerance)."""
    picked = chosen.reindex(data.objects)
    gold = data.gold.reindex(data.objects)
    if tolerance <= 0:
        return float((picked == gold).mean())
    wanted = pd.to_numeric(gold, errors="coerce")
    got = pd.to_numeric(picked, errors="coerce")
    return float(((got - wanted).abs() <= tolerance * wanted.abs()).mean())
