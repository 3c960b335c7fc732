"""Split an article into attributed claims: who (source), how (cue), what (content).

Rules over spaCy's dependency parse, after the patterns of attribution in news:
- a reporting verb from config/cues.yaml with a clausal complement ("X said (that) C",
  "C, X said", "“C,” said X", split quotes), a small clause ("described them as ...") or,
  for verbs such as deny and report, a noun-phrase object ("denied Russia's claims of ...");
- participles and coordinated verbs inherit the subject of the verb they hang from
  ("..., stating that C"; "hailing ... and vowing that C"), except a trailing hedge
  ("..., suggesting C"), which is the journalist's inference and so the outlet's;
- "according to X, C", with the report's author as the source ("a report by KCNA" -> KCNA)
  and, when C is itself an attributed statement, X kept as the inner claim's ``via``;
- pronouns and definite descriptions as sources are resolved to the nearest fitting earlier
  source of the same article (no coreference model can be had offline);
- declarative sentences with no attribution become the outlet's own assertions.

Known limits (measured and deepened in the attribution issue): passives ("is said to"),
nominal cues ("X's claim that"), headline colons and floating quotes across paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from credence.config import CueLexicon
from credence.models import CLAIM_COLUMNS, Article, Claim
from credence.sources import looks_like_person

QUOTE_CHARS = "\"“”«»„‟"
_EDGE_CHARS = " \t\n,;:—–-" + QUOTE_CHARS
# Verbs whose noun-phrase object can be the content ("denied the reports", "confirmed the deaths").
NOMINAL_CONTENT_LEMMAS = frozenset({"deny", "reject", "dismiss", "refute", "dispute", "confirm", "report", "acknowledge", "admit", "estimate", "predict"})
# Verbs whose object and "as"-phrase form a small clause ("described them as heroes").
SMALL_CLAUSE_LEMMAS = frozenset({"describe", "call", "label", "hail", "portray", "characterize", "characterise", "brand", "praise"})
# Verbs whose infinitive complement is the content ("claimed to have repelled ...").
INFINITIVE_LEMMAS = frozenset({"claim", "allege", "deny", "promise", "vow", "pledge", "threaten", "admit"})
# Nouns that wrap the real author: "a report by KCNA", "a statement from the ministry".
DOCUMENT_NOUNS = frozenset({"report", "statement", "communique", "communiqué", "release", "post", "broadcast", "dispatch", "briefing", "bulletin", "article", "assessment", "analysis", "study", "survey", "estimate", "tally", "count", "letter", "document"})
# Adverbs that hedge an otherwise asserted content.
HEDGE_ADVERBS = frozenset({"reportedly", "allegedly", "purportedly", "apparently", "supposedly", "possibly", "probably", "likely"})
NEGATION_WORDS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "n't", "without"})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
OTHER_PRONOUNS = frozenset({"they", "it", "we", "i"})
MIN_OUTLET_ASSERTION_TOKENS = 6
# The cue recorded for the outlet's own assertions, which have no reporting verb in the text.
OUTLET_CUE = "asserts"
# "LISSEN (Meridian Wire) - " or "(Reuters) -" opening a syndicated story: not part of any claim.
DATELINE = re.compile(r"^\s*(?:[A-Z][A-Z .'-]{1,40})?\([^()]{2,60}\)\s*[-–—]\s*")


@dataclass(frozen=True)
class CueInfo:
    cue_class: str
    stance: str
    commitment: float


def cue_table(lexicon: CueLexicon) -> dict[str, CueInfo]:
    """Lemma -> class, stance and commitment; the first class listing a lemma wins."""
    table: dict[str, CueInfo] = {}
    for name, cue_class in lexicon.classes.items():
        for lemma in cue_class.lemmas:
            table.setdefault(lemma.lower(), CueInfo(name, cue_class.stance, cue_class.commitment))
    return table


# ---------------------------------------------------------------- spans


@dataclass
class _Piece:
    start: int
    end: int


def _trim(doc: Doc, start: int, end: int) -> _Piece | None:
    """Character range of doc.text[start:end] without surrounding punctuation and quotes."""
    text = doc.text
    start = max(start, dateline_end(text)) if start < 80 else start
    while start < end and text[start] in _EDGE_CHARS:
        start += 1
    while end > start and (text[end - 1] in _EDGE_CHARS or text[end - 1] == "."):
        end -= 1
    # Keep a closing quote mark whose opening one is inside the content ("as “heroes”").
    inner = text[start:end]
    if end < len(text) and text[end] in "”\"" and (inner.count("“") > inner.count("”") or inner.count('"') % 2):
        end += 1
    return _Piece(start, end) if end > start else None


def _token_range(tokens: Iterable[Token]) -> tuple[int, int]:
    tokens = list(tokens)
    first = min(t.idx for t in tokens)
    last = max(t.idx + len(t.text) for t in tokens)
    return first, last


def _subtree_piece(token: Token, *, exclude: Sequence[Token] = ()) -> _Piece | None:
    """The token's subtree as one character range, cut before any excluded subtree that ends it."""
    excluded = {t.i for ex in exclude for t in ex.subtree}
    kept = [t for t in token.subtree if t.i not in excluded]
    if not kept:
        return None
    start, end = _token_range(kept)
    return _trim(token.doc, start, end)


