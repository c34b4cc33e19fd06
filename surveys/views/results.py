"""CSAT and NPS over time per queue, team, agent and channel: a chart (the pinned
Chart.js), the same figures as tables, and a CSV export."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from accounts.http import AuthenticatedHtmxRequest

from .. import selectors
from ..forms import PeriodForm
from ..permissions import SURVEYS_RESULTS


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value}"


@require_GET
@role_required(*SURVEYS_RESULTS)
def results(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "surveys/results.html", {"form": form}, status=400)
    data = form.cleaned_data
    rows = selectors.responses_in_period(data["date_from"], data["date_to"])
    months = selectors.results_by_month(rows)
    groups = selectors.results_by_group(rows, data["group_by"])
    total = selectors.satisfaction_counts(data["date_from"], data["date_to"])
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="satisfaction-{data["date_from"]}-{data["date_to"]}.csv"'
        )
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Period or group"), _("CSAT answers"), _("Satisfied (4-5)"),
                         _("CSAT %"), _("NPS answers"), _("Promoters"), _("Detractors"),
                         _("NPS")])  # fmt: skip
        for row in [*months, *groups]:
            c = row.counts
            writer.writerow([row.label, c["csat_responses"], c["csat_satisfied"],
                             _figure(row.csat), c["nps_responses"], c["promoters"],
                             c["detractors"], _figure(row.nps)])  # fmt: skip
        return response
    chart = {
        "labels": [row.label for row in months],
        "csat": [row.csat for row in months],
        "nps": [row.nps for row in months],
    }
    return render(
        request,
        "surveys/results.html",
        {"form": form, "months": months, "groups": groups, "chart": chart,
         "total": selectors.ResultRow(_("Total"), None, total), "formulas": selectors.FORMULAS,
         "query": request.GET.urlencode(), "group_by": data["group_by"]},
    )  # fmt: skip
