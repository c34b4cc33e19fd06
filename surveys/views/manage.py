"""Marketing's survey pages: the list, the form, a survey's page with the NPS send."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest

from .. import selectors, services
from ..forms import NpsSendForm, SurveyForm
from ..models import Survey, SurveyKind
from ..permissions import SURVEYS_MANAGE


@require_GET
@role_required(*SURVEYS_MANAGE)
def survey_list(request: AuthenticatedHtmxRequest) -> HttpResponse:
    surveys = list(selectors.survey_list()[:200])
    return render(request, "surveys/list.html", {"surveys": surveys})


def _save(request: AuthenticatedHtmxRequest, survey: Survey | None) -> HttpResponse:
    form = SurveyForm(request.POST or None, instance=survey)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "queues"}
            try:
                if survey is None:
                    survey = services.survey_create(
                        actor=request.user, queues=form.cleaned_data["queues"], **data
                    )
                else:
                    survey = services.survey_update(
                        survey=survey, actor=request.user, queues=form.cleaned_data["queues"],
                        **data,
                    )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Survey saved."))
                return redirect(survey.get_absolute_url())
        else:
            status = 400
    return render(request, "surveys/form.html", {"form": form, "survey": survey}, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*SURVEYS_MANAGE)
def survey_create(request: AuthenticatedHtmxRequest) -> HttpResponse:
    return _save(request, None)


@require_http_methods(["GET", "POST"])
@role_required(*SURVEYS_MANAGE)
def survey_edit(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    return _save(request, get_object_or_404(Survey, pk=pk))


@require_GET
@role_required(*SURVEYS_MANAGE)
def survey_detail(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.select_related("follow_up_queue"), pk=pk)
    by_status = dict(
        survey.invitations.values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    skipped = list(
        survey.invitations.filter(status="skipped")
        .values("skip_reason").annotate(n=Count("id")).order_by("skip_reason")
    )  # fmt: skip
    responses = list(selectors.responses_list().filter(survey=survey)[:20])
    return render(
        request,
        "surveys/detail.html",
        {"survey": survey, "by_status": by_status, "skipped": skipped, "responses": responses,
         "send_form": NpsSendForm() if survey.kind == SurveyKind.NPS else None},
    )  # fmt: skip


@require_POST
@role_required(*SURVEYS_MANAGE)
def survey_send(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    form = NpsSendForm(request.POST)
    if form.is_valid():
        try:
            result = services.nps_survey_send(
                survey=survey, contact_ids=form.cleaned_data["contact_ids"], actor=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(survey.get_absolute_url())
        messages.success(request, _("%(n)d invitations scheduled, %(a)d already invited, "
                                    "%(u)d unknown contacts.") % {
            "n": result.scheduled, "a": result.already_invited, "u": result.unknown})  # fmt: skip
    else:
        for error in form.errors.get("contact_ids", []):
            messages.error(request, error)
    return redirect(survey.get_absolute_url())
