from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class HtmxHttpRequest(HttpRequest):
    """The request type of every view: django-htmx adds `request.htmx`."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed login: `request.user` is a staff User, not AnonymousUser.
    For code that receives the request from a signed-in page (workspace panels...)."""

    user: User


class AuthenticatedHtmxRequest(HtmxHttpRequest):
    """The request type of every view behind `login_required` or `role_required`: a
    signed-in staff User, and django-htmx's `request.htmx`. (The decorators do the
    checking; this only tells the type checker what they guarantee.)"""

    user: User
