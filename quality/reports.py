"""The daily and weekly team summaries: the same figures as the KPI page for one team,
shown as a page and sent to the team's supervisors (Celery beat) as a notification
with its email."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.roles import Role, has_role
from accounts.services import notification_send

from .kpis.engine import Figure, KpiFilters, KpiResult, kpis_compute
from .kpis.formulas import FORMULAS

KINDS = ("daily", "weekly")
SUMMARY = (
    "tickets_created",
    "backlog",
    "first_response_median",
    "resolution_median",
    "sla_first_response",
    "sla_resolution",
    "fcr",
    "reopen_rate",
    "calls_offered",
    "service_level",
    "abandon_rate",
    "aht",
    "csat",
    "nps",
)


@dataclass
class TeamSummary:
    team: Team
    kind: str
    result: KpiResult

    @property
    def figures(self) -> list[Figure]:
        return [self.result.figures[k] for k in SUMMARY if k in self.result.figures]


def summary_period(kind: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Daily: yesterday. Weekly: the last full week, Monday to Sunday."""
    today = today or timezone.localdate()
    if kind == "weekly":
        end = today - dt.timedelta(days=today.weekday() + 1)
        return end - dt.timedelta(days=6), end
    yesterday = today - dt.timedelta(days=1)
    return yesterday, yesterday


def team_summary(*, team: Team, kind: str, today: dt.date | None = None) -> TeamSummary:
    date_from, date_to = summary_period(kind, today)
    filters = KpiFilters(date_from=date_from, date_to=date_to, team_ids=(team.pk,))
    return TeamSummary(team, kind, kpis_compute(filters))


def summary_text(summary: TeamSummary) -> str:
    from .templatetags.quality_tags import duration_s, percent

    lines = [
        _("%(team)s, from %(start)s to %(end)s")
        % {
            "team": summary.team.name,
            "start": summary.result.filters.date_from,
            "end": summary.result.filters.date_to,
        },
        "",
    ]
    for f in summary.figures:
        unit = FORMULAS[f.id].unit
        value = (
            percent(f.value)
            if unit == "ratio"
            else duration_s(f.value)
            if unit == "s"
            else "—"
            if f.value is None
            else f"{f.value:g}"
        )
        lines.append(f"- {FORMULAS[f.id].label} : {value}")
    return "\n".join(lines)


def team_supervisors(team: Team) -> list[User]:
    users = User.objects.filter(Q(teams=team) | Q(led_teams=team), is_active=True).distinct()
    return [u for u in users if has_role(u, Role.SUPERVISOR)]


def summaries_send(*, kind: str, today: dt.date | None = None) -> int:
    """Notify (and email) every team's supervisors; returns the notifications sent."""
    sent = 0
    for team in Team.objects.filter(queues__isnull=False).distinct().order_by("pk"):
        recipients = team_supervisors(team)
        if not recipients:
            continue
        summary = team_summary(team=team, kind=kind, today=today)
        for user in recipients:
            with translation.override(user.language):
                title = (
                    _("Daily summary: %(team)s")
                    if kind == "daily"
                    else _("Weekly summary: %(team)s")
                ) % {"team": team.name}
                notification_send(
                    recipient=user,
                    title=title,
                    body=summary_text(summary),
                    url=f"{reverse('quality:reports')}?team={team.pk}&kind={kind}",
                    email=True,
                )
            sent += 1
    return sent
