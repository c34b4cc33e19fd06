"""Text preparation shared by the rules and the lexicon scorers.

`fold` lower-cases and strips accents *one character for one character*, so a match found
in the folded text points at the same span of the original (the trigger words the agent
sees are the customer's own). Rules are written against folded text: "resilier" also
matches "résilier", "RÉSILIER" and a message typed without accents.
"""

from __future__ import annotations

import re
import unicodedata

# Longer texts are cut: the opening of a message carries its tone, and scoring stays
# bounded (a 1 MB body costs the same as a long email).
MAX_CHARS = 20_000

_QUOTES = {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"', "«": '"', "»": '"'}
_SPACES = {"\u00a0", "\u202f", "\u2009", "\u2007", "\t"}


def _fold_char(char: str) -> str:
    if char in _QUOTES:
        return _QUOTES[char]
    if char in _SPACES:
        return " "
    lowered = char.lower()
    if len(lowered) != 1:
        lowered = char  # "İ".lower() is two characters: keep the length
    decomposed = unicodedata.normalize("NFD", lowered)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base[0] if base else lowered


def fold(text: str) -> str:
    """Lower case, no accents, plain quotes and spaces; same length as `text`."""
    return "".join(_fold_char(c) for c in text)


# Quoted history and signatures are someone else's words (or our own reply): not scored.
_HISTORY_MARKERS = re.compile(
    r"^(?:"
    r"le .{0,80}a ecrit ?:|"  # Le 3 mars 2025 à 10:02, Service client a écrit :
    r"on .{0,80}wrote:|"
    r"-{2,} ?(?:original message|message d'origine|forwarded message|message transfere) ?-{2,}|"
    r"de ?: .{0,120}|from: .{0,120}|"
    r"envoye de mon .{0,40}|sent from my .{0,40}|"
    r"-- ?"
    r")\s*$"
)


def strip_history(text: str) -> str:
    """Drop quoted lines ("> ...") and everything after a reply header or a signature."""
    kept: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        if _HISTORY_MARKERS.match(fold(stripped)):
            break
        kept.append(line)
    return "\n".join(kept)


def prepare(text: str) -> str:
    text = (text or "")[:MAX_CHARS]
    text = text.replace("\x00", " ")
    text = strip_history(text)
    return text.strip()


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]»]*\s+|\n\s*\n|\n(?=\s*[-*•])")


def sentences(text: str) -> list[str]:
    """Sentences, roughly: enough to score a polite greeting apart from the complaint."""
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if p and any(c.isalnum() for c in p)]


WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")

_FRENCH_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "est",
        "je",
        "vous",
        "nous",
        "il",
        "elle",
        "ne",
        "pas",
        "que",
        "qui",
        "pour",
        "dans",
        "sur",
        "avec",
        "mon",
        "ma",
        "mes",
        "votre",
        "vos",
        "ce",
        "cette",
        "depuis",
        "mais",
        "ou",
        "donc",
        "car",
        "suis",
        "avez",
        "ai",
        "merci",
        "bonjour",
        "toujours",
        "plus",
        "tres",
        "rien",
        "aucun",
        "j",
        "c",
        "d",
        "l",
        "n",
        "qu",
        "m",
        "s",
        "t",
    ]
)
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "is",
        "i",
        "you",
        "we",
        "he",
        "she",
        "it",
        "not",
        "that",
        "who",
        "for",
        "in",
        "on",
        "with",
        "my",
        "your",
        "this",
        "since",
        "but",
        "or",
        "so",
        "am",
        "have",
        "has",
        "had",
        "thanks",
        "thank",
        "hello",
        "hi",
        "still",
        "very",
        "nothing",
        "no",
        "any",
        "of",
        "to",
        "be",
        "was",
        "are",
        "been",
        "will",
        "would",
        "can",
        "could",
        "don",
        "t",
        "s",
        "m",
        "ve",
        "ll",
    ]
)


def detect_language(text: str, hint: str | None = None) -> str:
    """'fr' or 'en', from function words; `hint` (the contact's language) breaks ties."""
    french = english = 0
    for word in WORD.findall(fold(text[:4000])):
        for part in re.split(r"['-]", word):
            if part in _FRENCH_WORDS:
                french += 1
            if part in _ENGLISH_WORDS:
                english += 1
    if french == english:
        return hint if hint in ("fr", "en") else "fr"
    return "fr" if french > english else "en"
