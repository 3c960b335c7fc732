"""`credence evaluate attribution`: source, cue and content extraction against PolNeAR-format data.

The data (``../shared/data/polnear/{train,dev}.jsonl``, described in ``../shared/data/README.md``)
is read by path and never copied. Each article carries its attributions, each with ``source``,
``cue`` and ``content`` spans (``null`` when absent) given as character offsets, with ``spans``
listing the fragments of a discontinuous role.

What is measured, over attributed claims only (the outlet's own assertions are not annotated):

- per role, precision / recall / F1 with **exact** boundaries (each fragment trimmed of
  whitespace, punctuation and quote marks on both sides; a role matches when its trimmed
  fragments are the same) and with **overlap** (Jaccard of the role's word tokens >= 0.5);
  both one-to-one (maximum bipartite matching within an article). Role spans are scored as
  spans, as in the published sequence-labelling work: two predicted claims sharing one source
  mention ("The governor described ... and said ...") count that span once;
- attribution level: a predicted claim matches a gold attribution when their cues share a word,
  their contents match by overlap and their sources match by overlap (or both are absent);
  one-to-one;
- throughput: words per second of the extractor (parse and rules) and of spaCy's bare
  ``nlp.pipe`` with the same components and the same number of processes, on the same texts
  in the same run.

PolNeAR's annotation conventions differ from the project's claims in three places, and the
predictions are mapped to them before scoring (see :func:`polnear_view`):

1. a complementizer opening the content is part of it ("said *that* C", "asked *whether* C");
   the project drops it from ``Claim.content``;
2. annotation is univocal (a token has one role of one attribution), so only the outermost of
   nested attributions is annotated: "According to X, Y said C" is X's attribution whose
   content is "Y said C", and a claim reported inside another claim's content is not annotated;
3. the source of a document is the document's phrase ("a report by KCNA"), where the project
   records the author (KCNA) as ``source_text``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from credence import claims as claims_module
from credence import io
from credence.config import load_config
from credence.models import Article

ROLES = ("source", "cue", "content")
Range = tuple[int, int]
_WORD = re.compile(r"\w+")
_COMPLEMENTIZER_BEFORE = re.compile(r"\b(?:that|whether|if)\s*$", re.IGNORECASE)
OVERLAP_THRESHOLD = 0.5


# ---------------------------------------------------------------- data


@dataclass(frozen=True)
class Role:
    """One role of one attribution: its fragments, trimmed, and its word tokens."""

    fragments: tuple[Range, ...]  # trimmed, non-empty, in order
    words: frozenset[int]  # start offsets of the word tokens inside the fragments


@dataclass(frozen=True)
class Attribution:
    source: Role | None
    cue: Role | None
    content: Role | None


@dataclass(frozen=True)
class GoldArticle:
    article_id: str
    publisher: str
    published_at: str
    title: str
    text: str
    attributions: tuple[Attribution, ...]


def _is_edge(char: str) -> bool:
    return not char.isalnum()


def trim(text: str, start: int, end: int) -> Range | None:
    """[start, end) without whitespace, punctuation or quote marks on either side."""
    start, end = max(0, start), min(len(text), end)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return (start, end) if end > start else None


def _trim_fragment(text: str, start: int, end: int) -> Range | None:
    """A fragment trimmed; one of punctuation only (a headline's colon cue) keeps its marks."""
    piece = trim(text, start, end)
    if piece is not None:
        return piece
    stripped = text[start:end]
    if not stripped.strip():
        return None
    left = start + len(stripped) - len(stripped.lstrip())
    return left, left + len(stripped.strip())


def make_role(text: str, ranges: Iterable[Range]) -> Role | None:
    """A role from raw character ranges; ``None`` when nothing but spaces is left.

    Its words, for the overlap measure, are the offsets of its word tokens (or of its
    characters when it has no word, like a colon cue)."""
    fragments = sorted({piece for s, e in ranges if (piece := _trim_fragment(text, s, e)) is not None})
    if not fragments:
        return None
    words = frozenset(match.start() for s, e in fragments for match in _WORD.finditer(text, s, e))
    if not words:
        words = frozenset(i for s, e in fragments for i in range(s, e) if not text[i].isspace())
    return Role(tuple(fragments), words)


def _gold_role(text: str, span: dict | None) -> Role | None:
    if not span:
        return None
    ranges = span.get("spans") or [[span["start"], span["end"]]]
    return make_role(text, [(int(s), int(e)) for s, e in ranges])


def load_polnear(path: Path, *, limit: int | None = None) -> list[GoldArticle]:
    """Articles of a PolNeAR-format JSON Lines file (one article a line)."""
    articles = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text = row["text"]
                attributions = tuple(
                    Attribution(*(_gold_role(text, item.get(role)) for role in ROLES)) for item in row.get("attributions") or []
                )
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}, line {number}: not a PolNeAR-format article ({error})") from error
            articles.append(
                GoldArticle(
                    article_id=str(row.get("id") or f"line-{number}"),
                    publisher=str(row.get("publisher") or "unknown outlet"),
                    published_at=str(row.get("publication_date") or ""),
                    title=str(row.get("title") or ""),
                    text=text,
                    attributions=attributions,
                )
            )
            if limit is not None and len(articles) >= limit:
                break
    return articles


