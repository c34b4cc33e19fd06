from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

ERROR_NUL_BYTE = _("The address contains a forbidden character (NUL).")


class RejectNulBytesMiddleware:
    """Answer 400 to a query string carrying a NUL byte.

    PostgreSQL refuses NUL in text, so such a value would reach a search filter and turn
    into a 500. Forms and serializers already refuse NUL in submitted fields (Django's
    and DRF's CharField validators); query strings feed filters directly, so they are
    checked here, once, for every view including the admin's search.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(ERROR_NUL_BYTE)}, status=400)
            raise BadRequest(ERROR_NUL_BYTE)
        return self.get_response(request)
