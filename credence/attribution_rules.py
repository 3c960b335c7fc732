"""Attribution rules over one parsed article: who (source), how (cue), what (content).

Rules over spaCy's dependency parse, after the ways news attributes (direct quotes are only a
third to a half of attributions; the rest are indirect, mixed or "according to"):

- **verb cues** from ``config/cues.yaml`` in any tense, with auxiliaries and negation, whose
  content is a complement clause with or without "that" ("X said (that) C", "C, X said",
  "“C,” said X", the medial "C1, X said, C2", split quotes, "said in a statement that C"), a
  quotation next to the cue ("X said: “C”", even when it runs over several sentences), a small
  clause ("described them as ...", "called the plan “a disaster”"), an infinitive ("claimed to
  have ..."), a noun phrase of a denial-like verb ("denied reports that C", "rejected Moscow's
  claim to ..."), an accusation ("accused X of Y") or an omission ("said nothing about ...");
- **participles and coordinated verbs** inherit the subject of the verb they hang from
  ("..., insisting that C"; "hailing ... and vowing that C"), except a trailing hedge
  ("..., suggesting C"), which is the journalist's inference and so the outlet's;
- **passives**: "it was reported that C" is unattributed, "X is said to C" too (X is part of
  the content), "X was quoted by Y as saying C" is X's claim with Y as the channel;
- **prepositional cues** ("according to X", "in the words of X", a leading "Per X," or "In a
  new poll,"), with the author of a document as the source ("a report by KCNA" -> KCNA, the
  report kept) and, when the clause is itself an attribution ("According to KCNA, the
  military stated ..."), the outer source kept as the inner claim's ``via``;
- **nominal cues** with a possessor or agent ("Moscow's claim to have retaken ...",
  "Russia's claims of ..."), and **adjectival** ones ("officials are confident that C");
- **headline colons** ("Port authority chief: fees will rise"; a transcript's "CLINTON:");
- **floating quotes**: a quotation opening a sentence after an attributed one, with no cue of
  its own, is more of what that speaker said;
- **sources** resolved when they are pronouns, relative pronouns or definite descriptions
  ("he", "who", "the general") to the nearest fitting earlier mention, a source already found
  or a named subject (no coreference model can be had offline): the surface form, the resolved
  form and a confidence are kept; where the parser lost the subject ("“C,” Texas delegate Bill
  Eastland, wearing a hat, said") it is recovered from the words before the cue;
- the addressee of "told Reuters" and the outlet of "quoted by local radio" are the channel
  (``via``), never the source.

Some attributions carry no statement that can be true or false: positions ("backed Clinton",
"called for a no-fly zone"), topics ("talked about trade"), questions ("asked whether C"),
refusals ("declined to comment"), impressions ("X seems to ..."), bare objects ("recalled her
days in office"), agentless passives ("X was widely criticized") and negated cues ("did not say
when ..."). They are found (``Found.scored`` is False), so that the evaluation against
annotated news counts them, but they become no claims, and their sentences stay the outlet's
own assertions where they are declarative.

What yields nothing at all: "said goodbye" (no propositional content), announced future speech
("will announce the results"), scare quotes and titles, cue words used as modifiers ("warning
sirens"), directives ("told him to wait": an object and an infinitive is an order), and cues
inside a quotation, which are the quoted speaker's words ("“He said it was possible,” Davis
said" is Davis's claim).

Known limits: a pronoun's gender is not checked; a floating quote is only picked up when it
opens its sentence; the parser's mistakes on long sentences still cost some attributions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy
from spacy.attrs import DEP, LEMMA, LOWER, POS
from spacy.symbols import ADJ, AUX, NOUN, PROPN, VERB
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from credence.sources import looks_like_person

Range = tuple[int, int]

# The dependency label of tokens that skipped the parser (see credence.attribution_parse).
UNPARSED = "unparsed"
# Where credence.attribution_parse leaves the article's text on a Doc.
TEXT_KEY = "credence_text"
_VERB_POS = frozenset({int(VERB), int(AUX)})
_NOUN_POS = frozenset({int(NOUN), int(PROPN)})
_ADJ_POS = frozenset({int(ADJ)})

# Double quote marks, and the doubled apostrophe some wires use (''like this'').
OPEN_QUOTES = "“«„‟"
CLOSE_QUOTES = "”»"
QUOTE_CHARS = "\"“”«»„‟"
_EDGE_CHARS = " \t\n\r\u00a0,;:—–-" + QUOTE_CHARS
_SINGLE_QUOTES = "'‘’`"

# Verbs whose object and "as"-phrase (or object predicate) form a small clause.
SMALL_CLAUSE_LEMMAS = frozenset(
    {"describe", "call", "label", "dub", "term", "brand", "portray", "characterize", "characterise", "hail", "praise", "denounce", "consider", "see", "view", "regard", "deem"}
)
# Verbs whose "to"-infinitive is the content ("claimed to have repelled ...", "vowed to fight on").
INFINITIVE_LEMMAS = frozenset(
    {"claim", "allege", "promise", "vow", "pledge", "threaten", "swear", "expect", "hope", "predict", "deny", "admit", "profess", "purport", "appear", "seem"}
)
# Verbs whose object and reason are the content ("accused Trump of inciting violence").
EVALUATION_LEMMAS = frozenset(
    {"accuse", "charge", "blame", "criticize", "criticise", "praise", "condemn", "credit", "thank", "fault", "slam", "blast", "attack", "applaud", "commend", "chastise", "rebuke", "scold", "denounce", "laud", "mock", "ridicule", "lambaste", "castigate", "decry", "deride"}
)
# Verbs of evidence whose object and its predicate are the content ("polls show Clinton ahead").
EVIDENCE_LEMMAS = frozenset({"show", "find", "indicate", "reveal", "demonstrate", "suggest", "confirm", "find"})
# What evidence verbs take as subjects when their object is the content ("polls show ...").
EVIDENCE_NOUNS = frozenset(
    {"poll", "survey", "study", "report", "data", "research", "figure", "number", "record", "result", "evidence", "statistic", "analysis", "review", "investigation", "audit", "count", "tally", "model", "chart", "map", "test", "document", "filing", "email", "image", "footage", "video", "photo", "exit", "polling", "estimate", "projection", "assessment", "finding", "census", "average", "forecast"}
)
# Verbs whose "whether" clause is a doubt, not an open question ("questioned whether ...").
DOUBT_LEMMAS = frozenset({"know", "doubt", "question", "wonder"})
# Verbs that report only with a clause or a quote ("he continued: “...”", not "continued his push").
CLAUSE_ONLY_LEMMAS = frozenset({"continue", "go", "begin"})
# Objects that are no topic ("spoke on condition of anonymity", "spoke on the record").
NOT_TOPICS = frozenset({"condition", "anonymity", "background", "record", "phone", "telephone", "camera", "stage", "floor", "behalf", "day", "night", "morning", "evening", "afternoon"})
# Cue classes of speech acts, which the parser may hang inside the speaker's previous content
# ("announced that C and vowed to D"); a coordinated "found" or "thinks" is more content.
SPEECH_CLASSES = frozenset({"assert", "strong", "deny"})
# Media that annotators take into a cue ("said in a statement", "wrote on Twitter").
CUE_MEDIA = frozenset({"statement", "twitter", "facebook", "tweet", "post", "release", "blog", "instagram", "op", "ed", "editorial", "column", "letter", "memo"})
# Prepositions that annotators take into the cue of these verbs ("pointed to", "voted against").
PHRASAL_PREPOSITIONS = {
    "point": ("to",), "respond": ("to",), "react": ("to",), "refer": ("to",), "allude": ("to",), "object": ("to",),
    "vote": ("for", "against"), "argue": ("against",), "focus": ("on",), "comment": ("on",), "agree": ("with",),
    "talk": ("about",), "speak": ("about",), "call": ("for", "on"), "complain": ("about",), "warn": ("against",),
}
# Verbs governing a cue that are no part of it ("led him to say", "prompted her to deny").
NOT_CUE_GOVERNORS = frozenset({"lead", "prompt", "join", "leave", "help", "make", "let", "force", "ask", "urge", "tell", "cause", "allow", "use", "expect", "want", "encourage", "invite", "get"})
# Kinds of content that make an attribution without a statement to score.
UNSCORED_TYPES = frozenset({"position", "object", "passive"})
# Objects that are no content ("said goodbye", "told it").
NOT_CONTENT = frozenset({"goodbye", "hello", "thanks", "grace", "it", "this", "that", "so", "something", "anything", "everything", "nothing", "lot", "much", "more"})
# Cue verbs whose plain object is seldom anything said ("added 160 officers", "maintained control").
NO_OBJECT_CONTENT = frozenset({"find", "add", "maintain", "demonstrate", "calculate", "sense", "project", "think", "know", "consider", "continue", "understand", "signal", "expect", "want"})
# Verbs whose passive subject is the addressee, not the content ("He was told that ...").
ADDRESSEE_LEMMAS = frozenset({"tell", "ask", "inform", "assure", "remind", "urge", "warn", "advise", "brief", "promise", "question", "quote", "caution"})
# Verbs whose subject belongs to the content ("X seems to ...": nobody's claim but an impression).
RAISING_LEMMAS = frozenset({"seem", "appear"})
# Words of a time phrase, which is no reason ("praised X for the first time").
TIME_WORDS = frozenset({"time", "first", "year", "month", "week", "day", "decade", "hour", "minute", "while", "moment"})
# Prepositions whose object is the content of a position or topic ("called for X", "talked
# about X"); some verbs take one more ("referred to X", "agreed with X").
OBJECT_PREPOSITIONS = ("for", "against", "on", "about", "of")
OBJECT_PREPOSITIONS_OF = {"refer": ("to",), "allude": ("to",), "object": ("to",), "respond": ("to",), "react": ("to",), "agree": ("with",), "disagree": ("with",), "side": ("with",)}
# Verbs of seeing that report a view only with "as" or a "that" clause ("sees them as a threat").
VIEW_LEMMAS = frozenset({"see", "view", "regard"})
# "made it clear that C": a verb and an adjective that together report.
MAKE_CLEAR = frozenset({"clear", "known", "plain"})
# Verbs whose noun-phrase object can be the content ("denied the reports", "confirmed the deaths").
NOMINAL_CONTENT_LEMMAS = frozenset(
    {"deny", "reject", "dismiss", "refute", "dispute", "rebut", "contradict", "repudiate", "disavow", "contest", "confirm", "acknowledge", "admit", "concede", "report", "estimate", "predict", "forecast", "reveal", "disclose", "announce", "cite", "express", "propose"}
)
# Nouns naming a proposition ("reports that ...", "claims of ..."): the object of a denial.
PROPOSITION_NOUNS = frozenset(
    {"report", "claim", "allegation", "accusation", "charge", "rumor", "rumour", "suggestion", "assertion", "statement", "speculation", "story", "notion", "idea", "assessment", "contention"}
)
# Verbs that can report an omission ("said nothing about ...").
OMISSION_LEMMAS = frozenset({"say", "mention", "specify", "reveal", "disclose", "tell", "write"})
# Nouns that wrap the real author: "a report by KCNA", "a statement from the ministry".
DOCUMENT_NOUNS = frozenset(
    {"report", "statement", "communique", "communiqué", "release", "post", "broadcast", "dispatch", "briefing", "bulletin", "article", "assessment", "analysis", "study", "survey", "poll", "estimate", "tally", "count", "letter", "document", "interview", "memo", "filing", "tweet", "video", "editorial", "column", "op", "piece", "book", "speech", "note"}
)
# Adverbs that hedge an otherwise asserted content.
HEDGE_ADVERBS = frozenset({"reportedly", "allegedly", "purportedly", "apparently", "supposedly", "possibly", "probably", "likely", "seemingly", "perhaps", "maybe"})
NEGATION_WORDS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "n't", "without"})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "it", "we"})
SPEAKER_PRONOUNS = frozenset({"i", "you"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
# Heads that never stand as a source ("there said", "this shows").
NOT_SOURCES = frozenset({"there", "this", "that", "these", "those", "what", "which", "it"})
# Sentence openings before a colon that are labels, not speakers ("UPDATE: ...", "Photo: ...").
COLON_LABELS = frozenset(
    {"update", "updated", "related", "read", "watch", "note", "editor", "photo", "video", "source", "sources", "correction", "advertisement", "caption", "credit", "credits", "q", "a", "question", "answer", "warning", "breaking", "exclusive", "analysis", "opinion", "comment", "live", "more", "also", "see", "listen", "subscribe", "click", "follow", "via"}
)
ENTITY_SOURCE_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
MIN_OUTLET_ASSERTION_TOKENS = 6
MIN_FLOATING_QUOTE_WORDS = 4
# The cue recorded for the outlet's own assertions, which have no reporting verb in the text.
OUTLET_CUE = "asserts"
AGENTLESS_SOURCE = "unnamed source"
# "LISSEN (Meridian Wire) - " or "(Reuters) -" opening a syndicated story: not part of any claim.
DATELINE = re.compile(r"^\s*(?:[A-Z][A-Z .'-]{1,40})?\([^()]{2,60}\)\s*[-–—]\s*")


@dataclass(frozen=True)
class CueInfo:
    cue_class: str
    stance: str
    commitment: float
    verb: bool = True  # usable as a verb (or a multi-word prepositional cue)
    noun: bool = False  # usable as a nominal cue ("Moscow's claim ...")
    adjective: bool = False  # usable as an adjectival cue ("X is confident that C")
    objects: bool = False  # a noun-phrase object or infinitive is the content (positions)
    scored: bool = True  # attributions of the class become claims (positions and topics do not)


@dataclass
class Found:
    """One attribution as the rules found it: richer than a Claim (fragments, channels, nesting)."""

    sentence_index: int
    claim_type: str  # indirect, direct, mixed, according_to, small_clause, infinitive, nominal, nominal_object, omission, headline, floating, agentless, inference, outlet
    quote_type: str  # direct, indirect, mixed, according_to, outlet (Claim.quote_type)
    attribution: str  # "source" or "outlet"
    cue_text: str
    cue_lemma: str
    cue_class: str
    cue_range: Range | None  # the cue's offsets in the claim ("has denied", "according to")
    cue_spans: list[Range]  # the cue words as annotators mark them (auxiliaries, negation, particles)
    content_spans: list[Range]
    source_text: str  # resolved ("He" -> "Oleksandr Syrskyi"); the author for documents; the outlet for outlet claims
    source_surface: str  # as written at the claim; "" when there is none
    source_range: Range | None  # the surface mention without relative clauses
    source_span: Range | None  # the whole mention as written: document phrase, relative pronoun, appositions
    stance: str
    commitment: float
    confidence: float
    via: str = ""
    denied_party: str = ""  # "Ukraine denied Russia's claims ...": Russia
    document: str = ""  # "a report by KCNA": report
    addressee: str = ""  # "told Reuters": Reuters
    wrapper: Found | None = None  # "According to X, Y said C": X's attribution around Y's
    continues: Found | None = None  # a floating quote: the attribution whose speaker it inherits
    head: int = -1  # token index of the cue's head word
    scored: bool = True  # becomes a claim (positions and topics are attributions without a statement)

    @property
    def content_start(self) -> int:
        return min(s for s, _ in self.content_spans)

    @property
    def content_end(self) -> int:
        return max(e for _, e in self.content_spans)


# ---------------------------------------------------------------- character helpers


def dateline_end(text: str) -> int:
    """Length of a leading wire dateline and credit ("LISSEN (Meridian Wire) - "), else 0."""
    match = DATELINE.match(text)
    return match.end() if match else 0


def trim(text: str, start: int, end: int) -> Range | None:
    """[start, end) without surrounding spaces, punctuation and quote marks (a closing quote
    whose opening mark is inside is kept, as in 'as “heroes”')."""
    if start < 80:
        start = max(start, dateline_end(text))
    while start < end and (text[start] in _EDGE_CHARS or (text[start] in _SINGLE_QUOTES and start + 1 < end and not text[start + 1].isspace() and _is_quote_single(text, start))):
        start += 1
    while end > start and (text[end - 1] in _EDGE_CHARS or text[end - 1] in ".!?" or (text[end - 1] in _SINGLE_QUOTES and _is_quote_single(text, end - 1))):
        end -= 1
    inner = text[start:end]
    if end < len(text) and text[end] in "”\"" and (inner.count("“") > inner.count("”") or inner.count('"') % 2):
        end += 1
    elif end < len(text) and text[end] in "'’" and _is_quote_single(text, end) and re.search(r"(?:^|\s)['‘]\w", inner) and not re.search(r"\w['’](?:\s|$)", inner):
        end += 1
    return (start, end) if end > start else None


def _is_quote_single(text: str, index: int) -> bool:
    """A single quote mark used as a quote, not an apostrophe ("Russia's", "'90s")."""
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return not (before.isalnum() and after.isalnum())


_QUOTE_MARKS = re.compile("[\n“”«»„‟\"]|''")


def quote_spans(text: str) -> list[Range]:
    """Quotations in the text as [open mark, after close mark) ranges, by the marks alone.

    One quotation is open at a time: “ opens, ” closes, a straight double quote (or the doubled
    apostrophe some wires use, '') opens or closes, so mixed marks ("C,” he said) still pair. A
    quotation left open runs to the end of its paragraph (quotes across paragraphs reopen with a
    new mark, as news style has it).
    """
    spans: list[Range] = []
    opened: int | None = None
    for match in _QUOTE_MARKS.finditer(text):
        mark, at = match.group(), match.start()
        if mark == "\n":
            if opened is not None:
                spans.append((opened, at))
                opened = None
        elif mark in OPEN_QUOTES:
            if opened is None:
                opened = at
        elif mark in CLOSE_QUOTES:
            if opened is not None:
                spans.append((opened, match.end()))
                opened = None
        elif opened is None:
            opened = at
        else:
            spans.append((opened, match.end()))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


# What may precede a quotation that opens a sentence: nothing, a line break, or a sentence end.
_OPENS_SENTENCE = re.compile(r"(?:^|\n|[.!?…][\"”’']*)\s*$")


def _token_range(tokens: Iterable[Token]) -> Range | None:
    tokens = list(tokens)
    if not tokens:
        return None
    return min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)


def _contiguous_ranges(tokens: Iterable[Token]) -> list[Range]:
    """Runs of consecutive tokens as character ranges (a token listed twice counts once)."""
    ordered = sorted({t.i: t for t in tokens}.values(), key=lambda t: t.i)
    runs: list[list[Token]] = []
    for token in ordered:
        if runs and token.i == runs[-1][-1].i + 1:
            runs[-1].append(token)
        else:
            runs.append([token])
    return [(run[0].idx, run[-1].idx + len(run[-1].text)) for run in runs]


def _pieces(text: str, tokens: Iterable[Token]) -> list[Range]:
    """Trimmed, non-empty character ranges of the runs of ``tokens``; runs of punctuation only are dropped."""
    pieces = []
    for start, end in _contiguous_ranges(tokens):
        piece = trim(text, start, end)
        if piece is not None and any(c.isalnum() for c in text[piece[0] : piece[1]]):
            pieces.append(piece)
    return pieces


def _merge_close(text: str, pieces: list[Range]) -> list[Range]:
    """Join fragments separated by punctuation and spaces only (one quote closed and reopened)."""
    merged: list[Range] = []
    for piece in sorted(pieces):
        if merged and all(not c.isalnum() for c in text[merged[-1][1] : piece[0]]) and "\n" not in text[merged[-1][1] : piece[0]]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], piece[1]))
        else:
            merged.append(piece)
    return merged


def _hedged(text: str, pieces: Sequence[Range]) -> bool:
    words = {w for s, e in pieces for w in re.findall(r"[a-z]+", text[s:e].lower())}
    return bool(words & HEDGE_ADVERBS)


# ---------------------------------------------------------------- grammar helpers


def _subject(verb: Token) -> Token | None:
    """The verb's subject; of two (a misparse of "C, she said"), the one nearest the verb."""
    subjects = [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        return None
    return min(subjects, key=lambda child: abs(child.i - verb.i))


def _is_passive(verb: Token) -> bool:
    return any(child.dep_ == "auxpass" for child in verb.children) or any(child.dep_ == "nsubjpass" for child in verb.children)


def _negated(verb: Token) -> bool:
    return any(child.dep_ == "neg" or child.lower_ == "never" for child in verb.children)


def _noun_phrase(token: Token) -> list[Token]:
    """A noun's phrase without clauses the parser hung on it (a quote made the noun's ccomp)."""
    dropped = {t.i for c in token.children if c.dep_ in ("ccomp", "parataxis", "advcl", "punct", "conj", "cc") for t in c.subtree}
    return [t for t in token.subtree if t.i not in dropped]


def _run_around(token: Token, dropped: set[int]) -> list[Token]:
    """The unbroken run of the token's subtree around it once ``dropped`` tokens are taken out
    (so "Mr. Paulson, who made billions, told" gives "Mr. Paulson", not up to the last comma)."""
    members = {t.i for t in token.subtree} - dropped
    start = end = token.i
    while start - 1 in members:
        start -= 1
    while end + 1 in members:
        end += 1
    return [token.doc[i] for i in range(start, end + 1)]


def _without_mark(clause: Token) -> list[Token]:
    """A complement clause's tokens without its leading complementizer ("that", "whether")."""
    first = clause.left_edge
    skipped = first.i if first.dep_ == "mark" and first.head == clause else -1
    return [t for t in clause.subtree if t.i != skipped]


def _document_author(noun: Token) -> tuple[Token, str]:
    """"a report by KCNA" -> (KCNA, "report"); anything else is its own author."""
    if noun.lemma_.lower() in DOCUMENT_NOUNS:
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in ("by", "from", "of"):
                for pobj in prep.children:
                    if pobj.dep_ == "pobj" and pobj.lemma_.lower() not in DOCUMENT_NOUNS:
                        return pobj, noun.lemma_.lower()
        # "KCNA's report", "the KCNA report"
        for child in noun.children:
            if child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN"):
                return child, noun.lemma_.lower()
    return noun, ""


def sentence_is_parsed(sent: Span) -> bool:
    """Whether the sentence went through the dependency parser (pre-filtered paragraphs did not)."""
    return any(token.dep_ and token.dep_ != UNPARSED for token in sent)


def article_text(doc: Doc) -> str:
    """The article's text: as the parse stored it when it still matches the tokens, else
    rebuilt from them (Doc.text is rebuilt at each access, which costs on a hot path)."""
    text = doc.user_data.get(TEXT_KEY)
    known = isinstance(text, str) and len(doc) > 0 and len(text) == doc[-1].idx + len(doc[-1].text_with_ws)
    return text if known else doc.text


@dataclass(frozen=True)
class _CueHashes:
    """The cue lexicon as sorted arrays of string ids, to find candidate tokens with numpy."""

    verbs: numpy.ndarray
    make: numpy.ndarray
    adjectives: numpy.ndarray
    nouns: numpy.ndarray
    unparsed: numpy.ndarray


def _sorted_ids(values: Iterable[int]) -> numpy.ndarray:
    return numpy.unique(numpy.array(list(values), dtype="uint64"))


def _member(values: numpy.ndarray, keys: numpy.ndarray) -> numpy.ndarray:
    """values[i] in keys, for sorted keys (numpy.isin costs a pass per key on short arrays)."""
    if not len(keys):
        return numpy.zeros(len(values), dtype=bool)
    found = numpy.minimum(numpy.searchsorted(keys, values), len(keys) - 1)
    return keys[found] == values


_VERB_POS_IDS = _sorted_ids(_VERB_POS)
_NOUN_POS_IDS = _sorted_ids(_NOUN_POS)
_ADJ_POS_IDS = _sorted_ids(_ADJ_POS)
# Lower-case forms that open prepositional cues ("according to", "per", "in the words of") and headlines.
_PER_ID, _IN_ID, _WORDS_ID, _COLON_ID = (get_string_id(word) for word in ("per", "in", "words", ":"))
_PREPOSITION_IDS = _sorted_ids([get_string_id("according"), _PER_ID, _IN_ID])
# The lexicon a run uses, with its hashes: one lexicon serves every article of a run.
_CUE_HASHES: dict[int, tuple[dict[str, CueInfo], _CueHashes]] = {}


def _cue_hashes(cues: dict[str, CueInfo]) -> _CueHashes:
    cached = _CUE_HASHES.get(id(cues))
    if cached is not None and cached[0] is cues:
        return cached[1]
    verbs = [lemma for lemma, info in cues.items() if info.verb and " " not in lemma]
    # The lemmatizer clips some verbs ("hopes" -> "hop"): accept the clipped form too.
    verbs += [lemma[:-1] for lemma, info in cues.items() if info.verb and lemma.endswith("e") and lemma[:-1] not in cues]
    hashes = _CueHashes(
        verbs=_sorted_ids(get_string_id(lemma) for lemma in verbs),
        make=_sorted_ids([get_string_id("make")] if "make clear" in cues else []),
        adjectives=_sorted_ids(get_string_id(lemma) for lemma, info in cues.items() if info.adjective),
        nouns=_sorted_ids(get_string_id(lemma) for lemma, info in cues.items() if info.noun),
        unparsed=_sorted_ids([0, get_string_id(UNPARSED)]),
    )
    _CUE_HASHES.clear()  # keep one: a new dict means a new lexicon (tests build many)
    _CUE_HASHES[id(cues)] = (cues, hashes)
    return hashes


# ---------------------------------------------------------------- the rules


class ArticleRules:
    """Finds every attribution of one parsed article, in reading order."""

    def __init__(self, doc: Doc, *, cues: dict[str, CueInfo], outlet: str) -> None:
        self.doc = doc
        self.text = article_text(doc)
        self.cues = cues
        self.outlet = outlet
        self.quotes = quote_spans(self.text)
        self.found: list[Found] = []
        self._by_head: dict[int, Found] = {}
        # Cues the parser hung inside another cue's content, with that cue (see _parsed_content).
        self._reporter_of: dict[int, Token] = {}
        self._sentence_starts: list[int] = []
        self._paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n\s*", self.text)]
        self._all_entities = list(doc.ents)  # Doc.ents and Doc.text are rebuilt at each access
        self._entities = [ent for ent in self._all_entities if ent.label_ in ENTITY_SOURCE_TYPES]
        # Named persons and organisations that are subjects: antecedents for "he", "they".
        self._subject_entities = [
            (ent.start_char, ent.text, ent.label_ == "PERSON")
            for ent in self._entities
            if any(t.dep_ in ("nsubj", "nsubjpass") or t.head.dep_ in ("nsubj", "nsubjpass") for t in ent)
        ]
        self._person_cache: dict[int, bool] = {}
        self._coverage = numpy.zeros(0, dtype=bool)
        self._coverage_key: tuple[int, bool] | None = None

    # ------------------------------------------------------------ driver

    def run(self) -> list[Found]:
        sentences = list(self.doc.sents)
        self._sentence_starts = [sent.start_char for sent in sentences]
        for number, kind, index in self._candidates(sentences):
            token = self.doc[index]
            if kind == "verb":
                lemma = token.lemma_.lower()
                lemma = lemma if lemma in self.cues else lemma + "e"
                self._verb(number, token, lemma, self.cues[lemma])
            elif kind == "preposition":
                self._prepositional(number, token)
            elif kind == "noun":
                lemma = token.lemma_.lower()
                self._nominal(number, token, lemma, self.cues[lemma])
            elif kind == "adjective":
                self._adjective(number, token, token.lemma_.lower(), self.cues[token.lemma_.lower()])
            elif kind == "make":
                self._make_clear(number, token)
            else:
                self._headline(number, sentences[number])
        self._floating_quotes(sentences)
        self._outlet_assertions(sentences)
        self.found.sort(key=lambda f: (f.content_start, f.cue_range[0] if f.cue_range else -1))
        return self.found

    def _candidates(self, sentences: Sequence[Span]) -> list[tuple[int, str, int]]:
        """(sentence, kind, token) of every place a rule may fire, in the order the rules need:
        within a sentence verbs first, then prepositional cues (which look for the verb's
        attribution), nominal cues, and the headline colon.

        Found from the token attribute arrays, without building a Token object per word (that
        is what makes a pass over spaCy tokens slow).
        """
        doc = self.doc
        hashes = _cue_hashes(self.cues)
        array = doc.to_array([LEMMA, POS, LOWER, DEP])
        order = {"verb": 0, "make": 0, "adjective": 0, "preposition": 1, "noun": 2, "headline": 3}
        lemmas, pos, lower, dep = (array[:, column] for column in range(4))
        parsed = ~_member(dep, hashes.unparsed)
        verbs = _member(pos, _VERB_POS_IDS)
        kinds = [
            ("verb", verbs & _member(lemmas, hashes.verbs)),
            ("make", verbs & _member(lemmas, hashes.make)),
            ("adjective", _member(pos, _ADJ_POS_IDS) & _member(lemmas, hashes.adjectives)),
            ("noun", _member(pos, _NOUN_POS_IDS) & _member(lemmas, hashes.nouns)),
            ("preposition", _member(lower, _PREPOSITION_IDS)),
            ("words", lower == _WORDS_ID),
            ("headline", lower == _COLON_ID),
        ]
        starts = numpy.array([sent.start for sent in sentences])
        found: list[tuple[int, str, int]] = []
        for kind, mask in kinds:
            for index in numpy.nonzero(mask & parsed)[0]:
                index = int(index)
                number = int(numpy.searchsorted(starts, index, side="right")) - 1
                offset = index - int(starts[number])
                if kind == "preposition" and int(lower[index]) in (_PER_ID, _IN_ID) and offset != 0:
                    continue  # "Per X," and "In a poll," open their sentence
                if kind == "words":
                    if offset < 2 or int(lower[index - 2]) != _IN_ID:
                        continue
                    kind, index = "preposition", index - 2  # "in the words of"
                if kind == "headline" and offset >= 9:
                    continue
                found.append((number, kind, index))
        # A cue inside a quotation is part of the quoted speaker's words, not an attribution of
        # the article's ("“He said it was possible,” Davis said" is Davis's claim).
        if self.quotes:
            found = [item for item in found if not self._in_quote(doc[item[2]].idx)]
        found = sorted(set(found), key=lambda item: (item[0], order[item[1]], item[2]))
        return [item for i, item in enumerate(found) if not (item[1] == "headline" and i and found[i - 1][:2] == item[:2])]

    # ------------------------------------------------------------ verbs

    def _verb(self, number: int, verb: Token, lemma: str, info: CueInfo) -> None:
        if verb.dep_ in ("amod", "compound", "nmod", "npadvmod", "aux", "auxpass"):
            return  # "so-called", "warning sirens", "the said company"
        if verb.i in self._by_head:
            return
        if lemma == "quote" and any(c.dep_ == "prep" and c.lower_ == "as" and any(p.dep_ == "pcomp" for p in c.children) for c in verb.children):
            return  # "was quoted by a regional paper as saying C": the cue is "saying", the radio the channel
        pieces, claim_type = self._verb_content(verb, lemma)
        if not pieces:
            return
        # "did not say when ...", "did not deny that ...": an attribution, but no claim either way.
        negated = _negated(verb) and claim_type != "omission"
        source = self._verb_source(verb, lemma, info)
        if source is None:
            return
        kind, subject, via, surface_token = source
        if subject is not None and subject.lower_ in SPEAKER_PRONOUNS | {"we", "us", "me"} and self._in_quote(verb.idx):
            return  # "“I think C,” she said": part of her quote, not a claim of its own
        cue_range, cue_text, cue_spans = self._verb_cue(verb, claim_type, min(start for start, _ in pieces))
        if kind == "agentless" and subject is not None:
            # "X is said to have ...": X belongs to what is said.
            pieces = sorted(_pieces(self.text, subject.subtree) + pieces)
            claim_type = "agentless"
        elif kind == "agentless":
            claim_type = "agentless"
        found = self._make(
            number,
            verb=verb,
            lemma=lemma,
            info=info,
            pieces=pieces,
            claim_type=claim_type,
            kind=kind,
            subject=subject,
            surface_token=surface_token,
            cue_range=cue_range,
            cue_text=cue_text,
            cue_spans=cue_spans,
            via=via,
        )
        if found is not None and negated:
            found.scored = False
        if found is not None and info.stance == "deny":
            # "Ukraine denied Russia's claims ...": whose claim is denied.
            for obj in (c for c in verb.children if c.dep_ == "dobj"):
                owner = next((c for c in obj.children if c.dep_ == "poss"), None)
                if owner is not None:
                    found.denied_party = self._np_text(owner)
        if found is not None and lemma == "tell":
            found.addressee = self._addressee(verb)
            if found.addressee and not found.via:
                found.via = found.addressee

    def _verb_content(self, verb: Token, lemma: str) -> tuple[list[Range], str]:
        """Content fragments of a reporting verb and the kind of content."""
        pieces, kind = self._parsed_content(verb, lemma)
        quotes = self._adjacent_quotes(verb)
        subject = _subject(verb) or self._stranded_subject(verb)
        swallowed = subject is not None and any(s <= subject.idx < e for s, e in pieces)  # the parse took the speaker in
        if quotes and kind in ("", "clause", "object") and (swallowed or all(any(q[0] <= s and e <= q[1] for q in quotes) for s, e in pieces)):
            return quotes, "clause"
        return pieces, kind

    def _parsed_content(self, verb: Token, lemma: str) -> tuple[list[Range], str]:
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        xcomps = [c for c in verb.children if c.dep_ == "xcomp" and any(t.dep_ == "aux" and t.lower_ == "to" for t in c.children)]
        preps = [c for c in verb.children if c.dep_ == "prep"]
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if not clauses and len(subjects) >= 2:
            # "The rejection signals C, said Wilders" parsed with two subjects: the far one opens the content.
            speaker = _subject(verb)
            first = min(speaker.left_edge.i, verb.i)  # type: ignore[union-attr]
            tokens = [t for t in verb.subtree if t.i < first]
            if self._hangs_from_content(verb):
                own = {t.i for t in verb.subtree}
                tokens += [t for t in verb.head.subtree if t.i not in own]
            return _merge_close(self.text, _pieces(self.text, tokens)), "clause"
        if clauses:
            question = any(m.dep_ == "mark" and m.lower_ in ("whether", "if") for c in clauses for m in c.children)
            if question and lemma not in DOUBT_LEMMAS and self.cues[lemma].scored:
                return [], ""  # an open question asserts nothing
            if lemma in VIEW_LEMMAS and not any(m.dep_ == "mark" and m.lower_ == "that" for c in clauses for m in c.children):
                return [], ""  # "we'll see what happens"
            after = any(c.i > verb.i for c in clauses)
            tokens: list[Token] = []
            for clause in clauses:
                if clause.i < verb.i:
                    earlier = self._by_head.get(clause.i)
                    if earlier is not None and earlier.quote_type == "direct" and earlier.source_range is not None:
                        continue  # "“C1,” she said, but “C2,” said Kunin": her attribution is no content of his
                    if after and not self._in_quote(clause.idx):
                        continue  # a clause the parser hung on the cue from inside its subject
                tokens.extend(_without_mark(clause))
            # "announced that he was in therapy and vowed to ...", "said that C, noting that D":
            # the parser hung the speaker's next cue inside the first content.
            carved: set[int] = set()
            for token in tokens:
                if token.dep_ in ("conj", "advcl") and token.i > verb.i and token.pos_ == "VERB" and _subject(token) is None and token.i not in carved:
                    info = self.cues.get(token.lemma_.lower())
                    coordinated = token.dep_ == "conj" and any(c.dep_ == "cc" for c in token.head.children if c.i < token.i)
                    if info is not None and info.verb and info.cue_class in SPEECH_CLASSES and (token.tag_ == "VBG" or coordinated):
                        carved.update(t.i for t in token.subtree)
                        carved.update(t.i for t in token.head.children if t.dep_ == "cc" and t.i < token.i and t.i == token.left_edge.i - 1)
                        self._reporter_of[token.i] = verb
            tokens = [t for t in tokens if t.i not in carved]
            # The medial cue: "The new pipeline, the company said, will not be ..." leaves the
            # first part of the content hanging off the verb.
            subject = _subject(verb)
            for child in verb.children:
                if child.dep_ in ("dep", "nsubj") and (subject is None or child.i != subject.i) and child.i < verb.i and child.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
                    tokens.extend(child.subtree)
            return _merge_close(self.text, _pieces(self.text, tokens)), "clause"
        if lemma in OMISSION_LEMMAS and objects:
            obj = objects[0]
            if obj.lower_ in ("nothing", "little") or (_negated(verb) and obj.lower_ in ("anything", "much")):
                return _pieces(self.text, obj.subtree), "omission"
        # "said in a statement that C", "said for the first time that C": the parser hung the
        # clause on the noun of a phrase between the cue and its content.
        for prep in preps:
            if prep.i <= verb.i or prep.i > verb.i + 8:
                continue
            for token in prep.subtree:
                if token.dep_ in ("acl", "relcl", "ccomp") and any(m.dep_ == "mark" and m.lower_ == "that" and m.i == token.left_edge.i for m in token.children):
                    return _pieces(self.text, _without_mark(token)), "clause"
        if lemma in CLAUSE_ONLY_LEMMAS:
            return [], ""  # "continued his push": only "he continued: “...”" or a clause reports
        predicates = [c for c in verb.children if c.i > verb.i and c.dep_ in ("oprd", "attr", "acomp")]
        if lemma in SMALL_CLAUSE_LEMMAS and objects and not predicates and any(c.dep_ == "appos" for c in objects[0].children):
            # "called the plan “a disaster”": the parser makes the predicate an apposition.
            return _pieces(self.text, objects[0].subtree), "small_clause"
        if lemma in SMALL_CLAUSE_LEMMAS and predicates:
            # "called Trump a fascist", "called Florida's standards “strong”" (the parser labels
            # these small clauses in many ways; what follows the verb up to the predicate is the content).
            parts = [c for c in verb.children if c.dep_ in ("dobj", "oprd", "attr", "acomp", "ccomp", "xcomp") and (c.i > verb.i or c.tag_ in ("WP", "WDT"))]
            before = [t for c in parts if c.i < verb.i for t in c.subtree]
            after = [t for c in parts if c.i > verb.i for t in c.subtree]
            span = _token_range(after)
            piece = trim(self.text, *span) if span else None
            if piece is not None:
                return _pieces(self.text, before) + [piece], "small_clause"
        if lemma in SMALL_CLAUSE_LEMMAS and objects and objects[0].tag_ not in ("WP", "WDT"):
            obj = objects[0]
            predicates = [c for c in verb.children if c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ == "as")]
            predicates += [c for c in obj.children if c.dep_ == "prep" and c.lower_ == "as"]
            # "described them as “carefully planned”": the parser may make the predicate an
            # adverbial clause whose marker is "as".
            predicates += [c for c in verb.children if c.dep_ == "advcl" and c.i > obj.i and any(m.dep_ == "mark" and m.lower_ == "as" and m.i == c.left_edge.i for m in c.children)]
            if predicates:
                tokens = list(obj.subtree) + [t for p in predicates for t in p.subtree]
                span = _token_range(tokens)
                if span is not None:
                    # One stretch from the object to the end of its predicate ("them as “heroes”").
                    piece = trim(self.text, *span)
                    return ([piece] if piece else []), "small_clause"
        if lemma in INFINITIVE_LEMMAS and xcomps and not objects:
            return _pieces(self.text, xcomps[0].subtree), "infinitive"
        if lemma in EVALUATION_LEMMAS and objects:
            # "accused Trump of inciting violence", "criticized the plan for its cost"
            reason = [p for p in preps if p.lower_ in ("of", "for", "over") and p.i > objects[0].i and not any(t.lemma_.lower() in TIME_WORDS for t in p.subtree)]
            if reason or (objects[0].pos_ != "PRON" and objects[0].lower_ not in NOT_SOURCES):
                return _pieces(self.text, list(objects[0].subtree) + [t for p in reason[:1] for t in p.subtree]), "evaluation"
        subject = _subject(verb)
        evidence = subject is not None and (subject.lemma_.lower() in EVIDENCE_NOUNS or _document_author(subject)[1])
        if lemma in EVIDENCE_LEMMAS and objects and evidence:
            # "polls show Clinton with a double-digit lead", "the study found higher costs"
            dropped = {t.i for c in verb.children if c.dep_ in ("advcl", "conj", "cc", "punct") for t in c.subtree}
            tokens = [t for t in verb.subtree if t.i > verb.i and t.i not in dropped]
            return _merge_close(self.text, _pieces(self.text, tokens)), "evidence"
        if self.cues[lemma].objects:
            # Positions: "called for a no-fly zone", "wants to build a wall", "backed Clinton".
            if xcomps:
                return _pieces(self.text, xcomps[0].subtree), "position"
            if objects and objects[0].pos_ != "PRON" and objects[0].lower_ not in NOT_SOURCES:
                return _pieces(self.text, objects[0].subtree), "position"
            allowed = OBJECT_PREPOSITIONS + OBJECT_PREPOSITIONS_OF.get(lemma, ())
            for prep in preps:
                if prep.lower_ in allowed and prep.i > verb.i:
                    pobj = [c for c in prep.children if c.dep_ in ("pobj", "pcomp") and c.lemma_.lower() not in NOT_TOPICS]
                    if pobj and pobj[0].pos_ != "PRON":
                        return _pieces(self.text, pobj[0].subtree), "position"
        future = any(c.dep_ == "aux" and c.lower_ in ("will", "'ll", "wo", "shall") for c in verb.children)
        if lemma in NOMINAL_CONTENT_LEMMAS and objects and not future:
            obj = objects[0]
            if obj.pos_ == "PRON" or (obj.lower_ in NOT_SOURCES and not list(obj.children)):
                return [], ""
            if obj.lemma_.lower() in PROPOSITION_NOUNS and not any(c.dep_ == "poss" for c in obj.children):
                # "denied reports that C": C is what is denied.
                for child in obj.children:
                    if child.dep_ in ("acl", "ccomp", "relcl") and any(m.dep_ == "mark" and m.lower_ == "that" for m in child.children):
                        return _pieces(self.text, _without_mark(child)), "nominal_object"
            if len(list(obj.subtree)) >= 2 or obj.pos_ == "PROPN":
                return _pieces(self.text, obj.subtree), "nominal_object"
        # "As The Post reported, C": the clause the "as" cue modifies is the content.
        bare = not any(c.dep_ in ("dobj", "ccomp", "xcomp", "prep", "oprd", "attr", "dative") for c in verb.children)
        if verb.dep_ == "advcl" and bare and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children) and verb.head.pos_ in ("VERB", "AUX"):
            own = {x.i for x in verb.subtree}
            return _merge_close(self.text, _pieces(self.text, [t for t in verb.head.subtree if t.i not in own])), "clause"
        # "called for a no-fly zone", "called on the senator to take back his words"
        if lemma == "call":
            for prep in preps:
                if prep.lower_ in ("for", "on") and prep.i == verb.i + 1:
                    target = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
                    if target:
                        tokens = list(target[0].subtree) + ([t for x in xcomps for t in x.subtree] if prep.lower_ == "on" else [])
                        return _pieces(self.text, tokens), "position"
        # "Scully's involvement was first reported by the New York Times": the passive subject.
        subject = _subject(verb)
        if subject is not None and subject.dep_ == "nsubjpass" and subject.lower_ != "it" and self._agent(verb) is not None and lemma not in CLAUSE_ONLY_LEMMAS:
            return _pieces(self.text, subject.subtree), "nominal_object"
        # "He said legalizing it could put ...": the parser made the clause an open complement.
        for child in verb.children:
            if child.dep_ == "xcomp" and child.i > verb.i and not any(t.dep_ == "aux" and t.lower_ == "to" for t in child.children) and any(
                t.dep_ in ("ccomp", "nsubj") for t in child.subtree
            ):
                return _merge_close(self.text, _pieces(self.text, child.subtree)), "clause"
        # The content is the clause the cue hangs from: "The bridge, he said, will reopen.",
        # "Prices will rise, the bank said." (the parser hangs the cue on the content's verb).
        if self._hangs_from_content(verb):
            own = {x.i for x in verb.subtree}
            tokens = [t for t in verb.head.subtree if t.i not in own and not (t.dep_ == "cc" and t.head.i == verb.head.i and t.i > verb.i)]
            return _merge_close(self.text, _pieces(self.text, tokens)), "clause"
        # What remains are attributions without a statement, found but not scored (see
        # UNSCORED_TYPES): "recalled her days as secretary of state", "were widely criticized
        # for corruption".
        if objects and lemma not in NO_OBJECT_CONTENT and objects[0].lower_ not in NOT_CONTENT and not (objects[0].pos_ == "PRON" and objects[0].tag_ not in ("WP", "WDT")):
            return _pieces(self.text, objects[0].subtree), "object"
        if subject is not None and subject.dep_ == "nsubjpass" and subject.lower_ not in ("it", "there") and lemma not in ADDRESSEE_LEMMAS | NO_OBJECT_CONTENT | {"conclude"}:
            tokens = list(subject.subtree) + [t for c in verb.children if c.dep_ in ("oprd", "attr") or (c.dep_ == "prep" and c.lower_ in ("as", "for")) for t in c.subtree]
            return _pieces(self.text, tokens), "passive"
        return [], ""

    def _hangs_from_content(self, verb: Token) -> bool:
        """"C, X said" parsed with the cue under C's verb: a subject of its own after a comma."""
        head = verb.head
        subject = _subject(verb) or self._loose_subject(verb)
        if subject is None or head.pos_ not in ("VERB", "AUX") or head.i == verb.i:
            return False
        if head.lemma_.lower() in self.cues and self.cues[head.lemma_.lower()].verb:
            return False  # two reporting verbs: coordination, not content
        first = min(subject.left_edge.i, verb.i)
        comma_before = first > 0 and self.doc[first - 1].text in (",", "—", "–", "--")
        if verb.dep_ == "parataxis":
            # "The pipeline, the company said, will ..." (the cue between commas, either side of C's verb)
            return comma_before and head.left_edge.i < first
        if head.i >= verb.i or subject.i < head.i:
            return False
        before_subject = self.doc[max(head.left_edge.i, subject.left_edge.i - 2) : subject.left_edge.i]
        if verb.dep_ == "conj":
            return comma_before
        return verb.dep_ in ("advcl", "ccomp") and any(t.text in (",", "—", "–", "--") for t in before_subject)

    def _in_quote(self, position: int) -> bool:
        return any(q_start < position < q_end for q_start, q_end in self.quotes)

    def _adjacent_quotes(self, verb: Token) -> list[Range]:
        """Quotations right before the cue ("“C,” X said", "“C,” said X") and right after it
        ("X said: “C”", "saying, “C”"), whole even when they run over several sentences."""
        if any(q_start <= verb.idx < q_end for q_start, q_end in self.quotes):
            return []  # the cue is inside a quotation
        core = [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "advmod") and c.i < verb.i]
        subject = _subject(verb) or self._stranded_subject(verb)
        if subject is not None and abs(subject.i - verb.i) <= 12 and (subject.i < verb.i or subject.i == verb.i + 1):
            core += _noun_phrase(subject)
        start = min(t.idx for t in core)
        end = max(t.idx + len(t.text) for t in core)
        found: list[Range] = []
        for q_start, q_end in self.quotes:
            if q_end <= start and start - q_end <= 3 and re.fullmatch(r"[\s,—–-]*", self.text[q_end:start]):
                found.append((q_start, q_end))
            elif q_start >= end:
                between = self.text[end:q_start]
                if re.fullmatch(r"[\s,:—–-]*", between) or (
                    between.rstrip().endswith(":") and len(between.split()) <= 8 and not any(c in QUOTE_CHARS or c == "\n" for c in between)
                ):
                    found.append((q_start, q_end))
                break
        pieces = [piece for q in found if (piece := trim(self.text, *q)) is not None]
        return pieces

    def _verb_source(self, verb: Token, lemma: str, info: CueInfo) -> tuple[str, Token | None, str, Token | None] | None:
        """(kind, source token, via, surface token) for a verb cue, or None when there is no speaker.

        kind is "source", "agentless" (the token, if any, is the passive subject that belongs
        to the content) or "outlet" (the journalist's own inference).
        """
        subject = _subject(verb)
        if lemma in RAISING_LEMMAS and subject is not None:
            # "X seems to ...", "it appears that C": an impression with no one holding it.
            return ("agentless", None, "", None) if subject.lower_ == "it" else ("agentless", subject, "", None)
        if subject is not None and subject.dep_ == "nsubjpass":
            agent = self._agent(verb)
            if agent is not None:
                return "source", agent, "", agent
            if subject.lower_ == "it":
                return "agentless", None, "", None
            if any(c.dep_ == "xcomp" for c in verb.children):
                return "agentless", subject, "", None
            if lemma not in NO_OBJECT_CONTENT | {"conclude"}:
                # "Symbolic gestures were announced" (the subject is the content), "He was told
                # that C" (the subject is the addressee): either way nobody is named as the speaker.
                return "agentless", None, "", None
            return None
        if subject is not None:
            if subject.lower_ == "it" and _is_passive(verb):
                return "agentless", None, "", None
            if subject.tag_ in ("WDT", "WP") or (subject.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl"):
                if verb.dep_ == "relcl":
                    return "source", verb.head, "", subject
                return None
            if subject.lower_ in ("there", "what") or subject.pos_ in ("VERB", "AUX", "SCONJ"):
                return None
            return "source", subject, "", subject
        # "The minister was quoted by a regional paper as saying that C"
        if verb.dep_ == "pcomp" and verb.head.lower_ == "as" and verb.head.head.lemma_.lower() == "quote":
            quoted = verb.head.head
            speaker = _subject(quoted)
            agent = self._agent(quoted)
            via = self._np_text(agent) if agent is not None else ""
            if speaker is not None:
                return "source", speaker, via, speaker
            return None
        # "a statement saying that C": the statement (its author) speaks.
        if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN"):
            return "source", verb.head, "", verb.head
        # A trailing hedge participle ("..., suggesting C") is the journalist's inference.
        if verb.dep_ == "advcl" and verb.tag_ == "VBG" and info.stance == "hedge":
            return "outlet", None, "", None
        # "Mr. Slinker, whose start-up uses big data, said C": the parser gave the subject to a
        # clause it hung on the cue.
        if any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children):
            for clause in verb.children:
                hung = _subject(clause) if clause.dep_ == "ccomp" and clause.i < verb.i and not self._in_quote(clause.idx) else None
                if hung is not None and hung.dep_ == "nsubj" and hung.i < clause.i and hung.pos_ in ("PROPN", "NOUN"):
                    return "source", hung, "", hung
        reporter = self._reporter_of.get(verb.i)
        if reporter is not None and _subject(reporter) is not None and _subject(reporter).dep_ == "nsubj":  # type: ignore[union-attr]
            speaker = _subject(reporter)
            return "source", speaker, "", speaker  # type: ignore[return-value]
        loose = self._loose_subject(verb) or self._stranded_subject(verb)
        if loose is not None:
            return "source", loose, "", loose
        inherited = self._inherited_subject(verb)
        if inherited is not None:
            return "source", inherited, "", inherited
        # "According to the Evening Ledger, the navy's command claimed ...": the parser
        # hangs the real subject on the outlet as an apposition.
        if verb.dep_ == "ROOT":
            for child in verb.children:
                if child.lower_ == "according":
                    for to in child.children:
                        for pobj in to.children:
                            for appos in pobj.children:
                                if appos.dep_ == "appos" and appos.i > pobj.i:
                                    return "source", appos, "", appos
        return None

    def _loose_subject(self, verb: Token) -> Token | None:
        """"C, union members and leaders say, C": a noun phrase between a comma and the cue
        that the parser attached elsewhere."""
        if _subject(verb) is not None or verb.dep_ not in ("parataxis", "ccomp", "advcl", "conj", "ROOT") or verb.i < 2:
            return None
        end = verb.i - 1
        # "Marcel Lehel Lazar, 44, said": step back over an age set off by commas.
        if end - 2 > verb.sent.start and self.doc[end].text == "," and self.doc[end - 1].like_num and self.doc[end - 2].text == ",":
            end -= 3
        start = end
        while start > verb.sent.start and self.doc[start - 1].text not in (",", "—", "–") and end - start < 8:
            start -= 1
        if start <= verb.sent.start or self.doc[start - 1].text not in (",", "—", "–"):
            return None
        words = self.doc[start : end + 1]
        if not all(t.pos_ in ("NOUN", "PROPN", "DET", "ADJ", "CCONJ", "NUM", "PRON", "PART") for t in words) or not any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in words):
            return None
        root = self.doc[end]
        while start <= root.head.i <= end and root.head.i != root.i:
            root = root.head
        if root.left_edge.i < start or root.right_edge.i >= verb.i:
            return None
        return root

    def _stranded_subject(self, verb: Token) -> Token | None:
        """A subject the parser attached elsewhere: "“C,” Texas delegate Bill Eastland, wearing a
        hat, said" (the name hung on the quote's verb), or "Trump summed up ..., denounced ...
        and said ..." (the subject left in a clause made subordinate)."""
        if _subject(verb) is not None or verb.dep_ not in ("ROOT", "conj"):
            return None
        root = verb if verb.dep_ == "ROOT" else verb.head
        for child in root.children:
            if child.dep_ in ("advcl", "conj") and child.i < root.i and not self._in_quote(child.idx):
                subject = _subject(child)
                if subject is not None and subject.dep_ == "nsubj" and subject.i < child.i and subject.tag_ not in ("WDT", "WP", "EX"):
                    return subject
        sent = verb.sent
        # The quotation that opens the sentence, and the noun phrase right after it.
        closing = [q_end for q_start, q_end in self.quotes if sent.start_char <= q_start and q_end <= verb.idx and not self.text[sent.start_char : q_start].strip()]
        if not closing:
            return None
        after = self.doc.char_span(closing[0], verb.idx, alignment_mode="expand")
        if after is None:
            return None
        run: list[Token] = []
        for token in after:
            if token.is_punct and not run:
                continue
            if token.pos_ in ("PROPN", "NOUN", "DET", "ADJ", "NUM", "PART") and token.i < verb.i:
                run.append(token)
            else:
                break
        if not any(t.pos_ in ("PROPN", "NOUN") for t in run):
            return None
        members = {t.i for t in run}
        heads = [t for t in run if t.head.i not in members]
        if len(heads) != 1 or not all(t.i in members for t in heads[0].subtree if not t.is_punct):
            return None
        return heads[0]

    def _agent(self, verb: Token) -> Token | None:
        for child in verb.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
        return None

    def _inherited_subject(self, verb: Token) -> Token | None:
        """The subject of a participle or coordinated verb is that of the verb it hangs from."""
        current = verb
        for _ in range(4):
            if current.dep_ not in ("conj", "advcl", "xcomp", "pcomp", "prep") or current.head == current:
                return None
            current = current.head
            subject = _subject(current)
            if subject is not None:
                if subject.dep_ == "nsubjpass" or subject.lower_ in ("there", "what") or subject.pos_ in ("VERB", "AUX"):
                    return None
                if subject.tag_ in ("WDT", "WP") and current.dep_ == "relcl":
                    return current.head
                return subject
        return None

    def _addressee(self, verb: Token) -> str:
        for child in verb.children:
            if child.dep_ in ("dobj", "dative") and child.pos_ in ("PROPN", "NOUN"):
                return self._np_text(child)
        return ""

    def _verb_cue(self, verb: Token, claim_type: str, content_start: int = -1) -> tuple[Range, str, list[Range]]:
        """The cue's offsets and text ("has denied", "called for"), and its words as annotators mark them."""
        group = [verb]
        for child in verb.children:
            # "called for X", "pushed for X": the preposition belongs to the cue.
            if child.dep_ == "prep" and child.i > verb.i and child.i + 1 < len(self.doc) and self.doc[child.i + 1].idx == content_start:
                group.append(child)
        for child in verb.children:
            if child.dep_ in ("aux", "auxpass", "neg") and child.i < verb.i and child.lower_ != "to":
                group.append(child)
            elif child.dep_ == "prt":
                group.append(child)
        first = min(t.i for t in group)
        # Adverbs between the auxiliary and the verb belong to the cue ("had earlier estimated").
        for child in verb.children:
            if child.dep_ == "advmod" and first < child.i < verb.i:
                group.append(child)
        if verb.dep_ == "pcomp" and verb.head.lower_ == "as" and verb.head.head.lemma_.lower() == "quote":
            # "was quoted (by a regional paper) as saying": one cue in two pieces.
            quoted = verb.head.head
            group.extend([quoted, verb.head] + [c for c in quoted.children if c.dep_ in ("auxpass", "aux", "neg")])
            first = min(t.i for t in group)
        group = sorted({t.i: t for t in group}.values(), key=lambda t: t.i)
        annotated = list(group) + self._annotated_cue_words(verb, content_start)
        start = min(t.idx for t in group)
        end = max(t.idx + len(t.text) for t in group)
        return (start, end), " ".join(t.text for t in group), _contiguous_ranges(annotated)

    def _annotated_cue_words(self, verb: Token, content_start: int) -> list[Token]:
        """Words that annotators of attribution corpora (PolNeAR) mark as part of a verb cue
        although the claim's cue leaves them out: an adverb or a time right after the verb
        ("said Tuesday", "reported last month"), the medium ("said in a statement", "wrote on
        Twitter"), a preposition opening the content ("said of", "talked about"), and the verb
        that governs the cue ("refused to discuss", "went on to criticize")."""
        words: list[Token] = []
        for child in verb.children:
            if child.i == verb.i + 1 or (child.i == verb.i - 1 and child.dep_ == "advmod"):
                if child.dep_ == "advmod" and child.pos_ == "ADV" and len(list(child.subtree)) == 1:
                    words.append(child)
                elif child.dep_ == "npadvmod" and all(t.pos_ in ("PROPN", "NOUN", "NUM", "DET", "ADJ") for t in child.subtree):
                    words.extend(child.subtree)
                elif child.dep_ == "prep":
                    target = next((c for c in child.children if c.dep_ == "pobj"), None)
                    if child.lower_ in PHRASAL_PREPOSITIONS.get(verb.lemma_.lower(), ()):
                        words.append(child)  # "pointed to", "voted against", "responded to"
                    elif target is None and child.lower_ in ("about", "of", "on", "for", "as"):
                        words.append(child)
                    elif target is not None and target.lemma_.lower() in CUE_MEDIA:
                        words.extend(child.subtree)
                    elif child.i + 1 < len(self.doc) and self.doc[child.i + 1].idx == content_start:
                        words.append(child)
        head = verb.head
        if verb.dep_ == "xcomp" and head.i < verb.i and head.pos_ in ("VERB", "AUX") and head.lemma_.lower() not in NOT_CUE_GOVERNORS:
            words.append(head)
            words.extend(c for c in head.children if c.dep_ in ("aux", "auxpass", "neg", "prt") and c.i < verb.i)
            words.extend(c for c in verb.children if c.dep_ == "aux" and c.lower_ == "to")
        return words

    # ------------------------------------------------------------ "according to", "in the words of", "per"

    def _prepositional(self, number: int, token: Token) -> None:
        lower = token.lower_
        if lower == "according":
            to = next((c for c in token.children if c.lower_ == "to"), None)
            if to is None and token.i + 1 < len(self.doc) and self.doc[token.i + 1].lower_ == "to":
                to = self.doc[token.i + 1]
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            cue_tokens = [token, to] if to is not None else []
            lemma = "according to"
        elif lower == "in" and token.i + 3 < len(self.doc) and self.doc[token.i + 2].lower_ == "words" and self.doc[token.i + 3].lower_ == "of":
            of = self.doc[token.i + 3]
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
            cue_tokens = [token, self.doc[token.i + 1], self.doc[token.i + 2], of]
            lemma = "in the words of"
        elif lower == "in":
            # "In a new poll, Clinton leads by five points": a document that speaks, when the
            # clause has no reporting verb of its own ("In a statement, the ministry said ...").
            pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
            if pobj is None or pobj.lemma_.lower() not in EVIDENCE_NOUNS | DOCUMENT_NOUNS or pobj.lemma_.lower() in ("interview", "speech", "statement"):
                return
            head = token.head
            if head.i in self._by_head or (head.lemma_.lower() in self.cues and self.cues[head.lemma_.lower()].verb):
                return
            cue_tokens = [token]
            lemma = "in"
        else:  # a leading "Per the ministry, ..."
            pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
            if pobj is None or not any(t.lower_ == "," for t in self.doc[pobj.right_edge.i + 1 : pobj.right_edge.i + 2]):
                return
            cue_tokens = [token]
            lemma = "per"
        info = self.cues.get(lemma if lemma != "in" else "according to")
        if pobj is None or info is None:
            return
        phrase = {t.i for t in token.subtree} | {t.i for t in cue_tokens}
        for t in cue_tokens:
            phrase |= {x.i for x in t.subtree}
        head = token.head
        while head.dep_ in ("prep", "pobj") and head.head != head and head.pos_ not in ("VERB", "AUX"):
            head = head.head
        author, document = _document_author(pobj)
        # The phrase without an apposition the parser mistook for part of it (see _verb_source).
        appositions = [c for c in pobj.children if c.dep_ == "appos" and c.i > pobj.i and c.i in self._source_tokens()]
        excluded = {t.i for a in appositions for t in a.subtree}
        source_tokens = [t for t in pobj.subtree if t.i not in excluded]
        source_span = _token_range(source_tokens)
        if source_span is None:
            return
        source_span = trim(self.text, *source_span)
        if source_span is None:
            return
        content_tokens = [t for t in head.subtree if t.i not in phrase or t.i in excluded]
        if head.i in phrase:
            return
        pieces = _merge_close(self.text, _pieces(self.text, content_tokens))
        if not pieces:
            return
        cue_range = _token_range(cue_tokens)
        assert cue_range is not None
        author_range = trim(self.text, *_token_range([t for t in author.subtree if t.i not in excluded]))  # type: ignore[misc]
        surface = self.text[source_span[0] : source_span[1]]
        source_text = self.text[author_range[0] : author_range[1]] if author_range else surface
        stance = "hedge" if _hedged(self.text, pieces) else info.stance
        found = Found(
            sentence_index=number,
            claim_type="according_to",
            quote_type="according_to",
            attribution="source",
            cue_text=self.text[cue_range[0] : cue_range[1]],
            cue_lemma=lemma,
            cue_class=info.cue_class,
            cue_range=cue_range,
            cue_spans=[cue_range],
            content_spans=pieces,
            source_text=source_text,
            source_surface=source_text,
            source_range=author_range or source_span,
            source_span=source_span,
            stance=stance,
            commitment=info.commitment if stance == info.stance else min(info.commitment, 0.6),
            confidence=0.85,
            document=document,
            head=token.i,
        )
        inner = self._by_head.get(head.i)
        if inner is not None and inner.attribution == "source":
            # "According to KCNA, the military stated that C": the military's claim, via KCNA.
            inner.via = source_text
            inner.wrapper = found
            return
        self._add(found, author)

    def _source_tokens(self) -> set[int]:
        """Token indices of the sources found so far."""
        indices: set[int] = set()
        for f in self.found:
            if f.source_range is not None:
                span = self.doc.char_span(*f.source_range, alignment_mode="expand")
                if span is not None:
                    indices.update(t.i for t in span)
        return indices

    # ------------------------------------------------------------ adjectival cues

    def _adjective(self, number: int, adjective: Token, lemma: str, info: CueInfo) -> None:
        """"Officials are confident that C" (a belief); "X is critical of Y" (an attitude)."""
        verb = adjective.head if adjective.dep_ in ("acomp", "oprd") else None
        if verb is None or verb.pos_ not in ("AUX", "VERB") or _negated(verb) or self._in_quote(adjective.idx):
            return
        clause = next((c for c in list(adjective.children) + list(verb.children) if c.dep_ == "ccomp"), None)
        if clause is not None:
            if any(m.dep_ == "mark" and m.lower_ in ("whether", "if") for m in clause.children):
                return
            pieces, claim_type = _pieces(self.text, _without_mark(clause)), "belief_adjective"
        else:
            prep = next((c for c in adjective.children if c.dep_ == "prep" and c.lower_ in ("of", "about", "on", "to", "with", "toward", "towards")), None)
            target = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None) if prep is not None else None
            if target is None:
                return
            pieces, claim_type = _pieces(self.text, target.subtree), "position"
        if not pieces:
            return
        subject = _subject(verb)
        if subject is None or subject.dep_ == "nsubjpass" or subject.lower_ in ("it", "there", "this", "that", "what"):
            return
        group = [verb, adjective] + [c for c in verb.children if c.dep_ in ("aux", "neg") and c.i < verb.i]
        group += [c for c in adjective.children if c.dep_ in ("advmod", "neg") and c.i < adjective.i]
        if claim_type == "position":
            group += [c for c in adjective.children if c.dep_ == "prep" and c.i > adjective.i][:1]
        group = sorted({t.i: t for t in group}.values(), key=lambda t: t.i)
        found = Found(
            sentence_index=number,
            claim_type=claim_type,
            quote_type=self._quote_type(pieces),
            attribution="source",
            cue_text=" ".join(t.text for t in group),
            cue_lemma=lemma,
            cue_class=info.cue_class,
            cue_range=(group[0].idx, group[-1].idx + len(group[-1].text)),
            cue_spans=_contiguous_ranges(group),
            content_spans=pieces,
            source_text="",
            source_surface="",
            source_range=None,
            source_span=None,
            stance=info.stance,
            commitment=info.commitment,
            confidence=0.75,
            head=adjective.i,
            scored=info.scored and claim_type != "position",
        )
        if self._set_source(found, subject, subject):
            self._add(found, subject)

    def _make_clear(self, number: int, verb: Token) -> None:
        """"The ministry made (it) clear that C": one reporting cue in two words."""
        adjective = next((c for c in verb.children if c.lower_ in MAKE_CLEAR and c.dep_ in ("acomp", "oprd", "ccomp", "dobj", "advmod")), None)
        if adjective is None:
            return
        clause = next((c for c in list(verb.children) + list(adjective.children) if c.dep_ == "ccomp" and c.i > adjective.i), None)
        if clause is None or _negated(verb):
            return
        info = self.cues["make clear"]
        source = self._verb_source(verb, "make clear", info)
        if source is None or source[0] != "source":
            return
        pieces = _pieces(self.text, _without_mark(clause))
        group = sorted([verb, adjective] + [c for c in verb.children if c.dep_ in ("aux", "neg") and c.i < verb.i], key=lambda t: t.i)
        cue_range = (group[0].idx, group[-1].idx + len(group[-1].text))
        self._make(
            number,
            verb=verb,
            lemma="make clear",
            info=info,
            pieces=pieces,
            claim_type="clause",
            kind="source",
            subject=source[1],
            surface_token=source[3],
            cue_range=cue_range,
            cue_text=" ".join(t.text for t in group),
            cue_spans=_contiguous_ranges(group),
            via="",
        )

    # ------------------------------------------------------------ nominal cues

    def _nominal(self, number: int, noun: Token, lemma: str, info: CueInfo) -> None:
        """"Moscow's claim to have retaken ...", "the warning by the ministry that ..."."""
        owner = None
        for child in noun.children:
            if child.dep_ == "poss":
                owner = child
            elif child.dep_ == "prep" and child.lower_ in ("by", "from"):
                owner = next((c for c in child.children if c.dep_ == "pobj"), owner)
        if owner is None:
            return
        content: list[Token] = []
        for child in noun.children:
            if child.dep_ in ("acl", "ccomp", "relcl") and (
                any(m.dep_ == "mark" and m.lower_ == "that" for m in child.children) or any(a.dep_ == "aux" and a.lower_ == "to" for a in child.children)
            ):
                content = _without_mark(child)
                break
            if child.dep_ == "prep" and child.lower_ in ("of", "about", "that"):
                pcomp = next((c for c in child.children if c.dep_ == "pcomp"), None)
                if pcomp is not None:
                    content = list(pcomp.subtree)
                    break
        claim_type = "nominal"
        if not content and info.objects:
            # "Trump's attacks on Clinton", "her support for the deal": a position, not a statement.
            for child in noun.children:
                if child.dep_ == "prep" and child.lower_ in ("of", "on", "about", "for", "to", "against") and child.i > noun.i:
                    target = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
                    if target is not None and (owner is None or target.i != owner.i):
                        content, claim_type = list(target.subtree), "position"
                        break
        if not content:
            return
        pieces = _pieces(self.text, content)
        if not pieces:
            return
        found = Found(
            sentence_index=number,
            claim_type=claim_type,
            quote_type=self._quote_type(pieces),
            attribution="source",
            cue_text=noun.text,
            cue_lemma=lemma,
            cue_class=info.cue_class,
            cue_range=(noun.idx, noun.idx + len(noun.text)),
            cue_spans=[(noun.idx, noun.idx + len(noun.text))],
            content_spans=pieces,
            source_text="",
            source_surface="",
            source_range=None,
            source_span=None,
            stance=info.stance,
            commitment=info.commitment,
            confidence=0.75,
            head=noun.i,
            scored=info.scored and claim_type not in UNSCORED_TYPES,
        )
        if not self._set_source(found, owner, owner):
            return
        self._add(found, owner)

    # ------------------------------------------------------------ headline colons

    def _headline(self, number: int, sent: Span) -> None:
        """"Port authority chief: fees will rise" (a speaker, a colon, what they say)."""
        colon = next((t for t in sent[:9] if t.text == ":"), None)
        if colon is None or colon.i == sent.start:
            return
        start = sent.start
        # "EXCLUSIVE – Roger Stone: ...": a label before a dash is no part of the speaker.
        for token in sent[: colon.i - sent.start]:
            if token.text in ("–", "—", "-", "|") and token.i + 1 < colon.i:
                start = token.i + 1
        before = self.doc[start : colon.i]
        after = self.doc[colon.i + 1 : sent.end]
        words = [t for t in before if not t.is_punct]
        if not words or len(words) > 7 or words[0].lower_ in COLON_LABELS or any(t.pos_ in ("VERB", "AUX", "NUM", "SCONJ", "PRON") for t in before):
            return
        if any(t.like_num for t in before):
            return
        # A speaker alone on a line ("CLINTON:") speaks the next paragraph, as transcripts go.
        if not [t for t in after if not t.is_space]:
            paragraph_end = self.text.find("\n", after.end_char + 1)
            following = self.doc.char_span(after.end_char, paragraph_end if paragraph_end > 0 else len(self.text), alignment_mode="contract")
            if following is None:
                return
            after = following
        if len([t for t in after if not t.is_punct]) < 3 or not any(t.pos_ in ("VERB", "AUX") for t in after):
            return
        entity = any(ent.label_ in ENTITY_SOURCE_TYPES and ent.start >= before.start and ent.end <= before.end for ent in self._all_entities)
        names = len(words) <= 4 and all(t.pos_ == "PROPN" or t.is_title or t.is_upper for t in words)
        evidence = len(words) <= 3 and words[-1].lemma_.lower() in EVIDENCE_NOUNS | DOCUMENT_NOUNS
        if not (entity or names or evidence or looks_like_a_person(before.text)):
            return
        pieces = _pieces(self.text, after)
        if not pieces:
            return
        info = self.cues.get("say")
        source_range = trim(self.text, before.start_char, before.end_char)
        if source_range is None:
            return
        found = Found(
            sentence_index=number,
            claim_type="headline",
            quote_type=self._quote_type(pieces),
            attribution="source",
            cue_text=":",
            cue_lemma=":",
            cue_class=info.cue_class if info else "assert",
            cue_range=(colon.idx, colon.idx + 1),
            cue_spans=[(colon.idx, colon.idx + 1)],
            content_spans=pieces,
            source_text=self.text[source_range[0] : source_range[1]],
            source_surface=self.text[source_range[0] : source_range[1]],
            source_range=source_range,
            source_span=source_range,
            stance="assert",
            commitment=info.commitment if info else 1.0,
            confidence=0.6,
            head=colon.i,
        )
        self._add(found, None)

    # ------------------------------------------------------------ building claims

    def _np_text(self, token: Token) -> str:
        """A noun phrase without its relative clauses and possessive ending ("Moscow's" -> "Moscow")."""
        dropped = {t.i for c in token.children if c.dep_ in ("relcl", "acl", "case") for t in c.subtree}
        span = _token_range([t for t in token.subtree if t.i not in dropped] or [token])
        piece = trim(self.text, *span) if span else None
        return self.text[piece[0] : piece[1]] if piece else token.text

    def _source_ranges(self, token: Token) -> tuple[Range | None, Range | None]:
        """(mention without relative clauses, whole mention) of a source token."""
        relative = {t.i for c in token.children if c.dep_ in ("relcl", "acl", "case") for t in c.subtree}
        # A clause set off by a comma deeper in the mention ("Oleg Voloshyn, who also ran ...").
        relative |= {t.i for d in token.subtree if d.dep_ in ("relcl", "acl") and d.left_edge.i > 0 and self.doc[d.left_edge.i - 1].text == "," for t in d.subtree}
        core = _token_range(_run_around(token, relative))
        # The whole mention keeps appositions and restrictive modifiers ("a poll released
        # Wednesday") but not a clause set off by a comma ("Trump, who has 9 million followers"),
        # nor a clause that holds a cue ("a statement saying ...") or was hung on it by mistake.
        dropped: set[int] = set()
        for child in token.children:
            holds_cue = any(t.lemma_.lower() in self.cues and t.pos_ in ("VERB", "AUX") for t in child.subtree if t.dep_ in ("acl", "relcl", "ccomp", "advcl") or t.i == child.i)
            if child.dep_ in ("ccomp", "parataxis", "advcl") or (child.dep_ in ("relcl", "acl") and holds_cue):
                dropped.update(t.i for t in child.subtree)
        whole = _token_range(_run_around(token, dropped))
        core_piece = trim(self.text, *core) if core else None
        whole_piece = trim(self.text, *whole) if whole else None
        return core_piece, whole_piece

    def _set_source(self, found: Found, token: Token, surface_token: Token | None) -> bool:
        """Fill the source fields from the source token; False when it cannot be a source."""
        if token.lower_ in NOT_SOURCES and token.lower_ != "it" and not list(token.children):
            return False
        author, document = _document_author(token)
        core, whole = self._source_ranges(token)
        if core is None:
            return False
        distinct_surface = surface_token is not None and surface_token.i != token.i
        surface_range = (surface_token.idx, surface_token.idx + len(surface_token.text)) if distinct_surface else core  # type: ignore[union-attr]
        found.source_range = core
        found.source_span = surface_range if distinct_surface else whole
        surface = self.text[core[0] : core[1]]
        found.source_surface = surface
        found.document = document
        author_text = self._np_text(author) if author.i != token.i else surface
        resolved, confidence = self.resolve(author_text, core[0], surface_token if distinct_surface else None)
        found.source_text = resolved
        found.confidence = min(found.confidence, confidence)
        return True

    def _make(
        self,
        number: int,
        *,
        verb: Token,
        lemma: str,
        info: CueInfo,
        pieces: list[Range],
        claim_type: str,
        kind: str,
        subject: Token | None,
        surface_token: Token | None,
        cue_range: Range,
        cue_text: str,
        cue_spans: list[Range],
        via: str,
    ) -> Found | None:
        stance = info.stance
        if stance == "assert" and _hedged(self.text, pieces):
            stance = "hedge"
        quote_type = self._quote_type(pieces)
        if claim_type == "clause":
            claim_type = {"direct": "direct", "mixed": "mixed"}.get(quote_type, "indirect")
        confidence = 0.9 if verb.dep_ in ("ROOT", "ccomp", "conj", "parataxis") else 0.75
        found = Found(
            sentence_index=number,
            claim_type=claim_type if kind != "outlet" else "inference",
            quote_type=quote_type if kind != "outlet" else "outlet",
            attribution="outlet" if kind == "outlet" else "source",
            cue_text=cue_text,
            cue_lemma=lemma,
            cue_class=info.cue_class,
            cue_range=cue_range,
            cue_spans=cue_spans,
            content_spans=pieces,
            source_text=self.outlet if kind == "outlet" else AGENTLESS_SOURCE,
            source_surface="",
            source_range=None,
            source_span=None,
            stance=stance,
            commitment=info.commitment if stance == info.stance else min(info.commitment, 0.6),
            confidence=confidence if kind == "source" else 0.7,
            via=via,
            head=verb.i,
            scored=info.scored and claim_type not in UNSCORED_TYPES,
        )
        if kind == "source":
            assert subject is not None
            if not self._set_source(found, subject, surface_token):
                return None
        self._add(found, subject if kind == "source" else None)
        return found

    def _add(self, found: Found, source_token: Token | None) -> None:
        self.found.append(found)
        if found.head >= 0:
            self._by_head[found.head] = found

    def _quote_type(self, pieces: Sequence[Range]) -> str:
        """direct when the content is one quotation (or several around the cue), mixed when it
        holds quoted fragments, indirect otherwise."""
        inside = 0
        partial = False
        for start, end in pieces:
            covering = [q for q in self.quotes if q[0] <= start and end <= q[1]]
            if covering and (end - start) >= 0.6 * (covering[0][1] - covering[0][0] - 2):
                inside += 1
                continue
            if any(start < q[1] and q[0] < end for q in self.quotes) or covering:
                partial = True
        if inside == len(pieces):
            return "direct"
        return "mixed" if partial or inside else "indirect"

    # ------------------------------------------------------------ pronouns and descriptions

    def resolve(self, mention: str, position: int, surface_token: Token | None = None) -> tuple[str, float]:
        """Resolve a pronoun or "the general"-style description to the nearest fitting earlier
        mention: a source already found, or a named person / organisation that was a subject.

        Returns the resolved text and a confidence; other mentions are returned as they are.
        """
        lowered = mention.lower().strip()
        if surface_token is not None and surface_token.lower_ in RELATIVE_PRONOUNS | {"whom"}:
            return mention, 0.85  # "X, who said ...": the antecedent is the mention
        if lowered in PERSON_PRONOUNS:
            candidate = self._nearest(position, person=True)
            return (candidate, 0.75) if candidate else (mention, 0.3)
        if lowered in GROUP_PRONOUNS:
            candidate = self._nearest(position, person=False)
            return (candidate, 0.6) if candidate else (mention, 0.3)
        words = lowered.split()
        if 2 <= len(words) <= 3 and words[0] == "the":
            head = words[-1]
            for earlier in reversed([f for f in self.found if f.source_range and f.source_range[0] < position]):
                text = earlier.source_text
                if head in text.lower().split() and text.lower() != lowered:
                    return text, 0.7
        return mention, 1.0

    def _nearest(self, position: int, *, person: bool) -> str:
        """The latest source, or named subject, before ``position`` that is (or is not) a person."""
        best_source: tuple[int, str] | None = None
        covered: list[Range] = []
        for earlier in self.found:
            if earlier.source_range is None or earlier.source_range[0] >= position or not earlier.source_surface:
                continue
            covered.append(earlier.source_range)
            if best_source is not None and earlier.source_range[0] <= best_source[0]:
                continue
            if self._person_flag(earlier) == person:
                best_source = (earlier.source_range[0], earlier.source_text)
        for start, text, is_person in reversed(self._subject_entities):
            if start >= position or is_person != person:
                continue
            if best_source is not None and start <= best_source[0]:
                break
            if any(s <= start < e for s, e in covered):
                continue
            return text
        return best_source[1] if best_source else ""

    def _person_flag(self, found: Found) -> bool:
        """Whether a found source is a person (computed once per source)."""
        key = id(found)
        if key not in self._person_cache:
            surface = found.source_surface.lower()
            if surface in PERSON_PRONOUNS | GROUP_PRONOUNS:
                self._person_cache[key] = surface in PERSON_PRONOUNS
            else:
                self._person_cache[key] = self._is_person(found)
        return self._person_cache[key]

    def _is_person(self, found: Found) -> bool:
        if found.source_range is None:
            return False
        start, end = found.source_range
        if any(ent.label_ == "PERSON" and start <= ent.start_char < end for ent in self._entities):
            return True
        return looks_like_a_person(found.source_surface)

    # ------------------------------------------------------------ floating quotes and the outlet's own claims

    def _covered(self, start: int, end: int, *, scored_only: bool = False) -> bool:
        """Whether an attribution's content or cue falls in [start, end)."""
        key = (len(self.found), scored_only)
        if self._coverage_key != key:
            mask = numpy.zeros(len(self.text) + 1, dtype=bool)
            for f in self.found:
                if scored_only and not f.scored:
                    continue
                for s, e in f.content_spans:
                    mask[s:e] = True
                if f.cue_range:
                    mask[f.cue_range[0]] = True
            self._coverage, self._coverage_key = mask, key
        return bool(self._coverage[start:end].any())

    def _paragraph(self, position: int) -> int:
        low, high = 0, len(self._paragraph_starts)
        while low + 1 < high:
            middle = (low + high) // 2
            if self._paragraph_starts[middle] <= position:
                low = middle
            else:
                high = middle
        return low

    def _sentence_at(self, position: int) -> int:
        low, high = 0, len(self._sentence_starts)
        while low + 1 < high:
            middle = (low + high) // 2
            if self._sentence_starts[middle] <= position:
                low = middle
            else:
                high = middle
        return low

    def _floating_quotes(self, sentences: Sequence[Span]) -> None:
        """A quotation that opens its sentence, has no cue of its own and follows an attributed
        claim in the same or the next paragraph is more of what that speaker said."""
        attributed = sorted((f for f in self.found if f.attribution == "source"), key=lambda f: f.content_end)
        for q_start, q_end in self.quotes:
            piece = trim(self.text, q_start, q_end)
            if piece is None or len(re.findall(r"\w+", self.text[piece[0] : piece[1]])) < MIN_FLOATING_QUOTE_WORDS:
                continue
            number = self._sentence_at(q_start)
            # The quotation opens a sentence (the parser does not always split before it).
            if not _OPENS_SENTENCE.search(self.text, max(0, q_start - 6), q_start) or self._covered(q_start, q_end):
                continue
            before = [f for f in attributed if f.content_end <= q_start and (f.cue_range is None or f.cue_range[1] <= q_start)]
            if not before:
                continue
            speaker = before[-1]
            while speaker.continues is not None:
                speaker = speaker.continues
            if self._paragraph(q_start) - self._paragraph(speaker.content_end) > 1:
                continue
            # Nothing but other quotations between the speaker and this one.
            gap_start = max(speaker.content_end, speaker.cue_range[1] if speaker.cue_range else 0)
            gap = self.text[gap_start:q_start]
            if len(re.findall(r"\w+", gap)) > 12:
                continue
            found = Found(
                sentence_index=number,
                claim_type="floating",
                quote_type="direct",
                attribution="source",
                cue_text=speaker.cue_text,
                cue_lemma=speaker.cue_lemma,
                cue_class=speaker.cue_class,
                cue_range=None,
                cue_spans=[],
                content_spans=[piece],
                source_text=speaker.source_text,
                source_surface=speaker.source_surface,
                source_range=speaker.source_range,
                source_span=None,
                stance=speaker.stance,
                commitment=speaker.commitment,
                confidence=min(speaker.confidence, 0.7),
                via=speaker.via,
                continues=speaker,
            )
            self.found.append(found)
            attributed.append(found)
            attributed.sort(key=lambda f: f.content_end)

    def _outlet_assertions(self, sentences: Sequence[Span]) -> None:
        """Declarative sentences with no attribution become the outlet's own claims (a position
        or a topic attributed to someone leaves the sentence the outlet's: "X backs Y")."""
        for number, sent in enumerate(sentences):
            if self._covered(sent.start_char, sent.end_char, scored_only=True) or not is_outlet_assertion(sent):
                continue
            piece = trim(self.text, sent.start_char, sent.end_char)
            if piece is None:
                continue
            stance = "hedge" if _hedged(self.text, [piece]) else "assert"
            self.found.append(
                Found(
                    sentence_index=number,
                    claim_type="outlet",
                    quote_type="outlet",
                    attribution="outlet",
                    cue_text=OUTLET_CUE,
                    cue_lemma=OUTLET_CUE,
                    cue_class="outlet",
                    cue_range=None,
                    cue_spans=[],
                    content_spans=[piece],
                    source_text=self.outlet,
                    source_surface="",
                    source_range=None,
                    source_span=None,
                    stance=stance,
                    commitment=1.0,
                    confidence=0.8,
                )
            )


