"""Tables and reports of a run: sources table, Markdown and self-contained HTML.

Article text is untrusted: the HTML template autoescapes everything, links are rendered only
for http(s) URLs, and Markdown output escapes the characters that would change its layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import jinja2
import pandas as pd

from credence.models import RunSummary

TOP_CLAIM_COLUMNS = ["score", "status", "source_name", "cue", "content", "outlet", "n_supporting_groups", "n_contradicting_groups"]


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


def sources_table(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per resolved source: who it is, its prior and how its claims fared."""
    if claims.empty:
        return pd.DataFrame(
            columns=["source_id", "source_name", "source_type", "source_affiliation", "source_prior", "prior_rule",
                     "claims", "corroborated", "contested", "contradicted", "mean_score"]
        )
    grouped = claims.groupby("source_id", sort=True)
    table = grouped.agg(
        source_name=("source_name", "first"),
        source_type=("source_type", "first"),
        source_affiliation=("source_affiliation", "first"),
        source_prior=("source_prior", "first"),
        prior_rule=("prior_rule", "first"),
        claims=("claim_id", "count"),
        corroborated=("status", lambda s: int((s == "corroborated").sum())),
        contested=("status", lambda s: int((s == "contested").sum())),
        contradicted=("status", lambda s: int((s == "contradicted").sum())),
        mean_score=("score", "mean"),
    ).reset_index()
    table["mean_score"] = table["mean_score"].round(3)
    return table.sort_values(["claims", "source_name"], ascending=[False, True]).reset_index(drop=True)


@dataclass
class ReportData:
    """Everything a report shows, computed once for both formats."""

    summary: RunSummary
    quarantined: list[dict[str, object]]
    disputed: list[dict[str, object]]
    low_credibility_single: list[dict[str, object]]
    corroborated: list[dict[str, object]]
    sources: list[dict[str, object]]
    articles: list[dict[str, object]]


def _side(claims_by_id: pd.DataFrame, ids: str) -> list[dict[str, object]]:
    return [claims_by_id.loc[claim_id].to_dict() for claim_id in filter(None, ids.split("; "))]


def build_report_data(
    summary: RunSummary,
    claims: pd.DataFrame,
    ledger: pd.DataFrame,
    articles: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    low_credibility: float,
    top: int = 15,
) -> ReportData:
    by_id = claims.set_index("claim_id", drop=False)
    disputed_rows = claims[claims["status"].isin(["contested", "contradicted"])].sort_values(["n_contradicting_groups", "score"], ascending=[False, True])
    disputed = []
    for row in disputed_rows.head(top).to_dict("records"):
        disputed.append({**row, "supporters": _side(by_id, row["supporting_claim_ids"]), "opponents": _side(by_id, row["contradicting_claim_ids"])})
    single = claims[(claims["status"] == "single-source") & (claims["source_prior"] < low_credibility)].sort_values("score")
    corroborated = claims[claims["status"] == "corroborated"].sort_values(["n_supporting_groups", "score"], ascending=False)
    article_views = []
    for article in articles.sort_values(["published_at", "article_id"]).to_dict("records"):
        article_claims = claims[claims["article_id"] == article["article_id"]].sort_values("content_start")
        article_views.append({**article, "safe_url": safe_url(str(article["url"])), "paragraphs": str(article["text"]).split("\n\n"), "claims": article_claims.to_dict("records")})
    quarantined = ledger[ledger["state"] == "quarantined"].to_dict("records")
    return ReportData(
        summary=summary,
        quarantined=quarantined,
        disputed=disputed,
        low_credibility_single=single.head(top).to_dict("records"),
        corroborated=corroborated.head(top).to_dict("records"),
        sources=sources.to_dict("records"),
        articles=article_views,
    )


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("credence", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["md"] = markdown_cell
_ENVIRONMENT.filters["safe_url"] = safe_url


def render_markdown(data: ReportData) -> str:
    return _ENVIRONMENT.get_template("report.md.j2").render(data=data)


def render_html(data: ReportData) -> str:
    return _ENVIRONMENT.get_template("report.html").render(data=data)


def summary_markdown(data: ReportData) -> str:
    """The short summary published as the Prefect markdown artifact."""
    return _ENVIRONMENT.get_template("summary.md.j2").render(data=data)
