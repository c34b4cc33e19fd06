from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from .errors import payload_too_large

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


class RequestBodyLimitMiddleware:
    """Refuse a body larger than Relais accepts before a byte of it is read.

    Django limits the non-file part of a body (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams
    uploaded files to disk whatever their size, so a 2 GB "attachment" was written in
    full before the 10 MB check refused it; and DRF reads JSON bodies without any limit.
    The announced Content-Length is checked here instead: multipart bodies (uploads)
    against RELAIS_REQUEST_MAX_BYTES, every other body against
    DATA_UPLOAD_MAX_MEMORY_SIZE. Under WSGI a body without Content-Length is not read at
    all, so the header is authoritative; the proxy in front enforces the same ceiling
    (README, "Production").

    Its __call__ runs before any view middleware (CSRF reads the form in process_view),
    so nothing has touched the body yet. The answer is a 413: the API's JSON error on
    /api/, the translated page elsewhere.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty
        if length:
            limit = self.limit_for(request)
            if length > limit:
                return payload_too_large(request, limit=limit)
        return self.get_response(request)

    @staticmethod
    def limit_for(request: HttpRequest) -> int:
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.lower().startswith("multipart/form-data"):
            return int(settings.RELAIS_REQUEST_MAX_BYTES)
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
