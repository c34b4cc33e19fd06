"""Sales' places in the shared UI, registered from SalesConfig.ready(): the timeline kinds,
the customer page (panel, "flag" button, the action on each call), the ticket page
(button and panel), navigation and workspace panels."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.navigation import NavItem, register_nav_item
from accounts.roles import Role
from accounts.workspaces import Panel, register_panel
from crm import registry as crm_registry
from crm.models import Contact
from crm.timeline import CALL, register_kind
from tickets import registry as ticket_registry
from tickets.models import Ticket

from . import timeline
from .permissions import SALES_FLAG, SALES_READ, SALES_WORK


def _customer_panel(contact: Contact, request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    return {
        "opportunities": selectors.contact_opportunities(
            user=request.user,
            contact_id=contact.pk,  # type: ignore[arg-type]
        ),
        "contact": contact,
    }


def _ticket_panel(ticket: Ticket, request: HttpRequest) -> dict[str, Any]:
    from django.db.models import Q

    from . import selectors

    rows = list(
        selectors.visible_opportunities(user=request.user)  # type: ignore[arg-type]
        .filter(Q(source_ticket=ticket) | Q(onboarding_ticket=ticket))
        .select_related("product", "owner")
        .order_by("-created_at")[:10]
    )
    return {"opportunities": rows, "ticket": ticket} if rows else {}


def _my_flags(request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    return {"opportunities": list(selectors.my_flags(user=request.user)[:8])}  # type: ignore[arg-type]


def _to_accept(request: HttpRequest) -> dict[str, Any]:
    from . import selectors
    from .models import RepStatus

    status = RepStatus.objects.filter(user=request.user).values_list("is_available", flat=True)
    return {
        "opportunities": list(selectors.handoffs_to_accept(user=request.user)[:10]),  # type: ignore[arg-type]
        "available": status.first() is not False,
    }


def _pipeline(request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    return {"stages": selectors.my_pipeline(user=request.user)}  # type: ignore[arg-type]


def _calls_today(request: HttpRequest) -> dict[str, Any]:
    from . import selectors

    return {"opportunities": selectors.calls_today(user=request.user)}  # type: ignore[arg-type]


def _team_board(request: HttpRequest) -> dict[str, Any]:
    from . import selectors, services

    user = request.user
    if not services.is_sales_lead(user):  # type: ignore[arg-type]
        return {"is_lead": False}
    from django.db.models import Count, Q

    from .models import OPEN_STAGES, Opportunity

    per_rep = list(
        Opportunity.objects.filter(stage__in=OPEN_STAGES)
        .values("owner_id", "owner__first_name", "owner__last_name")
        .annotate(
            open=Count("id"),
            waiting=Count("id", filter=Q(stage="new", accepted_at__isnull=True)),
        )
        .order_by("owner__last_name", "owner__first_name")[:20]
    )
    return {
        "is_lead": True,
        "escalated": list(selectors.escalated_handoffs(user=user)[:8]),  # type: ignore[arg-type]
        "unassigned": list(selectors.unassigned_handoffs(user=user)[:8]),  # type: ignore[arg-type]
        "per_rep": per_rep,
    }


def _kpi_panel(request: HttpRequest) -> dict[str, Any]:
    from . import kpis, selectors

    start, end = kpis.default_period()
    total, _rows = kpis.handoff_kpis(
        opportunities=selectors.aggregate_scope(user=request.user),  # type: ignore[arg-type]
        start=start,
        end=end,
    )
    return {"total": total, "start": start, "end": end, "formulas": kpis.FORMULAS}


def register() -> None:
    for kind in timeline.SALES_KINDS:
        register_kind(kind)
    from . import services

    crm_registry.register_merge_hook("sales", services.contact_merge_hook)
    services.register_personal_data_declarations()
    crm_registry.register_export_hook("sales", services.contact_export_hook)
    crm_registry.register_customer_panel(
        crm_registry.CustomerPanel(
            key="opportunities",
            title=_("Sales opportunities"),
            template="sales/panels/customer.html",
            context=_customer_panel,
            roles=frozenset(SALES_READ),
            order=20,
        )
    )
    flag_label = _("Flag an opportunity")
    crm_registry.register_contact_action(
        crm_registry.ContactAction(
            key="flag_opportunity", label=flag_label, url_name="sales:flag", icon="lightbulb",
            roles=frozenset(SALES_FLAG),
        )
    )  # fmt: skip
    crm_registry.register_activity_action(
        crm_registry.ActivityAction(
            key="flag_opportunity_from_call", kind=CALL, label=flag_label,
            url_name="sales:flag", param="call", icon="lightbulb", roles=frozenset(SALES_FLAG),
        )
    )  # fmt: skip
    ticket_registry.register_ticket_action(
        ticket_registry.TicketAction(
            key="flag_opportunity", label=flag_label, url_name="sales:flag", icon="lightbulb",
            roles=frozenset(SALES_FLAG),
        )
    )  # fmt: skip
    ticket_registry.register_ticket_panel(
        ticket_registry.TicketPanel(
            key="opportunities",
            title=_("Sales opportunities"),
            template="sales/panels/ticket.html",
            context=_ticket_panel,
            roles=frozenset(SALES_READ),
        )
    )
    register_nav_item(
        NavItem(key="sales_board", label=_("Pipeline"), url_name="sales:board", icon="kanban",
                roles=frozenset(SALES_WORK), order=30)
    )  # fmt: skip
    register_nav_item(
        # Reps reach the list from the board; agents follow their flags here.
        NavItem(key="sales_list", label=_("Opportunities"), url_name="sales:list",
                icon="lightbulb", roles=frozenset({Role.AGENT}), order=31)
    )  # fmt: skip
    register_nav_item(
        NavItem(key="sales_kpis", label=_("Sales figures"), url_name="sales:kpis",
                icon="graph-up", roles=frozenset({Role.SUPERVISOR, Role.MARKETING}), order=32)
    )  # fmt: skip
    panels = [
        Panel(key="sales_my_flags", title=_("My handoffs to sales"),
              template="sales/panels/my_flags.html", context=_my_flags,
              roles=frozenset({Role.AGENT, Role.SUPERVISOR}), order=15),
        Panel(key="sales_to_accept", title=_("Handoffs to accept"),
              template="sales/panels/to_accept.html", context=_to_accept,
              roles=frozenset({Role.SALES}), order=1),
        Panel(key="sales_pipeline", title=_("My pipeline"), template="sales/panels/pipeline.html",
              context=_pipeline, roles=frozenset({Role.SALES}), order=2),
        Panel(key="sales_calls_today", title=_("Calls to make today"),
              template="sales/panels/calls_today.html", context=_calls_today,
              roles=frozenset({Role.SALES}), order=3),
        Panel(key="sales_team_board", title=_("Team board"),
              template="sales/panels/team_board.html", context=_team_board,
              roles=frozenset({Role.SALES}), order=4),
        Panel(key="sales_kpis", title=_("Handoff KPIs this quarter"),
              template="sales/panels/kpis.html", context=_kpi_panel,
              roles=frozenset({Role.SUPERVISOR, Role.SALES, Role.MARKETING}), order=40),
    ]  # fmt: skip
    for panel in panels:
        register_panel(panel)
