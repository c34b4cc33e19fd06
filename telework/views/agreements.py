"""One agreement: its page (terms, versions, signatures, checklist, equipment, who read
it), the lifecycle actions, amendments and their diff, the PDF, onboarding items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import apply_service_errors
from accounts.http import HtmxHttpRequest
from accounts.models import User

from .. import selectors, services
from ..forms import AmendForm, DecisionForm, EndForm, ItemCompleteForm, ReasonForm, SignForm
from ..models import Agreement, AgreementVersion, EndRequest, ReadLog
from ..pdf import render_agreement_pdf
from ..services._common import parties_for
from ._shared import run_service, status_for

ACTION_MESSAGES = {
    "approve": gettext_noop("The request is approved; HR validates it next."),
    "refuse": gettext_noop("The request is refused; the employee is told why."),
    "validate": gettext_noop("Validated: the agreement now awaits both signatures."),
    "sign": gettext_noop("Your signature is recorded."),
    "decline": gettext_noop("You declined the proposal. This is never held against you."),
    "withdraw": gettext_noop("Withdrawn."),
    "activate": gettext_noop("The agreement is active."),
    "end": gettext_noop("The end of telework is recorded."),
}


def _page(
    request: HtmxHttpRequest,
    agreement: Agreement,
    *,
    forms: dict | None = None,
    status: int = 200,
    log: bool = True,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if log:
        services.reads_logged(reader=user, agreements=[agreement], channel=ReadLog.Channel.PAGE)
    data = selectors.agreement_page_data(agreement=agreement, user=user)
    pending = data["pending"]
    actions = services.allowed_actions(agreement, user)
    held = parties_for(user, agreement)
    forms = forms or {}
    context = {
        "agreement": agreement,
        **data,
        "actions": actions,
        "parties": held,
        "is_employee": user.pk == agreement.employee_id,
        "sign_form": forms.get("sign")
        or (
            SignForm(initial={"version_number": pending.number, "text_hash": pending.text_hash})
            if pending
            else None
        ),
        "reason_form": forms.get("reason") or ReasonForm(),
        "end_form": forms.get("end") or EndForm(),
        "earliest_return": services.earliest_return(agreement)
        if agreement.status in (Agreement.Status.ACTIVE, Agreement.Status.SIGNED)
        else None,
        "may_amend": agreement.status in (Agreement.Status.ACTIVE, Agreement.Status.SIGNED)
        and agreement.kind != Agreement.Kind.EXCEPTIONAL
        and agreement.ends_on is None
        and pending is None,
        "decision_form": DecisionForm(),
        "item_form": ItemCompleteForm(),
    }
    return render(request, "telework/agreement.html", context, status=status)


@require_GET
@login_required
def agreement_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    return _page(request, agreement)


@require_POST
@login_required
def agreement_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    agreement = selectors.agreement_get_for_user(user=user, pk=pk)
    if action not in ACTION_MESSAGES:
        raise Http404
    forms: dict = {}
    try:
        if action == "sign":
            form = SignForm(request.POST)
            forms["sign"] = form
            if not form.is_valid():
                return _page(request, agreement, forms=forms, status=400, log=False)
            services.agreement_sign(
                agreement=agreement,
                actor=user,
                version_number=form.cleaned_data["version_number"],
                text_hash_seen=form.cleaned_data["text_hash"],
            )
        elif action == "end":
            form = EndForm(request.POST)
            forms["end"] = form
            if not form.is_valid():
                return _page(request, agreement, forms=forms, status=400, log=False)
            data = form.cleaned_data
            if request.POST.get("mode") == "request":
                services.end_request_create(
                    agreement=agreement,
                    actor=user,
                    return_to_office_on=data["return_to_office_on"],
                    reason=data["reason"],
                )
            else:
                services.agreement_end(
                    agreement=agreement,
                    actor=user,
                    return_to_office_on=data["return_to_office_on"],
                    reason=data["reason"],
                )
        else:
            form = ReasonForm(request.POST)
            forms["reason"] = form
            if not form.is_valid():
                return _page(request, agreement, forms=forms, status=400, log=False)
            reason = form.cleaned_data["reason"]
            call = {
                "approve": lambda: services.agreement_approve(
                    agreement=agreement, actor=user, note=reason
                ),
                "refuse": lambda: services.agreement_refuse(
                    agreement=agreement, actor=user, reason=reason
                ),
                "validate": lambda: services.agreement_validate(agreement=agreement, actor=user),
                "decline": lambda: services.agreement_decline(
                    agreement=agreement, actor=user, reason=reason
                ),
                "withdraw": lambda: services.agreement_withdraw(agreement=agreement, actor=user),
                "activate": lambda: services.agreement_activate(agreement=agreement, actor=user),
            }[action]
            call()
    except ValidationError as exc:
        target = forms.get("sign") or forms.get("end") or forms.get("reason")
        if target is None:
            target = forms["reason"] = ReasonForm()
        apply_service_errors(target, exc)
        agreement.refresh_from_db()
        return _page(request, agreement, forms=forms, status=400, log=False)
    messages.success(request, _(ACTION_MESSAGES[action]))
    return redirect(agreement)


@require_POST
@login_required
def end_request_decide(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    end_request = get_object_or_404(EndRequest.objects.select_related("agreement"), pk=pk)
    agreement = selectors.agreement_get_for_user(user=user, pk=end_request.agreement_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        done = run_service(
            request,
            form,
            lambda: services.end_request_decide(
                request=end_request,
                actor=user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            ),
            _("Your answer is recorded."),
        )
        if done is not None:
            return redirect(agreement)
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(agreement)


@require_http_methods(["GET", "POST"])
@login_required
def agreement_amend(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    agreement = selectors.agreement_get_for_user(user=user, pk=pk)
    current = agreement.current_version
    if current is None:
        raise Http404
    initial = {
        "weekdays": current.weekdays,
        "days_per_month": current.days_per_month,
        "rhythm": current.rhythm,
        "address": current.address,
        "work_accident_place": current.work_accident_place,
        "contact_starts_at": current.contact_starts_at,
        "contact_ends_at": current.contact_ends_at,
    }
    form = AmendForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = run_service(
            request,
            form,
            lambda: services.agreement_amend(
                agreement=agreement,
                actor=user,
                effective_from=data["effective_from"],
                weekdays=data["weekdays"],
                days_per_month=data.get("days_per_month"),
                rhythm=data["rhythm"],
                address=data["address"],
                work_accident_place=data["work_accident_place"],
                contact_starts_at=data.get("contact_starts_at"),
                contact_ends_at=data.get("contact_ends_at"),
                change_note=data["change_note"],
            ),
            _("The amendment is ready: both parties sign it."),
        )
        if version is not None:
            return redirect(agreement)
    return render(
        request,
        "telework/amend.html",
        {"agreement": agreement, "form": form},
        status=status_for(form, request),
    )


@require_POST
@login_required
def amendment_withdraw(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    agreement = selectors.agreement_get_for_user(user=user, pk=pk)
    version = services.pending_version(agreement)
    if version is None:
        raise Http404
    try:
        services.amendment_withdraw(version=version, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The amendment is withdrawn; the version in force stays."))
    return redirect(agreement)


def _version(agreement: Agreement, number: int) -> AgreementVersion:
    version = agreement.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


@require_GET
@login_required
def version_diff(request: HtmxHttpRequest, pk: int, number: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    after = _version(agreement, number)
    raw = request.GET.get("against", "")
    before_number = int(raw) if raw.isdigit() and len(raw) < 6 else number - 1
    before = _version(agreement, before_number)
    services.reads_logged(reader=request.user, agreements=[agreement], channel=ReadLog.Channel.PAGE)  # type: ignore[arg-type]
    changes, lines = services.version_diff(before, after)
    return render(
        request,
        "telework/diff.html",
        {
            "agreement": agreement,
            "before": before,
            "after": after,
            "changes": changes,
            "lines": lines,
        },
    )


@require_GET
@login_required
def version_pdf(request: HtmxHttpRequest, pk: int, number: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    version = _version(agreement, number)
    services.reads_logged(reader=request.user, agreements=[agreement], channel=ReadLog.Channel.PDF)  # type: ignore[arg-type]
    pdf = render_agreement_pdf(version=version)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="teletravail-{agreement.pk}-v{version.number}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Onboarding items ------------------------------------------------------------------------
@require_POST
@login_required
def item_complete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    item = selectors.item_get_for_user(user=user, pk=pk)
    form = ItemCompleteForm(request.POST, request.FILES)
    if form.is_valid():
        done = run_service(
            request,
            form,
            lambda: services.onboarding_complete(
                item=item,
                actor=user,
                note=form.cleaned_data["note"],
                document=form.cleaned_data.get("document"),
            ),
            _("“%(item)s” is done.") % {"item": item.title},
        )
        if done is not None:
            return redirect(
                (request.POST.get("next") == "it" and "telework:equipment") or item.agreement
            )
    messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    if request.POST.get("next") == "it":
        return redirect("telework:equipment")
    return redirect(item.agreement)


@require_GET
@login_required
def item_document(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    item = selectors.item_get_for_user(user=user, pk=pk)
    if not item.document or not selectors.document_may_download(user=user, item=item):
        raise Http404
    services.reads_logged(reader=user, agreements=[item.agreement_id], channel=ReadLog.Channel.PAGE)
    response = FileResponse(
        item.document.open("rb"),
        as_attachment=True,
        filename=item.document_name or "document",
        content_type=item.document_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