# Words that make a mention a person ("Ukraine's commander-in-chief Oleksandr Syrskyi").
PERSON_WORDS = frozenset(
    {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "president", "minister", "general", "commander",
     "spokesman", "spokeswoman", "spokesperson", "governor", "mayor", "senator", "congressman", "congresswoman", "chief",
     "director", "ambassador", "secretary", "chairman", "chairwoman", "ceo", "founder", "lawyer", "attorney", "professor",
     "doctor", "nurse", "coordinator", "officer", "adviser", "advisor", "aide", "strategist", "economist", "manager",
     "executive", "judge", "sheriff", "leader", "candidate", "nominee", "king", "queen", "prince", "pope", "priest",
     "father", "mother", "son", "daughter", "wife", "husband", "man", "woman", "resident", "witness", "farmer", "worker",
     "teacher", "student", "analyst", "expert", "researcher", "author", "writer", "journalist", "reporter", "host",
     "anchor", "actor", "actress", "singer", "player", "coach", "owner", "businessman", "businesswoman", "billionaire",
     "activist", "organizer", "organiser", "volunteer", "soldier", "captain", "colonel", "major", "sergeant", "chancellor",
     "premier", "speaker", "representative", "delegate", "commissioner", "inspector", "prosecutor", "detective",
     "historian", "scientist", "physician", "surgeon", "pastor", "rabbi", "imam", "bishop", "master"}
)


def looks_like_a_person(mention: str) -> bool:
    """Whether a mention names a person by its words (role nouns, honorifics)."""
    words = re.findall(r"[a-z]+", mention.lower())
    return bool(set(words) & PERSON_WORDS) or looks_like_person(mention)


def is_outlet_assertion(sent: Span) -> bool:
    """A declarative sentence of the outlet's own: a finite verb with a subject, not a question,
    not a quotation. Sentences that were not parsed (pre-filtered paragraphs) are judged by
    their part-of-speech tags: a finite verb."""
    words = [t for t in sent if not t.is_punct and not t.is_space]
    if len(words) < MIN_OUTLET_ASSERTION_TOKENS:
        return False
    stripped = sent.text.strip()
    if stripped.endswith("?") or stripped[:1] in QUOTE_CHARS or stripped[:2] == "''":
        return False
    if not sentence_is_parsed(sent):
        return any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in sent)
    return sent.root.pos_ in ("VERB", "AUX") and any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in sent.root.children)


def find_attributions(doc: Doc, *, cues: dict[str, CueInfo], outlet: str) -> list[Found]:
    """Every attribution of one parsed article (and the outlet's own claims), in reading order."""
    return ArticleRules(doc, cues=cues, outlet=outlet).run()