# ---------------------------------------------------------------- predictions in PolNeAR's conventions


def _inside(role: Role | None, outer: Role | None) -> bool:
    """Whether role's first fragment starts inside one of outer's fragments."""
    if role is None or outer is None:
        return False
    start = role.fragments[0][0]
    return any(s <= start < e for s, e in outer.fragments)


def polnear_view(text: str, found: Sequence[claims_module.Found]) -> list[Attribution]:
    """The attributed claims of one article as PolNeAR would annotate them (see the module doc).

    Besides the three mappings above, a quotation that continues a speaker's quote in the same
    paragraph is one more fragment of that attribution's content (as PolNeAR marks it); one in
    a later paragraph is not annotated there.
    """
    records: list[claims_module.Found] = []
    extra_content: dict[int, list[Range]] = {}
    for record in found:
        if record.attribution != "source":
            continue
        if record.continues is not None:
            speaker = record.continues
            anchor = speaker.cue_range[1] if speaker.cue_range else speaker.content_end
            if "\n" not in text[min(anchor, record.content_start) : record.content_start]:
                extra_content.setdefault(id(speaker), []).extend(record.content_spans)
            continue
        outer = record.wrapper if record.wrapper is not None else record
        if all(outer is not other for other in records):
            records.append(outer)
    predicted: list[Attribution] = []
    for record in records:
        content = sorted(list(record.content_spans) + extra_content.get(id(record), []))
        if content:
            first_start, first_end = content[0]
            match = _COMPLEMENTIZER_BEFORE.search(text, max(0, first_start - 10), first_start)
            if match is not None:
                content[0] = (match.start(), first_end)
        predicted.append(
            Attribution(
                source=make_role(text, [record.source_span]) if record.source_span is not None else None,
                cue=make_role(text, record.cue_spans),
                content=make_role(text, content),
            )
        )
    # Univocal annotation: drop an attribution whose cue sits inside another's content.
    return [
        attribution
        for attribution in predicted
        if not any(other is not attribution and _inside(attribution.cue, other.content) for other in predicted)
    ]


# ---------------------------------------------------------------- matching and scores


def _max_matching(n_left: int, n_right: int, edges: dict[int, list[int]]) -> int:
    """Size of a maximum one-to-one matching (augmenting paths; articles are small)."""
    owner: dict[int, int] = {}

    def augment(left: int, visited: set[int]) -> bool:
        for right in edges.get(left, ()):
            if right in visited:
                continue
            visited.add(right)
            if right not in owner or augment(owner[right], visited):
                owner[right] = left
                return True
        return False

    return sum(1 for left in range(n_left) if augment(left, set()))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _overlaps(a: Role | None, b: Role | None) -> bool:
    return a is not None and b is not None and jaccard(a.words, b.words) >= OVERLAP_THRESHOLD


