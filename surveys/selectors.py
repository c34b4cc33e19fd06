"""Reads of the surveys: the results (one aggregate in SQL), answer lists, panels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Survey, SurveyKind, SurveyResponse

GROUPS = {
    "queue": ("queue_id", "queue__name"),
    "team": ("team_id", "team__name"),
    "agent": ("agent_id", "agent__last_name"),
    "channel": ("channel", "channel"),
}

COUNTS = {
    "csat_responses": Count("id", filter=Q(kind=SurveyKind.CSAT)),
    "csat_satisfied": Count("id", filter=Q(kind=SurveyKind.CSAT, score__gte=4)),
    "nps_responses": Count("id", filter=Q(kind=SurveyKind.NPS)),
    "promoters": Count("id", filter=Q(kind=SurveyKind.NPS, score__gte=9)),
    "detractors": Count("id", filter=Q(kind=SurveyKind.NPS, score__lte=6)),
}

FORMULAS = {
    "csat": "CSAT = answers 4-5 / all answers on the 1-5 scale",
    "nps": "NPS = % promoters (9-10) - % detractors (0-6)",
}


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def responses_in_period(
    date_from: dt.date,
    date_to: dt.date,
    *,
    queue_ids: Sequence[int] | None = None,
    team_ids: Sequence[int] | None = None,
    agent_ids: Sequence[int] | None = None,
    channel: str | None = None,
) -> QuerySet[SurveyResponse]:
    start, end = _bounds(date_from, date_to)
    rows = SurveyResponse.objects.filter(answered_at__gte=start, answered_at__lt=end)
    if queue_ids is not None:
        rows = rows.filter(queue_id__in=list(queue_ids))
    if team_ids is not None:
        rows = rows.filter(team_id__in=list(team_ids))
    if agent_ids is not None:
        rows = rows.filter(agent_id__in=list(agent_ids))
    if channel:
        rows = rows.filter(channel=channel)
    return rows


def satisfaction_counts(
    date_from: dt.date,
    date_to: dt.date,
    *,
    queue_ids: Sequence[int] | None = None,
    team_ids: Sequence[int] | None = None,
    agent_ids: Sequence[int] | None = None,
    channel: str | None = None,
) -> dict[str, int]:
    """Answers between the two dates (inclusive, local time), counted in one query: the
    supervision KPIs compute CSAT and NPS from them (`csat_rate`, `nps_value`)."""
    rows = responses_in_period(
        date_from, date_to, queue_ids=queue_ids, team_ids=team_ids, agent_ids=agent_ids,
        channel=channel,
    )  # fmt: skip
    result = rows.aggregate(**COUNTS)
    return {name: int(result[name] or 0) for name in COUNTS}


def csat_rate(counts: dict[str, int]) -> float | None:
    """Percentage of satisfied answers (4-5), None without answers."""
    if not counts["csat_responses"]:
        return None
    return round(100 * counts["csat_satisfied"] / counts["csat_responses"], 1)


def nps_value(counts: dict[str, int]) -> float | None:
    """% promoters - % detractors, between -100 and 100; None without answers."""
    if not counts["nps_responses"]:
        return None
    return round(100 * (counts["promoters"] - counts["detractors"]) / counts["nps_responses"], 1)


@dataclass(frozen=True)
class ResultRow:
    label: str
    key: Any
    counts: dict[str, int]

    @property
    def csat(self) -> float | None:
        return csat_rate(self.counts)

    @property
    def nps(self) -> float | None:
        return nps_value(self.counts)


def results_by_month(rows: QuerySet[SurveyResponse]) -> list[ResultRow]:
    data = (
        rows.annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(**COUNTS)
        .order_by("month")
    )
    result = []
    for item in data:
        month = item["month"]
        month_date = month.date() if isinstance(month, dt.datetime) else month
        result.append(ResultRow(month_date.isoformat()[:7], month_date,
                                {k: int(item[k]) for k in COUNTS}))  # fmt: skip
    return result


def results_by_group(rows: QuerySet[SurveyResponse], group: str) -> list[ResultRow]:
    key, label = GROUPS[group]
    fields = [key, label] if key != label else [key]
    if group == "agent":
        fields.append("agent__first_name")
    data = rows.values(*fields).annotate(**COUNTS).order_by(label)
    result = []
    for item in data:
        if group == "agent":
            name = " ".join(filter(None, [item["agent__first_name"], item[label]]))
        else:
            name = item[label]
        result.append(ResultRow(str(name or "—"), item[key], {k: int(item[k]) for k in COUNTS}))
    return result


def survey_list() -> QuerySet[Survey]:
    return (
        Survey.objects.select_related("follow_up_queue")
        .prefetch_related("queues")
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count("responses", distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def responses_list() -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.select_related(
        "survey", "contact", "queue", "team", "agent", "follow_up_ticket"
    ).order_by("-answered_at", "-id")


def responses_for_ticket(ticket_id: int) -> list[SurveyResponse]:
    return list(
        responses_list().filter(Q(ticket_id=ticket_id) | Q(follow_up_ticket_id=ticket_id))[:10]
    )


def responses_for_contact(contact_id: int) -> list[SurveyResponse]:
    return list(responses_list().filter(contact_id=contact_id)[:10])
