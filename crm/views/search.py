"""The header search: contacts and organisations by name, email, phone, company or id."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from accounts.http import AuthenticatedHtmxRequest
from accounts.roles import has_role

from .. import registry, selectors
from ..permissions import CRM_READ


@require_GET
@role_required(*CRM_READ)
def search(request: AuthenticatedHtmxRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    contacts = selectors.contact_search(query=query) if query else []
    organisations = selectors.organisation_search(query=query, limit=10) if query else []
    sections = []
    if query:
        for section in registry.search_sections():
            if section.roles and not has_role(request.user, *section.roles):
                continue
            sections.append({"section": section, "rows": section.results(query, request)})
    template = "crm/search.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {"q": query, "contacts": contacts, "organisations": organisations, "sections": sections},
    )
