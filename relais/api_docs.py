"""Who may read the API's schema and its Swagger UI (RELAIS_API_DOCS_PUBLIC).

By default only signed-in staff (session or token): the schema lists every operation
and field of this deployment, and nothing else in Relais is readable anonymously. An
operator who runs a public integration portal turns the setting on. Read on every
request, so the setting (and the tests) need no URL reload.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


def docs_are_public() -> bool:
    return bool(getattr(settings, "RELAIS_API_DOCS_PUBLIC", False))


class ApiDocsPermission(BasePermission):
    """drf-spectacular's SERVE_PERMISSIONS: anyone when public, else the signed-in."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return docs_are_public() or bool(request.user and request.user.is_authenticated)


@cache
def _views() -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse]]:
    # Imported on first use: drf-spectacular's settings import ApiDocsPermission above.
    from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
    from rest_framework.renderers import BaseRenderer, JSONRenderer

    class SwaggerView(SpectacularSwaggerView):
        """Swagger UI. Its only renderer is an HTML template, which has nothing to show
        for OPTIONS: that answer is DRF's usual metadata, in JSON."""

        def get_renderers(self) -> list[BaseRenderer]:
            if self.request is not None and self.request.method == "OPTIONS":
                return [JSONRenderer()]
            return list(super().get_renderers())

    return SpectacularAPIView.as_view(), SwaggerView.as_view(url_name="api-schema")


def schema(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    # An anonymous client gets DRF's 401 JSON error, like any other endpoint.
    return _views()[0](request, *args, **kwargs)


def swagger(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    # A page for people: an anonymous reader is sent to the login page and back.
    if not docs_are_public() and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _views()[1](request, *args, **kwargs)
