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


def test_only_the_window_articles_in_tonight_stories_are_kept():
    """Yesterday's article on tonight's story stays in the context with its claims; another story's does not."""
    from pathlib import Path

    from credence import config

    def article(article_id: str, text: str) -> dict[str, str]:
        return {"article_id": article_id, "outlet": "o", "text": text, "published_at": "2026-11-26T09:00:00+00:00"}

    leak = "Firefighters in Tarvel said the chlorine leak at the Ostrava depot was contained, and the Tarvel port reopened."
    tonight = pd.DataFrame([article("new", leak + " The Ostrava depot operator said repairs at Tarvel would take a week.")])
    window = pd.DataFrame([
        article("same", "The Ostrava depot in Tarvel leaked chlorine on Monday, firefighters in Tarvel said, closing the port."),
        article("other", "Voters in Lissen chose a new council on Sunday, the Lissen election office said, with turnout at 61%."),
    ])
    claims = stored_claims([("same", "k1"), ("other", "k1")])
    plan = history.plan_night(tonight, pd.DataFrame(), window, claims, key="k1")
    assert sorted(plan.context_articles["article_id"]) == ["other", "same"]
    settings = config.load_config(Path(__file__).parents[1] / "config").scoring.corroboration
    kept, stories = history.night_stories(plan, settings, window_days=7)
    assert list(kept.context_articles["article_id"]) == ["same"]
    assert list(kept.context_claims["article_id"]) == ["same"]
    assert stories.to_dict() == {"new": "story-001", "same": "story-001"}
    everything, stories = history.night_stories(plan, settings, window_days=7, whole_window=True)
    assert sorted(everything.context_articles["article_id"]) == ["other", "same"]
    assert stories.to_dict() == {"new": "story-001", "same": "story-001", "other": "story-002"}
    # A night with nothing to parse has no story to continue.
    empty, _ = history.night_stories(history.plan_night(tonight.iloc[:0], pd.DataFrame(), window, claims, key="k1"), settings, window_days=7)
    assert empty.context_articles.empty and empty.context_claims.empty


def test_window_articles_are_grouped_by_their_stored_story_terms():
    """A stored article's story terms stand for its text (they are not split again), and
    tonight's articles get theirs, for the history to store."""
    from pathlib import Path

    from credence import config, corroboration

    def article(article_id: str, text: str) -> dict[str, str]:
        return {"article_id": article_id, "outlet": "o", "text": text, "published_at": "2026-11-26T09:00:00+00:00"}

    leak = "Firefighters in Tarvel said the chlorine leak at the Ostrava depot was contained, and the Tarvel port reopened."
    tonight = pd.DataFrame([article("new", leak)])
    # The stored terms are the leak's, whatever the stored text says: they are what is read.
    window = pd.DataFrame([article("stored", "Voters in Lissen chose a new council on Sunday.")])
    window[corroboration.STORY_TERMS_COLUMN] = corroboration.with_story_terms(tonight)[corroboration.STORY_TERMS_COLUMN]
    settings = config.load_config(Path(__file__).parents[1] / "config").scoring.corroboration
    plan = history.plan_night(tonight, pd.DataFrame(), window, stored_claims([("stored", "k1")]), key="k1")
    kept, stories = history.night_stories(plan, settings, window_days=7)
    assert stories.to_dict() == {"new": "story-001", "stored": "story-001"}
    assert kept.to_parse[corroboration.STORY_TERMS_COLUMN].tolist() == [" ".join(corroboration._story_terms(leak))]


def test_history_reads_only_the_asked_articles(tmp_path):
    """read_history with article_ids filters rows as Parquet is read; an empty set keeps the columns."""
    from credence import io

    io.write_history(tmp_path, "claims", "2026-11-26", stored_claims([("a", "k1"), ("b", "k1")]))
    io.write_history(tmp_path, "claims", "2026-11-27", stored_claims([("c", "k1")]))
    picked = io.read_history(tmp_path, "claims", before="2026-11-28", since="2026-11-20", article_ids=["c", "a"])
    assert sorted(picked["article_id"]) == ["a", "c"] and set(picked["run_date"]) == {"2026-11-26", "2026-11-27"}
    none = io.read_history(tmp_path, "claims", before="2026-11-28", article_ids=[])
    assert none.empty and {"claim_id", "article_id", "extraction_key", "run_date"} <= set(none.columns)
    narrow = io.read_history(tmp_path, "claims", before="2026-11-28", columns=["article_id"], article_ids=[])
    assert list(narrow.columns) == ["article_id", "run_date"]
