"""Handoff KPIs (with the formula next to each figure, CSV) and the forecast (a chart drawn
by the pinned Chart.js, and the same figures as a table)."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from accounts.http import HtmxHttpRequest

from .. import kpis, selectors
from ..forecast import forecast
from ..forms import PeriodForm
from ..permissions import SALES_AGGREGATES


def _period(request: HtmxHttpRequest) -> tuple[PeriodForm, dt.date, dt.date, str]:
    form = PeriodForm(request.GET)
    start, end = kpis.default_period()
    group_by = "agent"
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        group_by = form.cleaned_data["group_by"] or group_by
        if end < start:
            start, end = kpis.default_period()
    else:
        start, end = kpis.default_period()
    return form, start, end, group_by


@require_GET
@role_required(*SALES_AGGREGATES)
def kpi_page(request: HtmxHttpRequest) -> HttpResponse:
    form, start, end, group_by = _period(request)
    total, rows = kpis.handoff_kpis(
        opportunities=selectors.aggregate_scope(user=request.user),  # type: ignore[arg-type]
        start=start,
        end=end,
        group_by=group_by,
    )
    if request.GET.get("format") == "csv" and form.is_valid():
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="handoff-kpis-{start}-{end}-{group_by}.csv"'
        )
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(kpis.KPI_CSV_HEADER)
        writer.writerows(kpis.kpi_csv_rows([*rows, total]))
        return response
    return render(
        request,
        "sales/kpis.html",
        {"form": form, "start": start, "end": end, "group_by": group_by, "total": total,
         "rows": rows, "formulas": kpis.FORMULAS, "query": request.GET.urlencode()},
        status=200 if form.is_valid() else 400,
    )  # fmt: skip


@require_GET
@role_required(*SALES_AGGREGATES)
def forecast_page(request: HtmxHttpRequest) -> HttpResponse:
    form, start, end, _group = _period(request)
    figures = forecast(
        opportunities=selectors.aggregate_scope(user=request.user),  # type: ignore[arg-type]
        start=start,
        end=end,
    )
    rows: list[dict[str, Any]] = [
        {"rep": name, "cells": [figures.cells.get((m, rep)) for m in figures.months],
         "total": figures.rep_total(rep)}
        for rep, name in figures.reps
    ]  # fmt: skip
    return render(
        request,
        "sales/forecast.html",
        {"form": form, "start": start, "end": end, "figures": figures, "rows": rows,
         "month_totals": [figures.month_total(m) for m in figures.months],
         "chart": figures.chart_data()},
        status=200 if form.is_valid() else 400,
    )  # fmt: skip
