"""Tables and reports of a run: exports, the Markdown report and the self-contained HTML briefing.

Article text is untrusted: the HTML template autoescapes everything, links are rendered only
for http(s) URLs, the page's Content-Security-Policy allows only its own inline script (by
hash), and Markdown output escapes the characters that would change its layout.

Columns that later stages may add (a learned source reliability with its interval, a
proposition id) are used when present; without them the report falls back to the prior.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import jinja2
import numpy as np
import orjson
import pandas as pd
from markupsafe import Markup

from credence import charts
from credence.models import RunSummary

STATUSES: tuple[str, ...] = ("corroborated", "contested", "contradicted", "single-source")
DISPUTED: tuple[str, ...] = ("contested", "contradicted")
TOP_CLAIM_COLUMNS = ["score", "status", "source_name", "cue", "content", "outlet", "n_supporting_groups", "n_contradicting_groups"]
# What "what changed since the previous run" reads of that run's claims.
PREVIOUS_CLAIM_COLUMNS = ["claim_id", "status", "score", "source_id"]
# Columns of the scored claims that no report section reads, so the report's frame goes
# without them (explanations are a third of a night's claims in memory); the explanations of
# the claims a report shows are added afterwards (add_explanations).
UNREPORTED_CLAIM_COLUMNS = ["explanation", "supporting_groups", "contradicting_groups", "content_terms"]

# Names other stages may give the optional columns, in order of preference.
OPTIONAL_CLAIM_COLUMNS: dict[str, tuple[str, ...]] = {
    "reliability": ("source_reliability", "reliability", "learned_reliability"),
    "reliability_low": ("source_reliability_low", "reliability_low", "source_reliability_lo", "reliability_lo"),
    "reliability_high": ("source_reliability_high", "reliability_high", "source_reliability_hi", "reliability_hi"),
    "proposition": ("proposition_id", "proposition_key"),
    "exclusive_set": ("exclusive_set_id", "exclusive_set_key"),
}

SOURCE_TABLE_COLUMNS: list[str] = [
    "source_id", "source_name", "source_type", "source_affiliation", "source_prior", "prior_rule",
    "reliability", "reliability_low", "reliability_high",
    "claims", "corroborated", "contested", "contradicted", "single_source",
    "corroborated_share", "contradicted_share", "mean_score",
]
TREND_COLUMNS: list[str] = ["trend_metric", "trend_values", "trend_change", "runs_seen"]

STORY_TABLE_COLUMNS: list[str] = [
    "story_id", "headline", "first_published", "last_published", "articles", "outlets", "claims", "sources",
    "independence_groups", "corroborated", "contested", "contradicted", "single_source", "mean_score",
    "supporting_types", "supporting_affiliations", "denying_types", "denying_affiliations", "support_from_one_affiliation",
]

NO_AFFILIATION = "none"
RUN_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- small helpers ---------------------------------------------------------------------------


def safe_url(url: str) -> str:
    """The URL if its scheme is http or https, else "" (no javascript: or data: links)."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in ("http", "https") else ""


def markdown_cell(value: object, limit: int = 220) -> str:
    """Text for one Markdown table cell: one line, pipes and markup characters escaped."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return re.sub(r"([\\`*_{}\[\]<>|#!])", r"\\\1", text)


def number(value: object, digits: int = 2) -> str:
    """A number for display, or an en dash when it is missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, (int, float)):
        return f"{value:.{digits}f}"
    return str(value)


def optional_column(frame: pd.DataFrame, role: str) -> str | None:
    """The column holding an optional role (see OPTIONAL_CLAIM_COLUMNS), if present and not empty."""
    for name in OPTIONAL_CLAIM_COLUMNS[role]:
        if name in frame.columns and frame[name].notna().any():
            return name
    return None


def _links(cell: object) -> list[str]:
    return [part for part in str(cell or "").split("; ") if part]


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts with missing values as None (templates and JSON both understand None)."""
    # Columns as plain lists, missing values replaced column by column: iterating Arrow-backed
    # columns, or testing every cell in Python, is slow on a night's claims.
    names = list(frame.columns)
    columns = [_plain_list(frame[name]) for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)] if len(frame) else []


def _plain_list(column: pd.Series) -> list[object]:
    values = column.tolist()
    missing = column.isna().to_numpy()
    if missing.any():
        for position in missing.nonzero()[0]:
            values[position] = None
    return values


# --- summary and exports ---------------------------------------------------------------------


def run_summary(claims: pd.DataFrame, ledger: pd.DataFrame, run_date: str) -> RunSummary:
    """The run's counts: inputs by ledger state, claims, sources, stories, claims by status."""
    states = ledger["state"].value_counts()
    return RunSummary(
        run_date=run_date,
        inputs=len(ledger),
        processed=int(states.get("processed", 0)),
        duplicates=int(states.get("duplicate", 0)),
        quarantined=int(states.get("quarantined", 0)),
        claims=len(claims),
        sources=int(claims["source_id"].nunique()) if len(claims) else 0,
        stories=int(claims["story_id"].replace("", pd.NA).nunique()) if len(claims) else 0,
        status_counts={status: int((claims["status"] == status).sum()) for status in STATUSES if (claims["status"] == status).any()},
    )


