"""The new part of a reply: quoted history and signatures off, as an agent wants to read
it. The full original stays stored and viewable ("show original").

mail-parser-reply knows the "On … wrote:" / "Le … a écrit :" lines and Outlook's
"From: / Sent:" (and "De : / Envoyé :") blocks in many languages. Around it we fix what
real clients do to those lines (Gmail wraps them over two lines), cap the input (the
library's regular expressions must not meet a megabyte of hostile text), keep forwarded
mail whole (its content *is* the quoted part), and drop trailing "> " blocks.
"""

from __future__ import annotations

import re

from mailparser_reply import EmailReplyParser

LANGUAGES = ["fr", "en", "de", "es", "it", "nl"]
MAX_PARSED_CHARS = 100_000

_parser = EmailReplyParser(languages=LANGUAGES)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:\[[^\]]*\]\s*)?(?:fwd?|tr|wg|rv|i)\s*:", re.IGNORECASE)
# "Le lun. 3 mars 2025 à 10:12, Zoé Lefèvre <" + newline + "zoe@example.fr> a écrit :"
_WRAPPED_HEADER = re.compile(
    r"^((?:Le|On|Am|El|Il|Op)\s[^\n]{5,300})\n([^\n]{0,200}(?:écrit|wrote|schrieb|escribió|"
    r"scritto|geschreven)\s?:)\s*$",
    re.MULTILINE | re.IGNORECASE,
)
# French Outlook without the typographic space: "De: ..." / "Envoyé: ..."
_FRENCH_OUTLOOK = re.compile(r"^(\*?)(De|Envoyé|À|Objet|Cc)\*?:\s", re.MULTILINE)
_NO_BREAK_COLON = re.compile(r"[\u00a0\u202f\u2007]:")
_QUOTED_TAIL = re.compile(r"(?:\n[ \t]*>[^\n]*)+\s*\Z")
# What is left at the end once the quote is gone: Outlook's separator line, the
# "sent from my phone" line.
_TRAILER = re.compile(
    r"(?:\n[ \t]*(?:-{3,}\s*(?:original message|message d'origine|ursprüngliche nachricht|"
    r"mensaje original|messaggio originale|oorspronkelijk bericht)\s*-{3,}|_{10,}|"
    r"(?:envoyé|sent|gesendet|enviado|inviato|verzonden) (?:de|depuis|from|von|desde|da|"
    r"vanaf|met) (?:mon|my|meinem|mi|il mio|mijn) [^\n]{2,40})[ \t]*)+\s*\Z",
    re.IGNORECASE,
)


def is_forward(subject: str) -> bool:
    return bool(_FORWARD_SUBJECT.match(subject or ""))


def strip_reply(text: str, *, subject: str = "") -> str:
    """The text the sender wrote this time; the whole text when nothing new can be told
    apart (a forward, or a reply whose every line looks quoted)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text or is_forward(subject):
        return text
    # French typography: "a écrit :" and "De :" with a no-break space (Gmail, Outlook).
    head = _NO_BREAK_COLON.sub(" :", text[:MAX_PARSED_CHARS])
    head = _WRAPPED_HEADER.sub(lambda m: f"{m.group(1)} {m.group(2)}", head)
    head = _FRENCH_OUTLOOK.sub(lambda m: f"{m.group(1)}{m.group(2)} : ", head)
    try:
        reply = _parser.read(head)
        latest = reply.replies[0].body if reply.replies else ""
    except Exception:
        latest = head
    latest = _QUOTED_TAIL.sub("", "\n" + latest)
    latest = _TRAILER.sub("", latest).strip()
    return latest or text
