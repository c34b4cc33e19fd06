"""Campaign email templates: the fixed list of placeholders (checked when the template is
saved, never discovered at send time), CSS inlined by css-inline once per language, the
plain-text part, and the message with its RFC 8058 unsubscribe headers."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import css_inline
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.signing import BadSignature, Signer
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

ERROR_PLACEHOLDER = _("Unknown placeholder {{ %(name)s }}; allowed: %(allowed)s.")
ERROR_BAD_HTML = _("The HTML could not be read: %(error)s")
ERROR_MISSING = _("Write a subject and a body in French and in English.")
ERROR_TOO_LONG = _("The body is too long (at most %(limit)d characters).")

MAX_BODY = 200_000
PLACEHOLDERS: dict[str, Any] = {
    "first_name": _("first name"),
    "last_name": _("last name"),
    "full_name": _("full name"),
    "organisation": _("organisation"),
    "campaign": _("campaign name"),
    "unsubscribe_url": _("unsubscribe link"),
}
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]*)\s*\}\}")
UNSUBSCRIBE_SALT = "campaigns.unsubscribe"


def check_template(text: str) -> None:
    if len(text) > MAX_BODY:
        raise ValidationError(ERROR_TOO_LONG % {"limit": MAX_BODY}, code="too_long")
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS:
            raise ValidationError(
                ERROR_PLACEHOLDER % {"name": name[:40], "allowed": ", ".join(PLACEHOLDERS)},
                code="placeholder",
            )


def inline_css(body: str) -> str:
    try:
        return str(css_inline.inline(body))
    except ValueError as exc:
        raise ValidationError(ERROR_BAD_HTML % {"error": str(exc)[:200]}, code="html") from exc


def html_to_text(body: str) -> str:
    """A readable plain-text part: links keep their address, blocks their line breaks."""
    body = re.sub(r"(?is)<(style|script|head)[^>]*>.*?</\1>", "", body)
    body = re.sub(r'(?is)<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', r"\2 (\1)", body)
    body = re.sub(r"(?i)<br\s*/?>", "\n", body)
    body = re.sub(r"(?i)</(p|div|h[1-6]|li|tr)>", "\n\n", body)
    text = html.unescape(strip_tags(body))
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def unsubscribe_token(recipient_id: int) -> str:
    return Signer(salt=UNSUBSCRIBE_SALT).sign(str(recipient_id))


def unsubscribe_recipient_id(token: str) -> int | None:
    try:
        return int(Signer(salt=UNSUBSCRIBE_SALT).unsign(token[:200]))
    except (BadSignature, ValueError):
        return None


def unsubscribe_url(recipient_id: int) -> str:
    path = reverse("campaigns_public:unsubscribe", args=[unsubscribe_token(recipient_id)])
    return settings.RELAIS_PUBLIC_URL.rstrip("/") + path


@dataclass(frozen=True)
class Prepared:
    """One language's template, inlined once for the whole send."""

    subject: str
    html: str
    text: str


def prepare(subject: str, body: str) -> Prepared:
    inlined = inline_css(body)
    return Prepared(subject=subject, html=inlined, text=html_to_text(inlined))


def _fill(template: str, values: dict[str, str], escape: bool) -> str:
    def sub(match: re.Match[str]) -> str:
        value = values.get(match.group(1), "")
        return html.escape(value) if escape else value

    return _PLACEHOLDER.sub(sub, template)


