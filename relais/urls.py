from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = _("Relais administration")
admin.site.site_title = _("Relais")
admin.site.index_title = _("Administration")

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("crm.api_urls")),
    path("", include("tickets.api_urls")),
]

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("crm.urls")),
    path("", include("tickets.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
