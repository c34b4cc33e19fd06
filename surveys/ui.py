"""Surveys' places in the shared UI (registered from SurveysConfig.ready()): the
timeline kind, the GDPR hooks, the answers on the ticket and on the customer page, the
menu entries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.navigation import NavItem, register_nav_item
from crm import registry as crm_registry
from crm.models import Contact
from crm.timeline import register_kind
from tickets import registry as ticket_registry
from tickets.models import Ticket

from . import timeline
from .permissions import SURVEYS_MANAGE, SURVEYS_ON_RECORD, SURVEYS_RESULTS


def _ticket_panel(ticket: Ticket, request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    rows = selectors.responses_for_ticket(ticket.pk)
    return {"responses": rows, "ticket": ticket} if rows else {}


def _customer_panel(contact: Contact, request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    return {"responses": selectors.responses_for_contact(contact.pk)}


def register() -> None:
    from . import services

    for kind in timeline.SURVEY_KINDS:
        register_kind(kind)
    crm_registry.register_merge_hook("surveys", services.contact_merge_hook)
    crm_registry.register_erase_hook("surveys", services.contact_erase_hook)
    crm_registry.register_export_hook("surveys", services.contact_export_hook)
    ticket_registry.register_ticket_panel(
        ticket_registry.TicketPanel(
            key="survey_answers",
            title=_("Survey answers"),
            template="surveys/panels/answers.html",
            context=_ticket_panel,
            roles=frozenset(SURVEYS_ON_RECORD),
            order=40,
        )
    )
    crm_registry.register_customer_panel(
        crm_registry.CustomerPanel(
            key="survey_answers",
            title=_("Survey answers"),
            template="surveys/panels/answers.html",
            context=_customer_panel,
            roles=frozenset(SURVEYS_ON_RECORD),
            order=40,
        )
    )
    register_nav_item(NavItem("surveys", _("Surveys"), "surveys:list", icon="clipboard-check",
                              roles=frozenset(SURVEYS_MANAGE), order=60))  # fmt: skip
    register_nav_item(
        NavItem(
            "survey_results",
            _("Satisfaction"),
            "surveys:results",
            icon="graph-up",
            roles=frozenset(SURVEYS_RESULTS),
            order=61,
        )
    )
