from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest

from .. import selectors
from ..forms import ErlangForm, KpiFilterForm
from ..kpis.exports import kpis_csv, kpis_xlsx
from ..kpis.formulas import FORMULAS
from ..permissions import OWN_FIGURES, SUPERVISION
from ..services.rota import FIRST_DAY, LAST_DAY
from ..staffing.erlang import erlang_c
from ..staffing.plan import current_shrinkage, staffing_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHARTED = ("tickets_created", "sla_first_response", "sla_resolution", "service_level", "fcr")


@require_GET
@role_required(*OWN_FIGURES)
def kpis(request: AuthenticatedHtmxRequest) -> HttpResponse:
    scope = selectors.supervision_scope(user=request.user)
    form = KpiFilterForm(request.GET or None, queues=selectors.scope_queues(scope))
    result = None
    if (form.is_bound and form.is_valid()) or not form.is_bound:
        query = form.as_query() if form.is_bound else {}
        try:
            result = selectors.kpis_for(user=request.user, data=query)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    status = 200 if result is not None else 400
    export = request.GET.get("export")
    if result is not None and export in ("csv", "xlsx"):
        name = f"kpis-{result.filters.date_from}-{result.filters.date_to}"
        body, kind = (
            (kpis_csv(result), "text/csv; charset=utf-8")
            if export == "csv"
            else (kpis_xlsx(result), XLSX)
        )
        response = HttpResponse(body, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="{name}.{export}"'
        return response
    context: dict[str, Any] = {
        "form": form,
        "result": result,
        "formulas": FORMULAS,
        "query": request.GET.urlencode(),
    }
    if result is not None:
        context["data"] = selectors.kpi_result_data(result)
        if result.groups:
            context["chart"] = {
                "labels": [str(g["label"]) for g in result.groups],
                "series": [
                    {
                        "label": str(FORMULAS[k].label),
                        "unit": FORMULAS[k].unit,
                        "data": [
                            g["figures"][k].value if k in g["figures"] else None
                            for g in result.groups
                        ],
                    }
                    for k in CHARTED
                ],
            }
            context["chart_json"] = True
    return render(request, "quality/kpis.html", context, status=status)


@require_GET
@role_required(*SUPERVISION)
def staffing(request: AuthenticatedHtmxRequest) -> HttpResponse:
    scope = selectors.supervision_scope(user=request.user)
    queues = selectors.scope_queues(scope)
    form = ErlangForm(request.GET if "contacts" in request.GET else None)
    shrinkage = current_shrinkage()
    erlang = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        erlang = erlang_c(
            contacts=d["contacts"],
            interval_s=d["interval_s"],
            aht_s=d["aht_s"],
            target_sl=d["target_sl"] / 100,
            target_s=d["target_s"],
            shrinkage=shrinkage,
        )
    plan = None
    queue_id = request.GET.get("queue", "")
    chosen = next((q for q in queues if str(q.pk) == queue_id), queues[0] if queues else None)
    raw_week = request.GET.get("week", "")
    try:
        week = dt.date.fromisoformat(raw_week) if len(raw_week) == 10 else None
    except ValueError:
        week = None
    if week is not None and not FIRST_DAY <= week <= LAST_DAY:
        week = None  # a week no history or rota can hold: the default
    week = week or timezone.localdate() + dt.timedelta(days=7)
    if chosen is not None:
        plan = staffing_plan(queue_id=chosen.pk, week_start=week)
    chart = None
    if plan is not None and plan.rows:
        chart = {
            "labels": [f"{r.day:%d/%m} {r.start:%H:%M}" for r in plan.rows],
            "series": [
                {"label": _("Contacts"), "data": [round(r.contacts, 1) for r in plan.rows]},
                {"label": _("Agents needed"), "data": [r.result.agents for r in plan.rows]},
                {"label": _("Agents scheduled"), "data": [r.scheduled for r in plan.rows]},
                {"label": _("Gap (scheduled - needed)"), "data": [r.gap for r in plan.rows]},
            ],
        }
    return render(
        request,
        "quality/staffing.html",
        {
            "form": form,
            "erlang": erlang,
            "shrinkage": shrinkage,
            "queues": queues,
            "chosen": chosen,
            "plan": plan,
            "chart": chart,
            "week": week - dt.timedelta(days=week.weekday()),
            "this_week": timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday()),
        },
    )


@require_GET
@role_required(*SUPERVISION)
def reports(request: AuthenticatedHtmxRequest) -> HttpResponse:
    from accounts.models import Team

    from ..reports import KINDS, team_summary

    scope = selectors.supervision_scope(user=request.user)
    teams = Team.objects.filter(queues__isnull=False).distinct().order_by("name")
    if scope.team_ids is not None:
        teams = teams.filter(pk__in=scope.team_ids)
    teams_list = list(teams)
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS else "daily"
    team_id = request.GET.get("team", "")
    chosen = next(
        (t for t in teams_list if str(t.pk) == team_id), teams_list[0] if teams_list else None
    )
    summary = team_summary(team=chosen, kind=kind) if chosen else None
    return render(
        request,
        "quality/reports.html",
        {"teams": teams_list, "chosen": chosen, "kind": kind, "summary": summary},
    )
