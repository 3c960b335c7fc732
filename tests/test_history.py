"""Incremental nights: new versus seen articles, valid versus stale stored claims."""

from __future__ import annotations

import pandas as pd

from credence import history

ARTICLE_COLUMNS = ["article_id", "outlet", "text"]


def articles(*ids: str) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": i, "outlet": "o", "text": f"text {i}"} for i in ids], columns=ARTICLE_COLUMNS)


def stored_claims(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"claim_id": f"{a}-c001", "article_id": a, "extraction_key": key} for a, key in rows])


def test_first_night_parses_everything():
    """With no history, every article is new and nothing is reused."""
    plan = history.plan_night(articles("a", "b"), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), key="k1")
    assert list(plan.to_parse["article_id"]) == ["a", "b"] and plan.new_article_ids == {"a", "b"}
    assert plan.context_articles.empty and plan.context_claims.empty and plan.seen_before.empty


def test_seen_articles_are_not_parsed_again_and_the_window_is_reused():
    """Tonight's inputs parsed on an earlier night are skipped; the window's claims are reused."""
    seen = pd.DataFrame({"article_id": ["a", "a"], "run_date": ["2026-11-25", "2026-11-20"]})
    plan = history.plan_night(articles("a", "c"), seen, articles("a", "x"), stored_claims([("a", "k1"), ("x", "k1")]), key="k1")
    assert list(plan.to_parse["article_id"]) == ["c"]
    assert plan.seen_before.to_dict("records") == [{"article_id": "a", "run_date": "2026-11-20"}]
    assert sorted(plan.context_articles["article_id"]) == ["a", "x"]
    assert sorted(plan.context_claims["article_id"]) == ["a", "x"]


def test_claims_of_another_extractor_are_parsed_again():
    """A stored article extracted under another key goes back to the parser; its old claims are dropped."""
    plan = history.plan_night(articles("c"), pd.DataFrame(), articles("a", "x"), stored_claims([("a", "old"), ("x", "k2")]), key="k2")
    assert sorted(plan.to_parse["article_id"]) == ["a", "c"] and plan.new_article_ids == {"c"}
    assert list(plan.context_claims["article_id"]) == ["x"]


def test_ledger_marks_earlier_articles_as_duplicates():
    """An input already processed by an earlier night is a duplicate that names that night."""
    ledger = pd.DataFrame({"source_file": ["f1", "f2"], "record": ["", ""], "state": ["processed", "processed"], "reason": ["", ""], "article_id": ["a", "c"], "title": ["", ""]})
    marked = history.mark_seen_in_ledger(ledger, pd.DataFrame({"article_id": ["a"], "run_date": ["2026-11-25"]}))
    assert marked["state"].tolist() == ["duplicate", "processed"]
    assert marked["reason"][0] == "already processed in the run of 2026-11-25"
