from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest

from .. import selectors, services
from ..forms import SegmentForm, groups_for_form, rules_from_post
from ..models import Segment
from ..permissions import CAMPAIGNS_MANAGE


@require_GET
@role_required(*CAMPAIGNS_MANAGE)
def segment_list(request: AuthenticatedHtmxRequest) -> TemplateResponse:
    return TemplateResponse(
        request, "campaigns/segments.html", {"segments": selectors.segment_list()[:200]}
    )


def _edit(request: AuthenticatedHtmxRequest, segment: Segment | None) -> object:
    if request.method == "POST":
        form = SegmentForm(request.POST)
        rules = rules_from_post(request.POST)
        if form.is_valid() and "add" not in request.POST:
            try:
                if segment is None:
                    segment = services.segment_create(
                        name=form.cleaned_data["name"],
                        description=form.cleaned_data["description"],
                        rules=rules,
                        actor=request.user,
                    )
                else:
                    services.segment_update(
                        segment=segment,
                        name=form.cleaned_data["name"],
                        description=form.cleaned_data["description"],
                        rules=rules,
                        actor=request.user,
                    )
                return redirect("campaigns:segments")
            except ValidationError as exc:
                apply_service_errors(form, exc)
    else:
        form = SegmentForm(
            initial={"name": segment.name, "description": segment.description} if segment else {}
        )
        rules = segment.rules if segment else None
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "campaigns/segment_form.html",
        {"form": form, "segment": segment, "builder": groups_for_form(rules)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(*CAMPAIGNS_MANAGE)
def segment_create(request: AuthenticatedHtmxRequest) -> object:
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@role_required(*CAMPAIGNS_MANAGE)
def segment_edit(request: AuthenticatedHtmxRequest, pk: int) -> object:
    return _edit(request, get_object_or_404(Segment, pk=pk))


@require_POST
@role_required(*CAMPAIGNS_MANAGE)
def segment_live(request: AuthenticatedHtmxRequest) -> object:
    """The live count and the first rows while the builder is edited (htmx)."""
    rules = rules_from_post(request.POST)
    context: dict[str, object] = {}
    try:
        context["count"] = selectors.segment_count(rules=rules)
        context["preview"] = selectors.segment_preview(rules=rules)
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
    response = render(request, "campaigns/segment_form.html#live", context)
    patch_vary_headers(response, ("HX-Request",))
    return response
