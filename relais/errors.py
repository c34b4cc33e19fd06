"""One answer per failure, in the caller's language: JSON on the API, a page elsewhere.

The API promises `{"detail": "..."}` for every error (README, "The API"). Django answers
some failures before DRF ever sees the request (a body over the size limit, too many
form fields, a bad Host); `handler400` and `RequestBodyLimitMiddleware` route those
through here so that an API client never receives an HTML page.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.views.defaults import page_not_found

API_PREFIX = "/api/"

ERROR_BAD_REQUEST = _("Relais could not understand this request.")
ERROR_BODY_TOO_LARGE = _("The request is too large: at most %(limit)s are accepted.")
ERROR_TOO_MANY_FIELDS = _("The request has too many fields or files.")
ERROR_NOT_FOUND = _("Not found.")


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(detail: str, *, status: int, headers: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse({"detail": str(detail)}, status=status, headers=headers)


def payload_too_large(request: HttpRequest, *, limit: int) -> HttpResponse:
    """413 for a body over `limit` bytes: JSON on the API, the friendly page elsewhere."""
    message = str(ERROR_BODY_TOO_LARGE) % {"limit": filesizeformat(limit)}
    if is_api_request(request):
        return json_error(message, status=413)
    return render(request, "413.html", {"message": message}, status=413)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: a URL no route matches (or an Http404 outside DRF). Under /api/ the
    JSON every API error has (`{"detail": "Not found."}`), so a client that mistypes a
    path, or sends an id the route's converter refuses (`/tickets/-1/`), gets the same
    404 as for an unknown id; elsewhere Django's page (templates/404.html)."""
    if is_api_request(request):
        return json_error(str(ERROR_NOT_FOUND), status=404)
    return page_not_found(request, exception or Http404())


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's SuspiciousOperation / BadRequest answers.

    A body that grows over DATA_UPLOAD_MAX_MEMORY_SIZE while it is parsed (the
    multipart fields of a form) is the same failure as one announced too large by its
    Content-Length, so it gets the same 413.
    """
    from django.conf import settings

    if isinstance(exception, RequestDataTooBig):
        return payload_too_large(request, limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        message = str(ERROR_TOO_MANY_FIELDS)
    else:
        message = str(ERROR_BAD_REQUEST)
    if is_api_request(request):
        return json_error(message, status=400)
    return render(request, "400.html", status=400)