def build_message(
    *,
    prepared: Prepared,
    values: dict[str, str],
    to: str,
    message_id: str,
    recipient_id: int,
    track_opens: bool = False,
    track_clicks: bool = False,
) -> EmailMultiAlternatives:
    link = unsubscribe_url(recipient_id)
    values = {**values, "unsubscribe_url": link}
    message = EmailMultiAlternatives(
        subject=_fill(prepared.subject, values, escape=False).replace("\n", " ")[:998],
        body=_fill(prepared.text, values, escape=False),
        from_email=settings.CAMPAIGNS_FROM_EMAIL,
        to=[to],
        headers={
            "Message-ID": f"<{message_id}>",
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Relais-Loop": "1",
        },
    )
    message.attach_alternative(_fill(prepared.html, values, escape=True), "text/html")
    # anymail passes metadata to the provider, whose tracking events bring it back.
    message.metadata = {"relais_recipient": str(recipient_id)}  # type: ignore[attr-defined]
    # Open pixel and rewritten links only with the contact's consent for that purpose (and
    # a campaign that records engagement); anymail tells the provider to add neither
    # otherwise (the plain SMTP path never adds them).
    message.track_opens = track_opens  # type: ignore[attr-defined]
    message.track_clicks = track_clicks  # type: ignore[attr-defined]
    return message


# --- The fast path: the message's bytes written directly ------------------------------
# Django's EmailMultiAlternatives builds a tree of MIME objects and folds every header
# through the email package for each recipient (~5-15 ms a message on the shared
# machine, most of a send's time). Over plain SMTP the message is instead written from
# the template prepared once per language: the same headers and the same two 8bit parts
# (what Django sends for lines under 998 octets), with only the recipient's values filled
# in. Anything unusual (a non-ASCII address, a line too long for 8bit) takes Django's path.
_SAFE_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$")
MAX_LINE = 998


@dataclass(frozen=True)
class RawContext:
    """What every message of a batch shares."""

    from_header: str
    envelope_from: str
    unsubscribe_prefix: str  # the unsubscribe URL up to the token
    boundary: str


def raw_context() -> RawContext:
    import uuid

    from django.core.mail.message import sanitize_address

    marker = "TOKEN"
    url = settings.RELAIS_PUBLIC_URL.rstrip("/") + reverse(
        "campaigns_public:unsubscribe", args=[marker]
    )
    from_header = sanitize_address(settings.CAMPAIGNS_FROM_EMAIL, "utf-8")
    return RawContext(
        from_header=from_header,
        envelope_from=from_header,
        unsubscribe_prefix=url[: url.rindex(marker)],
        boundary=f"==relais-{uuid.uuid4().hex}",
    )


def _header_text(value: str) -> str:
    if value.isascii():
        return value
    from email.header import Header

    return Header(value, "utf-8", maxlinelen=76).encode(linesep="\r\n")


def _part(text: str) -> str | None:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if any(len(line.encode()) > MAX_LINE for line in lines):
        return None
    return "\r\n".join(lines)


def raw_message(
    *,
    ctx: RawContext,
    prepared: Prepared,
    values: dict[str, str],
    to: str,
    message_id: str,
    recipient_id: int,
    date: str,
) -> bytes | None:
    """The message as bytes for smtplib, or None when Django's builder must do it."""
    if not _SAFE_ADDRESS.match(to) or len(to) > 254:
        return None
    link = ctx.unsubscribe_prefix + unsubscribe_token(recipient_id) + "/"
    values = {**values, "unsubscribe_url": link}
    subject = _fill(prepared.subject, values, escape=False).replace("\n", " ").replace("\r", "")
    text = _part(_fill(prepared.text, values, escape=False))
    body = _part(_fill(prepared.html, values, escape=True))
    if text is None or body is None:
        return None
    b = ctx.boundary
    head = (
        'Content-Type: multipart/alternative;\r\n boundary="' + b + '"\r\n'
        "MIME-Version: 1.0\r\n"
        "Subject: " + _header_text(subject[:998]) + "\r\n"
        "From: " + ctx.from_header + "\r\n"
        "To: " + to + "\r\n"
        "Date: " + date + "\r\n"
        "Message-ID: <" + message_id + ">\r\n"
        "List-Unsubscribe: <" + link + ">\r\n"
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        "X-Relais-Loop: 1\r\n"
        "\r\n"
    )
    part = 'Content-Type: text/%s; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
    message = (
        head
        + "--" + b + "\r\n" + part % "plain" + text + "\r\n"
        + "--" + b + "\r\n" + part % "html" + body + "\r\n"
        + "--" + b + "--\r\n"
    )  # fmt: skip
    return message.encode("utf-8")
