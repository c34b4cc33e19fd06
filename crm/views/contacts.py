"""The contact pages: list, create, edit, the customer 360 page and its timeline, notes,
calls, consent, change history, merge, and the GDPR export and erasure."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts.decorators import role_required
from accounts.forms import apply_service_errors
from accounts.http import AuthenticatedHtmxRequest
from accounts.roles import has_role

from .. import selectors, services
from ..forms.contacts import (
    CallForm,
    ConsentForm,
    ContactFilterForm,
    ContactForm,
    EraseForm,
    MergeForm,
    NoteForm,
)
from ..models import Contact
from ..permissions import CRM_MERGE, CRM_PRIVACY, CRM_READ, CRM_WRITE
from ..registry import contact_actions, customer_panels
from .common import (
    ERROR_BAD_CURSOR,
    LIST_PAGE_SIZE,
    BadCursor,
    permissions_context,
    timeline_page_context,
)


@require_GET
@role_required(*CRM_READ)
def contact_list(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = ContactFilterForm(request.GET)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"],
            "tag": data["tag"],
            "language": data["language"],
            "vip": {"1": True, "0": False}.get(data["vip"]),
            "owner": request.user if data["mine"] else None,
        }
    page = Paginator(
        selectors.paginable(selectors.contact_list(**filters)), LIST_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "crm/contact_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            **permissions_context(request.user),
        },
        status=200 if form.is_valid() else 400,
    )


@require_http_methods(["GET", "POST"])
@role_required(*CRM_WRITE)
def contact_create(request: AuthenticatedHtmxRequest) -> HttpResponse:
    form = ContactForm(request.POST or None, initial={"country": "FR"})
    duplicates: list[Contact] = []
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                actor=request.user,
                allow_duplicate=request.POST.get("allow_duplicate") == "1",
                **form.service_kwargs(),
            )
        except services.DuplicateContactError as exc:
            duplicates = exc.duplicates
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Contact created."))
            return redirect(contact)
    status = 200
    if request.method == "POST":
        status = 409 if duplicates else 400
    return render(
        request,
        "crm/contact_form.html",
        {"form": form, "duplicates": duplicates, "contact": None},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(*CRM_WRITE)
def contact_edit(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    if not contact.is_active_record:
        raise Http404
    form = ContactForm(request.POST or None, initial=ContactForm.initial_for(contact))
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Contact updated."))
            return redirect(contact)
    return render(
        request,
        "crm/contact_form.html",
        {"form": form, "duplicates": [], "contact": contact},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@role_required(*CRM_READ)
def contact_detail(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    if request.htmx and (request.GET.get("cursor") or request.htmx.target == "timeline"):
        # A timeline fragment needs the contact's id and access check, not the whole page.
        fragment_contact = selectors.contact_get_for_user(user=request.user, pk=pk, light=True)
        try:
            fragment_context = timeline_page_context(request, contact=fragment_contact)
        except BadCursor:
            return HttpResponseBadRequest(ERROR_BAD_CURSOR)
        partial = "#timeline-rows" if request.GET.get("cursor") else "#timeline"
        return render(request, f"crm/components/timeline.html{partial}", fragment_context)
    contact = selectors.contact_get_for_page(user=request.user, pk=pk)
    if contact.merged_into_id:
        messages.info(request, _("This contact was merged; here is the record it was merged into."))
        return redirect(contact.merged_into)
    try:
        timeline_context = timeline_page_context(request, contact=contact)
    except BadCursor:
        return HttpResponseBadRequest(ERROR_BAD_CURSOR)
    permissions = permissions_context(request.user)
    panels = [
        {"panel": panel, "context": panel.context(contact, request)}
        for panel in customer_panels()
        if not panel.roles or has_role(request.user, *panel.roles)
    ]
    actions = [
        {"action": action, "url": action.url_for(contact.pk)}
        for action in contact_actions()
        if contact.is_active_record and (not action.roles or has_role(request.user, *action.roles))
    ]
    return render(
        request,
        "crm/contact_detail.html",
        {
            "contact": contact,
            "consents": selectors.consent_current(contact=contact),
            "panels": panels,
            "contact_actions": actions,
            "note_form": NoteForm(),
            "call_form": CallForm(initial=CallForm.initial_for(contact)),
            "consent_form": ConsentForm(),
            "key_figure_cap": selectors.KEY_FIGURE_CAP,
            **timeline_context,
            **permissions,
        },
    )


def _contact_for_write(request: AuthenticatedHtmxRequest, pk: int) -> Contact:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    if not contact.is_active_record:
        raise Http404
    return contact


def _render_write_result(
    request: AuthenticatedHtmxRequest,
    contact: Contact,
    *,
    form: Any,
    form_template: str,
    form_name: str,
    success_message: str,
) -> HttpResponse:
    """Answer a note/call/consent post: htmx gets fragments, plain forms a redirect or page."""
    if not form.errors:
        if request.htmx:
            context = timeline_page_context(request, contact=contact)
            context[form_name] = type(form)(initial=_fresh_initial(form, contact))
            context["contact"] = contact
            response = render(request, "crm/components/timeline.html#timeline", context)
            response["HX-Trigger"] = "relais:activity-added"
            return response
        messages.success(request, success_message)
        return redirect(contact)
    if request.htmx:
        response = render(request, form_template, {form_name: form, "contact": contact}, status=422)
        return reswap(retarget(response, f"#{form_name.replace('_', '-')}"), "outerHTML")
    return render(
        request,
        "crm/contact_write_error.html",
        {"form": form, "contact": contact, "form_template": form_template, "form_name": form_name},
        status=400,
    )


def _fresh_initial(form: Any, contact: Contact) -> dict[str, Any]:
    return CallForm.initial_for(contact) if isinstance(form, CallForm) else {}


@require_POST
@role_required(*CRM_WRITE)
def note_add(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    contact = _contact_for_write(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(contact=contact, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return _render_write_result(
        request, contact, form=form, form_template="crm/components/note_form.html",
        form_name="note_form", success_message=_("Note added."),
    )  # fmt: skip


@require_POST
@role_required(*CRM_WRITE)
def call_log(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    contact = _contact_for_write(request, pk)
    form = CallForm(request.POST)
    if form.is_valid():
        try:
            services.call_log(contact=contact, agent=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return _render_write_result(
        request, contact, form=form, form_template="crm/components/call_form.html",
        form_name="call_form", success_message=_("Call logged."),
    )  # fmt: skip


@require_POST
@role_required(*CRM_WRITE)
def consent_record(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    contact = _contact_for_write(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_record(contact=contact, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    if not form.errors:
        messages.success(request, _("Consent recorded."))
        return redirect(contact)
    return render(
        request,
        "crm/contact_write_error.html",
        {"form": form, "contact": contact, "form_template": "crm/components/consent_form.html",
         "form_name": "consent_form"},
        status=400,
    )  # fmt: skip


@require_GET
@role_required(*CRM_READ)
def contact_history(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    records = contact.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )
    page = Paginator(records, 25).get_page(request.GET.get("page"))
    entries = []
    # Each record is compared with the one before it; the page holds 25 plus one lookup each.
    for record in page:
        previous = record.prev_record
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [
                {"field": contact._meta.get_field(c.field).verbose_name, "old": c.old, "new": c.new}
                for c in delta.changes
            ]
        entries.append({"record": record, "changes": changes})
    return render(
        request, "crm/contact_history.html", {"contact": contact, "page": page, "entries": entries}
    )


@require_http_methods(["GET", "POST"])
@role_required(*CRM_MERGE)
def contact_merge(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    contact = _contact_for_write(request, pk)
    form = MergeForm(request.POST or None, initial={"duplicate": request.GET.get("duplicate")})
    if request.method == "POST" and form.is_valid():
        duplicate = Contact.objects.filter(pk=form.cleaned_data["duplicate"]).first()
        if duplicate is None:
            form.add_error("duplicate", _("No contact has this number."))
        else:
            try:
                services.contact_merge(survivor=contact, duplicate=duplicate, actor=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The duplicate was merged into this contact."))
                return redirect(contact)
    candidates = services.contact_find_duplicates(
        emails=[e.email for e in contact.emails.all()],
        phones=[p.number.as_e164 for p in contact.phones.all()],
        exclude=contact,
    )
    return render(
        request,
        "crm/contact_merge.html",
        {"contact": contact, "form": form, "candidates": candidates},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@role_required(*CRM_PRIVACY)
def contact_privacy_export(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    data = services.contact_export_data(contact=contact, actor=request.user)
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="relais-contact-{contact.pk}.json"'
        return response
    return render(request, "crm/contact_privacy_export.html", {"contact": contact, "data": data})


@require_http_methods(["GET", "POST"])
@role_required(*CRM_PRIVACY)
def contact_privacy_erase(request: AuthenticatedHtmxRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    if contact.erased_at is not None:
        messages.info(request, _("This contact has already been erased."))
        return redirect(contact)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_erase(
                contact=contact,
                actor=request.user,
                confirmation=form.cleaned_data["confirmation"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The contact's personal data was erased."))
            return redirect(contact)
    return render(
        request,
        "crm/contact_privacy_erase.html",
        {"contact": contact, "form": form},
        status=400 if request.method == "POST" else 200,
    )
