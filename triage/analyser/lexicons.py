"""The general-sentiment lexicons, behind one function per language.

English: vaderSentiment (Hutto & Gilbert's VADER and its lexicon). French: vaderSentiment-fr,
the French port of VADER with its own lexicon. Both ship their word lists inside the
package: nothing is downloaded at run time. Each analyser is built once per process
(about 0.2 s for the French lexicon) and is read-only afterwards, so threads share it.
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import Any, Protocol

from .text import WORD, fold


class _Vader(Protocol):
    lexicon: dict[str, float]

    def polarity_scores(self, text: str) -> dict[str, float]: ...


@cache
def _analyser(language: str) -> _Vader:
    if language == "fr":
        with warnings.catch_warnings():
            # fuzzywuzzy (used by the port's fuzzy mode, which we do not call) warns at
            # import that it runs without python-Levenshtein.
            warnings.simplefilter("ignore")
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
        return SentimentIntensityAnalyzer()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as English

    return English()


def warm_up() -> None:
    """Load both lexicons now (a worker's start-up) rather than on the first message."""
    for language in ("fr", "en"):
        _analyser(language)


def compound(text: str, language: str) -> float:
    """VADER's compound score in [-1, 1] for one sentence."""
    scores: dict[str, Any] = _analyser(language).polarity_scores(text)
    return float(scores["compound"])


def negative_words(text: str, language: str, *, threshold: float = -1.2) -> list[str]:
    """The words of `text` the lexicon rates clearly negative, as written, in order."""
    lexicon = _analyser(language).lexicon
    found: list[str] = []
    for match in WORD.finditer(text):
        word = match.group(0)
        key = fold(word) if language == "fr" else word.lower()
        valence = lexicon.get(key)
        if valence is not None and valence <= threshold and word not in found:
            found.append(word)
    return found
