from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest

from .. import selectors, services
from ..forms import TrackingNumberForm
from ..models import TrackingNumber
from ..permissions import CAMPAIGNS_MANAGE


def _save(request: AuthenticatedHtmxRequest, row: TrackingNumber | None) -> Any:
    form = TrackingNumberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.tracking_number_save(
                actor=request.user,
                number=data["number"],
                code=data["code"],
                label=data["label"],
                campaign=data["campaign"],
                queue=data["queue"],
                is_active=data["is_active"],
                instance=row,
            )
            return None, form
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return form, form


@require_http_methods(["GET", "POST"])
@role_required(*CAMPAIGNS_MANAGE)
def number_list(request: AuthenticatedHtmxRequest) -> Any:
    form = TrackingNumberForm(initial={"is_active": True})
    status = 200
    if request.method == "POST":
        failed, form = _save(request, None)
        if failed is None:
            return redirect("campaigns:numbers")
        status = 400
    return render(
        request,
        "campaigns/numbers.html",
        {"numbers": selectors.tracking_number_list()[:500], "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(*CAMPAIGNS_MANAGE)
def number_edit(request: AuthenticatedHtmxRequest, pk: int) -> Any:
    row = get_object_or_404(TrackingNumber, pk=pk)
    form = TrackingNumberForm.for_instance(row)
    status = 200
    if request.method == "POST":
        failed, form = _save(request, row)
        if failed is None:
            return redirect("campaigns:numbers")
        status = 400
    return render(request, "campaigns/number_form.html", {"form": form, "row": row}, status=status)
