"""Raw RFC 822 bytes in, a `ParsedEmail` out: never an exception.

The standard library's parser (`policy=default`) does the MIME work. Around it we are
defensive, because real mail is broken in every way: headers that do not parse, charsets
that lie (ISO-8859-1 declared, Windows-1252 sent) or do not exist, parts without a
type, bodies cut in the middle. Whatever cannot be read is replaced, recorded in
`defects`, and the caller decides (quarantine when nothing usable is left).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from tickets.content import html_to_text, sanitise_html

from .text import (
    MAX_HEADER_CHARS,
    SPACES,
    clean_header_text,
    decode_bytes,
    scrub,
)

# Past these, the message is hostile or broken, never a customer writing to us.
MAX_SUBJECT_CHARS = 998  # RFC 5322's line limit
MAX_RECIPIENTS = 500
MAX_PARTS = 200
MAX_DEPTH = 10
MAX_TEXT_CHARS = 1_000_000

_MESSAGE_ID = re.compile(r"<([^<>\s]{1,500})>")
_ENCODED_WORD = re.compile(r"=\?[^?\s]{1,40}\?[bBqQ]\?[^?\s]{0,2000}\?=")


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str = ""

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class Address:
    name: str
    address: str  # lower-cased

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


@dataclass
class ParsedEmail:
    raw_size: int
    sha256: str
    message_id: str = ""  # without angle brackets
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    sender: Address | None = None
    reply_to: Address | None = None
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    # Envelope recipients a mail server adds (Delivered-To, X-Original-To): the address
    # that routed the message here when the customer wrote to a list or used Bcc.
    delivered_to: list[str] = field(default_factory=list)
    date: dt.datetime | None = None
    text: str = ""  # the whole plain-text body (from the HTML part when there is no text)
    html: str = ""  # sanitised HTML body, "" when the message had none
    attachments: list[ParsedAttachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> first value
    content_type: str = ""
    defects: list[str] = field(default_factory=list)
    # A multipart/report (delivery status notification) part, kept for bounce handling.
    report: Message | None = None
    report_type: str = ""

    @property
    def recipients(self) -> list[Address]:
        return [*self.to, *self.cc]

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, nearest first (In-Reply-To, then References
        from the newest)."""
        seen: list[str] = []
        for mid in [*self.in_reply_to, *reversed(self.references)]:
            if mid not in seen:
                seen.append(mid)
        return seen


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def message_ids(value: str) -> list[str]:
    found = _MESSAGE_ID.findall(value or "")
    if not found and value and "@" in value and " " not in value.strip():
        found = [value.strip()]  # some clients forget the brackets
    return [clean_header_text(mid, 500) for mid in found[:100]]


def _raw_header(msg: Message, name: str) -> list[str]:
    """Header values as text, tolerant of what policy.default cannot parse."""
    values: list[str] = []
    for key, raw in msg.raw_items() if hasattr(msg, "raw_items") else msg.items():
        if key.lower() != name:
            continue
        try:
            values.append(str(make_header(decode_header(str(raw)))))
        except Exception:
            values.append(str(raw))
    return values


def _decode_words(raw: str) -> str:
    """Encoded words with our charset fallbacks (an unknown or lying charset)."""
    pieces: list[str] = []
    for chunk, charset in decode_header(raw):
        if isinstance(chunk, bytes):
            pieces.append(decode_bytes(chunk, charset)[0])
        else:
            pieces.append(chunk)
    return "".join(pieces)


def header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
        text = "" if value is None else str(value)
    except Exception:
        values = _raw_header(msg, name.lower())
        text = values[0] if values else ""
    if "\ufffd" in text:
        for key, raw in msg.raw_items() if hasattr(msg, "raw_items") else msg.items():
            if key.lower() == name.lower():
                with contextlib.suppress(Exception):
                    text = _decode_words(str(raw))
                break
    return clean_header_text(text)


def _addresses(msg: Message, name: str, defects: list[str]) -> list[Address]:
    result: list[Address] = []
    seen: set[str] = set()
    try:
        found = msg.get_all(name) or []
        structured = [a for v in found for a in getattr(v, "addresses", ())]
        # The parsed header knows a display name from an address, even when the name
        # hides CR/LF and a fake "Bcc: someone@else" (header injection).
        for item in structured[: MAX_RECIPIENTS * 2]:
            address = clean_header_text(item.addr_spec or "", 254).lower()
            if "@" in address and address not in seen:
                seen.add(address)
                result.append(Address(clean_header_text(item.display_name or "", 200), address))
        if structured:
            return result
    except Exception:  # noqa: S110
        pass
    # Split the raw value into addresses *before* decoding encoded words, so nothing a
    # display name hides can become an address.
    values = [
        str(raw)
        for key, raw in (msg.raw_items() if hasattr(msg, "raw_items") else msg.items())
        if key.lower() == name.lower()
    ]
    joined = ",".join(values)
    if len(joined) > 200_000:
        defects.append(f"{name}: header too long")
        joined = joined[:200_000]
    words: list[str] = []

    def hide(match: re.Match[str]) -> str:
        words.append(match.group(0))
        return f" relaisword{len(words) - 1}x "

    masked = _ENCODED_WORD.sub(hide, joined)
    for display, address in getaddresses([masked]):
        address = clean_header_text(address, 254).lower()
        if "@" not in address or address in seen or "relaisword" in address:
            continue
        seen.add(address)
        display = re.sub(r"\s*relaisword(\d+)x\s*", lambda m: words[int(m.group(1))], display)
        with contextlib.suppress(Exception):
            display = _decode_words(display)
        result.append(Address(name=clean_header_text(display, 200), address=address))
    return result


