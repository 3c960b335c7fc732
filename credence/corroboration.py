"""Which claims say the same thing, which contradict each other, and who is independent.

First version, by design simple and measurable:
- syndication: articles whose TF-IDF cosine is above a threshold, or that carry a wire
  credit line ("LISSEN (Meridian Wire) -") naming an outlet of the corpus, are copies of one
  origin;
- stories: articles linked by a lower cosine inside the time window;
- claims of different articles inside the window whose content terms have a TF-IDF cosine
  above a threshold are about the same thing; they contradict when their polarity differs
  (a denial, or a negation on one side only) or when their figures disagree beyond a
  tolerance, and support each other otherwise;
- independence groups: claims of sources sharing a registry affiliation (a state's media,
  government and military) form one group; other sources are their own group; the outlet's
  own assertions in syndicated copies belong to the copy's origin.

The pairwise steps multiply sparse matrices, so cost grows with the square of the corpus;
blocking for large nights is the corroboration issue's work.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pandas as pd
from scipy.sparse import triu
from sklearn.feature_extraction.text import TfidfVectorizer

from credence.config import CorroborationSettings
from credence.claims import DATELINE, NEGATION_WORDS

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(%|percent|per cent))?")


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def _similar_pairs(texts: list[str], threshold: float, **vectorizer_options: object) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) whose TF-IDF cosine is at least ``threshold``."""
    if len(texts) < 2:
        return []
    vectorizer = TfidfVectorizer(sublinear_tf=True, **vectorizer_options)  # type: ignore[arg-type]
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # every text empty after tokenising
        return []
    similarity = triu(matrix @ matrix.T, k=1).tocoo()
    keep = similarity.data >= threshold
    return list(zip(similarity.row[keep].tolist(), similarity.col[keep].tolist(), similarity.data[keep].tolist(), strict=True))


def credit_line_outlet(text: str) -> str:
    """The outlet named by a wire credit line at the start of a story, or ""."""
    match = DATELINE.match(text)
    return match.group(0).split("(", 1)[1].rsplit(")", 1)[0].strip() if match else ""


def numbers_in(text: str) -> list[float]:
    """Figures stated in a text, without years (1900-2100), which are dates rather than counts."""
    values = []
    for match in _NUMBER.finditer(text):
        value = float(match.group(1).replace(",", ""))
        if match.group(2) is None and 1900 <= value <= 2100 and "," not in match.group(1):
            continue
        values.append(value)
    return values


def figures_disagree(a: list[float], b: list[float], tolerance: float) -> bool:
    """True when each side states a figure that the other side has no close match for."""

    def unmatched(xs: list[float], ys: list[float]) -> bool:
        return any(all(abs(x - y) > tolerance * max(abs(x), abs(y), 1.0) for y in ys) for x in xs)

    return bool(a and b) and unmatched(a, b) and unmatched(b, a)


def polarity(stance: str, terms: str) -> int:
    """+1 when the claim affirms its content, -1 when it denies or negates it."""
    negated = any(word in NEGATION_WORDS for word in terms.split())
    sign = -1 if stance == "deny" else 1
    return -sign if negated else sign


def syndication_groups(articles: pd.DataFrame, settings: CorroborationSettings) -> pd.Series:
    """A group id per article: copies of one origin share it (the earliest article's id)."""
    order = articles.sort_values(["published_at", "article_id"]).reset_index(drop=True)
    union = _UnionFind(len(order))
    for i, j, _ in _similar_pairs(order["text"].tolist(), settings.syndication_threshold, ngram_range=(1, 2)):
        union.union(i, j)
    by_outlet = {outlet.lower(): index for index, outlet in reversed(list(enumerate(order["outlet"])))}
    for index, text in enumerate(order["text"]):
        credited = credit_line_outlet(text).lower()
        if credited and credited in by_outlet:
            union.union(index, by_outlet[credited])
    groups = [f"syn-{order['article_id'][union.find(i)]}" for i in range(len(order))]
    return pd.Series(groups, index=order["article_id"]).reindex(articles["article_id"])