def _without_mark(token: Token) -> list[Token]:
    """A complement clause's tokens without its leading "that"/"whether"."""
    return [t for t in token.subtree if not (t.dep_ == "mark" and t.head == token and t.i == token.left_edge.i)]


def _quote_type(doc: Doc, piece: _Piece) -> str:
    text = doc.text
    inner = text[piece.start : piece.end]
    before = text[max(0, piece.start - 2) : piece.start]
    after = text[piece.end : piece.end + 3]
    opened = any(c in QUOTE_CHARS for c in before)
    closed = any(c in QUOTE_CHARS for c in after)
    if opened and closed and not any(c in QUOTE_CHARS for c in inner):
        return "direct"
    if opened and any(c in QUOTE_CHARS for c in inner + after):
        return "direct"
    if any(c in QUOTE_CHARS for c in inner):
        return "mixed"
    return "indirect"


# ---------------------------------------------------------------- sources


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            # "Lissen Bulk Terminals, which has said that ...": the relative pronoun stands for its noun.
            if child.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                return verb.head
            return child
    return None


def _inherited_subject(verb: Token) -> Token | None:
    """The subject of a participle or coordinated verb is that of the verb it hangs from."""
    current = verb
    for _ in range(4):
        if current.dep_ not in ("conj", "advcl", "xcomp", "pcomp") or current.head == current:
            return None
        current = current.head
        subject = _subject(current)
        if subject is not None:
            return subject
    return None


def _source_piece(subject: Token) -> _Piece | None:
    # Relative clauses describe the source but are not part of its name.
    relative = [c for c in subject.children if c.dep_ in ("relcl", "acl")]
    return _subtree_piece(subject, exclude=relative)


def _document_author(noun: Token) -> Token:
    """"a report by KCNA" -> KCNA; anything else is its own author."""
    if noun.lemma_.lower() in DOCUMENT_NOUNS:
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in ("by", "from", "of"):
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        return pobj
    return noun


# ---------------------------------------------------------------- content


def _content_pieces(verb: Token, lemma: str) -> list[_Piece]:
    """The content of a reporting verb: complement clauses, small clause, object or infinitive."""
    doc = verb.doc
    clauses = [c for c in verb.children if c.dep_ == "ccomp"]
    if clauses:
        pieces = []
        for clause in sorted(clauses, key=lambda t: t.i):
            tokens = _without_mark(clause)
            piece = _trim(doc, *_token_range(tokens)) if tokens else None
            if piece:
                pieces.append(piece)
        return pieces
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if lemma in SMALL_CLAUSE_LEMMAS and objects:
        preps = [c for c in verb.children if c.dep_ in ("prep", "oprd") and (c.lower_ == "as" or c.dep_ == "oprd")]
        if preps:
            tokens = list(objects[0].subtree) + [t for p in preps for t in p.subtree]
            piece = _trim(doc, *_token_range(tokens))
            return [piece] if piece else []
    if lemma in INFINITIVE_LEMMAS:
        for child in verb.children:
            if child.dep_ == "xcomp" and any(t.dep_ == "aux" and t.lower_ == "to" for t in child.children):
                piece = _subtree_piece(child)
                return [piece] if piece else []
    if lemma in NOMINAL_CONTENT_LEMMAS and objects and len(list(objects[0].subtree)) >= 3:
        piece = _subtree_piece(objects[0])
        return [piece] if piece else []
    return []


