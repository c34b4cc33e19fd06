"""Text from mail's bytes: charsets that lie or do not exist, 8-bit headers, and what no
database stores (NUL and control characters, lone surrogates)."""

from __future__ import annotations

import codecs
import re

MAX_HEADER_CHARS = 8_000  # one header's decoded value (a 1 MB subject is refused)

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SPACES = re.compile(r"\s+")

# What mail clients declare versus what they send: ISO-8859-1 mail is nearly always
# Windows-1252 (curly quotes, the euro sign, œ), as browsers have long assumed.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-unknown": "utf-8",
    "unknown-8bit": "utf-8",
    "utf8": "utf-8",
}
# Codecs Python has but mail never uses: they turn ASCII text into any character at all
# ("\\ud800" with unicode_escape), so a declared one is treated as unknown.
_NOT_MAIL_CODECS = frozenset(
    ["unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined", "palmos"]
)
# Lone UTF-16 surrogates (a UTF-7 or CESU-8 trick, or an escape codec): no database
# stores them, so they become U+FFFD.
_LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")


def scrub(text: str) -> str:
    """Text any database stores: no NUL or other control characters but tab and
    newlines, no lone surrogates."""
    return _LONE_SURROGATES.sub("\ufffd", CONTROL.sub("", text))


_SURROGATES = re.compile(r"[\udc80-\udcff]")


def unsurrogate(value: str) -> str:
    """Raw 8-bit bytes in headers come back from the parser as surrogate escapes; decode
    them as UTF-8, or Windows-1252 when they are not."""
    if not _SURROGATES.search(value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    return decode_bytes(raw, "utf-8")[0]


def clean_header_text(value: str, limit: int = MAX_HEADER_CHARS) -> str:
    """One line, no control characters (CR/LF injection ends here), bounded."""
    value = scrub(unsurrogate(value or ""))
    return SPACES.sub(" ", value).strip()[:limit]


def decode_bytes(payload: bytes, declared: str | None) -> tuple[str, bool]:
    """Text from bytes and whether it decoded cleanly with a known charset."""
    charset = (declared or "").strip().strip('"').lower()
    charset = _CHARSET_ALIASES.get(charset, charset)
    tried: list[str] = []
    for candidate in (charset, "utf-8", "cp1252"):
        if not candidate or candidate in tried or not _mail_codec(candidate):
            continue
        tried.append(candidate)
        try:
            return scrub_surrogates(payload.decode(candidate)), candidate == charset
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return payload.decode("utf-8", errors="replace"), False


def _mail_codec(name: str) -> bool:
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return False
    # Text codecs only (not base64_codec, rot13...), and none of the escape codecs.
    return getattr(info, "_is_text_encoding", True) and info.name not in _NOT_MAIL_CODECS


def scrub_surrogates(text: str) -> str:
    return _LONE_SURROGATES.sub("\ufffd", text)
