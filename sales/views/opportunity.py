"""The opportunity page and its actions: accept, hand back, reassign, move, edit,
acknowledge the service warning, open the onboarding ticket. Every action posts the
version it read; a stale one is answered 409 with the page redrawn."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import HtmxHttpRequest

from .. import selectors, services
from ..forms import (
    AcknowledgeForm,
    EditForm,
    HandBackForm,
    MoveForm,
    OnboardingForm,
    ReassignForm,
)
from ..models import Opportunity, OpportunityEvent, Stage
from ..permissions import SALES_READ, SALES_WORK
from ..registry import SURVEY_PANEL_KEY, has_panel, service_context_panels
from ..service_context import service_context
from .common import close_dialog

TEMPLATE = "sales/detail.html"
ROUTING_LABELS = {
    "owner": gettext_lazy("account owner"),
    "rule_rep": gettext_lazy("rule"),
    "rule_team": gettext_lazy("rule, round robin in the team"),
    "round_robin": gettext_lazy("round robin"),
    "nobody": gettext_lazy("no rep available"),
    "reassigned": gettext_lazy("reassigned"),
}


def routing_label(opportunity: Opportunity) -> str:
    code, _sep, rule = opportunity.routing_reason.partition(":")
    label = str(ROUTING_LABELS.get(code, code))
    return f"{label} “{rule}”" if rule else label


def _event_text(event: OpportunityEvent) -> str:
    data = event.data or {}
    if event.kind == OpportunityEvent.Kind.STAGE:
        return f"{Stage(data['old']).label} → {Stage(data['new']).label}"
    if event.kind == OpportunityEvent.Kind.ROUTED:
        label = ROUTING_LABELS.get(data.get("reason", ""), "")
        rule = f" “{data['rule']}”" if data.get("rule") else ""
        return f"{data.get('rep') or '—'} ({label}{rule})"
    if event.kind in (OpportunityEvent.Kind.HANDED_BACK, OpportunityEvent.Kind.REASSIGNED):
        return " · ".join(str(v) for v in (data.get("rep"), data.get("reason")) if v)
    if event.kind == OpportunityEvent.Kind.WARNING_ACK:
        return str(data.get("comment", ""))
    if event.kind == OpportunityEvent.Kind.ACCEPTED and data.get("business_seconds") is not None:
        return _("after %(hours).1f business hours") % {"hours": data["business_seconds"] / 3600}
    if event.kind == OpportunityEvent.Kind.ONBOARDING:
        return str(data.get("ticket", ""))
    return ""


def page_context(
    request: HtmxHttpRequest,
    opportunity: Opportunity,
    *,
    forms: dict[str, Any] | None = None,
    stale: bool = False,
) -> dict[str, Any]:
    """Everything the page shows, in a bounded number of queries."""
    user = request.user
    forms = forms or {}
    can_work = services.can_work(user, opportunity)  # type: ignore[arg-type]
    context_service = service_context(opportunity.contact)
    acknowledged = set(opportunity.warning_ack_keys or [])
    unacknowledged = [w for w in context_service["warnings"] if w.key not in acknowledged]
    panels = []
    for panel in service_context_panels():
        panel_context = panel.context(opportunity.contact, request)
        panels.append({"panel": panel, "context": panel_context})
    version = {"version": opportunity.version}
    allowed = services.allowed_stages(opportunity)
    return {
        "opportunity": opportunity,
        "routing": routing_label(opportunity),
        "can_work": can_work,
        "is_owner": opportunity.owner_id == user.pk,
        "service": context_service,
        "unacknowledged": unacknowledged,
        "context_panels": panels,
        "survey_panel_missing": not has_panel(SURVEY_PANEL_KEY),
        "events": [
            {"event": e, "text": _event_text(e)}
            for e in opportunity.events.select_related("actor").order_by("-occurred_at", "-id")[:30]
        ],
        "allowed": allowed,
        "move_form": forms.get("move") or MoveForm(initial=version, allowed=allowed),
        "ack_form": forms.get("ack") or AcknowledgeForm(initial=version),
        "hand_back_form": forms.get("hand_back") or HandBackForm(initial=version),
        "reassign_form": forms.get("reassign")
        or ReassignForm(initial=version, reps=selectors.sales_reps()),
        "edit_form": forms.get("edit") or EditForm(initial=EditForm.initial_for(opportunity)),
        "onboarding_form": forms.get("onboarding") or OnboardingForm(),
        "stale": stale,
        "stale_text": services.ERROR_STALE,
        "needs_ack_stages": services.NEEDS_ACKNOWLEDGEMENT,
    }


@require_GET
@role_required(*SALES_READ)
def opportunity_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    return render(request, TEMPLATE, page_context(request, opportunity))


def _for_work(request: HtmxHttpRequest, pk: int) -> Opportunity:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    if not services.can_work(request.user, opportunity):  # type: ignore[arg-type]
        raise PermissionDenied
    return opportunity


def _answer(
    request: HtmxHttpRequest,
    pk: int,
    *,
    form_key: str,
    form: Any,
    success: str,
    stale: bool = False,
) -> HttpResponse:
    """Success: back to the page (htmx: redrawn). Errors: the page with the form's
    messages, 400 (409 when the opportunity changed meanwhile)."""
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    if not form.errors and not stale:
        if request.htmx and request.htmx.target == "kanban-board":
            response = HttpResponse(status=204)
            return close_dialog(response, success)
        messages.success(request, success)
        return redirect(opportunity)
    context = page_context(request, opportunity, forms={form_key: form}, stale=stale)
    status = 409 if stale else (422 if request.htmx else 400)
    if request.htmx and request.htmx.target == "dialog-host":
        return render(
            request, "sales/move_dialog.html", {**context, "move_form": form}, status=status
        )
    return render(request, TEMPLATE, context, status=status)


def _run(form: Any, call: Any, rename: dict[str, str] | None = None) -> bool:
    """Call the service if the form is valid; True when the opportunity was stale."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except services.StaleOpportunityError:
        return True
    except ValidationError as exc:
        if getattr(exc, "code", None) == "forbidden":
            raise PermissionDenied from exc
        apply_service_errors(form, exc, rename)
    return False


