"""Each KPI's stable id, label, unit and the formula shown next to it (DOMAIN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Formula:
    id: str
    label: Any
    text: Any
    unit: str  # "s", "ratio", "count", "score"


FORMULAS: dict[str, Formula] = {
    f.id: f
    for f in [
        Formula(
            "tickets_created",
            _("New tickets"),
            _("tickets created in the period (merged tickets excluded)"),
            "count",
        ),
        Formula(
            "first_response_median",
            _("First response time (median)"),
            _("median of (first public agent reply - creation), business time"),
            "s",
        ),
        Formula(
            "first_response_p90",
            _("First response time (p90)"),
            _("90th percentile of (first public agent reply - creation), business time"),
            "s",
        ),
        Formula(
            "resolution_median",
            _("Resolution time (median)"),
            _("median of (resolved - creation), business time, pauses excluded"),
            "s",
        ),
        Formula(
            "resolution_p90",
            _("Resolution time (p90)"),
            _("90th percentile of (resolved - creation), business time, pauses excluded"),
            "s",
        ),
        Formula(
            "sla_first_response",
            _("SLA compliance: first response"),
            _("tickets answered within target / tickets whose first-response target fell due"),
            "ratio",
        ),
        Formula(
            "sla_resolution",
            _("SLA compliance: resolution"),
            _("tickets resolved within target / tickets whose resolution target fell due"),
            "ratio",
        ),
        Formula(
            "backlog",
            _("Backlog"),
            _("tickets not resolved or closed at the end of the period"),
            "count",
        ),
        Formula(
            "reopen_rate",
            _("Reopen rate"),
            _("tickets resolved in the period that were reopened / tickets resolved"),
            "ratio",
        ),
        Formula(
            "fcr",
            _("First contact resolution"),
            _(
                "resolved tickets never reopened and with no new contact from the same "
                "customer on the same topic within the FCR window / resolved tickets"
            ),
            "ratio",
        ),
        Formula(
            "calls_offered",
            _("Calls offered"),
            _("inbound calls, abandons under the short-abandon threshold excluded"),
            "count",
        ),
        Formula("calls_answered", _("Calls answered"), _("offered calls answered"), "count"),
        Formula(
            "calls_abandoned",
            _("Calls abandoned"),
            _("offered calls abandoned by the caller after the short-abandon threshold"),
            "count",
        ),
        Formula("abandon_rate", _("Abandon rate"), _("abandoned / offered"), "ratio"),
        Formula(
            "service_level",
            _("Service level"),
            _("calls answered within T seconds / calls offered"),
            "ratio",
        ),
        Formula(
            "aht",
            _("Average handling time"),
            _("(talk + hold + after-call work) / calls handled"),
            "s",
        ),
        Formula(
            "occupancy",
            _("Occupancy"),
            _("handling time / available time (present: available or busy)"),
            "ratio",
        ),
        Formula(
            "csat",
            _("CSAT"),
            _("answers 4-5 / all answers on a 1-5 scale"),
            "ratio",
        ),
        Formula(
            "nps",
            _("NPS"),
            _("% promoters (9-10) - % detractors (0-6) on a 0-10 scale"),
            "score",
        ),
    ]
}
