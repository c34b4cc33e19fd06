"""Where channels holds a contact's personal data, for erasure (crm.erasure,
docs/privacy.md): the stored source of inbound emails (also the web form's and the
portal's messages, which become ticket messages declared by tickets), outbound email
records, webhook payloads. Rows stay (they are receipts and delivery logs, and feed
counts); what identifies the person goes.
"""

from __future__ import annotations

from crm.registry import PersonalData, register_personal_data

_INBOUND = dict(
    scrub_text=("subject", "reason", "message_id"),
    blank=("raw", "sender"),
    json=("recipients",),
)
_OUTBOUND = dict(
    scrub_text=(
        "subject",
        "body_text",
        "body_html",
        "from_address",
        "references",
        "in_reply_to",
        "last_error",
        "bounce_reason",
    ),
    json=("to", "cc", "headers", "attachments"),
    redact_keys=("filename", "name"),
)

DECLARATIONS = (
    # The raw source repeats everything: it is blanked (size and hash stay as receipt).
    PersonalData(model="channels.InboundEmail", contact_path="ticket__contact", **_INBOUND),
    # Mail that never became a ticket (quarantined, bounces, ignored) is found by the
    # identifiers its sender, subject or recipients contain.
    PersonalData(model="channels.InboundEmail", contact_path=None, **_INBOUND),
    PersonalData(
        model="channels.OutboundEmail",
        contact_path="ticket_message__ticket__contact",
        **_OUTBOUND,
    ),
    # Acknowledgements and other mail without a ticket message: found by their recipient.
    PersonalData(model="channels.OutboundEmail", contact_path=None, **_OUTBOUND),
    PersonalData(
        model="channels.WebhookDelivery",
        contact_path=None,
        scrub_text=("response_excerpt", "error"),
        json=("payload",),
        redact_keys=("subject", "excerpt", "body", "text"),
    ),
)


def register() -> None:
    register_personal_data(*DECLARATIONS)
