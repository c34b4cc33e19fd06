"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from tickets.permissions import TICKETS_WORK

WORK = {str(r) for r in TICKETS_WORK}
CUSTOMER_DESK = WORK - {"it"}
INBOUND = {"supervisor", "admin"}
ADMIN = {"admin"}
GATEWAY = {"integration", "admin"}
PUBLIC = {"roles": "*", "anonymous": True}


def _pk(key: str) -> Any:
    return lambda w: {"pk": w.channels[key].pk}


ROUTES: dict[str, dict[str, Any]] = {
    "channels:support": {**PUBLIC, "note": "The public web form."},
    "channels:support_thanks": {
        **PUBLIC,
        "kwargs": lambda w: {"token": w.portal_token},
        "note": "Whoever holds the ticket's signed link.",
    },
    "channels:portal": {
        **PUBLIC,
        "kwargs": lambda w: {"token": w.portal_token},
        "note": "Whoever holds the ticket's signed link.",
    },
    "channels:quarantine": {"roles": INBOUND},
    "channels:reingest": {
        "roles": INBOUND,
        "kwargs": _pk("api-inbound-reingest"),
        "note": "POST only.",
    },
    "channels:inbound_original": {"roles": CUSTOMER_DESK, "kwargs": _pk("api-inbound-reingest")},
    "channels:outbound": {"roles": CUSTOMER_DESK, "kwargs": _pk("api-outbound-retry")},
    "channels:outbound_retry": {
        "roles": CUSTOMER_DESK,
        "kwargs": _pk("api-outbound-retry"),
        "note": "POST only.",
    },
    "api-inbound-email": {"roles": GATEWAY, "note": "POST only: the mail gateway."},
    "api-inbound-emails": {"roles": INBOUND},
    "api-inbound-email-detail": {"roles": INBOUND, "kwargs": _pk("api-inbound-email-detail")},
    "api-inbound-reingest": {
        "roles": INBOUND,
        "kwargs": _pk("api-inbound-reingest"),
        "note": "POST only.",
    },
    "api-inbound-addresses": {"roles": ADMIN},
    "api-inbound-address-detail": {"roles": ADMIN, "kwargs": _pk("api-inbound-address-detail")},
    "api-mailboxes": {"roles": ADMIN},
    "api-mailbox-detail": {"roles": ADMIN, "kwargs": _pk("api-mailbox-detail")},
    "api-acknowledgements": {"roles": ADMIN},
    "api-acknowledgement-detail": {"roles": ADMIN, "kwargs": _pk("api-acknowledgement-detail")},
    "api-topics": {"roles": ADMIN},
    "api-topic-detail": {"roles": ADMIN, "kwargs": _pk("api-topic-detail")},
    "api-outbound": {"roles": WORK},
    "api-outbound-retry": {
        "roles": CUSTOMER_DESK,
        "kwargs": _pk("api-outbound-retry"),
        "note": "POST only.",
    },
    "api-webhook-events": {"roles": ADMIN},
    "api-webhooks": {"roles": ADMIN},
    "api-webhook-detail": {"roles": ADMIN, "kwargs": _pk("api-webhook-detail")},
    "api-webhook-deliveries": {"roles": ADMIN},
    "api-webhook-redeliver": {
        "roles": ADMIN,
        "kwargs": _pk("api-webhook-redeliver"),
        "note": "POST only.",
    },
    "api-support-topics": {**PUBLIC, "note": "The web form's topics."},
    "api-support-requests": {**PUBLIC, "note": "POST only: the web form's API."},
}


def objects(w: Any) -> None:
    """One row of each channels model (channels.tests.samples), the ticket's portal link."""
    from channels.tests.samples import channels_objects
    from channels.webform import links

    w.channels = channels_objects(queue=w.queue, ticket=w.ticket)
    w.portal_token = links.portal_token(w.ticket)