@dataclass
class Counts:
    true_positive: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, true_positive: int, predicted: int, gold: int) -> None:
        self.true_positive += true_positive
        self.predicted += predicted
        self.gold += gold

    def scores(self) -> dict[str, float]:
        precision = self.true_positive / self.predicted if self.predicted else 0.0
        recall = self.true_positive / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1}


def _role_spans(attributions: Sequence[Attribution], role: str) -> list[Role]:
    """The distinct spans of one role (a span is scored once however many claims share it)."""
    spans: dict[tuple[Range, ...], Role] = {}
    for attribution in attributions:
        value = getattr(attribution, role)
        if value is not None:
            spans.setdefault(value.fragments, value)
    return list(spans.values())


def score_article(gold: Sequence[Attribution], predicted: Sequence[Attribution], totals: dict[str, Counts]) -> None:
    """Add one article's counts to ``totals`` (keys: exact/<role>, overlap/<role>, attribution)."""
    for role in ROLES:
        gold_spans, predicted_spans = _role_spans(gold, role), _role_spans(predicted, role)
        exact_edges = {i: [j for j, g in enumerate(gold_spans) if g.fragments == p.fragments] for i, p in enumerate(predicted_spans)}
        overlap_edges = {i: [j for j, g in enumerate(gold_spans) if _overlaps(p, g)] for i, p in enumerate(predicted_spans)}
        for kind, edges in (("exact", exact_edges), ("overlap", overlap_edges)):
            matched = _max_matching(len(predicted_spans), len(gold_spans), edges)
            totals[f"{kind}/{role}"].add(matched, len(predicted_spans), len(gold_spans))
    edges = {}
    for i, p in enumerate(predicted):
        edges[i] = [
            j
            for j, g in enumerate(gold)
            if p.cue is not None
            and g.cue is not None
            and p.cue.words & g.cue.words
            and _overlaps(p.content, g.content)
            and ((p.source is None and g.source is None) or _overlaps(p.source, g.source))
        ]
    totals["attribution"].add(_max_matching(len(predicted), len(gold), edges), len(predicted), len(gold))


def new_totals() -> dict[str, Counts]:
    return {f"{kind}/{role}": Counts() for kind in ("exact", "overlap") for role in ROLES} | {"attribution": Counts()}


def summarise(totals: dict[str, Counts], throughput: dict[str, float]) -> dict[str, object]:
    return {
        "exact": {role: totals[f"exact/{role}"].scores() for role in ROLES},
        "overlap": {role: totals[f"overlap/{role}"].scores() for role in ROLES},
        "attribution": totals["attribution"].scores(),
        "throughput": throughput,
        "counts": {key: {"gold": value.gold, "predicted": value.predicted, "matched": value.true_positive} for key, value in totals.items()},
    }


# ---------------------------------------------------------------- the run


def _words(texts: Sequence[str]) -> int:
    return sum(len(text.split()) for text in texts)


