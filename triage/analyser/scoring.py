"""How the lexicon score and the contact-centre rules combine into one assessment.

1. The text is prepared (quoted history and signatures dropped, length bounded) and its
   language read from function words, the contact's language breaking ties.
2. Rules run over the folded text. A negation within the clause just before a match
   cancels it ("je ne vais pas résilier"); reassurances ("pas de souci", "no worries")
   are masked so that the lexicon does not read "souci" or "problem" as complaints.
   Formulas of politeness are masked too: "cordialement" is not an opinion.
3. VADER scores each sentence of what is left; the message's lexical score leans towards
   its worst sentence (a polite message with one bitter sentence is a complaint). When a
   sarcasm marker fired, positive sentences count against the customer, not for them.
4. The score is the lexical score moved on the logit scale by the categories that fired
   (each category once, so repeating a word does not pile up), and anger points add up
   from the hostile categories, capitals and exclamation marks.
5. negative = score at or below the negative threshold, or angry; angry = enough anger
   points while the message is negative in tone (capitals and "!!!" in a thank-you note
   are joy, not anger).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from . import lexicons
from .rules import (
    ACRONYMS,
    ANGRY_CATEGORIES,
    BOILERPLATE,
    CATEGORY_WEIGHTS,
    CLAUSE_BREAK,
    INTENSIFIER_VALENCE,
    INTENSIFIERS,
    NEEDS_NEGATIVE_CONTEXT,
    NEGATION_WINDOW,
    NEGATIONS,
    RULES,
    Category,
)
from .text import WORD, detect_language, fold, prepare, sentences

ANALYSER_VERSION = "2026.12-1"
MAX_TRIGGERS = 12


@dataclass(frozen=True)
class Thresholds:
    """Where the flags switch on. The defaults were tuned on the development split."""

    negative: float = -0.3
    angry_points: float = 1.5
    # Anger points alone make a message angry at this level, whatever its tone.
    angry_points_alone: float = 2.6
    # Tone needed for anger points to count.
    angry_tone: float = -0.1


@dataclass(frozen=True)
class Trigger:
    text: str  # as the customer wrote it
    category: str  # a rules.Category value, or "lexicon" for a word of VADER's lexicon

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "category": self.category}


@dataclass(frozen=True)
class Assessment:
    score: float
    negative: bool
    angry: bool
    language: str
    anger_points: float
    triggers: list[Trigger] = field(default_factory=list)
    version: str = ANALYSER_VERSION

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "negative": self.negative,
            "angry": self.angry,
            "language": self.language,
            "anger_points": self.anger_points,
            "triggers": [t.as_dict() for t in self.triggers],
            "version": self.version,
        }


NEUTRAL_EMPTY = Assessment(0.0, False, False, "fr", 0.0)


def _negated(folded: str, start: int, language: str) -> bool:
    before = folded[max(0, start - 60) : start]
    clause = CLAUSE_BREAK.split(before)[-1]
    words = re.findall(r"[a-z]+(?:'[a-z]+)?|n'", clause)[-NEGATION_WINDOW:]
    negations = NEGATIONS[language]
    return any(w in negations or w.endswith("n't") for w in words)


@dataclass
class _Matches:
    categories: dict[Category, list[str]] = field(default_factory=dict)
    masked: list[tuple[int, int]] = field(default_factory=list)


def _match_rules(original: str, folded: str, language: str) -> _Matches:
    found = _Matches()
    taken: list[tuple[int, int]] = []
    # Reassurances first: what they cover is not read again by the other rules.
    rules = sorted(RULES[language], key=lambda r: r.category != Category.REASSURANCE)
    for rule in rules:
        for match in rule.pattern.finditer(folded):
            start, end = match.span()
            if end - start < 2 or any(s < end and start < e for s, e in taken):
                continue
            if rule.negatable and _negated(folded, start, language):
                continue
            words = found.categories.setdefault(rule.category, [])
            phrase = original[start:end].strip()
            if phrase and phrase not in words:
                words.append(phrase)
            if rule.category == Category.REASSURANCE:
                taken.append((start, end))
                found.masked.append((start, end))
    return found


def _shouting(text: str) -> list[str]:
    shouted = []
    words = WORD.findall(text)
    for word in words:
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 3 and word.isupper() and fold(word) not in ACRONYMS:
            shouted.append(word)
    return shouted


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


# vaderSentiment-fr counts "plus" as a negation, which it is only after "ne" ("ne marche
# plus"); "beaucoup plus rapide, bravo" would otherwise read as a reproach.
_FRENCH_PLUS = re.compile(r"(?<![\w'])plus(?![\w'])", re.IGNORECASE)
_FRENCH_NE = re.compile(r"(?:^|[\s'])n(?:e|')(?:\s|$)|\bn'", re.IGNORECASE)


def _french_plus(sentence: str) -> str:
    def keep_if_negation(match: re.Match[str]) -> str:
        before = sentence[max(0, match.start() - 30) : match.start()]
        return match.group(0) if _FRENCH_NE.search(before) else "    "

    return _FRENCH_PLUS.sub(keep_if_negation, sentence)


def _lexical(text: str, language: str, *, sarcastic: bool) -> float:
    if language == "fr":
        text = _french_plus(text)
    scores = [lexicons.compound(s, language) for s in sentences(text)]
    if not scores:
        return 0.0
    if sarcastic:
        scores = [-abs(s) * 0.5 if s > 0 else s for s in scores]
    mean = sum(scores) / len(scores)
    worst = min(scores)
    return 0.5 * worst + 0.5 * mean if worst < 0 else mean


def _logit(x: float) -> float:
    x = max(-0.98, min(0.98, x))
    return math.atanh(x)


def analyse(
    text: str, *, language: str | None = None, thresholds: Thresholds | None = None
) -> Assessment:
    """Score one customer message. `language` is a hint (the contact's language)."""
    limits = thresholds or Thresholds()
    prepared = prepare(text)
    if not any(c.isalpha() for c in prepared):
        return NEUTRAL_EMPTY
    lang = detect_language(prepared, hint=language)
    folded = fold(prepared)
    matches = _match_rules(prepared, folded, lang)
    shouted = _shouting(prepared)
    if len(shouted) >= 2 or (shouted and len(shouted) * 3 >= len(WORD.findall(prepared))):
        matches.categories[Category.SHOUTING] = shouted[:5]
    bangs = re.findall(r"!{2,}|\?!|!\?|\?{2,}", prepared)
    if bangs:
        matches.categories[Category.EXCLAMATION] = bangs[:1]

    spans = list(matches.masked)
    spans += [m.span() for m in BOILERPLATE[lang].finditer(folded)]
    lexical_text = _mask(prepared, spans)
    sarcastic = Category.SARCASM in matches.categories
    lexical = _lexical(lexical_text, lang, sarcastic=sarcastic)

    z = _logit(lexical)
    anger = 0.0
    for category in matches.categories:
        if category in NEEDS_NEGATIVE_CONTEXT:
            continue
        weight = CATEGORY_WEIGHTS[category]
        z += weight.valence
        anger += weight.anger
    unhappy = math.tanh(z) <= -0.1 or any(
        c in ANGRY_CATEGORIES for c in matches.categories if c not in NEEDS_NEGATIVE_CONTEXT
    )
    for category in NEEDS_NEGATIVE_CONTEXT & set(matches.categories):
        if unhappy:
            z += CATEGORY_WEIGHTS[category].valence
            anger += CATEGORY_WEIGHTS[category].anger
        else:
            del matches.categories[category]
    if unhappy and INTENSIFIERS[lang].search(folded):
        z += INTENSIFIER_VALENCE
    # A single emphasised word ("NEVER", "DEUX MOIS") is emphasis, not yet shouting.
    if shouted and Category.SHOUTING not in matches.categories:
        anger += 0.4
    score = round(math.tanh(z), 3)

    angry = anger >= limits.angry_points_alone or (
        anger >= limits.angry_points and score <= limits.angry_tone
    )
    negative = angry or score <= limits.negative

    triggers: list[Trigger] = []
    for category, phrases in matches.categories.items():
        if category == Category.REASSURANCE and not negative:
            continue
        triggers += [Trigger(p, category.value) for p in phrases]
    if negative:
        listed = {fold(t.text) for t in triggers}
        for word in lexicons.negative_words(lexical_text, lang):
            if fold(word) not in listed and not any(fold(word) in x for x in listed):
                triggers.append(Trigger(word, "lexicon"))
    return Assessment(
        score=score,
        negative=negative,
        angry=angry,
        language=lang,
        anger_points=round(anger, 2),
        triggers=triggers[:MAX_TRIGGERS] if negative else [],
    )
