"""The Bloctel opt-out list: marketing imports the CSV Bloctel returns, adds or removes a
number, and searches the list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest

from .. import selectors, services
from ..forms import BloctelImportForm, BloctelNumberForm
from ..models import BloctelNumber
from ..permissions import CAMPAIGNS_MANAGE

PAGE_SIZE = 50
MESSAGE_IMPORTED = gettext_lazy(
    "%(read)s numbers read: %(added)s added, %(already)s already listed, %(removed)s removed."
)


def _page(request: AuthenticatedHtmxRequest, **context: Any) -> TemplateResponse:
    search = request.GET.get("q", "")[:30]
    page = Paginator(selectors.bloctel_numbers(search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context.setdefault("import_form", BloctelImportForm())
    context.setdefault("number_form", BloctelNumberForm())
    status = context.pop("status", 200)
    return TemplateResponse(
        request,
        "campaigns/bloctel.html",
        {
            "page": page,
            "search": search,
            "query": urlencode({"q": search}) if search else "",
            **context,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(*CAMPAIGNS_MANAGE)
def bloctel(request: AuthenticatedHtmxRequest) -> Any:
    """The list; POST imports a CSV file."""
    if request.method != "POST":
        return _page(request)
    form = BloctelImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.bloctel_import(
                upload=form.cleaned_data["file"],
                actor=request.user,
                replace=form.cleaned_data["replace"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                str(MESSAGE_IMPORTED) % result.__dict__,
            )
            return redirect("campaigns:bloctel")
    return _page(request, import_form=form, status=400)


@require_POST
@role_required(*CAMPAIGNS_MANAGE)
def bloctel_add(request: AuthenticatedHtmxRequest) -> Any:
    form = BloctelNumberForm(request.POST)
    if form.is_valid():
        try:
            services.bloctel_number_add(number=form.cleaned_data["number"], actor=request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Number added to the Bloctel list."))
            return redirect("campaigns:bloctel")
    return _page(request, number_form=form, status=400)


@require_POST
@role_required(*CAMPAIGNS_MANAGE)
def bloctel_remove(request: AuthenticatedHtmxRequest, pk: int) -> Any:
    services.bloctel_number_remove(number=get_object_or_404(BloctelNumber, pk=pk))
    messages.success(request, _("Number removed from the Bloctel list."))
    return redirect("campaigns:bloctel")
