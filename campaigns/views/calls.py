from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest

from .. import selectors, services
from ..forms import OutcomeForm
from ..models import Recipient
from ..permissions import CAMPAIGNS_CALL, CAMPAIGNS_SURGE


@require_GET
@role_required(*CAMPAIGNS_CALL)
def call_lists(request: AuthenticatedHtmxRequest) -> TemplateResponse:
    return TemplateResponse(
        request,
        "campaigns/calls.html",
        {
            "campaigns": list(selectors.call_list_campaigns()[:50]),
            "callbacks": selectors.callbacks_due(limit=50),
        },
    )


@require_GET
@role_required(*CAMPAIGNS_CALL)
def call_list(request: AuthenticatedHtmxRequest, pk: int) -> TemplateResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk, call=True)
    if not campaign.calls:
        raise Http404
    view = request.GET.get("view", "todo")
    if view not in ("todo", "callbacks", "done"):
        view = "todo"
    return TemplateResponse(
        request,
        "campaigns/call_list.html",
        {
            "campaign": campaign,
            "rows": selectors.call_list_page(campaign=campaign, view=view),
            "view": view,
            "form": OutcomeForm(),
        },
    )


@require_POST
@role_required(*CAMPAIGNS_CALL)
def call_outcome(request: AuthenticatedHtmxRequest, pk: int) -> Any:
    recipient = Recipient.objects.select_related("campaign", "contact").filter(pk=pk).first()
    if recipient is None:
        raise Http404
    campaign = selectors.campaign_get_for_user(
        user=request.user, pk=recipient.campaign_id, call=True
    )
    form = OutcomeForm(request.POST)
    if form.is_valid():
        callback_at = form.cleaned_data["callback_at"]
        if callback_at is not None and timezone.is_naive(callback_at):
            callback_at = timezone.make_aware(callback_at)
        try:
            services.call_outcome_record(
                recipient=recipient,
                outcome=form.cleaned_data["outcome"],
                actor=request.user,
                callback_at=callback_at,
                note=form.cleaned_data["note"],
            )
            if form.cleaned_data["outcome"] == Recipient.Outcome.OPPORTUNITY:
                from django.urls import reverse

                return redirect(f"{reverse('sales:flag')}?contact={recipient.contact_id}")
            return redirect("campaigns:call-list", pk=campaign.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "campaigns/call_list.html",
        {
            "campaign": campaign,
            "rows": selectors.call_list_page(campaign=campaign),
            "view": "todo",
            "form": form,
            "failed": recipient.pk,
        },
        status=400,
    )


@require_GET
@role_required(*CAMPAIGNS_SURGE)
def surge(request: AuthenticatedHtmxRequest) -> TemplateResponse:
    return TemplateResponse(request, "campaigns/surge.html", {"surge": selectors.surge_table()})
