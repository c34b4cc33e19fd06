"""Mail that must never open a ticket nor be answered: auto-replies, bounces, lists and
loops. Pure functions over a ParsedEmail; the inbound service acts on the verdict.

A bounce (a delivery status notification, RFC 3464, or the looser reports some servers
still send) is told apart from other automatic mail because it is attached to the
outgoing message it bounced, found by the Message-ID it quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from .parse import ParsedEmail, message_ids
from .text import clean_header_text

AUTO_REPLY = "auto_reply"
BOUNCE = "bounce"
BULK = "bulk"
OWN_ADDRESS = "own_address"
LOOP = "loop"

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|out of (?:the )?office|"
    r"r[ée]ponse automatique|absence|absent|abwesenheit|autoreply|"
    r"message d'absence|je suis absent|i am out of the office)\b",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"(?:undeliver(?:ed|able)|delivery (?:status notification|failure|has failed)|"
    r"mail delivery (?:failed|failure|subsystem)|returned mail|non remis|"
    r"non distribuable|[ée]chec de (?:la )?(?:remise|distribution)|failure notice)",
    re.IGNORECASE,
)
_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|bounces?)[@+]", re.I)
_STATUS = re.compile(r"^Status:\s*([245]\.\d{1,3}\.\d{1,3})", re.IGNORECASE | re.MULTILINE)
# An enhanced status code anywhere in the text ("(#5.1.1)" in qmail bounces).
_ENHANCED_CODE = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
_ORIGINAL_ID = re.compile(r"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)
_FINAL_RECIPIENT = re.compile(
    r"^(?:Final|Original)-Recipient:\s*(?:rfc822;)?\s*<?([^\s>]+@[^\s>]+)>?",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Verdict:
    kind: str  # one of the constants above
    reason: str
    # For bounces: the Message-IDs of our mail it quotes, the failed address, the status.
    bounced_message_ids: tuple[str, ...] = ()
    failed_recipient: str = ""
    status: str = ""
    permanent: bool = False


def _report_text(report: Message | None) -> str:
    if report is None:
        return ""
    chunks: list[str] = []
    for part in report.walk():
        ctype = part.get_content_type()
        if ctype in (
            "message/delivery-status",
            "text/rfc822-headers",
            "message/rfc822",
            "message/rfc822-headers",
            "text/plain",
        ):
            payload = part.get_payload()
            if isinstance(payload, list):
                chunks.extend(str(p) for p in payload if isinstance(p, Message))
            else:
                try:
                    decoded = part.get_payload(decode=True)
                except Exception:
                    decoded = None
                text = (
                    decoded.decode("utf-8", "replace")
                    if isinstance(decoded, bytes)
                    else str(payload)
                )
                chunks.append(text)
    return "\n".join(chunks)[:200_000]


def bounce_details(parsed: ParsedEmail) -> Verdict | None:
    report = _report_text(parsed.report)
    is_dsn = parsed.report_type == "delivery-status"
    sender = parsed.sender.address if parsed.sender else ""
    looks_bounce = (
        is_dsn
        or bool(parsed.headers.get("x-failed-recipients"))
        or (
            (_BOUNCE_SENDER.match(sender) or parsed.headers.get("return-path", "").strip() == "<>")
            and bool(_BOUNCE_SUBJECT.search(parsed.subject))
        )
    )
    if not looks_bounce:
        return None
    haystack = report or ""
    # Inline bounces quote the original headers in the text; attached ones in parts.
    haystack += "\n" + parsed.text[:200_000]
    for attachment in parsed.attachments:
        if attachment.content_type in ("message/rfc822", "text/rfc822-headers"):
            haystack += "\n" + attachment.content[:100_000].decode("utf-8", "replace")
    ids: list[str] = []
    for match in _ORIGINAL_ID.findall(haystack):
        for mid in message_ids(match):
            if mid != parsed.message_id and mid not in ids:
                ids.append(mid)
    status_match = _STATUS.search(haystack) or _ENHANCED_CODE.search(haystack)
    status = status_match.group(1) if status_match else ""
    recipient_match = _FINAL_RECIPIENT.search(haystack)
    failed = (
        recipient_match.group(1).lower()
        if recipient_match
        else parsed.headers.get("x-failed-recipients", "").split(",")[0].strip().lower()
    )
    return Verdict(
        kind=BOUNCE,
        reason=f"delivery failure {status}".strip(),
        bounced_message_ids=tuple(ids[:20]),
        failed_recipient=clean_header_text(failed, 254),
        status=status,
        # 5.x.x is permanent; a 4.x.x delay report is not a failure yet.
        permanent=not status.startswith("4"),
    )


def classify(parsed: ParsedEmail, *, own_addresses: frozenset[str]) -> Verdict | None:
    """None for mail a person wrote; otherwise why it must not open a ticket."""
    bounce = bounce_details(parsed)
    if bounce is not None:
        return bounce
    headers = parsed.headers
    sender = parsed.sender.address if parsed.sender else ""
    if sender and sender in own_addresses:
        return Verdict(OWN_ADDRESS, f"sent from our own address {sender}")
    if headers.get("x-relais-loop"):
        return Verdict(LOOP, "carries our own loop header")
    auto = headers.get("auto-submitted", "").lower()
    if auto and not auto.startswith("no"):
        return Verdict(AUTO_REPLY, f"Auto-Submitted: {auto}")
    for name in ("x-autoreply", "x-autorespond"):
        if headers.get(name):
            return Verdict(AUTO_REPLY, f"{name}: {headers[name]}")
    if "oof" in headers.get("x-auto-response-suppress", "").lower() and _AUTO_SUBJECT.search(
        parsed.subject
    ):
        return Verdict(AUTO_REPLY, "Outlook out-of-office")
    precedence = headers.get("precedence", "").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return Verdict(BULK, f"Precedence: {precedence}")
    if headers.get("list-id") or headers.get("list-unsubscribe"):
        return Verdict(BULK, "mailing list")
    if headers.get("return-path", "").strip() == "<>":
        return Verdict(AUTO_REPLY, "null Return-Path")
    if _BOUNCE_SENDER.match(sender):
        return Verdict(AUTO_REPLY, f"sent by {sender}")
    if _AUTO_SUBJECT.search(parsed.subject):
        return Verdict(AUTO_REPLY, "out-of-office subject")
    return None
