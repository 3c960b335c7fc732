"""Incremental nights: which articles are new, which stored claims are still valid, what to keep.

Each run stores the articles it parsed and their extracted claims in a history partitioned
by run date (see io.read_history / io.write_history). A night parses only articles that no
earlier run has parsed (keyed by content hash, the article id), and corroborates and scores
them together with the stored claims of the last ``window_days`` days that share a story with
them (``night_stories``): the window's other stories can neither support nor contradict
tonight's claims, and were scored and reported on their own nights, so a night's cost follows
its new articles and their stories, not the size of the history. Stored claims made by
another extractor (other code of credence/claims.py or of the parse and rule modules it
uses, cue lexicon or spaCy pipeline) are extracted again, so a change of extractor
re-scores what it affects.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from credence import attribution_parse, attribution_rules, claims, corroboration, io, nlp
from credence.config import CorroborationSettings


def extraction_key(cues_path: Path, pipeline_version: str) -> str:
    """Identity of the extractor: the code of claims.py and the modules it parses and applies
    rules with, the cue lexicon and the spaCy pipeline."""
    digest = hashlib.sha256()
    for module in (claims, attribution_parse, attribution_rules, nlp):
        digest.update(Path(module.__file__ or "").read_bytes())
    digest.update(cues_path.read_bytes())
    digest.update(pipeline_version.encode())
    return digest.hexdigest()[:16]


def window_start(run_date: date, window_days: int) -> str:
    return (run_date - timedelta(days=window_days)).isoformat()


@dataclass
class Plan:
    """What a night does: parse these, reuse those."""

    to_parse: pd.DataFrame  # articles: new tonight, or in the window but extracted by another extractor
    new_article_ids: set[str]  # stored under tonight's run date
    context_articles: pd.DataFrame  # earlier articles in the window, reused as they are
    context_claims: pd.DataFrame  # their stored claims (valid extraction key)
    seen_before: pd.DataFrame  # article_id, run_date: tonight's inputs already parsed by an earlier run


def plan_night(
    articles: pd.DataFrame,
    seen: pd.DataFrame,
    window_articles: pd.DataFrame,
    window_claims: pd.DataFrame,
    *,
    key: str,
) -> Plan:
    """Split tonight's ingested articles into new and seen, and the window into valid and stale."""
    # An empty history has no columns at all.
    if "article_id" not in seen.columns:
        seen = pd.DataFrame(columns=["article_id", "run_date"])
    if "article_id" not in window_articles.columns:
        window_articles = pd.DataFrame(columns=articles.columns)
    if "article_id" not in window_claims.columns:
        window_claims = pd.DataFrame(columns=["article_id", "extraction_key"])
    first_run = seen.sort_values("run_date").drop_duplicates("article_id").set_index("article_id")["run_date"]
    is_new = ~articles["article_id"].isin(first_run.index)
    new = articles[is_new]
    seen_before = pd.DataFrame({"article_id": articles.loc[~is_new, "article_id"], "run_date": articles.loc[~is_new, "article_id"].map(first_run)})
    window_articles = window_articles[~window_articles["article_id"].isin(new["article_id"])].drop_duplicates("article_id")
    current = window_claims["extraction_key"] == key
    valid_ids = set(window_claims.loc[current, "article_id"])
    stale_ids = set(window_claims.loc[~current, "article_id"])
    # An article whose claims were all stored by another extractor, or that had no claims
    # stored under the current one, is parsed again.
    stale = window_articles[window_articles["article_id"].isin(stale_ids - valid_ids)]
    reused = window_articles[~window_articles["article_id"].isin(stale["article_id"])]
    context_claims = window_claims[window_claims["article_id"].isin(reused["article_id"]) & current]
    article_columns = list(articles.columns)
    # The window's stored story terms come along (see corroboration.with_story_terms).
    stored_terms = [corroboration.STORY_TERMS_COLUMN] if corroboration.STORY_TERMS_COLUMN in reused.columns else []
    return Plan(
        to_parse=pd.concat([new, stale[article_columns]], ignore_index=True),
        new_article_ids=set(new["article_id"]),
        context_articles=reused[[*article_columns, *stored_terms]].reset_index(drop=True),
        context_claims=context_claims.reset_index(drop=True),
        seen_before=seen_before.reset_index(drop=True),
    )


def night_stories(plan: Plan, settings: CorroborationSettings, window_days: int, *, whole_window: bool = False) -> tuple[Plan, pd.Series]:
    """Stories over tonight's and the window's articles, and the plan with only the context
    articles (and their claims) in a story of an article parsed tonight (all with ``whole_window``).

    Stories are found as corroboration finds them, over all of these articles, so a story that
    grew from the window into tonight keeps all its earlier articles, and corroboration takes
    them from here: a story is the same whether or not the window's other stories are in the run.
    Returns the stories of the plan's articles (to parse, then context) by article id.
    """
    together = pd.concat([plan.to_parse, plan.context_articles], ignore_index=True)
    if together.empty:
        return plan, pd.Series(dtype=object)
    # Tonight's articles keep their story terms, for the history to store (the window's came from it).
    together = corroboration.with_story_terms(together)
    parsed = len(plan.to_parse)
    plan = replace(plan, to_parse=together.iloc[:parsed].reset_index(drop=True), context_articles=together.iloc[parsed:].reset_index(drop=True))
    stories = corroboration.story_groups(together, settings, window_days)
    if not whole_window:
        touched = set(stories.iloc[: len(plan.to_parse)])
        related = plan.context_articles["article_id"][stories.iloc[len(plan.to_parse) :].isin(touched).to_numpy()]
        plan = replace(
            plan,
            context_articles=plan.context_articles[plan.context_articles["article_id"].isin(related)].reset_index(drop=True),
            context_claims=plan.context_claims[plan.context_claims["article_id"].isin(related)].reset_index(drop=True),
        )
    kept = stories.reindex(pd.concat([plan.to_parse["article_id"], plan.context_articles["article_id"]]))
    return plan, pd.Series(corroboration.story_ids(kept.to_numpy(dtype=object)), index=kept.index)


def stored_context_claims(out_dir: Path, plan: Plan, *, key: str, since: str, before: str) -> Plan:
    """The plan with the full stored rows of its context claims (it was made from two columns),
    read for its context articles only and under the current extraction key."""
    stored = io.read_history(out_dir, "claims", before=before, since=since, article_ids=plan.context_claims["article_id"])
    current = stored[stored["extraction_key"] == key].reset_index(drop=True) if len(stored) else stored
    return replace(plan, context_claims=current)


def mark_seen_in_ledger(ledger: pd.DataFrame, seen_before: pd.DataFrame) -> pd.DataFrame:
    """Inputs parsed by an earlier run are not processed again: the ledger says so."""
    if seen_before.empty:
        return ledger
    first_run = dict(zip(seen_before["article_id"], seen_before["run_date"], strict=True))
    ledger = ledger.copy()
    again = (ledger["state"] == "processed") & ledger["article_id"].isin(first_run)
    ledger.loc[again, "state"] = "duplicate"
    ledger.loc[again, "reason"] = [f"already processed in the run of {first_run[a]}" for a in ledger.loc[again, "article_id"]]
    return ledger