def story_groups(articles: pd.DataFrame, settings: CorroborationSettings, window_days: int) -> pd.Series:
    """A story id per article: articles linked by similar text within the window."""
    order = articles.reset_index(drop=True)
    times = pd.to_datetime(order["published_at"], utc=True, format="ISO8601")
    union = _UnionFind(len(order))
    window = pd.Timedelta(days=window_days)
    for i, j, _ in _similar_pairs(order["text"].tolist(), settings.story_threshold, stop_words="english"):
        if abs(times[i] - times[j]) <= window:
            union.union(i, j)
    roots = [union.find(i) for i in range(len(order))]
    numbering = {root: number for number, root in enumerate(dict.fromkeys(roots), start=1)}
    return pd.Series([f"story-{numbering[root]:03d}" for root in roots], index=order["article_id"])


def independence_group(attribution: str, source_id: str, affiliation: str, syndication_group: str, copies: int) -> str:
    """The group a claim's evidence belongs to; claims of one group are not independent."""
    if affiliation:
        return "affiliation:" + affiliation.split(";")[0]
    if attribution == "outlet" and copies > 1:
        return "syndicate:" + syndication_group
    return "source:" + source_id


def corroborate(claims: pd.DataFrame, articles: pd.DataFrame, settings: CorroborationSettings, *, window_days: int) -> pd.DataFrame:
    """Add the CORROBORATION_COLUMNS of models to a claims frame with resolved sources."""
    claims = claims.reset_index(drop=True).copy()
    syndication = syndication_groups(articles, settings)
    stories = story_groups(articles, settings, window_days)
    copies = syndication.value_counts()
    claims["story_id"] = claims["article_id"].map(stories)
    claims["syndication_group"] = claims["article_id"].map(syndication)
    claims["independence_group"] = [
        independence_group(attribution, source_id, affiliation, group, int(copies.get(group, 1)))
        for attribution, source_id, affiliation, group in zip(
            claims["attribution"], claims["source_id"], claims["source_affiliation"], claims["syndication_group"], strict=True
        )
    ]

    published = pd.to_datetime(claims["article_id"].map(articles.set_index("article_id")["published_at"]), utc=True, format="ISO8601")
    supporting: dict[int, set[int]] = defaultdict(set)
    contradicting: dict[int, set[int]] = defaultdict(set)
    window = pd.Timedelta(days=window_days)
    terms = claims["content_terms"].fillna("").tolist()
    signs = [polarity(stance, text) for stance, text in zip(claims["stance"], terms, strict=True)]
    figures = [numbers_in(content) for content in claims["content"]]
    groups = claims["independence_group"].tolist()
    article_ids = claims["article_id"].tolist()
    # Negations stay in the vocabulary (they decide polarity), so no stop-word list here.
    for i, j, _ in _similar_pairs(terms, settings.similarity_threshold, token_pattern=r"[^\s]+"):
        if article_ids[i] == article_ids[j] or groups[i] == groups[j]:
            continue
        if abs(published[i] - published[j]) > window:
            continue
        disagree = signs[i] != signs[j] or figures_disagree(figures[i], figures[j], settings.number_tolerance)
        relation = contradicting if disagree else supporting
        relation[i].add(j)
        relation[j].add(i)

    def describe(related: dict[int, set[int]], index: int) -> tuple[str, str, int]:
        members = sorted(related.get(index, set()))
        group_names = sorted({groups[m] for m in members})
        return "; ".join(group_names), "; ".join(claims["claim_id"][m] for m in members), len(group_names)

    for column, related in (("supporting", supporting), ("contradicting", contradicting)):
        described = [describe(related, index) for index in range(len(claims))]
        claims[f"{column}_groups"] = [d[0] for d in described]
        claims[f"{column}_claim_ids"] = [d[1] for d in described]
        claims[f"n_{column}_groups"] = np.array([d[2] for d in described], dtype="int64")
    return claims

