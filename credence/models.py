"""Records and table schemas shared by every stage.

Stages exchange pandas DataFrames whose columns are defined here, once. A later stage adds
columns; it never renames or drops the columns of an earlier one, so each stage's inside
can be replaced without touching its neighbours.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

LedgerState = Literal["processed", "duplicate", "quarantined"]
QuoteType = Literal["direct", "indirect", "mixed", "according_to", "outlet"]
Attribution = Literal["source", "outlet"]
Stance = Literal["assert", "deny", "hedge", "belief"]
ClaimStatus = Literal["corroborated", "single-source", "contested", "contradicted"]


@dataclass(frozen=True)
class Article:
    """One normalised input article."""

    article_id: str  # stable: derived from the normalised text, not from file names
    outlet: str
    url: str
    published_at: str  # ISO 8601, UTC
    published_at_origin: Literal["field", "file_mtime"]
    title: str
    text: str
    source_file: str  # path relative to the raw folder
    record: str  # where in the file: "line 3", "item 2", "row 5" or "" for a whole file


ARTICLE_COLUMNS: list[str] = list(Article.__dataclass_fields__)


@dataclass(frozen=True)
class LedgerEntry:
    """What became of one input: a file, or one record of a multi-record file."""

    source_file: str
    record: str
    state: LedgerState
    reason: str  # readable; empty only for a clean "processed"
    article_id: str = ""
    title: str = ""


LEDGER_COLUMNS: list[str] = list(LedgerEntry.__dataclass_fields__)


@dataclass
class Claim:
    """One attributed (or outlet-asserted) claim extracted from an article.

    Offsets are character offsets into the article's ``text``; ``-1`` when a role is absent
    (an outlet assertion has no source span or cue in the text; its cue is "asserts").
    """

    claim_id: str
    article_id: str
    sentence_index: int
    source_text: str  # the source mention, pronouns resolved ("He" -> "Oleksandr Syrskyi"); the outlet for outlet claims
    source_surface: str  # the mention as written in the text; "" for outlet claims
    source_start: int
    source_end: int
    cue: str  # "said", "according to", "denied" ...; "asserts" for the outlet's own assertions
    cue_lemma: str
    cue_class: str  # class from config/cues.yaml: assert, deny, hedge, belief, ...
    cue_start: int
    cue_end: int
    content: str
    content_start: int
    content_end: int
    content_terms: str  # lower-cased lemmas of the content's words, negations kept: for matching
    quote_type: QuoteType
    attribution: Attribution
    stance: Stance
    commitment: float  # how strongly the cue commits the speaker, from config/cues.yaml
    via: str = ""  # channel or outer source ("According to KCNA, the military said ...")
    confidence: float = 1.0  # extraction confidence in [0, 1]


CLAIM_COLUMNS: list[str] = list(Claim.__dataclass_fields__)

# Added by sources.resolve_claim_sources.
SOURCE_COLUMNS: list[str] = [
    "source_id",  # canonical id from config/sources.yaml, or "unregistered:<normalised mention>"
    "source_name",
    "source_type",
    "source_affiliation",  # e.g. "state:VA"; "" when none is known
    "source_prior",
    "prior_rule",  # readable: which rule set the prior
    "resolution_method",  # alias, contains-alias, fuzzy, category, outlet
]

# Added by corroboration.corroborate.
CORROBORATION_COLUMNS: list[str] = [
    "story_id",
    "independence_group",  # claims sharing it are not independent of each other
    "syndication_group",  # articles that are copies of one origin share it
    "supporting_groups",  # "; "-joined independence groups that say the same thing
    "contradicting_groups",
    "supporting_claim_ids",
    "contradicting_claim_ids",
    "n_supporting_groups",
    "n_contradicting_groups",
]

# Added by scoring.score_claims.
SCORE_COLUMNS: list[str] = ["score", "status", "explanation"]

# Article metadata carried onto every claim for the reports and exports.
CLAIM_ARTICLE_COLUMNS: list[str] = ["outlet", "published_at", "title", "url"]

SCORED_CLAIM_COLUMNS: list[str] = (
    CLAIM_COLUMNS + CLAIM_ARTICLE_COLUMNS + SOURCE_COLUMNS + CORROBORATION_COLUMNS + SCORE_COLUMNS
)


def with_known_columns_first(frame):  # type: ignore[no-untyped-def]
    """The claims table with SCORED_CLAIM_COLUMNS first (those present), then any others.

    Stages may add columns of their own (a later issue's proposition id, a learned
    reliability); they are kept, after the documented ones.
    """
    return frame[known_columns_first(list(frame.columns))]


def known_columns_first(names: list[str]) -> list[str]:
    """Column names in the claims table's order: SCORED_CLAIM_COLUMNS first (those present), then the others."""
    known = [column for column in SCORED_CLAIM_COLUMNS if column in names]
    return known + [column for column in names if column not in known]


@dataclass
class RunSummary:
    """Counts a run reports to the UI and the report header."""

    run_date: str
    inputs: int = 0
    processed: int = 0
    duplicates: int = 0
    quarantined: int = 0
    claims: int = 0
    sources: int = 0
    stories: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
