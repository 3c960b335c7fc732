"""Term weights that do not depend on the night's corpus.

An idf counted over the run's own texts makes every similarity depend on which other articles
arrived that night: one unrelated file shifts the weights, and with them the stories,
syndication groups and claim relations of everything else, so a score would change because
of an article about something else. Weights taken instead from how common a word is in
English at large (wordfreq's frequency lists, built from several large corpora) make the
similarity of two texts a property of the two texts alone.

The weight of a word estimates the idf it would have over a large collection of texts of
``text_words`` words: 1 + ln(1 / share of texts holding it), the share being about
``text_words`` x the word's frequency per token (at most 1). Words missing from the lists
(most invented names, rare places, typos) take the weight of the rarest listed words.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import wordfreq

# The frequency per token below which wordfreq has no word: unlisted terms are this rare.
RAREST_FREQUENCY = 1e-8


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    return wordfreq.get_frequency_dict("en")


def word_frequency(word: str) -> float:
    """Frequency per token of an English word (lower-cased), at least RAREST_FREQUENCY."""
    return max(_frequencies().get(word.lower(), 0.0), RAREST_FREQUENCY)


def term_frequency(term: str) -> float:
    """Frequency of a term: a word, a name marked "@Name", or a phrase "a b" (its rarest word).

    Figures are as rare as unlisted words: "11,000" says more about an event than "many".
    """
    parts = term.lstrip("@").split()
    if not parts or any(character.isdigit() for character in term):
        return RAREST_FREQUENCY
    return min(word_frequency(part) for part in parts)


def idf_weights(vocabulary: Iterable[str], text_words: int) -> np.ndarray:
    """The idf each term would have over many texts of ``text_words`` words, >= 1."""
    frequency = np.fromiter((term_frequency(str(term)) for term in vocabulary), dtype=np.float64)
    share = np.minimum(1.0, text_words * frequency)
    return 1.0 - np.log(share)
