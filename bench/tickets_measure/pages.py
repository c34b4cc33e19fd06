"""The pages requested: inbox views and fragments, ticket, customer, homes, admin, API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ..harness import (
    Page,
)
from .config import ADMIN_CHANGELISTS, INBOX_CASES, SEARCH_WORD, TARGETS

HTMX = {"HX-Request": "true"}


def inbox_pages(subjects: dict[str, Any], *, fragments: bool = True) -> list[Page]:
    pages = []
    for key, title, raw in INBOX_CASES:
        params = {k: (str(subjects["queue_id"]) if v == "QUEUE" else v) for k, v in raw.items()}
        path = f"/tickets/?{urlencode(params)}"
        pages.append(Page(f"inbox_{key}", f"Inbox page, {title}", path, subjects["agent_email"],
                          group="inbox", target_p95_ms=TARGETS["inbox_p95_ms"]))  # fmt: skip
        if fragments:
            pages.append(Page(f"rows_{key}", f"Inbox rows (htmx), {title}", path,
                              subjects["agent_email"], headers=HTMX, group="inbox",
                              target_p95_ms=TARGETS["inbox_p95_ms"]))  # fmt: skip
    return pages


def ticket_pages(subjects: dict[str, Any]) -> list[Page]:
    from tickets import selectors
    from tickets.models import Ticket

    heavy = subjects["heavy_ticket_id"]
    _, before = selectors.ticket_messages_page(ticket=Ticket.objects.get(pk=heavy))
    pages = [
        Page("ticket_page", f"Ticket page, {subjects['heavy_ticket_messages']} messages",
             f"/tickets/{heavy}/", subjects["agent_email"], group="ticket",
             target_p95_ms=TARGETS["ticket_page_p95_ms"]),
    ]  # fmt: skip
    if before:
        pages.append(Page("ticket_earlier", "Ticket page, earlier messages (htmx)",
                          f"/tickets/{heavy}/messages/?before={before}",
                          subjects["agent_email"], headers=HTMX, group="ticket"))  # fmt: skip
    return pages


def customer_pages(subjects: dict[str, Any]) -> list[Page]:
    pages = []
    if subjects.get("ticket_contact_id"):
        pages.append(Page("customer_page", "Customer page (the 500-message ticket's customer)",
                          f"/customers/{subjects['ticket_contact_id']}/",
                          subjects["agent_email"], group="customer"))  # fmt: skip
    if subjects.get("heavy_contact_id"):
        rows = subjects["heavy_contact_timeline_rows"]
        pages.append(Page("customer_page_heavy", f"Customer page, {rows:,} timeline rows",
                          f"/customers/{subjects['heavy_contact_id']}/",
                          subjects["agent_email"], group="customer"))  # fmt: skip
    return pages


def home_pages(subjects: dict[str, Any]) -> list[Page]:
    return [
        Page(f"home_{role}", f"Home ({role} workspace)", f"/workspace/{role}/", email, group="home")
        for role, email in subjects["role_users"].items()
    ]


def admin_pages(subjects: dict[str, Any]) -> list[Page]:
    admin = subjects["role_users"]["admin"]
    return [Page(key, title, path, admin, group="admin") for key, title, path in ADMIN_CHANGELISTS]


def api_pages(subjects: dict[str, Any]) -> list[Page]:
    agent = subjects["agent_email"]

    def api(key: str, title: str, path: str) -> Page:
        return Page(key, title, path, agent, auth="token", group="api", budget=False,
                    headers={"Accept": "application/json"})  # fmt: skip

    return [
        api("api_tickets", "API tickets list, page 1 (50 rows)", "/api/v1/tickets/"),
        api("api_tickets_mine", "API tickets list, ?view=mine&status=active",
            "/api/v1/tickets/?view=mine&status=active"),
        api("api_tickets_search", f"API tickets list, ?search={SEARCH_WORD}",
            f"/api/v1/tickets/?search={SEARCH_WORD}"),
        api("api_contacts", "API contacts list, page 1", "/api/v1/contacts/"),
    ]  # fmt: skip


def all_pages(subjects: dict[str, Any]) -> list[Page]:
    return [
        *inbox_pages(subjects),
        *ticket_pages(subjects),
        *customer_pages(subjects),
        *home_pages(subjects),
        *admin_pages(subjects),
        *api_pages(subjects),
    ]
