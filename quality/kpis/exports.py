"""The KPI table as CSV or XLSX: one row per group and figure, with the formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .engine import KpiResult
from .formulas import FORMULAS

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def kpi_rows(result: KpiResult) -> Iterator[list[Any]]:
    yield [
        _("Group"),
        _("KPI"),
        _("Value"),
        _("Numerator"),
        _("Denominator"),
        _("Formula id"),
        _("Formula"),
    ]
    groups = [(_("All"), result.figures)] + [(str(g["label"]), g["figures"]) for g in result.groups]
    for label, figures in groups:
        for key in FORMULAS:
            if key in figures:
                f = figures[key].as_dict()
                yield [
                    _text(label),
                    f["label"],
                    f["value"],
                    f["numerator"],
                    f["denominator"],
                    f["formula_id"],
                    f["formula"],
                ]


def kpis_csv(result: KpiResult) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in kpi_rows(result):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def kpis_xlsx(result: KpiResult) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("KPIs"))
    for row in kpi_rows(result):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
