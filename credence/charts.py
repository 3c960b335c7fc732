"""Charts of a run as inline SVG strings, drawn with matplotlib (Agg, no display needed).

Labels come from untrusted text (outlet and source names): matplotlib escapes XML in SVG
text, ``$`` is escaped so that a name is never parsed as mathtext, and every element id is
prefixed per chart so that several charts can share one HTML page.
"""

from __future__ import annotations

import html
import io as _io
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# The same colours as the report's CSS, so a status reads the same in tables and charts.
STATUS_COLOURS: dict[str, str] = {
    "corroborated": "#1a7f37",
    "contested": "#bf8700",
    "contradicted": "#cf222e",
    "single-source": "#8c959f",
}
STATUS_ORDER: tuple[str, ...] = ("corroborated", "contested", "contradicted", "single-source")
_TEXT = "#1d2329"
_GRID = "#d7dde3"
_RC = {
    "svg.fonttype": "none",  # text stays text: smaller, searchable, and escaped by matplotlib
    "svg.hashsalt": "credence",  # stable ids, so that a rerun writes the same report
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.edgecolor": _GRID,
    "axes.labelcolor": _TEXT,
    "xtick.color": _TEXT,
    "ytick.color": _TEXT,
}
# Text is escaped, so "<" only opens real elements: no element or attribute here may run code.
_FORBIDDEN = re.compile(r"<\s*(script|foreignObject|a|iframe|image)\b|<[^>]*\son\w+\s*=", re.IGNORECASE)


def label(text: object, limit: int = 38) -> str:
    """A short, literal chart label: one line, truncated, ``$`` not read as mathtext."""
    flat = " ".join(str(text).split()) or "(none)"
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return flat.replace("$", r"\$")


def to_svg(figure: Figure, chart_id: str, title: str) -> str:
    """The figure as an inline ``<svg>`` element with ids unique to this chart."""
    buffer = _io.StringIO()
    with matplotlib.rc_context(_RC):
        # Margins are set when the figure is laid out: "tight" bounding boxes would draw it twice.
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # Ids such as "patch_1" repeat in every matplotlib SVG; one page holds several charts.
    svg = re.sub(r'(<[^>]*?\s)id="([^"]+)"', rf'\1id="{chart_id}-\2"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{chart_id}-\1)", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{chart_id}-\1"', svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(title, quote=True)}" class="chart" ', 1)
    return inert_svg(svg, chart_id)


def inert_svg(svg: str, chart_id: str) -> str:
    """The SVG unchanged, or ValueError if it holds an element or attribute that could run code.

    matplotlib escapes text; this guards the unescaped insertion into the report anyway.
    """
    if _FORBIDDEN.search(svg):
        raise ValueError(f"chart {chart_id} produced markup that is not plain SVG")
    return svg


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(width, height), dpi=96)
        figure.patch.set_alpha(0)
    return figure


def _margins(figure: Figure, labels: list[str], *, legend_above: bool = False) -> None:
    """Room on the left for the longest y label (about 0.07 inch a character at 9 pt)."""
    width, height = figure.get_size_inches()
    left = min(0.55, (0.07 * max((len(text) for text in labels), default=4) + 0.25) / width)
    top = 1 - (0.45 if legend_above else 0.15) / height
    figure.subplots_adjust(left=left, right=0.97, top=top, bottom=0.5 / height)


def _style(axes) -> None:  # type: ignore[no-untyped-def]
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color=_GRID, linewidth=0.6)
    axes.set_axisbelow(True)


def score_distribution(claims: pd.DataFrame, *, bins: int = 20) -> str:
    """Histogram of claim scores, stacked by status."""
    with matplotlib.rc_context(_RC):
        figure = _figure(5.6, 2.6)
        axes = figure.add_subplot()
        statuses = [status for status in STATUS_ORDER if (claims["status"] == status).any()]
        values = [claims.loc[claims["status"] == status, "score"].astype(float).to_numpy() for status in statuses]
        if statuses:
            axes.hist(values, bins=bins, range=(0, 1), stacked=True, label=statuses,
                      color=[STATUS_COLOURS[status] for status in statuses], edgecolor="white", linewidth=0.4)
            axes.legend(frameon=False, fontsize=8)
        axes.set_xlim(0, 1)
        axes.set_xlabel("score (estimated probability the claim is accurate)")
        axes.set_ylabel("claims")
        _style(axes)
        axes.grid(axis="y", color=_GRID, linewidth=0.6)
        axes.grid(axis="x", visible=False)
        figure.subplots_adjust(left=0.1, right=0.97, top=0.95, bottom=0.2)
        return to_svg(figure, "chart-scores", "Distribution of claim scores by status")


