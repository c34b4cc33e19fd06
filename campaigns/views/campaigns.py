from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest
from accounts.roles import has_role

from .. import selectors, services
from ..forms import CampaignForm, VolumeForm
from ..models import Campaign
from ..permissions import CAMPAIGNS_MANAGE, CAMPAIGNS_RESULTS

RESULT_ROWS = [
    ("targeted", "Targeted"),
    ("excluded", "Excluded"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("bounced", "Bounced"),
    ("complained", "Complained"),
    ("opened", "Opened"),
    ("clicked", "Clicked"),
    ("unsubscribed", "Unsubscribed"),
    ("called", "Called"),
    ("reached", "Reached"),
    ("calls", "Calls attributed"),
    ("converted_calls", "Calls above the minimum duration"),
    ("tickets", "Tickets attributed"),
    ("opportunities", "Opportunities attributed"),
    ("opportunities_won", "Opportunities won"),
    ("won_revenue", "Won revenue (€)"),
    ("conversions", "Conversions"),
    ("budget", "Budget (€)"),
    ("cost_per_contact", "Cost per targeted contact (€)"),
    ("cost_per_conversion", "Cost per conversion (€)"),
]


def result_rows(results: dict[str, Any]) -> list[tuple[str, str, Any]]:
    labels = {
        "Targeted": _("Targeted"),
        "Excluded": _("Excluded"),
        "Sent": _("Sent"),
        "Delivered": _("Delivered"),
        "Bounced": _("Bounced"),
        "Complained": _("Complained"),
        "Opened": _("Opened"),
        "Clicked": _("Clicked"),
        "Unsubscribed": _("Unsubscribed"),
        "Called": _("Called"),
        "Reached": _("Reached"),
        "Calls attributed": _("Calls attributed"),
        "Calls above the minimum duration": _("Calls above the minimum duration"),
        "Tickets attributed": _("Tickets attributed"),
        "Opportunities attributed": _("Opportunities attributed"),
        "Opportunities won": _("Opportunities won"),
        "Won revenue (€)": _("Won revenue (€)"),
        "Conversions": _("Conversions"),
        "Budget (€)": _("Budget (€)"),
        "Cost per targeted contact (€)": _("Cost per targeted contact (€)"),
        "Cost per conversion (€)": _("Cost per conversion (€)"),
    }
    return [(key, labels[label], results[key]) for key, label in RESULT_ROWS]


@require_GET
@role_required(*CAMPAIGNS_MANAGE)
def campaign_list(request: AuthenticatedHtmxRequest) -> TemplateResponse:
    status = request.GET.get("status", "")
    if status not in Campaign.Status.values:
        status = ""
    return TemplateResponse(
        request,
        "campaigns/list.html",
        {
            "campaigns": selectors.campaign_list(status=status)[:200],
            "status": status,
            "statuses": Campaign.Status.choices,
        },
    )


def _form_page(request: AuthenticatedHtmxRequest, campaign: Campaign | None) -> Any:
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if campaign is None:
                campaign = services.campaign_create(actor=request.user, **fields)
            else:
                campaign = services.campaign_update(campaign=campaign, actor=request.user, **fields)
            return redirect(campaign)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "campaigns/form.html", {"form": form, "campaign": campaign}, status=status
    )


@require_http_methods(["GET", "POST"])
@role_required(*CAMPAIGNS_MANAGE)
def campaign_create(request: AuthenticatedHtmxRequest) -> Any:
    return _form_page(request, None)


@require_http_methods(["GET", "POST"])
@role_required(*CAMPAIGNS_MANAGE)
def campaign_edit(request: AuthenticatedHtmxRequest, pk: int) -> Any:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    return _form_page(request, campaign)


def _actions(campaign: Campaign) -> list[str]:
    return [action for action, status in services.TRANSITIONS if status == campaign.status]


@require_GET
@role_required(*CAMPAIGNS_RESULTS)
def campaign_detail(request: AuthenticatedHtmxRequest, pk: int) -> TemplateResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    results = selectors.campaign_results(campaign=campaign)
    manage = has_role(request.user, *CAMPAIGNS_MANAGE)
    chart = {
        "labels": [
            _("Targeted"),
            _("Sent"),
            _("Delivered"),
            _("Opened"),
            _("Clicked"),
            _("Unsubscribed"),
            _("Bounced"),
        ],
        "values": [
            results[k]
            for k in (
                "targeted",
                "sent",
                "delivered",
                "opened",
                "clicked",
                "unsubscribed",
                "bounced",
            )
        ],
    }
    return TemplateResponse(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "results": results,
            "rows": result_rows(results),
            "chart": chart,
            "progress": selectors.campaign_progress(campaign=campaign),
            "actions": _actions(campaign) if manage else [],
            "manage": manage,
            "volumes": list(campaign.volumes.select_related("queue")),
            "volume_form": VolumeForm(),
            "numbers": list(campaign.tracking_numbers.all()),
            "opportunities": list(
                selectors.attributed_opportunities(campaign=campaign)
                .select_related("contact", "product")
                .order_by("-created_at")[:20]
            ),
        },
    )


@require_GET
@role_required(*CAMPAIGNS_RESULTS)
def campaign_progress(request: AuthenticatedHtmxRequest, pk: int) -> Any:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    response = render(
        request,
        "campaigns/detail.html#progress",
        {"campaign": campaign, "progress": selectors.campaign_progress(campaign=campaign)},
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@role_required(*CAMPAIGNS_RESULTS)
def campaign_results_csv(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    results = selectors.campaign_results(campaign=campaign)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Figure"), _("Value")])
    for _key, label, value in result_rows(results):
        writer.writerow([label, "" if value is None else value])
    for label, count in results["excluded_by_reason"].items():
        writer.writerow([_("Excluded: %(reason)s") % {"reason": label}, count])
    return response


@require_POST
@role_required(*CAMPAIGNS_MANAGE)
def campaign_transition(request: AuthenticatedHtmxRequest, pk: int) -> Any:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("action", "")[:20]
    try:
        services.campaign_transition(campaign=campaign, action=action, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(campaign)


@require_POST
@role_required(*CAMPAIGNS_MANAGE)
def campaign_test_send(request: AuthenticatedHtmxRequest, pk: int) -> Any:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    try:
        services.campaign_test_send(campaign=campaign, actor=request.user)
        messages.success(request, _("A test in French and one in English are on their way to you."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(campaign)


@require_POST
@role_required(*CAMPAIGNS_MANAGE)
def campaign_volume(request: AuthenticatedHtmxRequest, pk: int) -> Any:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    form = VolumeForm(request.POST)
    if form.is_valid():
        try:
            services.expected_volume_set(
                campaign=campaign,
                queue=form.cleaned_data["queue"],
                per_day=form.cleaned_data["per_day"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(campaign)
