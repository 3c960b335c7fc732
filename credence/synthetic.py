"""A seeded generator of news-like articles for benchmarks: realistic shape, invented content.

Each story is an event with its own vocabulary, as real stories have: an invented place, a
site, a company and three named people with roles, a figure, and a kind of event. Each article
of a story is written by one outlet (a long tail of outlets, a few wire agencies) from
sentences in the attribution patterns the extractor handles: "X said (that) C", "C, X said",
"“C,” said X", "according to X, C", denials, hedged estimates, participles, and the outlet's
own statements. Some articles carry a denial and a contradicting figure; some are syndicated
copies of a wire story (its text with a credit line and a dropped paragraph).

A story's vocabulary depends only on its number, so a later night (``first_story``) can
continue some of an earlier night's stories, as news does.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# Invented name parts: a place or surname is a start, two middles and an end (80,000 names).
_STARTS = ["Tar", "Lis", "Or", "Dol", "Bren", "Ves", "Drav", "Kal", "Sel", "Nor", "Av", "Pir", "Mor", "Gral", "Hest", "Quin",
           "Ruv", "Stel", "Ulm", "Zor", "Bel", "Cas", "Fen", "Jor", "Kest", "Lom", "Nev", "Ostr", "Prav", "Tess", "Vard", "Wend"]
_MIDDLES = ["", "a", "o", "er", "in", "ar", "el", "us", "im", "ol"]
_ENDS = ["vel", "sen", "sk", "ma", "nn", "sa", "ak", "ia", "na", "vik", "el", "heim", "grad", "ford", "burg", "ora", "ette",
         "ano", "ova", "ton", "ley", "mark", "dal", "holm", "ic", "ess", "unde", "ith"]
# Common first names (their weight in the similarity is that of common English words, as in real text).
FIRST_NAMES = ["John", "David", "Sarah", "Michael", "Anna", "Peter", "Paul", "James", "Maria", "Mark", "Laura", "Daniel", "Emma",
               "Thomas", "Lisa", "Robert", "Helen", "Kevin", "Julia", "Martin", "George", "Alice", "Richard", "Grace", "Simon"]
# kind: (sites, facts, causes); {place}, {site}, {company} and {district} are the story's own names.
EVENTS = {
    "flood": (["embankment", "dam", "levee"],
              ["residents of {district} were evacuated from homes below the {site} in {place}",
               "water broke through the {site} and covered the streets of {district} in {place}",
               "rescuers pulled families from flooded cellars in {district} after the {site} gave way"],
              ["the river rose above the {site} overnight", "rain upstream swelled the river past the {site}",
               "{company} had delayed work on the {site} for two years"]),
    "strike": (["terminal", "quay", "rail yard"],
               ["dock workers stopped work at the {site} in the {district} docks of {place}",
                "hundreds of workers walked out at the {site} in {place}", "a walkout halted cargo at the {site} near {district}"],
               ["the union called the stoppage after talks with {company} failed", "{company} refused a pay offer the union had asked for",
                "workers voted to strike over night shifts at {company}"]),
    "fire": (["depot", "warehouse", "plant"],
             ["firefighters contained a blaze at the {site} in the {district} area of {place}",
              "a fire tore through the {site} in {district} before crews arrived",
              "smoke from the burning {site} forced schools in {district} to shut"],
             ["the fire started in a storage hall run by {company}", "a faulty heater at {company} caused the fire",
              "sparks from welding at the {site} set packaging alight"]),
    "clash": (["crossing", "checkpoint", "ridge"],
              ["troops exchanged fire near the {site} outside {place}", "soldiers and militia fought near the {site} east of {district}",
               "shells landed close to the {site} on the road to {place}"],
              ["the fighting began before dawn near the {site}", "a patrol came under fire at the {site}",
               "talks over the {site} broke down the day before"]),
    "outage": (["substation", "power line", "grid station"],
               ["power was cut to {district} and large parts of {place}", "a blackout left {district} without electricity",
                "trams in {place} stopped when the {site} went down"],
               ["the {site} operated by {company} failed during the storm", "an overload tripped the {site} run by {company}",
                "a cable fault near {district} took the {site} offline"]),
    "election": (["council", "assembly", "board"],
                 ["the ruling party lost its majority on the {site} of {place} after a defeat in {district}",
                  "voters in {district} ousted the sitting members of the {site}", "a recount was ordered for the {site} of {place}"],
                 ["turnout in {place} was the lowest in a decade", "a row over {company} contracts dominated the campaign",
                  "postal ballots from {district} arrived late"]),
    "spill": (["refinery", "pipeline", "tank farm"],
              ["oil leaked into the {district} harbour from the {site} near {place}", "diesel from the {site} reached the beaches of {district}",
               "fish died along the shore after a leak at the {site}"],
              ["a valve at the {site} owned by {company} broke", "corrosion had weakened the {site} for years",
               "a tanker struck the jetty at the {site}"]),
    "collapse": (["bridge", "car park", "stand"],
                 ["the {site} over the river in {place} partly collapsed", "part of the {site} in {district} fell onto the road below",
                  "a section of the {site} gave way during the morning rush in {place}"],
                 ["inspectors had warned {company} about cracks in the {site}", "heavy lorries had been using the {site} despite a ban",
                  "{company} had cut the budget for maintaining the {site}"]),
}
# Speakers every story can quote: the registry knows most of them.
INSTITUTIONS = [
    "the interior ministry", "a police spokesperson", "Western officials", "two diplomats familiar with the talks",
    "the army's general staff", "the state news agency", "the health agency", "a senior official", "local residents",
    "the finance ministry", "the environment agency", "a government spokesperson", "the coast guard", "the transport ministry",
    "a hospital doctor", "the red cross", "the national weather service",
]
ROLES = ["the mayor of {place}", "the regional governor", "a spokesperson for {company}", "the chief executive of {company}",
         "an engineer at {company}", "the opposition leader", "the head of the {place} fire service", "a union organiser",
         "the police chief of {district}", "a councillor for {district}", "the {place} harbour master", "a lawyer for the families",
         "a professor at {place} university", "the chair of the {district} residents' group", "a shop owner in {district}", "a nurse"]
COMPANY_KINDS = ["Holdings", "Logistics", "Energy", "Chemicals", "Shipping", "Utilities", "Works", "Group"]
REPORTING = ["said", "stated", "told reporters", "added", "confirmed", "reported", "announced", "noted"]
HEDGES = ["estimated", "suggested", "believed"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Keeps each story's vocabulary independent of the night's seed.
_STORY_SEED = 1_000_003


@dataclass(frozen=True)
class SyntheticCorpus:
    articles: int
    words: int
    files: list[Path]
    stories: int  # stories told at least once
    stories_end: int  # one past the last story number the night could tell (where a next night's new stories start)


@dataclass(frozen=True)
class Story:
    """One event and its own names."""

    number: int
    kind: str
    place: str
    site: str
    company: str
    district: str
    street: str
    fact: str
    cause: str
    figure: int
    speakers: tuple[str, ...]
    wording: tuple[int, ...]  # the variant of each of SHAPES this story uses
    synonyms: dict[str, str]  # and its choice of words (see SYNONYMS)


def _name(rng: random.Random) -> str:
    return rng.choice(_STARTS) + rng.choice(_MIDDLES) + rng.choice(_MIDDLES) + rng.choice(_ENDS)


def story(number: int) -> Story:
    """Story ``number``: the same names whichever night asks for it."""
    rng = random.Random(_STORY_SEED * 7919 + number)
    kind = rng.choice(sorted(EVENTS))
    sites, facts, causes = EVENTS[kind]
    site_kind, fact, cause = rng.choice(sites), rng.choice(facts), rng.choice(causes)
    synonyms = {word: rng.choice([word, *others]) for word, others in SYNONYMS.items()}
    place, company = _name(rng), f"{_name(rng)} {rng.choice(COMPANY_KINDS)}"
    site = f"{_name(rng)} {site_kind}"
    district, street = _name(rng), f"{_name(rng)} {rng.choice(['Street', 'Road', 'Avenue', 'Lane'])}"
    names = {"place": place, "site": site, "company": company, "district": district}
    people = [f"{role.format(**names)}, {rng.choice(FIRST_NAMES)} {_name(rng)}" for role in rng.sample(ROLES, 3)]
    return Story(
        number=number, kind=kind, place=place, site=site, company=company, district=district, street=street, fact=_reworded(fact, synonyms).format(**names), cause=_reworded(cause, synonyms).format(**names),
        figure=rng.randrange(20, 20_000), speakers=(*people, *rng.sample(INSTITUTIONS, 2)), wording=tuple(rng.randrange(len(shapes)) for shapes in SHAPES),
        synonyms=synonyms,
    )


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


# The sentence shapes of an article; each story words each shape in one of its variants, as
# stories differ in wording, while the attribution patterns stay those the extractor handles.
SHAPES = [
    ["{Speaker} {cue} on {day} that {fact}.", "{fact_cap}, {speaker} {cue} on {day}.", "{Speaker}, speaking on {day}, {cue} that {fact}."],
    ["“At least {figure} people were affected,” {other} said.", "“We count {figure} households without help,” said {other}.",
     "“More than {figure} families have asked for shelter,” {other} told a briefing."],
    ["According to {third}, {cause}.", "{cause_cap}, according to {third}.", "{Third} said {cause}."],
    ["{Other} {hedge} that about {figure} people had been affected by the {kind} in {place}.",
     "{Other} {hedge} the damage at {money} million crowns, a figure others disputed.",
     "Roughly {figure} claims may reach insurers, {other} {hedge}."],
    ["The {kind} at the {site} is the third in the region this year, and {company} expects repairs to take weeks.",
     "Shares in {company} fell sharply as traders weighed the cost of the {kind}.",
     "Inspectors from the ministry arrived at the {site} late in the evening to assess the damage."],
    ["{Speaker} warned that the situation in {place} remained difficult, urging residents to stay calm.",
     "{Speaker} called for an inquiry into how the {kind} was handled, citing delays in {place}.",
     "Speaking to volunteers, {speaker} praised the emergency crews working through the night in {place}."],
    ["Residents of {street} in {district} were the first to raise the alarm, {anyone} said.",
     "Police closed {street} and the roads around {district} for most of the day.",
     "In {district}, neighbours on {street} described hearing a loud noise before the {kind}."],
    ["{company} said its offices in {place} would stay closed until {day2}.", "{company} announced a fund for families in {place} on {day2}.",
     "Schools in {place} will reopen on {day2}, the education office said."],
]
# Words of the shapes that each story may say in its own way (the shapes would otherwise make
# every story read alike, and link unrelated stories by their shared wording).
SYNONYMS = {
    "affected": ["hit", "harmed", "displaced", "touched"], "people": ["residents", "locals", "inhabitants"],
    "households": ["homes", "flats", "families"], "help": ["water", "heating", "supplies"], "families": ["people", "pensioners", "tenants"],
    "shelter": ["aid", "housing", "assistance"], "briefing": ["news conference", "press briefing", "meeting"],
    "damage": ["losses", "cost", "bill"], "disputed": ["questioned", "challenged", "doubted"], "claims": ["demands", "requests"],
    "insurers": ["underwriters", "the state fund"], "third": ["second", "fourth", "worst"], "region": ["province", "valley", "area"],
    "repairs": ["the clean-up", "rebuilding", "the work"], "weeks": ["months", "a fortnight", "some time"],
    "shares": ["bonds", "stock"], "fell": ["dropped", "slid", "tumbled"], "sharply": ["steeply", "heavily", "fast"],
    "traders": ["investors", "markets", "analysts"], "weighed": ["assessed", "counted", "tallied"],
    "inspectors": ["auditors", "engineers", "officials"], "evening": ["night", "afternoon"], "assess": ["survey", "review", "inspect"],
    "warned": ["cautioned", "said"], "situation": ["position", "state of things", "mood"], "difficult": ["tense", "serious", "grave"],
    "urging": ["asking", "telling", "begging"], "calm": ["indoors", "patient", "away"], "inquiry": ["investigation", "review", "hearing"],
    "handled": ["managed", "dealt with", "run"], "delays": ["failures", "mistakes", "slowness"], "volunteers": ["crews", "helpers", "medics"],
    "praised": ["thanked", "commended", "applauded"], "emergency": ["rescue", "relief", "repair"], "night": ["weekend", "day", "morning"],
    "alarm": ["concern", "warning", "question"], "closed": ["sealed off", "shut", "blocked"], "noise": ["bang", "roar", "crash"],
    "neighbours": ["witnesses", "shopkeepers", "drivers"], "described": ["recalled", "reported"], "offices": ["branches", "sites", "plants"],
    "fund": ["scheme", "payment", "grant"], "schools": ["libraries", "clinics", "nurseries"], "reopen": ["open", "resume"],
    "education": ["city", "county", "district"], "evacuated": ["moved", "taken", "rescued"], "homes": ["houses", "flats"],
    "overnight": ["at night", "after heavy rain", "within hours"], "blaze": ["fire", "large fire"], "storage": ["loading", "packing"],
    "fighting": ["shelling", "firing"], "dawn": ["noon", "midnight", "sunrise"], "storm": ["heatwave", "gale", "cold snap"],
    "cracks": ["rust", "corrosion", "faults"], "valve": ["pipe", "seal", "pump"], "turnout": ["participation", "the vote count"],
}
DENIALS = [
    ("{Anyone} denied that {fact}.", "“Fewer than {less} people were affected,” a spokesperson for {company} insisted."),
    ("{Anyone} rejected claims that {fact}.", "“The real number is below {less},” {anyone} insisted."),
]


_WORDS = re.compile(r"\{[^}]*\}|[A-Za-z]+")  # a {slot} is matched whole, so never reworded


def _reworded(template: str, wording: dict[str, str]) -> str:
    """The template with each word swapped for the story's choice of it ({slots} stay)."""
    return _WORDS.sub(lambda match: wording.get(match.group(), match.group()), template)


