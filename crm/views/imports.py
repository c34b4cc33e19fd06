"""The CSV import pages: the list of jobs, upload, the template file, a job's page (with
its progress, polled by htmx), the commit and the error report."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.http import AuthenticatedHtmxRequest

from .. import imports, selectors
from ..forms.imports import ImportForm
from ..models import ImportJob
from ..permissions import CRM_IMPORT

IMPORT_LIST_PAGE_SIZE = 25
DETAIL_ERRORS_SHOWN = 100


@require_GET
@role_required(*CRM_IMPORT)
def import_list(request: AuthenticatedHtmxRequest) -> HttpResponse:
    page = Paginator(selectors.import_job_list(), IMPORT_LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for job in page:
        job.status_style = STATUS_STYLES.get(job.status, "secondary")  # type: ignore[attr-defined]
    return render(request, "crm/imports/list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@role_required(*CRM_IMPORT)
def import_create(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_job_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(request, gettext("File received: its rows are being checked."))
            return redirect("crm:import_detail", pk=job.pk)
    kind = form["kind"].value() or ImportJob.Kind.CONTACTS
    if kind not in ImportJob.Kind.values:
        kind = ImportJob.Kind.CONTACTS
    return render(
        request,
        "crm/imports/create.html",
        {
            "form": form,
            "column_help": {
                value: (label, imports.import_column_help(kind=value))
                for value, label in ImportJob.Kind.choices
            },
            "max_bytes": settings.RELAIS_IMPORT_MAX_BYTES,
        },
        status=400 if form.errors else 200,
    )


@require_GET
@role_required(*CRM_IMPORT)
def import_template(request: AuthenticatedHtmxRequest, kind: str) -> HttpResponse:
    if kind not in ImportJob.Kind.values:
        raise Http404
    response = HttpResponse(
        imports.import_template_csv(kind=kind), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="relais-{kind}.csv"'
    return response


STATUS_STYLES: dict[str, str] = {
    ImportJob.Status.PENDING: "secondary",
    ImportJob.Status.VALIDATING: "info",
    ImportJob.Status.VALID: "success",
    ImportJob.Status.INVALID: "danger",
    ImportJob.Status.IMPORTING: "primary",
    ImportJob.Status.DONE: "success",
    ImportJob.Status.FAILED: "danger",
}


def _job_context(job: ImportJob) -> dict[str, Any]:
    return {
        "job": job,
        "status_style": STATUS_STYLES.get(job.status, "secondary"),
        "progress": imports.import_job_progress(job=job),
        "running": job.status in imports.RUNNING_STATUSES,
        "shown_errors": job.errors[:DETAIL_ERRORS_SHOWN],
    }


@require_GET
@role_required(*CRM_IMPORT)
def import_detail(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(selectors.import_job_list(), pk=pk)
    context = _job_context(job)
    if request.htmx and not request.htmx.boosted:
        return render(request, "crm/imports/detail.html#job-status", context)
    context["header"] = imports.import_job_columns(job=job)
    return render(request, "crm/imports/detail.html", context)


@require_POST
@role_required(*CRM_IMPORT)
def import_commit(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    try:
        imports.import_job_commit_schedule(job=job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Import started: every row is written, or none."))
    return redirect("crm:import_detail", pk=job.pk)


@require_GET
@role_required(*CRM_IMPORT)
def import_errors(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    response = HttpResponse(
        imports.import_job_errors_csv(job=job), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response
