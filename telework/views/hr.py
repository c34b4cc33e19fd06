"""HR's pages: the dashboard, the agreement list, imposing exceptional telework, the
allowance and its payroll export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.http import HtmxHttpRequest
from accounts.models import Team, User

from .. import selectors, services
from ..dates import parse_month
from ..forms import AllowanceForm, ImposeForm
from ..models import Agreement, AllowanceExport, LegalEntity, ReadLog
from ..permissions import TELEWORK_HR
from ._shared import run_service, status_for

PAGE_SIZE = 25


@require_GET
@role_required(*TELEWORK_HR)
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    data = selectors.hr_dashboard()
    return render(
        request,
        "telework/hr_dashboard.html",
        {
            **data,
            "kind_labels": dict(Agreement.Kind.choices),
            "status_labels": dict(Agreement.Status.choices),
        },
    )


@require_GET
@role_required(*TELEWORK_HR)
def agreement_list(request: HtmxHttpRequest) -> HttpResponse:
    team = None
    team_id = request.GET.get("team", "")
    if team_id.isdigit() and len(team_id) < 12:
        team = Team.objects.filter(pk=team_id).first()
    qs = selectors.agreement_list(
        user=request.user,  # type: ignore[arg-type]
        status=request.GET.get("status", "")[:30],
        kind=request.GET.get("kind", "")[:20],
        team=team,
        query=request.GET.get("q", "")[:100],
        flagged=request.GET.get("flagged") == "1",
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    services.reads_logged(
        reader=request.user, agreements=list(page.object_list), channel=ReadLog.Channel.PAGE
    )  # type: ignore[arg-type]
    template = "telework/hr_agreements.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "page": page,
            "teams": Team.objects.order_by("name"),
            "statuses": Agreement.Status.choices,
            "kinds": Agreement.Kind.choices,
            "filters": {
                "status": request.GET.get("status", "")[:30],
                "kind": request.GET.get("kind", "")[:20],
                "team": team.pk if team else "",
                "q": request.GET.get("q", "")[:100],
                "flagged": request.GET.get("flagged") == "1",
            },
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*TELEWORK_HR)
def impose_exceptional(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    employees = (
        User.objects.filter(is_active=True, telework_file__isnull=False)
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name")
    )
    form = ImposeForm(request.POST if request.method == "POST" else None, employees=employees)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agreement = run_service(
            request,
            form,
            lambda: services.agreement_impose_exceptional(
                employee=data["employee"],
                actor=user,
                start_date=data["start_date"],
                end_date=data["end_date"],
                reason=data["reason"],
                address=data["address"],
            ),
            _("Exceptional telework is recorded and the employee is told."),
        )
        if agreement is not None:
            return redirect(agreement)
    return render(request, "telework/impose.html", {"form": form}, status=status_for(form, request))


@require_GET
@role_required(*TELEWORK_HR)
def allowance(request: HtmxHttpRequest) -> HttpResponse:
    entities = selectors.entity_list()
    today = timezone.localdate()
    initial = {"month": today.strftime("%Y-%m"), "entity": entities[0].pk if entities else None}
    form = AllowanceForm(request.GET or None, initial=initial)
    result = None
    error = None
    if form.is_bound and form.is_valid():
        month = parse_month(form.cleaned_data["month"])
        try:
            month = services.allowance_check_month(month)
            result = services.compute_month(entity=form.cleaned_data["entity"], month=month)
        except ValidationError as exc:
            from accounts.forms import apply_service_errors

            apply_service_errors(form, exc)
    entity = form.cleaned_data.get("entity") if form.is_bound and form.is_valid() else None
    if result is not None:
        services.reads_logged(
            reader=request.user,  # type: ignore[arg-type]
            agreements=[row.agreement_ids[-1] for row in result.rows[:200]],
            channel=ReadLog.Channel.PAGE,
        )
    return render(
        request,
        "telework/allowance.html",
        {
            "form": form,
            "result": result,
            "rows": result.rows[:200] if result else [],
            "error": error,
            "exports": selectors.exports_for(entity=entity),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@role_required(*TELEWORK_HR)
def allowance_export(request: HtmxHttpRequest) -> HttpResponse:
    form = AllowanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("telework:allowance")
    try:
        export = services.allowance_export(
            entity=form.cleaned_data["entity"],
            month=parse_month(form.cleaned_data["month"]),
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(
            f"{_allowance_url()}?month={form.cleaned_data['month']}&entity={form.cleaned_data['entity'].pk}"
        )
    return _csv(export)


def _allowance_url() -> str:
    from django.urls import reverse

    return reverse("telework:allowance")


def _csv(export: AllowanceExport) -> HttpResponse:
    response = HttpResponse(export.content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"allowance-{export.legal_entity_id}-{export.month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-SHA256"] = export.sha256
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(*TELEWORK_HR)
def export_download(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(AllowanceExport, pk=pk)
    return _csv(export)


def entity_or_404(raw: str) -> LegalEntity:
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    return get_object_or_404(LegalEntity, pk=raw)