def with_credibility(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims plus credibility (learned reliability if known, else the prior) and its interval."""
    out = claims.copy(deep=False)  # new columns only: the claims' own columns are shared, not copied
    reliability = optional_column(claims, "reliability")
    low, high = optional_column(claims, "reliability_low"), optional_column(claims, "reliability_high")
    prior = out["source_prior"].astype(float)
    out["credibility"] = out[reliability].astype(float).fillna(prior) if reliability else prior
    out["credibility_low"] = out[low].astype(float) if low and reliability else math.nan
    out["credibility_high"] = out[high].astype(float) if high and reliability else math.nan
    out["credibility_from"] = "learned" if reliability else "prior"
    return out


def claims_jsonl(claims: pd.DataFrame, rows_per_chunk: int = 2000) -> Iterator[bytes]:
    """One JSON object per claim and line (UTF-8, missing values as null), a chunk of lines at a
    time: at 100,000 articles the file is gigabytes, and only one chunk's rows become dicts."""
    for start in range(0, len(claims), rows_per_chunk):
        # orjson: several times the standard library's speed on a night's hundred megabytes.
        yield b"".join(orjson.dumps(row, default=str, option=orjson.OPT_APPEND_NEWLINE) for row in _records(claims.iloc[start : start + rows_per_chunk]))


def first_rows(frame: pd.DataFrame, by: list[str], limit: int, *, ascending: bool | list[bool] = True, where: pd.Series | None = None) -> pd.DataFrame:
    """The first ``limit`` rows of frame (those ``where`` holds) in the order of ``by``, as
    ``frame[where].sort_values(by).head(limit)``; only the key columns are selected and sorted,
    as a night's claims are wide and only a few are shown."""
    keys = frame[by].reset_index(drop=True)
    if where is not None:
        keys = keys[where.to_numpy(dtype=bool)]
    return frame.iloc[keys.sort_values(by, ascending=ascending).index[:limit]]


def top_claims(claims: pd.DataFrame, limit: int = 20) -> list[dict[str, object]]:
    """The highest-scored claims, most independent support first on ties, for the UI table."""
    top = first_rows(claims, ["score", "n_supporting_groups"], limit, ascending=[False, False])[TOP_CLAIM_COLUMNS].copy()
    top["score"] = top["score"].astype(float).round(3)
    return _records(top)


def _status_counts(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Claims per status for each value of key, one column per status (single-source as single_source)."""
    counts = frame.groupby([key, "status"]).size().unstack(fill_value=0).reindex(columns=list(STATUSES), fill_value=0)
    return counts.rename(columns=lambda status: status.replace("-", "_")).astype(int)


def sources_table(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per resolved source: who it is, prior and learned reliability, how its claims fared."""
    if claims.empty:
        return pd.DataFrame(columns=SOURCE_TABLE_COLUMNS)
    frame = with_credibility(claims)
    learned = frame["credibility_from"].iloc[0] == "learned"
    table = frame.groupby("source_id", sort=True).agg(
        source_name=("source_name", "first"),
        source_type=("source_type", "first"),
        source_affiliation=("source_affiliation", "first"),
        source_prior=("source_prior", "first"),
        prior_rule=("prior_rule", "first"),
        reliability=("credibility", "last"),
        reliability_low=("credibility_low", "last"),
        reliability_high=("credibility_high", "last"),
        claims=("claim_id", "count"),
        mean_score=("score", "mean"),
    )
    table = table.join(_status_counts(frame, "source_id")).reset_index()
    if not learned:
        # Without a learned reliability the column would only repeat the prior.
        table[["reliability", "reliability_low", "reliability_high"]] = math.nan
    table["corroborated_share"] = (table["corroborated"] / table["claims"]).round(3)
    table["contradicted_share"] = ((table["contradicted"] + table["contested"]) / table["claims"]).round(3)
    table["mean_score"] = table["mean_score"].astype(float).round(3)
    table = table[SOURCE_TABLE_COLUMNS]
    return table.sort_values(["claims", "source_name"], ascending=[False, True]).reset_index(drop=True)


def _counts_by(frame: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Per key, "value: n; ..." of column, most frequent first."""
    if frame.empty:
        return pd.Series(dtype=str)
    counts = frame.groupby([key, column]).size().reset_index(name="n")
    counts = counts.sort_values([key, "n", column], ascending=[True, False, True])
    counts["item"] = counts[column].astype(str) + ": " + counts["n"].astype(str)
    return counts.groupby(key)["item"].agg("; ".join)


def story_table(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """One row per story: coverage, outcome counts, and which kinds of sources support or deny it.

    A denial (stance "deny") counts against the story, every other claim for it. The flag
    ``support_from_one_affiliation`` names the affiliation when all support shares one (for
    example one state's media and government), else it is empty.
    """
    used = ["story_id", "published_at", "source_affiliation", "article_id", "outlet", "claim_id", "source_id", "independence_group", "score", "status", "stance", "source_type"]
    storied = claims.loc[claims["story_id"].astype(str) != "", used]
    if storied.empty:
        return pd.DataFrame(columns=STORY_TABLE_COLUMNS)
    storied["published_at"] = storied["published_at"].astype(str)
    storied["affiliation"] = storied["source_affiliation"].fillna("").astype(str).replace("", NO_AFFILIATION)
    table = storied.groupby("story_id").agg(
        first_published=("published_at", "min"),
        last_published=("published_at", "max"),
        articles=("article_id", "nunique"),
        outlets=("outlet", "nunique"),
        claims=("claim_id", "count"),
        sources=("source_id", "nunique"),
        independence_groups=("independence_group", "nunique"),
        mean_score=("score", "mean"),
    ).join(_status_counts(storied, "story_id"))
    first = storied.sort_values(["published_at", "article_id"]).drop_duplicates("story_id").set_index("story_id")["article_id"]
    titles = articles.drop_duplicates("article_id").set_index("article_id")["title"] if len(articles) else pd.Series(dtype=str)
    table["headline"] = first.map(titles).astype(object).fillna("").astype(str)
    denying, supporting = storied[storied["stance"] == "deny"], storied[storied["stance"] != "deny"]
    table["supporting_types"] = _counts_by(supporting, "story_id", "source_type")
    table["supporting_affiliations"] = _counts_by(supporting, "story_id", "affiliation")
    table["denying_types"] = _counts_by(denying, "story_id", "source_type")
    table["denying_affiliations"] = _counts_by(denying, "story_id", "affiliation")
    spread = supporting.groupby("story_id")["affiliation"].agg(["nunique", "first"])
    one = spread.loc[(spread["nunique"] == 1) & (spread["first"] != NO_AFFILIATION), "first"]
    table["support_from_one_affiliation"] = one
    text_columns = ["supporting_types", "supporting_affiliations", "denying_types", "denying_affiliations", "support_from_one_affiliation"]
    table[text_columns] = table[text_columns].fillna("")
    table["mean_score"] = table["mean_score"].astype(float).round(3)
    table = table.reset_index()[STORY_TABLE_COLUMNS]
    return table.sort_values(["claims", "story_id"], ascending=[False, True]).reset_index(drop=True)


def coverage_parts(counts_text: str) -> list[tuple[str, int]]:
    """Parse a "name: n; ..." cell of the story table back into pairs, for bars in the page."""
    parts = []
    for item in _links(counts_text):
        name, _, count = item.rpartition(": ")
        parts.append((name, int(count)))
    return parts


# --- disputes: the two sides of each contested proposition -----------------------------------


@dataclass
class DisputeSide:
    """One side of a dispute: its claims (syndicated repeats folded into one) and independent groups."""

    claims: list[dict[str, object]]
    groups: int
    one_affiliation: str  # every claim shares this affiliation; "" otherwise


@dataclass
class Dispute:
    """Claims that support or contradict each other, split into two opposing sides."""

    story_id: str
    headline: dict[str, object]  # the earliest asserting claim of the first side
    supports: DisputeSide
    contradicts: DisputeSide
    size: int = 0  # claims on both sides, before folding copies
    shared_groups: int = 0  # independence groups found on both sides
    denied: bool = False  # the second side holds an explicit denial (a "deny" cue)


def dispute_sides(claims: pd.DataFrame, *, depth: int = 2) -> list[dict[str, int]]:
    """Claims around each disputed claim, each with its side (0: the claim's, 1: against it).

    From a contradicted claim (asserting and earliest first), support links keep a neighbour
    on the same side and contradiction links put it on the other, up to ``depth`` links away:
    the denial's other targets join the claim's side and the denial's supporters join the
    denial. The walk stops there because lexical matches chain loosely related statements
    into ever larger sets. A claim sharing a proposition or mutually exclusive set id (when
    the corroboration stage gives one) joins at one link, on the same side if its stance
    agrees (both denials or neither). A claim already shown in a dispute seeds no other.
    """
    # Links are split only for the claims a walk reaches: most of a night's claims are in no
    # dispute, and lists for all of them would cost gigabytes at 100,000 articles.
    row_of = {cid: row for row, cid in enumerate(claims["claim_id"].tolist())}
    support_cells, contradict_cells = claims["supporting_claim_ids"].to_numpy(), claims["contradicting_claim_ids"].to_numpy()
    deny_cells = (claims["stance"] == "deny").to_numpy()
    # Claims sharing a proposition or exclusive set: each claim names its groups, and a group
    # is expanded once per walk (expanding it again could only re-add what it already added).
    groups_of: dict[str, list[int]] = {}
    members_of: list[list[str]] = []
    for role in ("exclusive_set", "proposition"):
        key = optional_column(claims, role)
        if key:
            keyed = claims.loc[claims[key].notna() & (claims[key].astype(str) != ""), [key, "claim_id"]]
            # Members of each key value in row order, split from one stable sort (a groupby
            # iterated in Python costs seconds at a night's hundred thousand claims).
            codes = pd.factorize(keyed[key])[0]
            order = np.argsort(codes, kind="stable")
            ids = keyed["claim_id"].to_numpy(dtype=object)[order]
            for members in np.split(ids, np.flatnonzero(np.diff(codes[order])) + 1):
                if len(members) > 1:
                    listed = members.tolist()
                    for cid in listed:
                        groups_of.setdefault(cid, []).append(len(members_of))
                    members_of.append(listed)
    seed_columns = ["stance", "published_at", "n_contradicting_groups", "claim_id"]
    seeds = claims.loc[claims["n_contradicting_groups"] > 0, seed_columns].assign(_deny=lambda f: f["stance"] == "deny")
    seeds = seeds.sort_values(["_deny", "published_at", "n_contradicting_groups", "claim_id"], ascending=[True, True, False, True])
    shown: set[str] = set()
    result = []
    for seed in seeds["claim_id"].tolist():
        if seed in shown:
            continue
        side: dict[str, int] = {}
        expanded: set[int] = set()
        queue = deque([(seed, 0, 0)])
        while queue:
            cid, s, hops = queue.popleft()
            row = row_of.get(cid)
            if cid in side or row is None:
                continue
            side[cid] = s
            if hops == depth:
                continue
            # A claim already placed keeps its side (breadth first: the nearest link decides).
            queue.extend((other, s, hops + 1) for other in _links(support_cells[row]) if other not in side)
            queue.extend((other, 1 - s, hops + 1) for other in _links(contradict_cells[row]) if other not in side)
            for group in groups_of.get(cid, ()):
                if group not in expanded:
                    expanded.add(group)
                    queue.extend(
                        (other, s if deny_cells[row_of[other]] == deny_cells[row] else 1 - s, hops + 1) for other in members_of[group] if other not in side
                    )
        if len(set(side.values())) == 2:
            shown.update(side)
            result.append(side)
    return result


_SIDE_COLUMNS = ["claim_id", "source_id", "content", "outlet", "published_at", "credibility", "source_affiliation", "independence_group"]


def _side(frame: pd.DataFrame, claim_ids: pd.Series, limit: int, lead: str = "") -> DisputeSide:
    """One side of a dispute: the lead claim first, then the most credible sources.

    ``frame`` holds every claim, indexed by id; the choosing reads a few of its columns. The
    side's claims are left as stubs (id, outlets, copies): ``disputes`` takes the full rows of
    every shown claim at once (a side may hold thousands of claims, a night millions).
    """
    narrow = frame.loc[claim_ids.to_numpy(), _SIDE_COLUMNS].reset_index(drop=True)
    affiliations = narrow["source_affiliation"].fillna("").astype(str)
    # Syndicated copies repeat one statement: show it once, with every outlet that carried it.
    ordered = narrow.assign(_statement=narrow["content"].str.lower().str.split().str.join(" ")).sort_values("published_at", kind="stable")
    keys = ["source_id", "_statement"]
    firsts = ordered.drop_duplicates(keys).assign(_position=lambda f: range(len(f)))
    # The lead's statement leads, in whichever copy came first.
    lead_rows = ordered[ordered["claim_id"] == lead]
    lead_keys = set(zip(lead_rows["source_id"], lead_rows["_statement"], strict=True))
    firsts["_not_lead"] = [key not in lead_keys for key in zip(firsts["source_id"], firsts["_statement"], strict=True)]
    shown = firsts.assign(_credibility=-firsts["credibility"].astype(float))
    shown = shown.sort_values(["_not_lead", "_credibility", "published_at", "_position"], kind="stable").head(limit)
    # Only the few shown statements need their copies: one pass over three plain columns.
    wanted = dict(zip(zip(shown["source_id"], shown["_statement"], strict=True), shown["claim_id"], strict=True))
    outlets_of: dict[tuple[object, object], list[str]] = {key: [] for key in wanted}
    for key, outlet in zip(zip(ordered["source_id"], ordered["_statement"], strict=True), ordered["outlet"], strict=True):
        if key in outlets_of:
            outlets_of[key].append(str(outlet))
    return DisputeSide(
        claims=[{"claim_id": claim_id, "outlets": ", ".join(dict.fromkeys(outlets_of[key])), "copies": len(outlets_of[key])} for key, claim_id in wanted.items()],
        groups=int(narrow["independence_group"].nunique()),
        one_affiliation=affiliations.iloc[0] if affiliations.nunique() == 1 and affiliations.iloc[0] else "",
    )


def _with_full_rows(shown: list[Dispute], frame: pd.DataFrame) -> list[Dispute]:
    """Fill the shown disputes' headlines and claim stubs with their full rows, taken in one pass."""
    ids = [str(dispute.headline["claim_id"]) for dispute in shown]
    ids += [claim["claim_id"] for dispute in shown for side in (dispute.supports, dispute.contradicts) for claim in side.claims]  # type: ignore[misc]
    unique = list(dict.fromkeys(ids))
    rows = dict(zip(unique, _records(frame.loc[unique]), strict=True)) if unique else {}
    for dispute in shown:
        dispute.headline = dict(rows[str(dispute.headline["claim_id"])])
        for side in (dispute.supports, dispute.contradicts):
            side.claims = [{**rows[str(claim["claim_id"])], "outlets": claim["outlets"], "copies": claim["copies"]} for claim in side.claims]
    return shown


def disputes(claims: pd.DataFrame, *, limit: int = 20, per_side: int = 8) -> list[Dispute]:
    """Each disputed proposition with the side that claims it and the side that denies or contradicts it.

    The first side is the one with fewer denials (what was claimed). Disputes with an explicit
    denial come first, then those with the most independent groups on their weaker side.
    """
    if claims.empty:
        return []
    frame = with_credibility(claims)
    frame.index = pd.Index(frame["claim_id"].to_numpy())
    components = dispute_sides(claims)
    if not components:
        return []
    # Ranking works on one long table of (dispute, claim, side) and five columns; the full
    # rows are taken only for the disputes shown.
    rows = pd.DataFrame({
        "dispute": np.repeat(np.arange(len(components)), [len(component) for component in components]),
        "claim_id": [claim_id for component in components for claim_id in component],
        "side": [side for component in components for side in component.values()],
    }).join(frame[["stance", "independence_group", "published_at", "story_id"]], on="claim_id")
    rows["deny"] = rows["stance"] == "deny"
    # The first side is the one with the smaller share of denials (side 0 on a tie).
    deny_share = rows.pivot_table(index="dispute", columns="side", values="deny", aggfunc="mean")
    first_side = np.where(deny_share[0] <= deny_share[1], 0, 1)
    rows["first"] = rows["side"].to_numpy() == first_side[rows["dispute"].to_numpy()]
    # The headline: the first side's earliest asserting claim (its earliest claim if all deny).
    headlines = rows[rows["first"]].sort_values(["dispute", "deny", "published_at", "claim_id"]).drop_duplicates("dispute").set_index("dispute")
    group_sides = rows[["dispute", "first", "independence_group"]].drop_duplicates()
    groups = group_sides.groupby(["dispute", "first"]).size().unstack(fill_value=0)
    per_group = group_sides.groupby(["dispute", "independence_group"]).size()
    ranking = pd.DataFrame({
        "claim_id": headlines["claim_id"],
        "denied": rows[~rows["first"]].groupby("dispute")["deny"].any(),
        "weaker": groups.min(axis=1),  # both sides hold claims
        "shared": (per_group == 2).groupby(level="dispute").sum(),
        "size": rows.groupby("dispute").size(),
        "story": headlines["story_id"].astype(str),
        "published": headlines["published_at"].astype(str),
    })
    # Explicit denials first (what readers most need to see); then most independent groups
    # on the weaker side; then disputes between distinct groups (a group on both sides is
    # more likely a matching error than a disagreement); then the busiest.
    ranking = ranking.assign(_not_denied=~ranking["denied"], _weaker=-ranking["weaker"], _size=-ranking["size"])
    ranking = ranking.sort_values(["_not_denied", "_weaker", "shared", "_size", "story", "published"], kind="stable").head(limit)
    shown = []
    rows_of_dispute = rows.groupby("dispute").indices
    for dispute, row in ranking.iterrows():
        members = rows.iloc[rows_of_dispute[dispute]]
        shown.append(
            Dispute(
                story_id=str(row["story"]),
                headline={"claim_id": row["claim_id"]},
                supports=_side(frame, members.loc[members["first"], "claim_id"], per_side, lead=str(row["claim_id"])),
                contradicts=_side(frame, members.loc[~members["first"], "claim_id"], per_side),
                size=int(row["size"]),
                shared_groups=int(row["shared"]),
                denied=bool(row["denied"]),
            )
        )
    return _with_full_rows(shown, frame)


# --- what changed since the previous run, and trends over past runs --------------------------


@dataclass(frozen=True)
class PreviousRun:
    """What an earlier run left: its date, its sources table, and (newest run only) its claims
    (PREVIOUS_CLAIM_COLUMNS are enough)."""

    run_date: str
    sources: pd.DataFrame
    claims: pd.DataFrame | None = None


@dataclass
class RunChanges:
    """Differences between this run and the newest earlier one."""

    previous_date: str = ""  # "" when there is no earlier run
    claims_delta: int = 0
    new_claims: int = 0
    dropped_claims: int = 0
    new_disputed: list[dict[str, object]] = field(default_factory=list)  # new claims, or claims newly contested/contradicted
    changed: list[dict[str, object]] = field(default_factory=list)  # status changes and large score moves
    status_delta: dict[str, int] = field(default_factory=dict)
    new_sources: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        """Whether anything differs from the earlier run."""
        return bool(self.new_claims or self.dropped_claims or self.changed or self.new_sources)


def previous_run_dates(folder_names: Iterable[str], run_date: str, limit: int = 14) -> list[str]:
    """Earlier run folders (named YYYY-MM-DD, before run_date), newest first; the run's own folder is excluded."""
    dates = sorted({name for name in folder_names if RUN_FOLDER.match(name) and name < run_date}, reverse=True)
    return dates[:limit]


def run_changes(claims: pd.DataFrame, previous: PreviousRun | None, *, score_move: float = 0.1, limit: int = 20) -> RunChanges:
    """New, dropped and changed claims (by claim id) and status counts against the newest earlier run."""
    if previous is None or previous.claims is None:
        return RunChanges()
    before = previous.claims
    now_ids, before_ids = set(claims["claim_id"]), set(before["claim_id"])
    # Earlier status and score looked up by claim id: a merge would copy every column of the night's claims.
    earlier = before.drop_duplicates("claim_id").set_index("claim_id")
    status_before, score_before = claims["claim_id"].map(earlier["status"]), claims["claim_id"].map(earlier["score"])
    in_both = claims["claim_id"].isin(earlier.index)
    moved_rows = in_both & ((claims["status"] != status_before) | ((claims["score"] - score_before).abs() >= score_move))
    moved = claims[moved_rows].assign(status_before=status_before[moved_rows], score_before=score_before[moved_rows])
    moved["move"] = (moved["score"] - moved["score_before"]).abs()
    moved = moved.sort_values(["move", "claim_id"], ascending=[False, True])
    newly_disputed = claims[claims["status"].isin(DISPUTED) & ~(in_both & status_before.isin(DISPUTED))]
    status_now, status_before = claims["status"].value_counts(), before["status"].value_counts()
    return RunChanges(
        previous_date=previous.run_date,
        claims_delta=len(claims) - len(before),
        new_claims=len(now_ids - before_ids),
        dropped_claims=len(before_ids - now_ids),
        new_disputed=_records(newly_disputed.sort_values(["n_contradicting_groups", "score"], ascending=[False, True]).head(limit)),
        changed=_records(moved.head(limit)),
        status_delta={s: int(status_now.get(s, 0)) - int(status_before.get(s, 0)) for s in STATUSES if status_now.get(s, 0) or status_before.get(s, 0)},
        new_sources=sorted(set(claims.loc[~claims["source_id"].isin(set(before["source_id"])), "source_name"].astype(str)))[:limit],
    )


def trend_metric(sources: pd.DataFrame) -> str:
    """The per-source value followed over runs: learned reliability when known, else mean claim score."""
    return "reliability" if "reliability" in sources.columns and sources["reliability"].notna().any() else "mean_score"


def trend_frame(sources: pd.DataFrame, run_date: str, history: Sequence[PreviousRun]) -> pd.DataFrame:
    """Long table (run_date, source_id, source_name, value) of this run and earlier ones, oldest first."""
    metric = trend_metric(sources)
    frames = []
    for run in sorted(history, key=lambda r: r.run_date):
        if {"source_id", metric} <= set(run.sources.columns):
            part = run.sources[["source_id", metric]].dropna()
            frames.append(pd.DataFrame({"run_date": run.run_date, "source_id": part["source_id"].astype(str), "value": part[metric].astype(float)}))
    frames.append(pd.DataFrame({"run_date": run_date, "source_id": sources["source_id"].astype(str), "value": sources[metric].astype(float)}))
    long = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    names = sources.set_index("source_id")["source_name"]
    long = long[long["source_id"].isin(names.index)]
    long["source_name"] = long["source_id"].map(names)
    return long[["run_date", "source_id", "source_name", "value"]].reset_index(drop=True)


def add_source_trends(sources: pd.DataFrame, trend: pd.DataFrame) -> pd.DataFrame:
    """The sources table plus its trend over runs: values oldest first, change since the last run, runs seen."""
    out = sources.copy()
    out["trend_metric"] = trend_metric(sources)
    by_source = trend.sort_values("run_date").groupby("source_id")["value"].apply(list)
    values = out["source_id"].map(by_source)
    out["trend_values"] = values.map(lambda v: " ".join(f"{x:.3f}" for x in v) if isinstance(v, list) else "")
    out["trend_change"] = values.map(lambda v: round(v[-1] - v[-2], 3) if isinstance(v, list) and len(v) > 1 else math.nan)
    out["runs_seen"] = values.map(lambda v: len(v) if isinstance(v, list) else 0).astype(int)
    return out


def sparkline_points(values: Sequence[float], width: int = 48, height: int = 14) -> str:
    """SVG polyline points for values in [0, 1], oldest left; "" under two values."""
    if len(values) < 2:
        return ""
    step = width / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - 1 - min(max(v, 0.0), 1.0) * (height - 2):.1f}" for i, v in enumerate(values))


# --- the per-article view ---------------------------------------------------------------------

_PRIORITY = {"source": 3, "cue": 2, "content": 1}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def highlight_runs(text: str, spans: Iterable[tuple[int, int, str, str]]) -> list[list[tuple[str, str, str]]]:
    """Paragraphs of text as runs (kind, text, claim_id); kind is "", "source", "cue" or "content".

    Where spans overlap (one claim's content holds another's source), a source wins over a
    cue and a cue over content. Spans outside the text are ignored.
    """
    valid = [(s, e, kind, cid) for s, e, kind, cid in spans if 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _, _ in valid), *(e for _, e, _, _ in valid)})
    paragraphs: list[list[tuple[str, str, str]]] = [[]]
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [(_PRIORITY[kind], kind, cid) for s, e, kind, cid in valid if s <= start and end <= e]
        _, kind, cid = max(covering) if covering else (0, "", "")
        pieces = _PARAGRAPH_BREAK.split(text[start:end])
        for number_, piece in enumerate(pieces):
            if number_:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append((kind, piece, cid))
    return [paragraph for paragraph in paragraphs if paragraph]


def claim_spans(claims: Iterable[dict[str, object]]) -> list[tuple[int, int, str, str]]:
    """The source, cue and content spans of an article's claims (records), for highlight_runs."""
    kinds = ("source", "cue", "content")
    return [
        (int(claim[f"{kind}_start"]), int(claim[f"{kind}_end"]), kind, str(claim["claim_id"]))  # type: ignore[call-overload]
        for claim in claims
        for kind in kinds
        if claim[f"{kind}_start"] is not None and claim[f"{kind}_end"] is not None
    ]


# --- the report -------------------------------------------------------------------------------


@dataclass
class ReportData:
    """Everything a report shows, computed once for every format."""

    summary: RunSummary
    quarantined: list[dict[str, object]]
    disputes: list[Dispute]
    low_credibility_single: list[dict[str, object]]
    corroborated: list[dict[str, object]]
    sources: list[dict[str, object]]
    stories: list[dict[str, object]]
    claims: list[dict[str, object]]
    articles: list[dict[str, object]]
    changes: RunChanges
    charts: dict[str, Markup]
    learned_reliability: bool
    trend_metric: str
    more_claims: int = 0
    more_articles: int = 0
    source_frame: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    story_frame: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def build_report_data(
    summary: RunSummary,
    claims: pd.DataFrame,
    ledger: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    low_credibility: float,
    history: Sequence[PreviousRun] = (),
    top: int = 15,
    max_claims: int = 3000,
    max_articles: int = 300,
    with_charts: bool = True,
) -> ReportData:
    """Compute every section of the report; history holds earlier runs (the newest with its claims)."""
    frame = with_credibility(claims)
    plain_sources = sources_table(claims)
    trend = trend_frame(plain_sources, summary.run_date, history)
    sources = add_source_trends(plain_sources, trend)
    stories = story_table(claims, articles)
    newest = max(history, key=lambda run: run.run_date) if history else None
    single = first_rows(frame, ["credibility", "score"], top, where=(frame["status"] == "single-source") & (frame["credibility"] < low_credibility))
    corroborated = first_rows(frame, ["n_supporting_groups", "score"], top, ascending=False, where=frame["status"] == "corroborated")
    all_claims = first_rows(frame, ["story_id", "published_at", "article_id", "content_start"], max_claims)
    article_views = []
    shown_articles = articles.sort_values(["published_at", "article_id"]).head(max_articles)
    # One conversion of the shown articles' claims to records, then grouped (not one per article).
    shown_claims = frame[frame["article_id"].isin(shown_articles["article_id"])].sort_values(["article_id", "content_start"], kind="stable")
    by_article: dict[object, list[dict[str, object]]] = {}
    for record in _records(shown_claims):
        by_article.setdefault(record["article_id"], []).append(record)
    for article in _records(shown_articles):
        article_claims = by_article.get(article["article_id"], [])
        article_views.append({
            **article,
            "safe_url": safe_url(str(article["url"] or "")),
            "runs": highlight_runs(str(article["text"] or ""), claim_spans(article_claims)),
            "claims": article_claims,
        })
    source_rows = _records(sources)
    for row in source_rows:
        row["spark"] = sparkline_points([float(v) for v in str(row["trend_values"] or "").split()])
    story_rows = _records(stories)
    for row in story_rows:
        for column in ("supporting_types", "supporting_affiliations", "denying_types", "denying_affiliations"):
            row[column + "_parts"] = coverage_parts(str(row[column] or ""))
    return ReportData(
        summary=summary,
        quarantined=_records(ledger[ledger["state"] == "quarantined"]),
        disputes=disputes(claims, limit=top),
        low_credibility_single=_records(single),
        corroborated=_records(corroborated),
        sources=source_rows,
        stories=story_rows,
        claims=_records(all_claims),
        articles=article_views,
        changes=run_changes(claims, newest),
        charts={name: Markup(svg) for name, svg in charts.chart_set(claims, sources, trend).items()} if with_charts else {},  # noqa: S704 - matplotlib SVG, checked by charts.to_svg
        learned_reliability=bool(sources["reliability"].notna().any()) if len(sources) else False,
        trend_metric=trend_metric(sources),
        more_claims=max(len(frame) - max_claims, 0),
        more_articles=max(len(articles) - max_articles, 0),
        source_frame=sources,
        story_frame=stories,
    )


def shown_claims(data: ReportData) -> Iterator[dict[str, object]]:
    """Every claim record a report shows: lists, the articles' claims, the disputes' claims."""
    yield from data.claims
    yield from data.low_credibility_single
    yield from data.corroborated
    for article in data.articles:
        yield from article["claims"]  # type: ignore[misc]
    for dispute in data.disputes:
        yield dispute.headline
        for side in (dispute.supports, dispute.contradicts):
            yield from side.claims


def add_explanations(data: ReportData, explanations: Mapping[str, str]) -> ReportData:
    """Give each shown claim its explanation (by claim id), for report data built without them."""
    for record in shown_claims(data):
        record["explanation"] = explanations.get(str(record["claim_id"]))
    return data


def _script() -> str:
    source, _, _ = _ENVIRONMENT.loader.get_source(_ENVIRONMENT, "report.js")  # type: ignore[union-attr]
    return source


def script_hash(script: str) -> str:
    """The CSP source expression that allows exactly this inline script and no other."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("credence", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["md"] = markdown_cell
_ENVIRONMENT.filters["safe_url"] = safe_url
_ENVIRONMENT.filters["num"] = number


def render_markdown(data: ReportData) -> str:
    """The Markdown report: summary, changes, contested, single-source, corroborated, stories, sources."""
    return _ENVIRONMENT.get_template("report.md.j2").render(data=data)


def render_html(data: ReportData) -> str:
    """The self-contained HTML briefing."""
    script = _script()
    return _ENVIRONMENT.get_template("report.html").render(data=data, script=Markup(script), script_hash=Markup(script_hash(script)))  # noqa: S704 - our own file and its hash


def summary_markdown(data: ReportData) -> str:
    """The short summary published as the Prefect markdown artifact."""
    return _ENVIRONMENT.get_template("summary.md.j2").render(data=data)