def claims_per_outlet(claims: pd.DataFrame, *, limit: int = 15) -> str:
    """Horizontal bars of claims per outlet, stacked by status; the busiest outlets first."""
    with matplotlib.rc_context(_RC):
        counts = claims.groupby(["outlet", "status"]).size().unstack(fill_value=0)
        counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False).index[:limit]].iloc[::-1]
        figure = _figure(5.6, 0.9 + 0.28 * max(len(counts), 1))
        axes = figure.add_subplot()
        left = pd.Series(0, index=counts.index, dtype=float)
        positions = range(len(counts))
        for status in STATUS_ORDER:
            if status in counts.columns:
                axes.barh(positions, counts[status], left=left, color=STATUS_COLOURS[status], label=status, height=0.7)
                left = left + counts[status]
        labels = [label(outlet) for outlet in counts.index]
        axes.set_yticks(list(positions), labels)
        _margins(figure, labels, legend_above=True)
        axes.set_xlabel("claims")
        if len(counts):
            figure.legend(frameon=False, fontsize=8, loc="upper center", ncol=4)
        _style(axes)
        return to_svg(figure, "chart-outlets", "Claims per outlet by status")


def source_reliability(sources: pd.DataFrame, *, limit: int = 20) -> str:
    """Prior (hollow) and learned reliability or mean claim score (filled, with its interval) per source."""
    with matplotlib.rc_context(_RC):
        shown = sources.sort_values(["claims", "source_name"], ascending=[False, True]).head(limit).iloc[::-1]
        learned = "reliability" in shown.columns and shown["reliability"].notna().any()
        value = shown["reliability"] if learned else shown["mean_score"]
        figure = _figure(5.6, 0.9 + 0.26 * max(len(shown), 1))
        axes = figure.add_subplot()
        positions = list(range(len(shown)))
        if learned and {"reliability_low", "reliability_high"} <= set(shown.columns):
            low, high = shown["reliability_low"].astype(float), shown["reliability_high"].astype(float)
            present = low.notna() & high.notna()
            axes.hlines([p for p, ok in zip(positions, present, strict=True) if ok], low[present], high[present],
                        color="#0969da", linewidth=2, alpha=0.35, label="90% interval")
        axes.scatter(shown["source_prior"].astype(float), positions, facecolors="none", edgecolors=_TEXT, s=22, label="prior")
        axes.scatter(value.astype(float), positions, color="#0969da", s=22,
                     label="learned reliability" if learned else "mean claim score")
        labels = [label(name) for name in shown["source_name"]]
        axes.set_yticks(positions, labels)
        _margins(figure, labels, legend_above=True)
        axes.set_xlim(0, 1)
        axes.set_xlabel("reliability" if learned else "prior and mean claim score")
        if len(shown):
            figure.legend(frameon=False, fontsize=8, loc="upper center", ncol=3)
        _style(axes)
        return to_svg(figure, "chart-sources", "Source prior and reliability")


def reliability_trend(trend: pd.DataFrame, sources: Sequence[str], *, ylabel: str = "reliability") -> str:
    """Lines of a per-source value over runs (trend columns run_date, source_id, source_name, value) for the given sources; "" under two runs."""
    shown = trend[trend["source_id"].isin(list(sources))]
    if shown.empty or trend["run_date"].nunique() < 2:
        return ""
    with matplotlib.rc_context(_RC):
        dates = sorted(trend["run_date"].unique())
        figure = _figure(5.6, 2.6)
        axes = figure.add_subplot()
        for source_id in sources:
            rows = shown[shown["source_id"] == source_id].sort_values("run_date")
            if len(rows):
                axes.plot([dates.index(d) for d in rows["run_date"]], rows["value"].astype(float), marker="o", markersize=3,
                          linewidth=1.2, label=label(rows["source_name"].iloc[0], 30))
        axes.set_xticks(range(len(dates)), [str(d)[5:] for d in dates])
        axes.set_ylim(0, 1)
        axes.set_ylabel(ylabel)
        axes.legend(frameon=False, fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5))
        figure.subplots_adjust(left=0.1, right=0.62, top=0.95, bottom=0.15)
        _style(axes)
        axes.grid(axis="y", color=_GRID, linewidth=0.6)
        return to_svg(figure, "chart-trend", "Source reliability over past runs")


def chart_set(claims: pd.DataFrame, sources: pd.DataFrame, trend: pd.DataFrame | None = None) -> dict[str, str]:
    """Every chart of the report by name; empty charts are left out."""
    if claims.empty:
        return {}
    charts = {
        "scores": score_distribution(claims),
        "outlets": claims_per_outlet(claims),
        "sources": source_reliability(sources),
    }
    if trend is not None and len(sources):
        busiest = sources.sort_values(["claims", "source_name"], ascending=[False, True])["source_id"].head(8).tolist()
        learned = "reliability" in sources.columns and sources["reliability"].notna().any()
        charts["trend"] = reliability_trend(trend, busiest, ylabel="learned reliability" if learned else "mean claim score")
    return {name: svg for name, svg in charts.items() if svg}

