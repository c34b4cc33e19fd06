"""The kanban board and the list (filters, sort, saved views, CSV export)."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.http import HtmxHttpRequest

from .. import selectors, services
from ..forms import FilterForm, SavedViewForm
from ..models import SavedView
from ..permissions import SALES_READ, SALES_WORK
from .cards import cards_html

PAGE_SIZE = 50
CSV_LIMIT = 100_000
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: "page 1 of 200+" costs an index scan of 10,000
    entries, not a count of the whole pipeline."""

    @cached_property
    def count(self) -> int:
        return int(self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _filters(request: HtmxHttpRequest) -> tuple[FilterForm, selectors.OpportunityFilters, str]:
    form = FilterForm(request.GET, reps=selectors.sales_reps())
    filters = selectors.OpportunityFilters()
    sort = "updated"
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.OpportunityFilters(
            q=data["q"].strip(),
            stage=data["stage"],
            owner=data["owner"].pk if data["owner"] else None,
            mine=data["mine"],
            product=data["product"].pk if data["product"] else None,
            urgency=data["urgency"],
            close_from=data["close_from"],
            close_to=data["close_to"],
            amount_min=data["amount_min"],
            amount_max=data["amount_max"],
        )
        sort = data["sort"] or "updated"
    return form, filters, sort


@require_GET
@role_required(*SALES_WORK)
def board(request: HtmxHttpRequest) -> HttpResponse:
    form, filters, _sort = _filters(request)
    services.is_sales_lead(request.user)  # type: ignore[arg-type]  # leads: no row filter
    columns = selectors.kanban(user=request.user, filters=filters)  # type: ignore[arg-type]
    # The no-JavaScript "move" menu of every card, built once per column, not per card;
    # the cards themselves in Python (cards.py: the template cost most of the page).
    prefix, csrf = reverse("sales:list"), get_token(request)
    for column in columns:
        options = format_html_join(
            "", '<option value="{}">{}</option>',
            ((c.stage, c.label) for c in columns if c.stage != column.stage),
        )  # fmt: skip
        column.cards_html = cards_html(  # type: ignore[attr-defined]
            column.cards, prefix=prefix, csrf=csrf, options=options
        )
    template = "sales/board.html"
    if request.htmx and request.htmx.target == "kanban-board":
        template += "#board"
    return render(
        request,
        template,
        {"form": form, "columns": columns, "query": request.GET.urlencode(),
         "opportunity_prefix": reverse("sales:list")},
        status=200 if form.is_valid() else 400,
    )  # fmt: skip


@require_GET
@role_required(*SALES_READ)
def opportunity_list(request: HtmxHttpRequest) -> HttpResponse:
    form, filters, sort = _filters(request)
    services.is_sales_lead(request.user)  # type: ignore[arg-type]  # leads: no row filter
    qs = selectors.opportunity_list(user=request.user, filters=filters, sort=sort)  # type: ignore[arg-type]
    if request.GET.get("format") == "csv":
        return _csv(qs)
    rows = selectors.opportunity_list_rows(qs)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "sales/list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "opportunity_prefix": reverse("sales:list"),
            "query": query.urlencode(),
            "saved_views": selectors.saved_views(user=request.user),  # type: ignore[arg-type]
            "save_form": SavedViewForm(initial={"query": query.urlencode()}),
        },
        status=200 if form.is_valid() else 400,
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_HEADER = [
    "reference", "flagged_at", "customer", "organisation", "product", "product_line", "stage",
    "amount_eur", "probability", "weighted_eur", "expected_close_date", "rep", "flagged_by",
    "urgency", "next_step", "next_step_due_at",
]  # fmt: skip


def _csv(qs: Any) -> StreamingHttpResponse:
    """Streamed in chunks: the export of a large filter never holds it all in memory."""
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield "\ufeff"  # Excel reads the UTF-8 accents with a BOM
        yield writer.writerow(CSV_HEADER)
        for o in qs[:CSV_LIMIT].iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    o.reference,
                    timezone.localtime(o.created_at).strftime("%Y-%m-%d %H:%M"),
                    _safe(str(o.contact)),
                    _safe(str(o.organisation or "")),
                    _safe(str(o.product)),
                    _safe(o.product.product_line),
                    o.stage,
                    o.amount,
                    o.probability,
                    o.weighted_amount,
                    o.expected_close_date or "",
                    _safe(str(o.owner or "")),
                    _safe(str(o.flagged_by or "")),
                    o.urgency,
                    _safe(o.next_step),
                    timezone.localtime(o.next_step_due_at).strftime("%Y-%m-%d %H:%M")
                    if o.next_step_due_at
                    else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="opportunities-{stamp}.csv"'
    return response


def _safe(text: str) -> str:
    """A cell starting with = + - @ would run as a formula in a spreadsheet."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_POST
@role_required(*SALES_READ)
def saved_view_create(request: HtmxHttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = services.saved_view_create(
                owner=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                query=form.cleaned_data["query"],
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return redirect(f"{_list_url()}?{view.query}")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{_list_url()}?{form.data.get('query', '')}")


@require_POST
@role_required(*SALES_READ)
def saved_view_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    view = get_object_or_404(SavedView, pk=pk, owner=request.user)
    services.saved_view_delete(view=view)
    messages.success(request, _("View deleted."))
    return redirect("sales:list")


def _list_url() -> str:
    from django.urls import reverse

    return reverse("sales:list")
