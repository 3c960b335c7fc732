"""A seeded generator of news-like articles for benchmarks: realistic shape, invented content.

Stories are events with a place, a figure and a set of parties; each article of a story is
written by one outlet (a long tail of outlets, a few wire agencies) from sentences in the
attribution patterns the extractor handles: "X said (that) C", "C, X said", "“C,” said X",
"according to X, C", denials, hedged estimates, participles, and the outlet's own statements.
Some stories carry a contradicting figure or a denial; some articles are syndicated copies of
a wire story (its text with a credit line and a dropped paragraph).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

PLACES = ["Tarvel", "Lissen", "Orsk", "Dolm", "Brenn", "Vessa", "Dravsk", "Kalm", "Selna", "Norvik", "Avel", "Pirna"]
EVENTS = [
    ("flood", "residents were evacuated from low-lying districts", "the river rose above its banks overnight"),
    ("strike", "dock workers stopped work at the main terminal", "the union called the stoppage after talks failed"),
    ("fire", "firefighters contained a blaze at a chemical depot", "the fire started in a storage hall"),
    ("clash", "troops exchanged fire near the border crossing", "the fighting began before dawn"),
    ("outage", "power was cut to large parts of the city", "a substation failed during the storm"),
    ("election", "the ruling party lost its majority in the regional vote", "turnout was the lowest in a decade"),
]
SPEAKERS = [
    "the interior ministry", "the regional governor", "a police spokesperson", "the mayor, Anna Weiss",
    "Western officials", "two diplomats familiar with the talks", "the army's general staff", "the state news agency",
    "Dr. Lena Hart, an analyst at the Corvin Institute", "the port authority", "the opposition leader, Tomas Ferre",
    "local residents", "the health agency", "a senior official", "the defence minister, Ivo Brandt",
]
REPORTING = ["said", "stated", "told reporters", "added", "confirmed", "reported", "announced", "noted"]
HEDGES = ["estimated", "suggested", "believed"]


@dataclass(frozen=True)
class SyntheticCorpus:
    articles: int
    words: int
    files: list[Path]


def _outlets(rng: random.Random, count: int) -> list[str]:
    wires = ["Meridian Wire", "Continental Press", "Global Newswire"]
    return wires + [f"The {rng.choice(['Daily', 'Evening', 'Morning', 'Weekly'])} {rng.choice(['Herald', 'Ledger', 'Courier', 'Post', 'Gazette'])} of {rng.choice(PLACES)} {number}" for number in range(count)]


def _sentences(rng: random.Random, place: str, event: tuple[str, str, str], figure: int, deny: bool) -> list[str]:
    kind, fact, cause = event
    speaker, other = rng.sample(SPEAKERS, 2)
    cue = rng.choice(REPORTING)
    hedge = rng.choice(HEDGES)
    sentences = [
        f"{speaker[0].upper() + speaker[1:]} {cue} on Tuesday that {fact} in {place}.",
        f"“At least {figure:,} people were affected,” {other} said.",
        f"According to {rng.choice(SPEAKERS)}, {cause}.",
        f"{other[0].upper() + other[1:]} {hedge} that about {figure:,} people had been affected by the {kind}.",
        f"The {kind} in {place} is the third this year, and officials expect the clean-up to take weeks.",
        f"{speaker[0].upper() + speaker[1:]} warned that the situation in {place} remained difficult, urging residents to stay calm.",
        f"Schools in {place} stayed closed on Wednesday.",
    ]
    if deny:
        sentences.append(f"{rng.choice(SPEAKERS)[0].upper()}{rng.choice(SPEAKERS)[1:]} denied that {fact} in {place}.")
        sentences.append(f"“Fewer than {max(1, figure // 3):,} people were affected,” a spokesperson for the authorities insisted.")
    rng.shuffle(sentences)
    return sentences


def generate(folder: Path, *, articles: int, seed: int = 7, per_file: int = 1000) -> SyntheticCorpus:
    """Write ``articles`` synthetic articles as JSONL files in ``folder``; same seed, same corpus."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    outlets = _outlets(rng, max(10, articles // 20))
    # Zipf-like: a few outlets publish most, a long tail publishes a little.
    weights = [1.0 / (rank + 1) for rank in range(len(outlets))]
    start = datetime(2026, 11, 20, tzinfo=UTC)
    records: list[dict[str, str]] = []
    words = 0
    story_count = max(1, articles // 8)
    while len(records) < articles:
        story = rng.randrange(story_count)
        story_rng = random.Random(seed * 1_000_003 + story)
        place, event = story_rng.choice(PLACES), story_rng.choice(EVENTS)
        figure = story_rng.choice([40, 120, 300, 1000, 2500, 11000])
        outlet = rng.choices(outlets, weights)[0]
        # Two rounds of statements make an article of about 250 words, the length of a short news story.
        sentences = _sentences(rng, place, event, figure, deny=rng.random() < 0.2) + _sentences(rng, place, event, figure, deny=False)
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        text = "\n\n".join(p for p in paragraphs if p)
        published = start + timedelta(hours=rng.randrange(24 * 7))
        record = {"id": f"syn-{len(records)}", "outlet": outlet, "url": f"https://news{outlets.index(outlet)}.example/{len(records)}",
                  "published_at": published.isoformat(), "title": f"{event[0].title()} in {place}", "text": text}
        records.append(record)
        words += len(text.split())
        if outlet in outlets[:3] and rng.random() < 0.5 and len(records) < articles:
            # A syndicated copy: the wire text under another outlet's name, credited, one paragraph dropped.
            copy_outlet = rng.choices(outlets[3:], weights[3:])[0]
            copy_text = f"{place.upper()} ({outlet}) - " + "\n\n".join(text.split("\n\n")[:-1] or [text])
            records.append({**record, "id": f"syn-{len(records)}", "outlet": copy_outlet, "url": f"https://copy.example/{len(records)}", "text": copy_text})
            words += len(copy_text.split())
    files = []
    for number, first in enumerate(range(0, len(records), per_file)):
        path = folder / f"synthetic-{number:05d}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records[first : first + per_file]), encoding="utf-8")
        files.append(path)
    return SyntheticCorpus(articles=len(records), words=words, files=files)
