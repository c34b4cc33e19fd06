"""The rota page: a week of shifts per agent, with an htmx form to add, change and remove
shifts and a "copy last week" action. Supervisors schedule their teams, admins every
team; agents see their own week, read-only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest
from accounts.roles import has_role

from .. import selectors, services
from ..forms import RotaCopyForm, ShiftForm
from ..permissions import OWN_FIGURES, SUPERVISION
from ..services import rota as rota_services


def _week(raw: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw) if raw and len(raw) == 10 else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    if not rota_services.FIRST_DAY <= day <= rota_services.LAST_DAY:
        day = timezone.localdate()  # a week the rota cannot hold: this one
    return day - dt.timedelta(days=day.weekday())


def _team_id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


def _context(
    request: AuthenticatedHtmxRequest, week: dt.date, team_id: int | None, form: Any = None
) -> dict[str, Any]:
    user = request.user
    teams = selectors.rota_teams(user=user)
    chosen = [t for t in teams if t.pk == team_id] or teams
    editor = has_role(user, *SUPERVISION)
    agents = list(selectors.rota_agents(teams=chosen)) if editor else [user]
    shifts = selectors.shift_list(
        user=user,
        filters=selectors.ShiftFilters(
            team_id=team_id if team_id in {t.pk for t in teams} else None,
            date_from=week,
            date_to=week + dt.timedelta(days=6),
        ),
    )
    days = [week + dt.timedelta(days=i) for i in range(7)]
    zone = timezone.get_current_timezone()
    cells: dict[int, list[list[Any]]] = {a.pk: [[] for _ in days] for a in agents}
    for shift in shifts:
        day = shift.starts_at.astimezone(zone).date()
        if 0 <= (day - week).days < 7:
            if shift.agent_id not in cells:  # a former member still on the rota
                agents.append(shift.agent)
                cells[shift.agent_id] = [[] for _ in days]
            cells[shift.agent_id][(day - week).days].append(shift)
    if editor and form is None:
        form = ShiftForm(teams=chosen, agents=selectors.rota_agents(teams=chosen))
    return {
        "week": week,
        "previous": week - dt.timedelta(weeks=1),
        "next": week + dt.timedelta(weeks=1),
        "days": days,
        "rows": [(a, cells[a.pk]) for a in agents],
        "teams": teams,
        "team_id": team_id,
        "editor": editor,
        "form": form,
        "editing": getattr(form, "shift", None),
    }


def _answer(
    request: AuthenticatedHtmxRequest,
    week: dt.date,
    team_id: int | None,
    form: Any = None,
    status: int = 200,
) -> HttpResponse:
    if status == 200 and not request.htmx and request.method == "POST":
        return redirect(_url(week, team_id))
    context = _context(request, week, team_id, form)
    if request.htmx:
        return render(
            request, "quality/rota.html#body", context, status=422 if status != 200 else 200
        )
    return render(request, "quality/rota.html", context, status=status)


def _url(week: dt.date, team_id: int | None) -> str:
    url = f"{reverse('quality:rota')}?week={week.isoformat()}"
    return f"{url}&team={team_id}" if team_id else url


@require_http_methods(["GET"])
@role_required(*OWN_FIGURES)
def rota(request: AuthenticatedHtmxRequest) -> HttpResponse:
    week = _week(request.GET.get("week"))
    return _answer(request, week, _team_id(request.GET.get("team")))


def _save(request: AuthenticatedHtmxRequest, shift: Any = None) -> HttpResponse:
    week = _week(request.POST.get("week") or request.GET.get("week"))
    team_id = _team_id(request.POST.get("team_filter") or request.GET.get("team"))
    teams = selectors.rota_teams(user=request.user)
    agents = selectors.rota_agents(teams=teams)
    if request.method == "GET":
        initial = {}
        if shift is not None:
            initial = {
                "agent": shift.agent_id,
                "team": shift.team_id,
                "queue": shift.queue_id,
                "starts_at": timezone.localtime(shift.starts_at),
                "ends_at": timezone.localtime(shift.ends_at),
                "break_minutes": shift.break_minutes,
            }
            week = _week(timezone.localdate(shift.starts_at).isoformat())
        form = ShiftForm(initial=initial, teams=teams, agents=agents)
        form.shift = shift  # type: ignore[attr-defined]
        return _answer(request, week, team_id, form)
    form = ShiftForm(request.POST, teams=teams, agents=agents)
    form.shift = shift  # type: ignore[attr-defined]
    if form.is_valid():
        try:
            if shift is None:
                services.shift_create(actor=request.user, **form.as_values())
                messages.success(request, _("Shift added."))
            else:
                services.shift_update(actor=request.user, shift=shift, **form.as_values())
                messages.success(request, _("Shift changed."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _answer(request, week, team_id)
    return _answer(request, week, team_id, form, status=400)


@require_http_methods(["GET", "POST"])
@role_required(*SUPERVISION)
def shift_new(request: AuthenticatedHtmxRequest) -> HttpResponse:
    return _save(request)


@require_http_methods(["GET", "POST"])
@role_required(*SUPERVISION)
def shift_edit(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    return _save(request, selectors.shift_get_for_user(user=request.user, pk=pk))


@require_POST
@role_required(*SUPERVISION)
def shift_delete(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    shift = selectors.shift_get_for_user(user=request.user, pk=pk)
    week = _week(timezone.localdate(shift.starts_at).isoformat())
    services.shift_delete(actor=request.user, shift=shift)
    messages.success(request, _("Shift removed."))
    return _answer(request, week, _team_id(request.POST.get("team_filter")))


@require_POST
@role_required(*SUPERVISION)
def rota_copy(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = RotaCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a week to fill."))
        return _answer(request, _week(None), None, status=400)
    day = form.cleaned_data["week"]  # the service refuses a week the rota cannot hold
    week = _week(day.isoformat())
    team_id = form.cleaned_data.get("team")
    team = next((t for t in selectors.rota_teams(user=request.user) if t.pk == team_id), None)
    if team_id and team is None:
        messages.error(request, _("Unknown team."))
        return _answer(request, week, None, status=400)
    try:
        copied, skipped = services.shifts_copy_week(actor=request.user, week_start=day, team=team)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return _answer(request, week, team_id, status=400)
    messages.success(
        request,
        _("%(copied)s shifts copied from last week, %(skipped)s skipped (overlaps).")
        % {"copied": copied, "skipped": skipped},
    )
    return _answer(request, week, team_id)
