"""Small hand-made word lists for deciding whether two claims agree.

They cover what a bag of lemmas misses in news claims: words that state the same event
("killed" / "died" / "dead"), predicates that exclude each other ("light" / "heavy losses"),
and words that call a statement false. Lemmas are lower-cased, as in ``Claim.content_terms``.
"""

from __future__ import annotations

# lemma -> concept: claims are compared on concepts, so "no one was killed" meets "no one died".
CONCEPTS: dict[str, str] = {
    **dict.fromkeys(["die", "dead", "death", "kill", "killed", "fatality", "fatal", "perish", "slay", "slain"], "die"),
    **dict.fromkeys(["injure", "injured", "injury", "wound", "wounded", "hurt"], "injure"),
    **dict.fromkeys(["evacuate", "evacuation", "evacuee", "flee", "empty"], "evacuate"),
    **dict.fromkeys(["liberate", "capture", "seize", "retake", "recapture", "conquer", "occupy", "control"], "control"),
    **dict.fromkeys(["resign", "resignation", "quit", "step"], "resign"),
    **dict.fromkeys(["arrest", "detain", "detention", "custody"], "arrest"),
    **dict.fromkeys(["soldier", "troop", "fighter", "volunteer", "serviceman"], "soldier"),
    **dict.fromkeys(["worker", "dockworker", "employee", "staff"], "worker"),
    **dict.fromkeys(["leak", "spill", "escape"], "leak"),
}

# Pairs of poles; a word of one pole in one claim and of the other pole in the other,
# about the same thing, is a contradiction.
ANTONYMS: list[tuple[frozenset[str], frozenset[str]]] = [
    (frozenset({"light", "minor", "few", "low", "small"}), frozenset({"heavy", "major", "many", "high", "large", "huge"})),
    (frozenset({"rise", "raise", "increase", "grow", "climb", "up", "higher"}), frozenset({"fall", "cut", "decrease", "drop", "decline", "down", "lower", "reduce"})),
    (frozenset({"win", "victory", "won"}), frozenset({"lose", "defeat", "lost"})),
    (frozenset({"open", "reopen"}), frozenset({"close", "closed", "shut"})),
    (frozenset({"alive", "survive", "safe"}), frozenset({"die", "dead", "kill", "killed"})),
    (frozenset({"accept", "approve", "agree"}), frozenset({"reject", "refuse", "veto", "decline"})),
    (frozenset({"true", "confirm", "genuine"}), frozenset({"false", "deny", "fake"})),
    (frozenset({"guilty", "convict"}), frozenset({"innocent", "acquit"})),
    (frozenset({"advance", "gain"}), frozenset({"retreat", "withdraw", "loss"})),
    (frozenset({"success", "successful", "succeed"}), frozenset({"failure", "fail", "failed"})),
    (frozenset({"full", "complete", "completely", "fully", "whole"}), frozenset({"partial", "partly", "partially"})),
]

# Words inside a claim that call what it reports false: they flip the claim's polarity
# ("reports of heavy losses were false" denies "heavy losses").
FALSITY_WORDS: frozenset[str] = frozenset(
    {"false", "untrue", "baseless", "unfounded", "fabricate", "fabricated", "fabrication", "fake", "hoax", "bogus", "lie", "nonsense", "incorrect", "misleading", "propaganda"}
)

# Adverbs that make a claim weak evidence ("reportedly", "allegedly").
HEDGE_WORDS: frozenset[str] = frozenset(
    {"reportedly", "allegedly", "purportedly", "apparently", "supposedly", "possibly", "probably", "likely", "perhaps", "may", "might", "could", "rumour", "rumor", "unconfirmed", "unverified"}
)


_ANTONYM_WORDS: frozenset[str] = frozenset(word for pair in ANTONYMS for pole in pair for word in pole)


def antonym_poles(terms: set[str]) -> dict[int, int]:
    """For each antonym pair with a word in ``terms``: which pole (0 or 1), unless both are there."""
    poles: dict[int, int] = {}
    if _ANTONYM_WORDS.isdisjoint(terms):  # most claims: no pair to look through
        return poles
    for index, (first, second) in enumerate(ANTONYMS):
        has_first, has_second = bool(terms & first), bool(terms & second)
        if has_first != has_second:
            poles[index] = 0 if has_first else 1
    return poles
