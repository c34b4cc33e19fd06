"""The public web form and the customer's private follow-up page: the same path into
tickets as email (`customer_message_receive`), the same contact matching."""

from __future__ import annotations

import html
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from tickets import services as ticket_services
from tickets.models import Message, Ticket

from ..inbound import routing
from ..inbound.parse import Address, clean_header_text
from ..inbound.services import text_to_html
from ..models import WebFormTopic

ERROR_RATE_IP = _("Too many requests from your connection. Please try again in a while.")
ERROR_RATE_EMAIL = _("Too many requests for this email address. Please try again later.")
ERROR_BOT = _("Your request could not be accepted. Please write to us by email instead.")
ERROR_TOPIC = _("Choose a topic.")
ERROR_TICKET_CLOSED = _("This request is closed; your message opened a new one.")

MAX_MESSAGE_CHARS = 20_000


def _rate(spec: str) -> tuple[int, int]:
    count, _sep, period = spec.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(period[-1:] or "h", 3600)
    number = int(period[:-1]) if period[:-1].isdigit() else 1
    return int(count), seconds * number


def rate_limited(kind: str, value: str, spec: str) -> bool:
    """Count one more request for `value`; True once the limit is passed. The counter
    lives in the shared cache (Redis in production) so every web process agrees."""
    limit, window = _rate(spec)
    key = f"channels:rate:{kind}:{value.lower()[:200]}"
    if cache.add(key, 1, window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


class RateLimited(ValidationError):
    """Too many requests: the view answers 429."""


def check_ip(ip: str) -> None:
    if rate_limited("ip", ip or "unknown", settings.CHANNELS_WEBFORM_RATE_PER_IP):
        raise RateLimited(ERROR_RATE_IP, code="rate_ip")


def check_email(email: str) -> None:
    if rate_limited("email", email, settings.CHANNELS_WEBFORM_RATE_PER_EMAIL):
        raise RateLimited({"email": ERROR_RATE_EMAIL})


def webform_submit(
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    topic: WebFormTopic,
    language: str = "fr",
    phone: str = "",
    customer_number: str = "",
    attachments: Sequence[UploadedFile] = (),
) -> Ticket:
    """A request from the public form: contact matched or created, ticket opened in the
    topic's queue, the confirmation email with the private link queued."""
    if not topic.is_active or not topic.queue.is_active:
        raise ValidationError({"topic": ERROR_TOPIC})
    language = language if language in ("fr", "en") else "fr"
    facts = []
    with override(language):
        if phone:
            facts.append(gettext("Phone: %(phone)s") % {"phone": phone})
        if customer_number:
            facts.append(gettext("Customer number: %(number)s") % {"number": customer_number})
        facts.append(gettext("Topic: %(topic)s") % {"topic": topic.label(language)})
    body = text_to_html(message[:MAX_MESSAGE_CHARS])
    body += "<p><small>" + "<br>".join(html.escape(f) for f in facts) + "</small></p>"
    ticket_services.attachments_validate(attachments)
    with transaction.atomic():
        contact, _created = routing.contact_for(
            Address(name=clean_header_text(name, 200), address=email.strip().lower()),
            channel=Ticket.Channel.WEB,
            phone=phone,
            language=language,
        )
        first = ticket_services.customer_message_receive(
            ticket=None,
            queue=topic.queue,
            contact=contact,
            subject=clean_header_text(subject, 200),
            body=body,
            channel=Ticket.Channel.WEB,
            attachments=attachments,
        )
        ticket = first.ticket
        from ..outbound.tickets import acknowledge

        acknowledge(ticket=ticket, default=True, to=email.strip().lower())
    return ticket


def portal_reply(
    *, ticket: Ticket, message: str, attachments: Sequence[UploadedFile] = ()
) -> Message:
    """The customer answers from their private page (no account)."""
    ticket_services.attachments_validate(attachments)
    with transaction.atomic():
        return ticket_services.customer_message_receive(
            ticket=ticket,
            queue=ticket.queue,
            contact=ticket.contact,  # type: ignore[arg-type]
            subject=ticket.subject,
            body=text_to_html(message[:MAX_MESSAGE_CHARS]),
            channel=Ticket.Channel.WEB,
            attachments=attachments,
        )
