"""Who may reach each of this app's URLs (read by relais.access, tests/test_url_matrix.py
and `manage.py access_table`, rendered in docs/permissions.md)."""

from __future__ import annotations

from typing import Any

from .permissions import SALES_AGGREGATES, SALES_FLAG, SALES_READ, SALES_WORK

FLAG = {str(r) for r in SALES_FLAG}
READ = {str(r) for r in SALES_READ}
WORK = {str(r) for r in SALES_WORK}
AGGREGATES = {str(r) for r in SALES_AGGREGATES}
# The world's opportunity was flagged by the agent and routed to the sales rep.
OPPORTUNITY = {"agent", "sales", "admin"}


def _opportunity(w: Any) -> dict[str, Any]:
    return {"pk": w.opportunity.pk}


ROUTES: dict[str, dict[str, Any]] = {
    "sales:flag": {"roles": FLAG, "query": lambda w: {"contact": w.contact.pk}},
    "sales:board": {"roles": WORK},
    "sales:list": {"roles": READ, "note": "Rows filtered: one's own, one's team's."},
    "sales:saved_view_create": {"roles": READ, "note": "POST only."},
    "sales:saved_view_delete": {
        "roles": {"sales"},
        "kwargs": lambda w: {"pk": w.sales_saved_view.pk},
        "note": "POST only; its owner (the rep's view).",
    },
    "sales:detail": {"roles": OPPORTUNITY, "kwargs": _opportunity},
    "sales:accept": {"roles": WORK, "kwargs": _opportunity, "note": "POST only."},
    "sales:hand_back": {"roles": WORK, "kwargs": _opportunity, "note": "POST only."},
    "sales:reassign": {"roles": WORK, "kwargs": _opportunity},
    "sales:move": {"roles": WORK, "kwargs": _opportunity, "note": "POST only."},
    "sales:acknowledge": {"roles": WORK, "kwargs": _opportunity, "note": "POST only."},
    "sales:edit": {"roles": WORK, "kwargs": _opportunity},
    "sales:onboarding": {"roles": WORK, "kwargs": _opportunity},
    "sales:kpis": {"roles": AGGREGATES},
    "sales:forecast": {"roles": AGGREGATES},
    "sales:availability": {"roles": {"sales"}, "note": "POST only: a rep's own."},
    "api-products": {"roles": FLAG | AGGREGATES},
    "api-opportunities": {"roles": READ, "note": "POST (flag): " + ", ".join(sorted(FLAG))},
    "api-opportunity-kpis": {"roles": AGGREGATES},
    "api-opportunity-detail": {"roles": OPPORTUNITY, "kwargs": _opportunity},
    "api-opportunity-move": {"roles": WORK, "kwargs": _opportunity, "note": "POST only."},
    "api-opportunity-accept": {
        "roles": {"sales"},
        "kwargs": _opportunity,
        "note": "POST only; the rep it was routed to.",
    },
    "api-opportunity-acknowledge": {"roles": WORK, "kwargs": _opportunity, "note": "POST only."},
    "api-opportunity-hand-back": {"roles": WORK, "kwargs": _opportunity, "note": "POST only."},
    "api-opportunity-reassign": {"roles": WORK, "kwargs": _opportunity, "note": "POST only."},
    "api-opportunity-onboarding": {"roles": WORK, "kwargs": _opportunity, "note": "POST only."},
}


def objects(w: Any) -> None:
    """A sales team with the rep, an opportunity the agent flagged routed to the rep, and
    a saved list view of the rep's."""
    from accounts.models import Team
    from accounts.tests.factories import TeamFactory
    from sales import services
    from sales.models import Opportunity, SavedView
    from sales.tests.factories import ProductFactory

    rep = w.users["sales"]
    team = TeamFactory(name="Ventes", kind=Team.Kind.SALES, members=[rep])
    w.opportunity = services.opportunity_flag(
        actor=w.users["agent"],
        contact=w.contact,
        need="Veut la fibre pour ses bureaux",
        product=ProductFactory(name="Fibre Pro", product_line="Fibre"),
        amount="1200",
        wants_call=False,
    )
    if w.opportunity.owner_id is None:
        # No routing rule in this world: route it by hand, as a lead would.
        Opportunity.objects.filter(pk=w.opportunity.pk).update(owner=rep, team=team)
        w.opportunity.refresh_from_db()
    w.sales_saved_view = SavedView.objects.create(owner=rep, name="Mes affaires", query="stage=new")
