"""Campaigns' places in the shared UI (called from CampaignsConfig.ready()): navigation,
the marketing workspace, the agent brief on the customer page and the ticket page, the
timeline kind, the hooks into crm, tickets, channels and telephony."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.navigation import NavItem, register_nav_item
from accounts.roles import Role
from accounts.workspaces import Panel, register_panel
from crm import registry as crm_registry
from crm.models import Contact
from crm.timeline import register_kind
from tickets import registry as ticket_registry
from tickets.models import Ticket

from . import timeline
from .permissions import CAMPAIGNS_CALL, CAMPAIGNS_MANAGE, CAMPAIGNS_SURGE


def _briefs(contact_id: int | None) -> dict[str, Any]:
    from . import selectors

    campaigns = selectors.briefs_for_contact(contact_id=contact_id)
    return {"campaigns": campaigns} if campaigns else {}


def _customer_panel(contact: Contact, request: HttpRequest) -> dict[str, Any]:
    return _briefs(contact.pk) or {"campaigns": []}


def _ticket_panel(ticket: Ticket, request: HttpRequest) -> dict[str, Any]:
    return _briefs(ticket.contact_id)


def _workspace_campaigns(request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    rows = selectors.running_and_scheduled()
    return {
        "rows": [(c, selectors.campaign_progress(campaign=c)) for c in rows],
        "finished": selectors.recently_finished(),
    }


def _workspace_callbacks(request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    return {"callbacks": selectors.callbacks_due(limit=10)}


def _workspace_surge(request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    return {"surge": selectors.surge_table()}


def _on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    from . import services

    services.tracking_event_receive(event=event)


def _on_call_ended(call_id: int) -> None:
    from . import services

    services.call_attribute(call_id=call_id)


def register() -> None:
    from anymail.signals import tracking

    from channels.outbound.services import register_bounce_hook
    from telephony.hooks import register_call_ended_hook

    from . import services

    tracking.connect(_on_tracking, dispatch_uid="campaigns.tracking")
    for kind in timeline.KINDS:
        register_kind(kind)
    crm_registry.register_erase_hook("campaigns", services.contact_erase_hook)
    crm_registry.register_export_hook("campaigns", services.contact_export_hook)
    crm_registry.register_merge_hook("campaigns", services.contact_merge_hook)
    register_bounce_hook("campaign", services.on_bounce)
    register_call_ended_hook("campaigns", _on_call_ended)
    ticket_registry.register_customer_message_hook("campaigns", services.on_customer_message)
    crm_registry.register_customer_panel(
        crm_registry.CustomerPanel(
            key="campaign_briefs",
            title=_("Campaigns for this customer"),
            template="campaigns/panels/briefs.html",
            context=_customer_panel,
            roles=frozenset(CAMPAIGNS_CALL),
            order=30,
        )
    )
    ticket_registry.register_ticket_panel(
        ticket_registry.TicketPanel(
            key="campaign_briefs",
            title=_("Campaign briefs"),
            template="campaigns/panels/briefs.html",
            context=_ticket_panel,
            roles=frozenset(CAMPAIGNS_CALL),
            order=30,
        )
    )
    register_nav_item(
        NavItem(
            key="campaigns",
            label=_("Campaigns"),
            url_name="campaigns:list",
            icon="megaphone",
            roles=frozenset(CAMPAIGNS_MANAGE),
            order=40,
        )
    )
    register_nav_item(
        NavItem(
            key="campaigns_segments",
            label=_("Segments"),
            url_name="campaigns:segments",
            icon="funnel",
            roles=frozenset(CAMPAIGNS_MANAGE),
            order=41,
        )
    )
    register_nav_item(
        NavItem(
            key="campaigns_calls",
            label=_("Call lists"),
            url_name="campaigns:calls",
            icon="telephone-outbound",
            roles=frozenset({Role.AGENT}),
            order=42,
        )
    )
    register_nav_item(
        NavItem(
            key="campaigns_surge",
            label=_("Campaign surges"),
            url_name="campaigns:surge",
            icon="graph-up-arrow",
            roles=frozenset({Role.SUPERVISOR}),
            order=43,
        )
    )
    panels = [
        Panel(
            key="campaigns_running",
            title=_("Running and scheduled campaigns"),
            template="campaigns/panels/workspace.html",
            context=_workspace_campaigns,
            roles=frozenset({Role.MARKETING}),
            order=1,
        ),
        Panel(
            key="campaigns_callbacks",
            title=_("Campaign call-backs"),
            template="campaigns/panels/callbacks.html",
            context=_workspace_callbacks,
            roles=frozenset({Role.AGENT}),
            order=30,
        ),
        Panel(
            key="campaigns_surge",
            title=_("Expected campaign volume (14 days)"),
            template="campaigns/panels/surge.html",
            context=_workspace_surge,
            roles=frozenset(CAMPAIGNS_SURGE) - {Role.ADMIN},
            order=30,
        ),
    ]
    for panel in panels:
        register_panel(panel)
