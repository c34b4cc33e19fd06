"""The customer field of "Log a ticket": a typeahead over the crm search (name, email,
phone in any format) and "create a new customer" inline, both htmx fragments."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.http import AuthenticatedHtmxRequest
from accounts.roles import has_role
from crm import selectors as crm_selectors
from crm import services as crm_services
from crm.permissions import CRM_READ, CRM_WRITE

from ..forms.customers import QuickContactForm
from ..permissions import TICKETS_WORK

TEMPLATE = "tickets/components/customer_picker.html"
SUGGESTIONS = 8


@require_GET
@role_required(*TICKETS_WORK)
def customer_suggest(request: AuthenticatedHtmxRequest) -> HttpResponse:
    query = request.GET.get("contact", "").strip()[:200]
    if not has_role(request.user, *CRM_READ):
        return render(request, f"{TEMPLATE}#suggestions", {"contacts": [], "q": ""})
    found = crm_selectors.contact_search(query=query, limit=SUGGESTIONS) if len(query) >= 2 else []
    return render(
        request,
        f"{TEMPLATE}#suggestions",
        {"contacts": found, "q": query, "can_create": has_role(request.user, *CRM_WRITE)},
    )


@require_POST
@role_required(*TICKETS_WORK)
def customer_quick_create(request: AuthenticatedHtmxRequest) -> HttpResponse:
    if not has_role(request.user, *CRM_WRITE):
        raise PermissionDenied
    form = QuickContactForm(request.POST, prefix="new_contact")
    if form.is_valid():
        data = form.cleaned_data
        try:
            contact = crm_services.contact_create(
                actor=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                emails=[data["email"]] if data["email"] else [],
                phones=[data["phone"]] if data["phone"] else [],
            )
        except crm_services.DuplicateContactError as exc:
            return render(
                request, f"{TEMPLATE}#suggestions",
                {"contacts": exc.duplicates, "q": "", "duplicates": True},
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, f"{TEMPLATE}#chosen", {"contact": contact})
    return render(request, f"{TEMPLATE}#create", {"form": form}, status=422)
