"""The service desk's places in the shared UI: navigation, workspace panels, the panel on
the customer page. Registered from TicketsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.http import AuthenticatedHttpRequest
from accounts.navigation import NavItem, register_nav_item
from accounts.roles import Role
from accounts.workspaces import Panel, register_panel
from crm.models import Contact
from crm.permissions import CRM_READ
from crm.registry import (
    CustomerPanel,
    SearchSection,
    register_customer_panel,
    register_search_section,
)
from relais.db_hints import fixed_join_order

from . import selectors
from .permissions import TICKETS_WORK


def _inbox_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    user = request.user
    mine = selectors.ticket_inbox(user=user, filters=selectors.InboxFilters(view="mine"))
    with fixed_join_order():  # six joins: planning was 10x the query (relais.db_hints)
        tickets = list(mine[:8])
    return {
        "tickets": tickets,
        "counts": selectors.inbox_counts(user=user),
    }


def _my_requests_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"requests": list(selectors.my_requests(user=request.user)[:5])}


def _customer_tickets(contact: Contact, request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"tickets": selectors.contact_tickets(contact=contact, limit=10), "contact": contact}


def _ticket_search(query: str, request: AuthenticatedHttpRequest) -> list[Any]:
    filters = selectors.InboxFilters(view="all", status="all", search=query)
    return list(selectors.ticket_inbox(user=request.user, filters=filters)[:10])


def register() -> None:
    register_search_section(
        SearchSection(
            key="tickets",
            title=_("Tickets"),
            template="tickets/components/search_results.html",
            results=_ticket_search,
            roles=frozenset(TICKETS_WORK),
            order=10,
        )
    )
    register_nav_item(
        NavItem(
            key="tickets",
            label=_("Tickets"),
            url_name="tickets:inbox",
            icon="inbox",
            roles=frozenset(TICKETS_WORK),
            order=10,
        )
    )
    register_nav_item(
        NavItem(
            key="my_requests",
            label=_("My IT requests"),
            url_name="tickets:my_requests",
            icon="pc-display",
            order=90,
        )
    )
    register_panel(
        Panel(
            key="tickets_mine",
            title=_("My tickets"),
            template="tickets/panels/mine.html",
            context=_inbox_panel,
            roles=frozenset({Role.AGENT, Role.SUPERVISOR, Role.IT}),
            order=1,
        )
    )
    register_panel(
        Panel(
            key="tickets_my_requests",
            title=_("My IT requests"),
            template="tickets/panels/my_requests.html",
            context=_my_requests_panel,
            order=60,
        )
    )
    register_customer_panel(
        CustomerPanel(
            key="tickets",
            title=_("Tickets"),
            template="tickets/panels/customer_tickets.html",
            context=_customer_tickets,
            roles=frozenset(CRM_READ),
            order=10,
        )
    )
