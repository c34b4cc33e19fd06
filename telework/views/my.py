"""The employee's side: "my telework", requests, declarations, purchases, the IT rules."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import HtmxHttpRequest
from accounts.models import User
from accounts.roles import has_role

from .. import selectors, services
from ..dates import WorkCalendar, days_in, month_end, month_start, parse_month
from ..forms import (
    AbsenceForm,
    AcknowledgeForm,
    ClaimForm,
    DeclarationForm,
    ProposeForm,
    PurchaseForm,
    RequestForm,
)
from ..models import Declaration, EmployeeFile, Purchase
from ..permissions import TELEWORK_HR
from ..text import text_hash
from ._shared import run_service, status_for


@require_GET
@login_required
def my_telework(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    data = selectors.my_telework(user=user)
    rules = ""
    if data["unacknowledged"]:
        first = data["unacknowledged"][0]
        rules = services.rules_text(first.agreement, user)
    context = {
        **data,
        "rules": rules,
        "ack_form": AcknowledgeForm(initial={"rules_hash": text_hash(rules)}) if rules else None,
        "purchase_form": PurchaseForm(),
        "absence_form": AbsenceForm(),
        "has_file": EmployeeFile.objects.filter(user=user).exists(),
        "this_month": month_start(timezone.localdate()),
    }
    return render(request, "telework/my.html", context)


def _request_kwargs(data: dict) -> dict:
    return {
        "kind": data["kind"],
        "start_date": data["start_date"],
        "end_date": data.get("end_date"),
        "weekdays": data.get("weekdays") or [],
        "days_per_month": data.get("days_per_month"),
        "rhythm": data.get("rhythm", ""),
        "address": data["address"],
        "work_accident_place": data.get("work_accident_place", False),
        "contact_starts_at": data.get("contact_starts_at"),
        "contact_ends_at": data.get("contact_ends_at"),
    }


@require_http_methods(["GET", "POST"])
@login_required
def agreement_request(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = RequestForm(
        request.POST if request.method == "POST" else None, initial={"work_accident_place": True}
    )
    if request.method == "POST" and form.is_valid():
        agreement = run_service(
            request,
            form,
            lambda: services.agreement_request(
                employee=user, actor=user, **_request_kwargs(form.cleaned_data)
            ),
            _("Your request was sent to your manager."),
        )
        if agreement is not None:
            return redirect(agreement)
    return render(
        request,
        "telework/request.html",
        {"form": form, "proposing": False},
        status=status_for(form, request),
    )


def _proposable(user: User):  # type: ignore[no-untyped-def]
    qs = User.objects.filter(is_active=True, telework_file__isnull=False).exclude(pk=user.pk)
    if not has_role(user, *TELEWORK_HR):
        qs = qs.filter(manager=user)
    return qs.order_by("last_name", "first_name")


@require_http_methods(["GET", "POST"])
@login_required
def agreement_propose(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    employees = _proposable(user)
    if not has_role(user, *TELEWORK_HR) and not employees.exists():
        raise Http404
    form = ProposeForm(
        request.POST if request.method == "POST" else None,
        employees=employees,
        initial={"work_accident_place": True},
    )
    if request.method == "POST" and form.is_valid():
        agreement = run_service(
            request,
            form,
            lambda: services.agreement_request(
                employee=form.cleaned_data["employee"],
                actor=user,
                **_request_kwargs(form.cleaned_data),
            ),
            _("The proposal is recorded."),
        )
        if agreement is not None:
            return redirect(agreement)
    return render(
        request,
        "telework/request.html",
        {"form": form, "proposing": True},
        status=status_for(form, request),
    )


# --- Declarations ----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def declaration(request: HtmxHttpRequest, month: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    first = parse_month(month)
    if first is None:
        raise Http404
    file = EmployeeFile.objects.select_related("legal_entity").filter(user=user).first()
    calendar = (
        WorkCalendar(file.legal_entity.holiday_country, file.legal_entity.holiday_subdivision)
        if file
        else WorkCalendar()
    )
    days = [d for d in days_in(first, month_end(first)) if calendar.is_working_day(d)]
    choices = [(d.isoformat(), date_format(d, "D j")) for d in days]
    existing = Declaration.objects.filter(employee=user, month=first).first()
    _days, rows = selectors.team_calendar(
        employees=[user], first=first, last=month_end(first), calendar=calendar
    )
    planned = [
        d.isoformat() for d, place in zip(_days, rows[0].places, strict=True) if place == "home"
    ]
    initial = {"days": existing.days if existing else planned}
    form = DeclarationForm(
        request.POST if request.method == "POST" else None, choices=choices, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        result = run_service(
            request,
            form,
            lambda: services.declaration_submit(
                employee=user,
                actor=user,
                month=first,
                days=[dt.date.fromisoformat(d) for d in form.cleaned_data["days"]],
                note=form.cleaned_data["note"],
            ),
            _("Your declaration was sent to your manager."),
        )
        if result is not None:
            return redirect("telework:my")
    return render(
        request,
        "telework/declaration.html",
        {"form": form, "month": first, "existing": existing},
        status=status_for(form, request),
    )


# --- IT rules, purchases, absences ---------------------------------------------------------
@require_POST
@login_required
def acknowledge_rules(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to accept the IT usage rules."))
        return redirect("telework:my")
    from django.core.exceptions import ValidationError

    try:
        services.equipment_acknowledge_rules(
            employee=user, actor=user, rules_hash=form.cleaned_data["rules_hash"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You accepted the IT usage rules."))
    return redirect("telework:my")


@require_POST
@login_required
def purchase_request(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PurchaseForm(request.POST)
    if form.is_valid():
        done = run_service(
            request,
            form,
            lambda: services.purchase_request(employee=user, actor=user, **form.cleaned_data),
            _("Your purchase request was sent for approval."),
        )
        if done is not None:
            return redirect("telework:my")
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("telework:my")


def _purchase_for(user: User, pk: int) -> Purchase:
    purchase = get_object_or_404(Purchase.objects.select_related("employee", "decided_by"), pk=pk)
    allowed = (
        user.pk == purchase.employee_id
        or purchase.employee.manager_id == user.pk
        or has_role(user, *TELEWORK_HR)
    )
    if not allowed:
        raise Http404
    return purchase


@require_GET
@login_required
def purchase_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    purchase = _purchase_for(request.user, pk)  # type: ignore[arg-type]
    return render(request, "telework/purchase.html", {"purchase": purchase, "form": ClaimForm()})


@require_POST
@login_required
def purchase_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    from django.core.exceptions import ValidationError

    user: User = request.user  # type: ignore[assignment]
    purchase = _purchase_for(user, pk)
    if action not in {"approve", "refuse", "claim", "reimburse"}:
        raise Http404
    form = ClaimForm(request.POST if action == "claim" else None)
    try:
        if action == "claim":
            if not form.is_valid():
                raise ValidationError(
                    form.errors.as_data().get("__all__", []) or _("Check the form.")
                )
            services.purchase_claim(
                purchase=purchase,
                actor=user,
                purchased_on=form.cleaned_data["purchased_on"],
                amount=form.cleaned_data["amount"],
            )
        elif action == "reimburse":
            services.purchase_reimburse(purchase=purchase, actor=user)
        else:
            services.purchase_decide(
                purchase=purchase,
                actor=user,
                approve=action == "approve",
                note=request.POST.get("note", "")[:1000],
            )
    except ValidationError as exc:
        from accounts.forms import apply_service_errors

        if not form.is_bound:
            # A decision has no form of its own: the service's message is shown as such
            # (add_error on an unbound form raised, a 500).
            for message in exc.messages:
                messages.error(request, message)
        else:
            apply_service_errors(form, exc, {"amount_claimed": "amount", "note": None})  # type: ignore[dict-item]
        return render(
            request, "telework/purchase.html", {"purchase": purchase, "form": form}, status=400
        )
    messages.success(request, _("Saved."))
    return redirect("telework:purchase", pk=purchase.pk)


@require_POST
@login_required
def absence_record(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AbsenceForm(request.POST)
    employee = user
    if request.POST.get("employee") and has_role(user, *TELEWORK_HR):
        employee = (
            get_object_or_404(User, pk=request.POST["employee"])
            if request.POST["employee"].isdigit()
            else user
        )
    if form.is_valid():
        done = run_service(
            request,
            form,
            lambda: services.absence_record(employee=employee, actor=user, **form.cleaned_data),
            _("The absence is recorded."),
        )
        if done is not None:
            return redirect("telework:my")
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("telework:my")
