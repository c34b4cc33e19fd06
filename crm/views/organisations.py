"""The organisation pages: list (and the contact form's suggestions), create, edit, and
the organisation's page with its contacts and timeline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest

from .. import selectors, services
from ..forms.organisations import OrganisationForm
from ..models import Organisation
from ..permissions import CRM_READ, CRM_WRITE
from .common import (
    ERROR_BAD_CURSOR,
    LIST_PAGE_SIZE,
    BadCursor,
    permissions_context,
    timeline_page_context,
)


@require_GET
@role_required(*CRM_READ)
def organisation_list(request: AuthenticatedHtmxRequest) -> HttpResponse:
    # The contact form's organisation field sends its own name ("organisation").
    search = (request.GET.get("q") or request.GET.get("organisation") or "")[:200]
    queryset = selectors.organisation_list(search=search, tag=request.GET.get("tag", "")[:50])
    if request.GET.get("format") == "datalist":
        # Suggestions for the organisation field of the contact form.
        return render(
            request, "crm/organisation_list.html#datalist", {"organisations": queryset[:15]}
        )
    page = Paginator(queryset, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "crm/organisation_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    query = urlencode({"q": search}) if search else ""
    return render(
        request,
        template,
        {"page": page, "q": search, "query": query, **permissions_context(request.user)},
    )


@require_http_methods(["GET", "POST"])
@role_required(*CRM_WRITE)
def organisation_create(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, initial={"country": "FR"})
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation created."))
            return redirect(organisation)
    return render(
        request,
        "crm/organisation_form.html",
        {"form": form, "organisation": None},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*CRM_WRITE)
def organisation_edit(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    form = OrganisationForm(
        request.POST or None,
        instance=Organisation.objects.get(pk=pk),
        initial={"tags": ", ".join(t.name for t in organisation.tags.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, actor=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation updated."))
            return redirect(organisation)
    return render(
        request,
        "crm/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@role_required(*CRM_READ)
def organisation_detail(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    try:
        timeline_context = timeline_page_context(request, organisation=organisation)
    except BadCursor:
        return HttpResponseBadRequest(ERROR_BAD_CURSOR)
    if request.htmx and request.GET.get("cursor"):
        return render(request, "crm/components/timeline.html#timeline-rows", timeline_context)
    if request.htmx and request.htmx.target == "timeline":
        return render(request, "crm/components/timeline.html#timeline", timeline_context)
    contacts = Paginator(selectors.organisation_contacts(organisation=organisation), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "crm/organisation_detail.html",
        {"organisation": organisation, "contacts": contacts, **timeline_context,
         **permissions_context(request.user)},
    )  # fmt: skip
