"""The team calendar: who works where each day, for a week or a month. A manager sees
their reports (or the team they lead); HR any team. Shows places, never addresses."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from accounts.http import HtmxHttpRequest
from accounts.models import Team, User

from .. import selectors
from ..dates import month_end, month_start

ROWS_PER_PAGE = 50


def _anchor(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw[:10]) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _cells() -> dict[str, str]:
    from django.utils.html import format_html
    from django.utils.translation import gettext

    spec = {
        "home": ("table-primary", "house-door", gettext("Home")),
        "office": ("", "building", gettext("Office")),
        "absent": ("table-warning", "dash-lg", gettext("Absent")),
        "holiday": ("table-secondary", "", gettext("Public holiday")),
        "weekend": ("table-secondary", "", ""),
    }
    out = {}
    for place, (css, icon, label) in spec.items():
        if icon:
            out[place] = format_html(
                '<td class="{}"><i class="bi bi-{}" role="img" aria-label="{}"></i></td>',
                css,
                icon,
                label,
            )
        else:
            out[place] = format_html('<td class="{}" aria-label="{}"></td>', css, label)
    return out


@require_GET
@login_required
def team_calendar(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    hr = selectors.is_hr(user)
    led = list(Team.objects.filter(lead=user).order_by("name")) if not hr else []
    teams = list(Team.objects.order_by("name")) if hr else led
    team = None
    raw_team = request.GET.get("team", "")
    if raw_team.isdigit() and len(raw_team) < 12:
        team = next((t for t in teams if t.pk == int(raw_team)), None)
        if team is None:
            raise PermissionDenied
    if (
        not hr
        and team is None
        and not User.objects.filter(manager=user, is_active=True).exists()
        and not led
    ):
        raise PermissionDenied
    view = "month" if request.GET.get("view") == "month" else "week"
    anchor = _anchor(request.GET.get("date", ""))
    if view == "month":
        first, last = month_start(anchor), month_end(anchor)
        previous, following = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
    else:
        first = anchor - dt.timedelta(days=anchor.weekday())
        last = first + dt.timedelta(days=6)
        previous, following = first - dt.timedelta(days=7), first + dt.timedelta(days=7)
    employees = selectors.employees_for_calendar(user=user, team=team)
    page = Paginator(employees, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    days, rows = selectors.team_calendar(
        employees=list(page.object_list),
        first=first,
        last=last,
        calendar=selectors.default_calendar(),
    )
    counts = [sum(1 for row in rows if row.places[index] == "home") for index in range(len(days))]
    # 50 people x 31 days is 1,550 cells: rendered from one translated piece per place,
    # not through the template engine cell by cell.
    cells = _cells()
    for row in rows:
        row.cells = mark_safe("".join(cells[place] for place in row.places))  # noqa: S308
    return render(
        request,
        "telework/team.html",
        {
            "days": days,
            "rows": rows,
            "counts": counts,
            "page": page,
            "view": view,
            "team": team,
            "teams": teams,
            "first": first,
            "last": last,
            "previous": previous,
            "following": following,
            "today": timezone.localdate(),
            "to_decide": {
                "declarations": list(selectors.declarations_to_decide(user=user)[:20]),
                "end_requests": list(selectors.end_requests_to_decide(user=user)[:20]),
                "purchases": list(selectors.purchases_to_decide(user=user)[:20]),
            },
        },
    )


@require_POST
@login_required
def declaration_decide(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import get_object_or_404, redirect
    from django.utils.translation import gettext as _

    from .. import services
    from ..forms import DecisionForm

    user: User = request.user  # type: ignore[assignment]
    declaration = get_object_or_404(selectors.declarations_to_decide(user=user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or refuse."))
        return redirect("telework:team")
    try:
        services.declaration_decide(
            declaration=declaration,
            actor=user,
            approve=form.cleaned_data["decision"] == "accept",
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("telework:team")
