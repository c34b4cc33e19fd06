"""The service desk's outgoing mail: public replies and acknowledgements of new tickets,
threaded so that the customer's mail client and our inbound threading agree."""

from __future__ import annotations

import re
from email.utils import formataddr

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tickets.content import markdown_to_html
from tickets.models import Message, Queue, Ticket

from ..models import AcknowledgementTemplate, InboundAddress, InboundEmail, OutboundEmail
from .services import email_send

PURPOSE_REPLY = "ticket_reply"
PURPOSE_ACK = "ticket_ack"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)(?:\.([a-z_]+))?\s*\}\}")


def queue_from_address(queue: Queue) -> str:
    """The address replies go out from: the queue's own, else its first inbound address,
    else the site default."""
    address = queue.email_address
    if not address:
        first = InboundAddress.objects.filter(queue=queue).order_by("pk").first()
        address = first.address if first else ""
    if not address:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((queue.name, address))


def _recipient(ticket: Ticket) -> str:
    last = (
        InboundEmail.objects.filter(ticket=ticket, status=InboundEmail.Status.PROCESSED)
        .exclude(sender="")
        .order_by("-received_at")
        .values_list("sender", flat=True)
        .first()
    )
    if last:
        return last
    if ticket.contact is None:
        return ""
    # ContactEmail's ordering is (-is_primary, id): the first is the primary one. .all(),
    # so that the ticket page's prefetch of the customer's addresses serves it.
    primary = next(iter(ticket.contact.emails.all()), None)
    return primary.email if primary else ""


def thread_ids(ticket: Ticket) -> list[str]:
    """Every Message-ID of the conversation, oldest first (References)."""
    inbound = InboundEmail.objects.filter(ticket=ticket).exclude(message_id="")
    from .services import outbound_for_source

    outbound = outbound_for_source(ticket)  # replies and acknowledgements
    dated = [(r.received_at, r.message_id) for r in inbound.only("received_at", "message_id")]
    dated += [(r.created_at, r.message_id) for r in outbound.only("created_at", "message_id")]
    return [mid for _at, mid in sorted(dated)][-20:]


def subject_for(ticket: Ticket, *, reply: bool = True) -> str:
    subject = ticket.subject
    if ticket.number not in subject:
        subject = f"[{ticket.number}] {subject}"
    return f"Re: {subject}" if reply and not subject.lower().startswith("re:") else subject


def _language(ticket: Ticket) -> str:
    if ticket.contact is not None and ticket.contact.preferred_language in ("fr", "en"):
        return ticket.contact.preferred_language
    return settings.LANGUAGE_CODE


def public_reply_send(message: Message) -> OutboundEmail | None:
    """Hook on a public staff reply: email it to the customer (inside the reply's
    transaction; the send itself waits for the commit)."""
    ticket = message.ticket
    if message.kind != Message.Kind.PUBLIC or ticket.contact_id is None:
        return None
    to = _recipient(ticket)
    if not to:
        return None
    from ..webform.links import portal_url

    ids = thread_ids(ticket)
    language = _language(ticket)
    with translation.override(language):
        context = {
            "ticket": ticket,
            "message": message,
            "body_html": message.body_html,
            "portal_url": portal_url(ticket),
        }
        text = render_to_string("channels/email/reply.txt", {**context, "body": message.body_text})
        html = render_to_string("channels/email/reply.html", context)
    attachments = [
        {"name": a.filename, "path": a.file.name, "content_type": a.content_type}
        for a in message.attachments.all()
    ]
    Message.objects.filter(pk=message.pk).update(channel=Ticket.Channel.EMAIL)
    message.channel = Ticket.Channel.EMAIL
    return email_send(
        purpose=PURPOSE_REPLY,
        to=[to],
        subject=subject_for(ticket),
        text=text,
        html=html,
        from_address=queue_from_address(ticket.queue),
        in_reply_to=ids[-1] if ids else "",
        references=ids,
        attachments=attachments,
        source=ticket,
        ticket_message=message,
    )


def _fill(template: str, values: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        key = match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
        return values.get(key, match.group(0))

    return PLACEHOLDER.sub(replace, template)


DEFAULT_ACK_SUBJECT = _("We have received your request: {{ ticket.subject }}")
DEFAULT_ACK_BODY = _(
    "Hello {{ contact.first_name }},\n\nWe have received your request and registered it "
    "under the number **{{ ticket.number }}**. We will answer you as soon as possible.\n\n"
    "You can follow it and add to it here: {{ portal_url }}"
)


def acknowledge(
    *, ticket: Ticket, in_reply_to: str = "", default: bool = False, to: str = ""
) -> OutboundEmail | None:
    """The queue's acknowledgement, in the customer's language (the other language's
    template when theirs is missing). Never sent to automatic mail: callers only call it
    for messages a person wrote. With `default`, a queue without a template still sends
    the built-in one (the web form promises an email with the private link)."""
    if ticket.contact is None:
        return None
    language = _language(ticket)
    templates = {
        t.language: t
        for t in AcknowledgementTemplate.objects.filter(queue=ticket.queue_id, is_active=True)
    }
    template = templates.get(language) or next(iter(templates.values()), None)
    if template is None and not default:
        return None
    if template is None:
        with translation.override(language):
            template = AcknowledgementTemplate(
                language=language, subject=str(DEFAULT_ACK_SUBJECT), body=str(DEFAULT_ACK_BODY)
            )
    to = to or _recipient(ticket)
    if not to:
        return None
    from ..webform.links import portal_url

    link = portal_url(ticket)
    values = {
        "ticket.number": ticket.number,
        "ticket.subject": ticket.subject,
        "contact.first_name": ticket.contact.first_name,
        "contact.last_name": ticket.contact.last_name,
        "portal_url": link,
    }
    body = _fill(template.body, values)
    with translation.override(template.language):
        html = render_to_string(
            "channels/email/acknowledgement.html",
            {"body_html": markdown_to_html(body), "ticket": ticket, "portal_url": link},
        )
        text = render_to_string(
            "channels/email/acknowledgement.txt", {"body": body, "portal_url": link}
        )
    subject = _fill(template.subject, values)
    if ticket.number not in subject:
        subject = f"[{ticket.number}] {subject}"
    return email_send(
        purpose=PURPOSE_ACK,
        to=[to],
        subject=subject,
        text=text,
        html=html,
        from_address=queue_from_address(ticket.queue),
        in_reply_to=in_reply_to,
        references=[in_reply_to] if in_reply_to else [],
        # RFC 3834: an automatic answer, so well-behaved auto-responders stay quiet.
        headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
        source=ticket,
    )


def reply_from_hint(ticket: Ticket) -> str:
    """What the reply box tells the agent."""
    if ticket.contact_id is None:
        return ""
    to = _recipient(ticket)
    if not to:
        return gettext("This customer has no email address: the reply is not emailed.")
    return gettext("The reply goes out by email from %(sender)s to %(to)s.") % {
        "sender": queue_from_address(ticket.queue),
        "to": to,
    }