def _part_payload(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", errors="replace") if isinstance(raw, str) else b""


def _part_text(part: Message, defects: list[str]) -> str:
    payload = _part_payload(part)
    try:
        declared = part.get_content_charset()
    except Exception:
        declared = None
    text, clean = decode_bytes(payload, declared)
    if not clean and declared:
        defects.append(f"charset {declared!r} did not match the content")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = clean_header_text(str(name), 255)
    # Never trust a path from outside.
    return name.replace("\\", "/").rsplit("/", 1)[-1].lstrip(".")


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"


_WORDS = re.compile(r"\w{2,}")


def _placeholder(plain: str, html_text: str) -> bool:
    """Whether a multipart/alternative's text part says nothing its HTML part says."""
    if not html_text.strip():
        return False
    words = _WORDS.findall(plain.lower())
    if not words:
        return True
    html_words = set(_WORDS.findall(html_text.lower()))
    shared = sum(1 for w in words if w in html_words)
    # Placeholders are one short sentence; a real text part shares most of its words.
    return shared * 2 < len(words) and (len(plain) < 500 or len(html_text) > len(plain))


def _forwarded_name(inner: object) -> str:
    """A forwarded message's file name: its subject, as mail clients name it."""
    subject = header(inner, "Subject") if isinstance(inner, Message) else ""
    name = re.sub(r'[\\/:*?"<>|]+', " ", subject)
    name = SPACES.sub(" ", name).strip(" .")[:150]
    return f"{name or 'message'}.eml"


class _Walker:
    def __init__(self, parsed: ParsedEmail) -> None:
        self.parsed = parsed
        self.plain: list[str] = []
        self.html: list[str] = []
        self.parts = 0
        self.depth = 0

    def walk(self, part: Message, depth: int = 0) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            if self.parts == MAX_PARTS + 1:
                self.parsed.defects.append("too many MIME parts")
            return
        if depth > MAX_DEPTH:
            self.parsed.defects.append("MIME nested too deep")
            return
        ctype = _content_type(part)
        if ctype.startswith("multipart/") and not part.is_multipart():
            # A multipart without a usable boundary: its payload is text, keep it as such.
            self.plain.append(_part_text(part, self.parsed.defects))
            return
        if part.is_multipart() and ctype != "message/rfc822":
            children = part.get_payload()
            if not isinstance(children, list):
                return
            if ctype == "multipart/alternative":
                self._alternative([c for c in children if isinstance(c, Message)], depth)
                return
            if ctype == "multipart/report":
                self.parsed.report = part
                try:
                    self.parsed.report_type = str(part.get_param("report-type") or "").lower()
                except Exception:
                    self.parsed.report_type = ""
            for child in children:
                if isinstance(child, Message):
                    self.walk(child, depth + 1)
            return
        disposition = _disposition(part)
        filename = _filename(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            (self.plain if ctype == "text/plain" else self.html).append(
                _part_text(part, self.parsed.defects)
            )
            return
        if ctype in ("message/delivery-status", "message/feedback-report", "text/rfc822-headers"):
            return  # read by the bounce detector from `report`
        self.depth = depth
        self._attachment(part, ctype, disposition, filename)

    def _alternative(self, children: list[Message], depth: int) -> None:
        """Keep the richest text and HTML alternatives; nested parts (related images)
        still contribute their attachments."""
        first_plain, first_html = len(self.plain), len(self.html)
        for child in children:
            if isinstance(child, Message):
                self.walk(child, depth + 1)
        html_parts = self.html[first_html:]
        if not any(h.strip() for h in html_parts):
            return
        plain = "\n\n".join(self.plain[first_plain:])
        html_text = html_to_text(sanitise_html("\n".join(html_parts)[: MAX_TEXT_CHARS * 2]))
        if _placeholder(plain, html_text):
            # A blank text part, or "This is an HTML email, use an HTML client": the
            # HTML alternative is the message.
            self.plain[first_plain:] = [html_text]

    def _forwarded_text(self, inner: Message) -> None:
        """A message forwarded inline (Apple Mail, Outlook's "forward as attachment" shown
        inline): its text, under the lines mail clients show, joins the body."""
        sub = _Walker(ParsedEmail(raw_size=0, sha256=""))
        sub.parts = self.parts
        sub.walk(inner, self.depth + 1)
        self.parts = sub.parts
        # Deeper forwards are only left out of the text: the .eml keeps them.
        self.parsed.defects += [d for d in sub.parsed.defects if d != "MIME nested too deep"]
        text = "\n\n".join(t for t in sub.plain if t.strip())
        if not text.strip():
            text = html_to_text(sanitise_html("\n".join(sub.html)[:MAX_TEXT_CHARS]))
        lines = [
            f"{name}: {value}"
            for name in ("From", "Date", "Subject", "To")
            if (value := header(inner, name))
        ]
        self.plain.append("\n".join(["---------- Forwarded message ----------", *lines, "", text]))

    def _attachment(self, part: Message, ctype: str, disposition: str, filename: str) -> None:
        if ctype == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            content = b""
            if isinstance(inner, Message):
                with contextlib.suppress(Exception):
                    content = inner.as_bytes()
                if disposition != "attachment":
                    self._forwarded_text(inner)
            content = content or _part_payload(part)
            filename = filename or _forwarded_name(inner)
        else:
            content = _part_payload(part)
        if not content and not filename:
            return  # an empty unnamed part is nothing; a named one is listed as refused
        content_id = message_ids(header(part, "Content-ID"))
        extension = {
            "image/png": "png",
            "image/jpeg": "jpg",
            "image/gif": "gif",
            "text/calendar": "ics",
            "application/pdf": "pdf",
            "text/plain": "txt",
            "text/html": "html",
        }.get(ctype, "bin")
        self.parsed.attachments.append(
            ParsedAttachment(
                filename=filename or f"attachment-{len(self.parsed.attachments) + 1}.{extension}",
                content_type=ctype,
                content=content,
                inline=disposition == "inline"
                or (bool(content_id) and disposition != "attachment"),
                content_id=content_id[0] if content_id else "",
            )
        )


def parse_email(raw: bytes) -> ParsedEmail:
    parsed = ParsedEmail(raw_size=len(raw), sha256=content_hash(raw))
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:
        parsed.defects.append(f"unparseable: {exc.__class__.__name__}")
        return parsed
    _read_headers(msg, parsed)
    walker = _Walker(parsed)
    try:
        walker.walk(msg)
    except RecursionError:
        parsed.defects.append("MIME nested too deep")
    except Exception as exc:
        parsed.defects.append(f"MIME structure: {exc.__class__.__name__}")
    plain = "\n\n".join(t for t in walker.plain if t.strip())[:MAX_TEXT_CHARS]
    html_body = "\n".join(walker.html)[: MAX_TEXT_CHARS * 2]
    if html_body.strip():
        parsed.html = sanitise_html(html_body)
    parsed.text = plain if plain.strip() else html_to_text(parsed.html)
    parsed.text = scrub(parsed.text).strip()
    for defect in getattr(msg, "defects", [])[:20]:
        parsed.defects.append(defect.__class__.__name__)
    return parsed


def _read_headers(msg: EmailMessage | Message, parsed: ParsedEmail) -> None:
    parsed.content_type = _content_type(msg)
    mid = message_ids(header(msg, "Message-ID"))
    parsed.message_id = mid[0] if mid else ""
    parsed.in_reply_to = message_ids(header(msg, "In-Reply-To"))
    try:
        references = " ".join(str(v) for v in (msg.get_all("References") or []))
    except Exception:
        references = " ".join(_raw_header(msg, "references"))
    parsed.references = message_ids(references[:50_000])
    subject_values = _raw_header(msg, "subject")
    subject = header(msg, "Subject") if subject_values else ""
    if subject_values and len(subject_values[0]) > MAX_HEADER_CHARS:
        parsed.defects.append("subject too long")
    parsed.subject = clean_header_text(subject, MAX_SUBJECT_CHARS)
    senders = _addresses(msg, "From", parsed.defects)
    if not senders:
        senders = _addresses(msg, "Sender", parsed.defects)
    parsed.sender = senders[0] if senders else None
    reply_to = _addresses(msg, "Reply-To", parsed.defects)
    parsed.reply_to = reply_to[0] if reply_to else None
    parsed.to = _addresses(msg, "To", parsed.defects)
    parsed.cc = _addresses(msg, "Cc", parsed.defects)
    if len(parsed.to) + len(parsed.cc) > MAX_RECIPIENTS:
        parsed.defects.append("too many recipients")
    for name in ("delivered-to", "x-original-to", "envelope-to", "x-envelope-to"):
        for value in _raw_header(msg, name):
            for _display, address in getaddresses([value]):
                address = clean_header_text(address, 254).lower()
                if "@" in address and address not in parsed.delivered_to:
                    parsed.delivered_to.append(address)
    try:
        date_value = header(msg, "Date")
        parsed.date = parsedate_to_datetime(date_value) if date_value else None
        if parsed.date is not None and parsed.date.tzinfo is None:
            parsed.date = parsed.date.replace(tzinfo=dt.UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed.date = None
    for name in (
        "auto-submitted",
        "x-autoreply",
        "x-autorespond",
        "x-auto-response-suppress",
        "precedence",
        "return-path",
        "list-id",
        "list-unsubscribe",
        "x-failed-recipients",
        "x-loop",
        "x-relais-loop",
        "x-mailer",
        "content-language",
        "accept-language",
        "feedback-id",
    ):
        values = _raw_header(msg, name)
        if values:
            parsed.headers[name] = clean_header_text(values[0], 1000)
