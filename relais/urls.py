from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.login_guard import address_limited
from campaigns.urls import public_patterns as campaigns_public_patterns

from . import api_docs

admin.site.site_header = _("Relais administration")
admin.site.site_title = _("Relais")
admin.site.index_title = _("Administration")
# The admin's login counts against the same per-address budget as the site's.
admin.site.login = address_limited(admin.site.login)  # type: ignore[method-assign]


api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("crm.api_urls")),
    path("", include("tickets.api_urls")),
    path("telework/", include("telework.api_urls")),
    path("", include("sales.api_urls")),
    path("", include("telephony.api_urls")),
    path("", include("triage.api_urls")),
    path("", include("channels.api_urls")),
    path("", include("quality.api_urls")),
    path("", include("campaigns.api_urls")),
    path("", include("surveys.api_urls")),
]

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("crm.urls")),
    path("", include("tickets.urls")),
    path("", include("telework.urls")),
    path("", include("sales.urls")),
    path("", include("telephony.urls")),
    path("", include("triage.urls")),
    path("", include("channels.urls")),
    path("", include("quality.urls")),
    path("", include("campaigns.urls")),
    path("", include(campaigns_public_patterns)),
    path("", include("surveys.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", api_docs.schema, name="api-schema"),
    path("api/docs/", api_docs.swagger, name="api-docs"),
]

# Django answers some bad requests before any view (a body too large while parsed, too
# many fields): JSON on the API, the translated page elsewhere.
handler400 = "relais.errors.bad_request"
# A URL no route matches: JSON under /api/ (relais.errors.not_found), the page elsewhere.
handler404 = "relais.errors.not_found"
