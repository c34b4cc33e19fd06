"""The continuity page (HR switches a team to exceptional telework, reads the report)
and the reserve pool (HR keeps it; supervisors call on it and log the answers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import HtmxHttpRequest
from accounts.models import User

from .. import selectors, services
from ..forms import CallUpAnswerForm, CallUpForm, ContinuityForm, ReserveMemberForm, split_list
from ..models import CallUp, ContinuityActivation, ReserveMember
from ..permissions import RESERVE_ROLES, TELEWORK_HR
from ._shared import run_service, status_for


@require_http_methods(["GET", "POST"])
@role_required(*TELEWORK_HR)
def continuity(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ContinuityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        activation = run_service(
            request,
            form,
            lambda: services.continuity_activate(actor=user, **form.cleaned_data),
            _("Exceptional telework is in place; the report below lists the gaps."),
        )
        if activation is not None:
            return redirect("telework:activation", pk=activation.pk)
    return render(
        request,
        "telework/continuity.html",
        {"form": form, "activations": selectors.activations()},
        status=status_for(form, request),
    )


@require_GET
@role_required(*TELEWORK_HR)
def activation_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    activation = get_object_or_404(
        ContinuityActivation.objects.select_related("team", "created_by"), pk=pk
    )
    return render(
        request,
        "telework/activation.html",
        {"activation": activation, **services.activation_report(activation)},
    )


@require_http_methods(["GET", "POST"])
@role_required(*RESERVE_ROLES)
def reserve_pool(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    hr = selectors.is_hr(user)
    form = ReserveMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not hr:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            member = run_service(
                request,
                form,
                lambda: services.reserve_member_save(
                    actor=user,
                    full_name=data["full_name"],
                    category=data["category"],
                    email=data["email"],
                    phone=data["phone"],
                    home_team=data["home_team"],
                    skills=split_list(data["skills"]),
                    languages=split_list(data["languages"]),
                    consent=data["consent"],
                    consent_note=data["consent_note"],
                    last_training_on=data["last_training_on"],
                    availability=data["availability"],
                    availability_note=data["availability_note"],
                ),
                _("Added to the reserve pool."),
            )
            if member is not None:
                return redirect("telework:reserve")
    members = selectors.reserve_list(
        skill=request.GET.get("skill", "")[:50],
        language=request.GET.get("language", "")[:50],
        availability=request.GET.get("availability", "")[:20],
        callable_only=not hr,
    )
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "telework/reserve.html",
        {
            "page": page,
            "form": form if hr else None,
            "callup_form": CallUpForm(),
            "answer_form": CallUpAnswerForm(),
            "log": selectors.callup_log(limit=30),
            "availabilities": ReserveMember.Availability.choices,
            "filters": {
                k: request.GET.get(k, "")[:50] for k in ("skill", "language", "availability")
            },
            "is_hr": hr,
        },
        status=status_for(form, request),
    )


@require_POST
@role_required(*RESERVE_ROLES)
def callup_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(ReserveMember, pk=pk)
    form = CallUpForm(request.POST)
    if form.is_valid():
        try:
            services.callup_create(member=member, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Call-up logged."))
            return redirect("telework:reserve")
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("telework:reserve")


@require_POST
@role_required(*RESERVE_ROLES)
def callup_answer(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    callup = get_object_or_404(CallUp, pk=pk)
    form = CallUpAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.callup_answer(callup=callup, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Answer logged."))
            return redirect("telework:reserve")
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("telework:reserve")
