"""Cost of corroboration at scale, on a synthetic night of news (no spaCy, no files).

    .venv/bin/python -m credence.corroboration_bench --articles 10000 --claims-per-article 20

builds claims and articles with the columns ``corroborate`` reads, then times it. The corpus
is made of stories: each has its own place and actor names and a pool of propositions
(short statements with a figure), and each article of a story restates some of them as
claims, reworded (a word dropped or swapped, a figure rounded), sometimes negated or denied,
attributed to sources of which some share a state affiliation. A share of the articles are
syndicated copies of another article of their story. Common words are shared by every
story, so that blocking has frequent terms to cope with.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

from credence.config import CorroborationSettings
from credence.corroboration import corroborate

_COMMON = (
    "government official report attack force city region border army police minister people week day year "
    "country state military town village troop support plan talk meeting deal price market bank budget rate "
    "company worker port leak fire road vote party court law election protest crowd aid convoy water power"
).split()
_VERBS = "kill evacuate capture destroy arrest wound raise cut approve reject announce open close seize free".split()


def _word(rng: np.random.Generator, length: int = 7) -> str:
    return "".join(rng.choice(list("bcdfghklmnprstvz")) + rng.choice(list("aeiou")) for _ in range(length // 2)).capitalize()


def synthetic_night(n_articles: int, claims_per_article: int = 20, *, articles_per_story: int = 20, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Claims and articles frames of a synthetic night (see the module docstring)."""
    rng = np.random.default_rng(seed)
    start = datetime(2026, 11, 23, tzinfo=timezone.utc)
    n_stories = max(1, n_articles // articles_per_story)
    article_rows, claim_rows = [], []
    claims_of: dict[str, list[dict[str, object]]] = {}
    affiliations = [f"state:s{index}" for index in range(50)]
    for story in range(n_stories):
        names = [_word(rng) for _ in range(6)]
        propositions = []
        for _ in range(40):
            words = [str(rng.choice(names)), str(rng.choice(_VERBS)), *rng.choice(_COMMON, size=6).tolist(), str(rng.choice(names))]
            propositions.append((words, int(rng.integers(2, 5000))))
        story_day = start + timedelta(hours=int(rng.integers(0, 24 * 6)))
        story_articles: list[tuple[str, str, str]] = []  # article id, outlet, text
        for index in range(articles_per_story):
            article_id = f"s{story}-a{index}"
            published = (story_day + timedelta(minutes=int(rng.integers(0, 24 * 60)))).isoformat()
            outlet = f"outlet{int(rng.integers(0, 300))}"
            if story_articles and rng.random() < 0.05:  # a syndicated copy of an earlier article, credited
                origin_id, origin_outlet, origin_text = story_articles[int(rng.integers(0, len(story_articles)))]
                text = f"CITY ({origin_outlet}) - {origin_text}"
                article_rows.append({"article_id": article_id, "outlet": outlet, "published_at": published, "text": text})
                copied = claims_of[origin_id]
                for number, row in enumerate(copied):
                    claim_rows.append({**row, "claim_id": f"{article_id}-c{number}", "article_id": article_id})
                claims_of[article_id] = copied
                story_articles.append((article_id, outlet, text))
                continue
            sentences = []
            for position in rng.choice(len(propositions), size=claims_per_article, replace=False):
                words, figure = propositions[position]
                words = list(words)
                if rng.random() < 0.3:
                    words.pop(int(rng.integers(2, len(words) - 1)))
                if rng.random() < 0.2:
                    words[int(rng.integers(2, len(words) - 1))] = str(rng.choice(_COMMON))
                if rng.random() < 0.2:
                    figure = int(figure * rng.choice([0.95, 1.05, 3.0]))
                negated = rng.random() < 0.05
                content = f"{words[0]} {'did not ' if negated else ''}{words[1]} {figure} {' '.join(words[2:])}"
                stance = "deny" if rng.random() < 0.03 else "assert"
                source = int(rng.integers(0, 2000))
                claim_rows.append(
                    {
                        "claim_id": f"{article_id}-c{len(sentences)}",
                        "article_id": article_id,
                        "content": content,
                        "content_terms": content.lower().replace("did not", "not"),
                        "stance": stance,
                        "commitment": 1.0,
                        "attribution": "source",
                        "source_id": f"src{source}",
                        "source_affiliation": affiliations[source % 50] if source % 7 == 0 else "",
                    }
                )
                sentences.append(f"{content}, an official said.")
            text = " ".join(sentences)
            article_rows.append({"article_id": article_id, "outlet": outlet, "published_at": published, "text": text})
            claims_of[article_id] = claim_rows[-claims_per_article:]
            story_articles.append((article_id, outlet, text))
    return pd.DataFrame(claim_rows), pd.DataFrame(article_rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m credence.corroboration_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims-per-article", type=int, default=20)
    parser.add_argument("--window-days", type=int, default=7)
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    claims, articles = synthetic_night(arguments.articles, arguments.claims_per_article)
    built = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    related = corroborate(claims, articles, CorroborationSettings(), window_days=arguments.window_days)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    supported = int((related["n_supporting_groups"] > 0).sum())
    contradicted = int((related["n_contradicting_groups"] > 0).sum())
    print(
        f"{len(claims):,} claims from {len(articles):,} articles (built in {built:.0f} s): corroborate took {elapsed:.1f} s wall, {cpu:.1f} s CPU; "
        f"{related['story_id'].nunique():,} stories, {related['syndication_group'].nunique():,} syndication groups, "
        f"{supported:,} claims supported, {contradicted:,} contradicted"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
