"""IT's side (and HR's): the inventory, one asset with its history, hand-over and return
with the checklist, open IT onboarding items. No agreement details are shown here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import HtmxHttpRequest
from accounts.models import User

from .. import selectors, services
from ..forms import AssetForm, AssignForm, ItemCompleteForm, ReturnForm
from ..models import Asset, AssetKind
from ..permissions import EQUIPMENT_ROLES
from ._shared import run_service, status_for

PAGE_SIZE = 50


@require_GET
@role_required(*EQUIPMENT_ROLES)
def equipment_list(request: HtmxHttpRequest) -> HttpResponse:
    qs = selectors.asset_list(
        state=request.GET.get("state", "")[:20],
        kind=request.GET.get("kind", "")[:20],
        query=request.GET.get("q", "")[:100],
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "telework/equipment.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "page": page,
            "states": Asset.State.choices,
            "kinds": AssetKind.choices,
            "filters": {k: request.GET.get(k, "")[:100] for k in ("state", "kind", "q")},
            "it_items": selectors.it_onboarding_items(limit=20),
            "item_form": ItemCompleteForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*EQUIPMENT_ROLES)
def asset_create(request: HtmxHttpRequest) -> HttpResponse:
    form = AssetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        asset = run_service(
            request, form, lambda: services.asset_save(**form.cleaned_data), _("Asset added.")
        )
        if asset is not None:
            return redirect("telework:asset", pk=asset.pk)
    return render(
        request, "telework/asset_form.html", {"form": form}, status=status_for(form, request)
    )


def _asset_page(
    request: HtmxHttpRequest, asset: Asset, *, forms: dict | None = None, status: int = 200
) -> HttpResponse:
    forms = forms or {}
    history = selectors.asset_history(asset=asset)
    open_assignment = next((a for a in history if a.status != "returned"), None)
    return render(
        request,
        "telework/asset.html",
        {
            "asset": asset,
            "history": history,
            "open_assignment": open_assignment,
            "assign_form": forms.get("assign") or AssignForm(),
            "return_form": forms.get("return") or ReturnForm(),
        },
        status=status,
    )


@require_GET
@role_required(*EQUIPMENT_ROLES)
def asset_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _asset_page(request, selectors.asset_get(pk=pk))


@require_POST
@role_required(*EQUIPMENT_ROLES)
def asset_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    asset = selectors.asset_get(pk=pk)
    if action == "assign":
        form = AssignForm(request.POST)
        if form.is_valid():
            done = run_service(
                request,
                form,
                lambda: services.asset_assign(
                    asset=asset,
                    employee=form.cleaned_data["employee"],
                    agreement=None,
                    actor=user,
                    delivered=form.cleaned_data["delivered"],
                ),
                _("Assigned."),
            )
            if done is not None:
                return redirect("telework:asset", pk=asset.pk)
        return _asset_page(request, asset, forms={"assign": form}, status=400)
    if action == "return":
        form = ReturnForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = run_service(
                request,
                form,
                lambda: services.asset_return(
                    asset=asset,
                    actor=user,
                    condition=data["condition"],
                    checklist={k: data[k] for k in services.RETURN_CHECKLIST},
                    notes=data["notes"],
                ),
                _("The return is recorded."),
            )
            if done is not None:
                return redirect("telework:asset", pk=asset.pk)
        return _asset_page(request, asset, forms={"return": form}, status=400)
    if action in {"in_stock", "in_repair", "retired", "lost"}:
        try:
            services.asset_set_state(asset=asset, state=action)
        except ValidationError as exc:
            form = AssignForm()
            apply_service_errors(form, exc)
            messages.error(request, " ".join(exc.messages))
            return _asset_page(request, asset, status=400)
        messages.success(request, _("Saved."))
        return redirect("telework:asset", pk=asset.pk)
    return _asset_page(request, asset, status=400)