def _sentences(rng: random.Random, event: Story, deny: bool) -> list[str]:
    speaker, other, third = rng.sample(event.speakers, 3)
    anyone = rng.choice(event.speakers)
    slots = {
        "speaker": speaker, "other": other, "third": third, "anyone": anyone, "cue": rng.choice(REPORTING), "hedge": rng.choice(HEDGES),
        "day": rng.choice(WEEKDAYS), "day2": rng.choice(WEEKDAYS), "fact": event.fact, "cause": event.cause,
        "figure": f"{event.figure:,}", "less": f"{max(1, event.figure // 3):,}", "money": f"{event.figure // 40 + 1:,}",
        "kind": event.kind, "place": event.place, "site": event.site, "company": event.company,
        "district": event.district, "street": event.street,
    }
    slots |= {name[0].upper() + name[1:]: _capital(str(value)) for name, value in list(slots.items())}
    slots |= {"fact_cap": _capital(event.fact), "cause_cap": _capital(event.cause)}
    templates = [shapes[variant] for shapes, variant in zip(SHAPES, event.wording, strict=True)]
    if deny:
        templates += DENIALS[event.wording[0] % len(DENIALS)]
    sentences = [_reworded(template, event.synonyms).format(**slots) for template in templates]
    rng.shuffle(sentences)
    return sentences


