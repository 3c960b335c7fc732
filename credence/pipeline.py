"""All stages in memory, in order: for tests, benchmarks and notebooks.

The Prefect flow runs the same functions stage by stage through files; this is the same
chain without the orchestration, so both always agree on what a stage does.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from spacy.language import Language

from credence import claims, corroboration, scoring, sources
from credence.config import Config
from credence.models import ARTICLE_COLUMNS, CLAIM_ARTICLE_COLUMNS, Article, with_known_columns_first


def articles_frame(articles: list[Article]) -> pd.DataFrame:
    return pd.DataFrame([article.__dict__ for article in articles], columns=ARTICLE_COLUMNS)


def add_article_columns(resolved: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Carry the article's outlet, date, title and URL onto each claim."""
    return resolved.merge(articles[["article_id", *CLAIM_ARTICLE_COLUMNS]], on="article_id", how="left")


def authoritative_sources(config: Config) -> frozenset[str]:
    return frozenset(entry.id for entry in config.registry.sources if entry.authoritative)


def score_articles(
    articles: list[Article],
    config: Config,
    nlp: Language,
    *,
    window_days: int = 7,
    run_date: date | None = None,
    reliability_state: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Split, resolve, corroborate and score; returns the scored claims table.

    ``run_date`` is the reference of recency, as in the flow (None: no recency discount);
    ``reliability_state`` is what earlier nights learned (credence.reliability.current_state
    of the history before run_date).
    """
    frame = articles_frame(articles)
    extracted = claims.claims_frame(claims.split_claims(articles, lexicon=config.cues, nlp=nlp))
    resolved = add_article_columns(sources.resolve_claim_sources(extracted, frame, config), frame)
    related = corroboration.corroborate(resolved, frame, config.scoring.corroboration, window_days=window_days)
    scored = scoring.score_claims(
        related, config.scoring.scoring, authoritative=authoritative_sources(config), reliability_state=reliability_state, as_of=run_date
    )
    return with_known_columns_first(scored)
