"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from .permissions import TICKETS_SUPERVISE, TICKETS_WORK

WORK = {str(r) for r in TICKETS_WORK}
SUPERVISE = {str(r) for r in TICKETS_SUPERVISE}
# The world's customer ticket is in the agent's team's queue: IT works only the IT queue.
CUSTOMER_DESK = WORK - {"it"}
# The world's IT request was raised by HR: these are the requester's pages (the IT desk
# works it from tickets:detail).
IT_REQUEST = {"hr"}


def _ticket(w: Any) -> dict[str, Any]:
    return {"pk": w.ticket.pk}


def _it_request(w: Any) -> dict[str, Any]:
    return {"pk": w.it_request.pk}


ROUTES: dict[str, dict[str, Any]] = {
    "tickets:inbox": {"roles": WORK},
    "tickets:bulk": {"roles": WORK, "note": "POST only."},
    "tickets:saved_view_create": {"roles": WORK, "note": "POST only."},
    "tickets:saved_view_delete": {
        "roles": {"agent"},
        "kwargs": lambda w: {"pk": w.ticket_saved_view.pk},
        "note": "POST only; its owner (the agent's view).",
    },
    "tickets:presence": {"roles": WORK, "note": "POST only."},
    "tickets:create": {"roles": WORK},
    "tickets:customer_suggest": {
        "roles": WORK,
        "query": lambda w: {"contact": "a"},
        "note": "The customer typeahead of the ticket form (crm search).",
    },
    "tickets:customer_create": {
        "roles": CUSTOMER_DESK,
        "note": "POST only: a new customer from the ticket form (IT requests have none).",
    },
    "tickets:detail": {
        "roles": CUSTOMER_DESK,
        "kwargs": _ticket,
        "note": "Teams that see the queue, supervisors, admins; a staff requester too.",
    },
    "tickets:messages": {
        "roles": CUSTOMER_DESK,
        "kwargs": _ticket,
        "query": lambda w: {"before": 2},
        "note": "Earlier messages of the conversation.",
    },
    "tickets:reply": {"roles": CUSTOMER_DESK, "kwargs": _ticket, "note": "POST only."},
    "tickets:properties": {"roles": CUSTOMER_DESK, "kwargs": _ticket, "note": "POST only."},
    "tickets:take": {"roles": CUSTOMER_DESK, "kwargs": _ticket, "note": "POST only."},
    "tickets:merge": {"roles": SUPERVISE, "kwargs": _ticket},
    "tickets:next": {"roles": CUSTOMER_DESK, "kwargs": _ticket},
    "tickets:ticket_presence": {
        "roles": CUSTOMER_DESK,
        "kwargs": _ticket,
        "note": "Colleagues viewing or typing in the ticket (polled; POST records one's own).",
    },
    "tickets:macro_preview": {
        "roles": {"agent"},
        "kwargs": lambda w: {"pk": w.ticket.pk, "macro_pk": w.macro.pk},
        "note": "The macro is the agent's personal one: its owner only.",
    },
    "tickets:attachment": {
        "roles": CUSTOMER_DESK,
        "kwargs": lambda w: {"pk": w.attachment.pk},
        "note": "Whoever may see its ticket.",
    },
    "tickets:macro_list": {"roles": WORK},
    "tickets:macro_create": {"roles": WORK},
    "tickets:macro_edit": {
        "roles": {"agent"},
        "kwargs": lambda w: {"pk": w.macro.pk},
        "note": "A personal macro: its owner only (a team macro: the team's lead too).",
    },
    "tickets:macro_delete": {
        "roles": {"agent"},
        "kwargs": lambda w: {"pk": w.macro.pk},
        "note": "POST only; as editing.",
    },
    "tickets:it_request": {"roles": "*", "note": "Every member of staff raises IT requests."},
    "tickets:my_requests": {"roles": "*", "note": "One's own IT requests."},
    "tickets:my_request": {"roles": IT_REQUEST, "kwargs": _it_request},
    "tickets:my_request_reply": {"roles": IT_REQUEST, "kwargs": _it_request, "note": "POST only."},
    "api-queues": {"roles": WORK, "note": "The queues one sees."},
    "api-queue-detail": {"roles": CUSTOMER_DESK, "kwargs": lambda w: {"pk": w.queue.pk}},
    "api-tickets": {"roles": WORK},
    "api-ticket-detail": {"roles": CUSTOMER_DESK, "kwargs": _ticket},
    "api-ticket-messages": {"roles": CUSTOMER_DESK, "kwargs": _ticket},
    "api-ticket-assign": {"roles": CUSTOMER_DESK, "kwargs": _ticket, "note": "POST only."},
    "api-ticket-merge": {"roles": SUPERVISE, "kwargs": _ticket, "note": "POST only."},
    "api-attachment-download": {
        "roles": CUSTOMER_DESK,
        "kwargs": lambda w: {"pk": w.attachment.pk},
        "note": "The attachment `url` of the messages endpoint; whoever may see its ticket.",
    },
    "api-ticket-presence": {"roles": CUSTOMER_DESK, "kwargs": _ticket},
}


def objects(w: Any) -> None:
    """The desk (the agent in the customer queue's team, IT in the IT queue's), a
    customer ticket with an attachment, an IT request raised by HR, a macro and a saved
    view of the agent's."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tickets import services
    from tickets.models import Attachment
    from tickets.tests.factories import MacroFactory, desk, open_ticket

    d = desk()
    d.team.members.add(w.users["agent"])
    d.it_queue.team.members.add(w.users["it"])
    w.desk = d
    w.queue = d.queue
    w.ticket = open_ticket(d, contact=w.contact)
    services.ticket_reply(
        ticket=w.ticket,
        author=w.users["agent"],
        body="Voici la notice.",
        attachments=[SimpleUploadedFile("notice.txt", b"bonjour", content_type="text/plain")],
    )
    w.attachment = Attachment.objects.filter(message__ticket=w.ticket).get()
    w.it_request = services.it_request_create(
        requester=w.users["hr"], subject="Écran cassé", body="Mon écran ne s'allume plus."
    )
    w.macro = MacroFactory(owner=w.users["agent"])
    w.ticket_saved_view = services.saved_view_create(
        owner=w.users["agent"], name="Mes urgents", query="priority=3"
    )