def _outlets(rng: random.Random, count: int) -> list[str]:
    wires = ["Meridian Wire", "Continental Press", "Global Newswire"]
    papers = ["Daily", "Evening", "Morning", "Weekly"]
    titles = ["Herald", "Ledger", "Courier", "Post", "Gazette"]
    return wires + [f"The {rng.choice(papers)} {rng.choice(titles)} of {_name(rng)} {number}" for number in range(count)]


def generate(
    folder: Path, *, articles: int, seed: int = 7, first_story: int = 0, first_day: date = date(2026, 11, 20), days: int = 7, per_file: int = 1000
) -> SyntheticCorpus:
    """Write ``articles`` synthetic articles as JSONL files in ``folder``; same arguments, same corpus.

    The night's stories are numbers ``first_story`` .. ``first_story + articles // 8``, so about
    eight articles (copies included) tell each one; they are published over ``days`` days from
    ``first_day``.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    outlets = _outlets(random.Random(0), max(10, articles // 20))
    # Zipf-like: a few outlets publish most, a long tail publishes a little.
    weights = [1.0 / (rank + 1) for rank in range(len(outlets))]
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    records: list[dict[str, str]] = []
    words = 0
    story_count = max(1, articles // 8)
    told: set[int] = set()
    while len(records) < articles:
        event = story(first_story + rng.randrange(story_count))
        told.add(event.number)
        outlet = rng.choices(outlets, weights)[0]
        # Two rounds of statements make an article of about 250 words, the length of a short news story.
        sentences = _sentences(rng, event, deny=rng.random() < 0.2) + _sentences(rng, event, deny=False)
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        text = "\n\n".join(p for p in paragraphs if p)
        published = start + timedelta(hours=rng.randrange(24 * days))
        number = len(records)
        record = {"id": f"syn-{seed}-{number}", "outlet": outlet, "url": f"https://news{outlets.index(outlet)}.example/{seed}/{number}",
                  "published_at": published.isoformat(), "title": f"{_capital(event.kind)} in {event.place}", "text": text}
        records.append(record)
        words += len(text.split())
        if outlet in outlets[:3] and rng.random() < 0.5 and len(records) < articles:
            # A syndicated copy: the wire text under another outlet's name, credited, one paragraph dropped.
            copy_outlet = rng.choices(outlets[3:], weights[3:])[0]
            copy_text = f"{event.place.upper()} ({outlet}) - " + "\n\n".join(text.split("\n\n")[:-1] or [text])
            number = len(records)
            records.append({**record, "id": f"syn-{seed}-{number}", "outlet": copy_outlet, "url": f"https://copy.example/{seed}/{number}", "text": copy_text})
            words += len(copy_text.split())
    files = []
    for number, first in enumerate(range(0, len(records), per_file)):
        path = folder / f"synthetic-{number:05d}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records[first : first + per_file]), encoding="utf-8")
        files.append(path)
    return SyntheticCorpus(articles=len(records), words=words, files=files, stories=len(told), stories_end=first_story + story_count)