def content_terms(doc: Doc, start: int, end: int) -> str:
    """Lemmas of the words inside [start, end), lower-cased; negations kept, stop words dropped."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return ""
    terms = [
        t.lemma_.lower()
        for t in span
        if not t.is_punct and not t.is_space and (t.dep_ == "neg" or t.lower_ in NEGATION_WORDS or not t.is_stop)
    ]
    return " ".join(terms)


def _is_negated(verb: Token) -> bool:
    return any(child.dep_ == "neg" for child in verb.children)


def _hedged(doc: Doc, piece: _Piece) -> bool:
    return bool(set(re.findall(r"[a-z]+", doc.text[piece.start : piece.end].lower())) & HEDGE_ADVERBS)


# ---------------------------------------------------------------- pronouns


def _resolve_mention(mention: str, earlier: Sequence[tuple[str, bool]]) -> tuple[str, float]:
    """Resolve a pronoun or "the general"-style description to an earlier source of the article.

    ``earlier`` holds (source text, is a person) pairs in order of appearance. Returns the
    resolved text and a confidence; an unresolvable mention is returned as it is.
    """
    lowered = mention.lower().strip()
    if lowered in PERSON_PRONOUNS:
        for text, is_person in reversed(earlier):
            if is_person:
                return text, 0.75
        return mention, 0.3
    if lowered in OTHER_PRONOUNS:
        for text, is_person in reversed(earlier):
            if not is_person:
                return text, 0.6
        return mention, 0.3
    words = lowered.split()
    if len(words) == 2 and words[0] == "the":
        head = words[1]
        for text, _ in reversed(earlier):
            if head in text.lower() and text.lower() != lowered:
                return text, 0.7
    return mention, 1.0


# ---------------------------------------------------------------- extraction


def extract_claims(doc: Doc, *, article_id: str, outlet: str, cues: dict[str, CueInfo]) -> list[Claim]:
    """All claims of one parsed article, in reading order."""
    text = doc.text
    claims: list[Claim] = []
    earlier_sources: list[tuple[str, bool]] = []
    covered_sentences: set[int] = set()

    def add(**fields: object) -> Claim:
        claim = Claim(claim_id=f"{article_id}-c{len(claims) + 1:03d}", article_id=article_id, **fields)  # type: ignore[arg-type]
        claims.append(claim)
        return claim

    for sent_number, sent in enumerate(doc.sents):
        verb_claims: dict[int, Claim] = {}
        for verb in sent:
            lemma = verb.lemma_.lower()
            info = cues.get(lemma)
            if info is None or verb.pos_ not in ("VERB", "AUX"):
                continue
            if _is_negated(verb):
                continue  # "did not specify", "did not deny": an omission, not a claim
            pieces = _content_pieces(verb, lemma)
            if not pieces:
                continue
            subject = _subject(verb)
            if subject is not None and subject.dep_ == "nsubjpass" or (subject is not None and subject.lower_ == "it" and verb.dep_ == "ROOT" and any(c.dep_ == "auxpass" for c in verb.children)):
                subject = None  # "it was reported that": unattributed
            attribution = "source"
            stance = info.stance
            if subject is None:
                # A trailing hedge participle ("..., suggesting that C") is the journalist's own
                # inference, never silently the grammatical subject's.
                if verb.dep_ == "advcl" and verb.tag_ == "VBG" and info.stance == "hedge":
                    attribution = "outlet"
                else:
                    subject = _inherited_subject(verb)
                    if subject is None:
                        continue
            content_start = min(p.start for p in pieces)
            content_end = max(p.end for p in pieces)
            content = " ".join(text[p.start : p.end] for p in pieces)
            quote_type = _quote_type(doc, pieces[0]) if len(pieces) == 1 else "direct"
            if stance == "assert" and _hedged(doc, pieces[0]):
                stance = "hedge"
            confidence = 0.9 if verb.dep_ in ("ROOT", "ccomp", "conj") else 0.75
            if attribution == "outlet":
                source_text, source_start, source_end, surface = outlet, -1, -1, ""
            else:
                assert subject is not None
                author = subject
                source_piece = _source_piece(author)
                if source_piece is None:
                    continue
                surface = text[source_piece.start : source_piece.end]
                source_text, resolution_confidence = _resolve_mention(surface, earlier_sources)
                confidence = min(confidence, resolution_confidence)
                source_start, source_end = source_piece.start, source_piece.end
                is_person = (
                    any(t.ent_type_ == "PERSON" for t in author.subtree)
                    or looks_like_person(surface)
                    or surface.lower() in PERSON_PRONOUNS
                )
                if source_text != surface:
                    is_person = any(text == source_text and person for text, person in earlier_sources) or is_person
                earlier_sources.append((source_text, is_person))
            claim = add(
                sentence_index=sent_number,
                source_text=source_text,
                source_surface=surface,
                source_start=source_start,
                source_end=source_end,
                cue=verb.text,
                cue_lemma=lemma,
                cue_class=info.cue_class,
                cue_start=verb.idx,
                cue_end=verb.idx + len(verb.text),
                content=content,
                content_start=content_start,
                content_end=content_end,
                content_terms=content_terms(doc, content_start, content_end),
                quote_type=quote_type if attribution == "source" else "outlet",
                attribution=attribution,
                stance=stance,
                commitment=info.commitment if stance == info.stance else min(info.commitment, 0.6),
                confidence=confidence,
            )
            verb_claims[verb.i] = claim
            covered_sentences.add(sent_number)

        for token in sent:
            if token.lower_ != "according":
                continue
            to = next((c for c in token.children if c.lower_ == "to"), None)
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if pobj is None:
                continue
            author = _document_author(pobj)
            source_piece = _source_piece(author)
            head = token.head
            if source_piece is None:
                continue
            source_text = text[source_piece.start : source_piece.end]
            inner = verb_claims.get(head.i)
            if inner is not None:
                inner.via = source_text  # "According to KCNA, the military stated ...": KCNA is the channel
                continue
            content_tokens = [t for t in head.subtree if t.i not in {x.i for x in token.subtree}]
            if not content_tokens:
                continue
            piece = _trim(doc, *_token_range(content_tokens))
            if piece is None:
                continue
            stance = "hedge" if _hedged(doc, piece) else "assert"
            add(
                sentence_index=sent_number,
                source_text=source_text,
                source_surface=source_text,
                source_start=source_piece.start,
                source_end=source_piece.end,
                cue="according to",
                cue_lemma="according to",
                cue_class="evidential",
                cue_start=token.idx,
                cue_end=to.idx + len(to.text),
                content=text[piece.start : piece.end],
                content_start=piece.start,
                content_end=piece.end,
                content_terms=content_terms(doc, piece.start, piece.end),
                quote_type="according_to",
                attribution="source",
                stance=stance,
                commitment=1.0 if stance == "assert" else 0.6,
                confidence=0.85,
            )
            earlier_sources.append((source_text, any(t.ent_type_ == "PERSON" for t in author.subtree)))
            covered_sentences.add(sent_number)

        if sent_number not in covered_sentences and _is_outlet_assertion(sent):
            piece = _trim(doc, sent.start_char, sent.end_char)
            if piece is not None:
                add(
                    sentence_index=sent_number,
                    source_text=outlet,
                    source_surface="",
                    source_start=-1,
                    source_end=-1,
                    cue=OUTLET_CUE,
                    cue_lemma=OUTLET_CUE,
                    cue_class="outlet",
                    cue_start=-1,
                    cue_end=-1,
                    content=text[piece.start : piece.end],
                    content_start=piece.start,
                    content_end=piece.end,
                    content_terms=content_terms(doc, piece.start, piece.end),
                    quote_type="outlet",
                    attribution="outlet",
                    stance="hedge" if _hedged(doc, piece) else "assert",
                    commitment=1.0,
                    confidence=0.8,
                )
    claims = _drop_nested(claims, doc)
    claims.sort(key=lambda c: (c.content_start, c.cue_start))
    for number, claim in enumerate(claims, start=1):
        claim.claim_id = f"{article_id}-c{number:03d}"
    return claims


def _drop_nested(claims: list[Claim], doc: Doc) -> list[Claim]:
    """Drop a claim whose cue sits inside another claim's content when it only repeats it:
    a cue inside a direct quote ("“She slammed the door and said ...”"), or a pronoun speaker
    inside reported speech ("said that they now expected ...")."""
    kept = []
    for claim in claims:
        inside = [
            outer
            for outer in claims
            if outer is not claim and outer.cue_start >= 0 and outer.content_start <= claim.cue_start < outer.content_end
        ]
        pronoun = claim.source_surface.lower() in PERSON_PRONOUNS | OTHER_PRONOUNS
        if any(outer.quote_type == "direct" or pronoun for outer in inside):
            continue
        kept.append(claim)
    return kept


def dateline_end(text: str) -> int:
    """Length of a leading wire dateline and credit ("LISSEN (Meridian Wire) - "), else 0."""
    match = DATELINE.match(text)
    return match.end() if match else 0


def _is_outlet_assertion(sent: Span) -> bool:
    """A declarative sentence of the outlet's own: finite verb, not a question, not a quote."""
    words = [t for t in sent if not t.is_punct and not t.is_space]
    if len(words) < MIN_OUTLET_ASSERTION_TOKENS:
        return False
    stripped = sent.text.strip()
    if stripped.endswith("?") or stripped[:1] in QUOTE_CHARS:
        return False
    return sent.root.pos_ in ("VERB", "AUX") and any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in sent.root.children)


def split_claims(
    articles: Sequence[Article],
    *,
    lexicon: CueLexicon,
    nlp: Language,
    batch_size: int = 32,
) -> list[Claim]:
    """Parse articles in batches and extract their claims."""
    cues = cue_table(lexicon)
    claims: list[Claim] = []
    docs = nlp.pipe((article.text for article in articles), batch_size=batch_size)
    for article, doc in zip(articles, docs, strict=True):
        claims.extend(extract_claims(doc, article_id=article.article_id, outlet=article.outlet, cues=cues))
    return claims


def claims_frame(claims: Sequence[Claim]) -> pd.DataFrame:
    """Claims as a frame with the columns of models.CLAIM_COLUMNS, in that order."""
    return pd.DataFrame([claim.__dict__ for claim in claims], columns=CLAIM_COLUMNS)