@require_POST
@role_required(*SALES_WORK)
def opportunity_accept(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    from ..forms import VersionForm

    form = VersionForm(request.POST)
    stale = _run(form, lambda d: services.opportunity_accept(
        opportunity=opportunity, actor=request.user, expected_version=d["version"]))  # fmt: skip
    # Accepting has no form on the page (the move form's slot made a 500 of a bad
    # version): its errors are shown as messages.
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return _answer(request, pk, form_key="accept", form=form, stale=stale,
                   success=_("Handoff accepted: it is yours."))  # fmt: skip


@require_POST
@role_required(*SALES_WORK)
def opportunity_hand_back(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    form = HandBackForm(request.POST)
    stale = _run(form, lambda d: services.opportunity_hand_back(
        opportunity=opportunity, actor=request.user, reason=d["reason"],
        expected_version=d["version"]))  # fmt: skip
    if not form.errors and not stale:
        messages.success(request, _("Handed back: it was routed again."))
        return redirect("sales:board")
    return _answer(request, pk, form_key="hand_back", form=form, stale=stale, success="")


@require_POST
@role_required(*SALES_WORK)
def opportunity_reassign(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    opportunity = _for_work(request, pk)
    form = ReassignForm(request.POST, reps=selectors.sales_reps())
    stale = _run(form, lambda d: services.opportunity_reassign(
        opportunity=opportunity, actor=request.user, rep=d["rep"], reason=d["reason"],
        expected_version=d["version"]))  # fmt: skip
    return _answer(request, pk, form_key="reassign", form=form, stale=stale,
                   success=_("Opportunity reassigned."))  # fmt: skip


@require_http_methods(["GET", "POST"])
@role_required(*SALES_WORK)
def opportunity_move(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    opportunity = _for_work(request, pk)
    allowed = services.allowed_stages(opportunity)
    if request.method == "GET":
        # The kanban opens this in the dialog when a card is dropped on "lost".
        form = MoveForm(
            initial={"version": opportunity.version, "stage": request.GET.get("stage", "")},
            allowed=allowed,
        )
        context = page_context(request, opportunity, forms={"move": form})
        return render(request, "sales/move_dialog.html", context)
    form = MoveForm(request.POST, allowed=allowed)
    stale = _run(form, lambda d: services.opportunity_move(
        opportunity=opportunity, actor=request.user, stage=d["stage"],
        lost_reason=d["lost_reason"], lost_note=d["lost_note"],
        expected_version=d["version"]))  # fmt: skip
    if request.htmx and request.htmx.target == "kanban-board" and (form.errors or stale):
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        response = HttpResponse(message or services.ERROR_STALE, status=409 if stale else 422)
        return response
    return _answer(request, pk, form_key="move", form=form, stale=stale,
                   success=_("Opportunity moved."))  # fmt: skip


@require_POST
@role_required(*SALES_WORK)
def opportunity_acknowledge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    opportunity = _for_work(request, pk)
    form = AcknowledgeForm(request.POST)
    stale = _run(form, lambda d: services.opportunity_acknowledge_warning(
        opportunity=opportunity, actor=request.user, comment=d["comment"],
        expected_version=d["version"]))  # fmt: skip
    return _answer(request, pk, form_key="ack", form=form, stale=stale,
                   success=_("Warning acknowledged."))  # fmt: skip


@require_POST
@role_required(*SALES_WORK)
def opportunity_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    opportunity = _for_work(request, pk)
    form = EditForm(request.POST)

    def call(d: dict[str, Any]) -> None:
        services.opportunity_update(
            opportunity=opportunity,
            actor=request.user,  # type: ignore[arg-type]
            expected_version=d.pop("version"),
            **d,
        )

    stale = _run(form, call)
    return _answer(request, pk, form_key="edit", form=form, stale=stale,
                   success=_("Opportunity saved."))  # fmt: skip


@require_POST
@role_required(*SALES_WORK)
def opportunity_onboarding(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    opportunity = _for_work(request, pk)
    form = OnboardingForm(request.POST)
    stale = _run(form, lambda d: services.opportunity_open_onboarding(
        opportunity=opportunity, actor=request.user, queue=d["queue"]))  # fmt: skip
    return _answer(request, pk, form_key="onboarding", form=form, stale=stale,
                   success=_("Onboarding ticket opened."))  # fmt: skip