def evaluate(
    gold_articles: Sequence[GoldArticle],
    *,
    nlp,  # type: ignore[no-untyped-def]
    cues: dict[str, claims_module.CueInfo],
    batch_size: int = 32,
    n_process: int = 1,
    chunk_articles: int = 16,
) -> dict[str, object]:
    """Run the extractor over the articles, score it, and time it against bare ``nlp.pipe``.

    Both are timed on the same chunks of articles, one right after the other and in
    alternating order, so that a machine busy with other work slows both alike (a busy shared
    machine is what made separate whole-run timings swing by a third). With several processes
    the whole set is one chunk, since each ``nlp.pipe`` call starts its workers anew.
    """
    texts = [article.text for article in gold_articles]
    words = _words(texts)
    # Warm both paths up (model weights, caches) so that neither pays for loading.
    warm = texts[:2]
    list(nlp.pipe(warm, batch_size=batch_size))
    list(claims_module.parse_articles(warm, nlp=nlp, cues=cues, batch_size=batch_size))

    size = len(texts) if n_process > 1 else max(1, chunk_articles)
    bare_seconds = extractor_seconds = 0.0
    found_by_article: list[list[claims_module.Found]] = []
    for number, first in enumerate(range(0, len(texts), size)):
        chunk = gold_articles[first : first + size]
        chunk_texts = texts[first : first + size]

        def bare() -> float:
            started = time.perf_counter()
            for _ in nlp.pipe(chunk_texts, batch_size=batch_size, n_process=n_process):
                pass
            return time.perf_counter() - started

        def extractor() -> float:
            started = time.perf_counter()
            docs = claims_module.parse_articles(chunk_texts, nlp=nlp, cues=cues, batch_size=batch_size, n_process=n_process)
            for article, doc in zip(chunk, docs, strict=True):
                found_by_article.append(claims_module.find_attributions(doc, article_id=article.article_id, outlet=article.publisher, cues=cues))
            return time.perf_counter() - started

        if number % 2 == 0:
            bare_seconds += bare()
            extractor_seconds += extractor()
        else:
            extractor_seconds += extractor()
            bare_seconds += bare()

    totals = new_totals()
    for article, found in zip(gold_articles, found_by_article, strict=True):
        score_article(article.attributions, polnear_view(article.text, found), totals)
    throughput = {
        "extractor_words_per_s": words / max(extractor_seconds, 1e-9),
        "spacy_words_per_s": words / max(bare_seconds, 1e-9),
    }
    result = summarise(totals, throughput)
    result["data"] = {"articles": len(gold_articles), "words": words, "n_process": n_process, "batch_size": batch_size}
    return result


def format_table(result: dict[str, object]) -> str:
    """The figures as a Markdown table (percentages, one decimal)."""
    lines = ["| measure | role | precision | recall | F1 |", "|---|---|---:|---:|---:|"]
    for kind in ("exact", "overlap"):
        for role in ROLES:
            s = result[kind][role]  # type: ignore[index]
            lines.append(f"| {kind} | {role} | {100 * s['precision']:.1f} | {100 * s['recall']:.1f} | {100 * s['f1']:.1f} |")
    s = result["attribution"]  # type: ignore[assignment]
    lines.append(f"| attribution (overlap) | all three | {100 * s['precision']:.1f} | {100 * s['recall']:.1f} | {100 * s['f1']:.1f} |")  # type: ignore[index]
    t = result["throughput"]  # type: ignore[assignment]
    extractor, bare = t["extractor_words_per_s"], t["spacy_words_per_s"]  # type: ignore[index]
    ratio = f" ({extractor / bare:.2f}x)" if bare else ""
    lines.append("")
    lines.append(f"Throughput: extractor {extractor:,.0f} words/s, bare spaCy nlp.pipe {bare:,.0f} words/s{ratio}.")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="PolNeAR-format JSON Lines file, e.g. ../shared/data/polnear/dev.jsonl")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    parser.add_argument("--config-dir", type=Path, default=io.DEFAULT_CONFIG_DIR, help="folder holding cues.yaml (default: config)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles (quick checks)")
    parser.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch size (default: 32)")
    parser.add_argument("--n-process", type=int, default=1, help="processes for both the extractor and bare spaCy (default: 1)")


def run(arguments: argparse.Namespace) -> int:
    from credence.nlp import load_pipeline

    path = Path(arguments.data)
    if not path.exists():
        print(f"evaluate attribution: {path} does not exist (PolNeAR data lives in ../shared/data/polnear/)", file=sys.stderr)
        return 2
    try:
        gold = load_polnear(path, limit=arguments.limit)
    except ValueError as error:
        print(f"evaluate attribution: {error}", file=sys.stderr)
        return 2
    cues = claims_module.cue_table(load_config(arguments.config_dir).cues)
    result = evaluate(gold, nlp=load_pipeline(), cues=cues, batch_size=arguments.batch_size, n_process=arguments.n_process)
    result["data"]["path"] = str(path)  # type: ignore[index]
    print(f"Attribution extraction on {path} ({len(gold)} articles, {result['data']['words']:,} words):")  # type: ignore[index]
    print(format_table(result))
    if arguments.json is not None:
        io.write_text(arguments.json, json.dumps(result, indent=2) + "\n")
        print(f"Wrote {arguments.json}")
    return 0
