"""API plumbing shared by every app: the base view, one error format, the common schema
responses. Pagination is in relais/pagination.py, the browsable API's renderer in
relais/renderers.py (settings load both before any view exists).

Every API view of ours extends `BaseAPIView`: thin views that read through selectors,
validate input with serializers and write through services. The base gives DRF's OPTIONS
metadata and its browsable HTML renderer what they need (a serializer class per method,
an object for PUT, no filter backends), so neither turns a request into a 500.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.models import User
from accounts.serializers import ErrorSerializer

# Responses every operation documents alike.
BAD_REQUEST = OpenApiResponse(description=_("Invalid input: the errors, field by field."))
COMMON_ERRORS: dict[int, Any] = {401: ErrorSerializer, 403: ErrorSerializer}
OBJECT_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 404: ErrorSerializer}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a service's ValidationError becomes a 400 with field errors.

    Services validate with Django's ValidationError so that forms, admin and API share
    one rule; here the API turns it into the same shape as a serializer error.
    """
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = serializers.ValidationError(detail)
    return drf_exception_handler(exc, context)


class NoInput(serializers.Serializer):
    """What a method without a body takes: nothing (OPTIONS and the HTML forms show no
    field)."""


# --- Unknown fields are refused (docs/security.md, "API contract") ----------------------

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Keys the browsable API's HTML forms add to what they post.
FORM_KEYS = frozenset({"csrfmiddlewaretoken"})
ERROR_UNKNOWN_FIELD = _("Unknown field: this endpoint does not take it.")


def unknown_fields(serializer: serializers.BaseSerializer[Any], data: Any) -> list[str]:
    """The keys of `data` that `serializer` has no field for, nested ones as `a.b` or
    `a[0].b`. Read-only fields are known (a client may send back what it read: they are
    ignored); free-form fields (JSON, dict) are not looked into."""

    def walk(current: Any, value: Any, prefix: str) -> Iterator[str]:
        if isinstance(current, serializers.ListSerializer):
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield from walk(current.child, item, f"{prefix}[{index}]")
            return
        if not isinstance(current, serializers.Serializer) or not isinstance(value, Mapping):
            return
        fields = current.fields
        for key in value:
            name = f"{prefix}.{key}" if prefix else str(key)
            if key not in fields:
                if not (prefix == "" and key in FORM_KEYS):
                    yield name
            elif isinstance(fields[key], serializers.BaseSerializer):
                yield from walk(fields[key], value[key], name)

    return list(walk(serializer, data, ""))


def refuse_unknown_fields(serializer: serializers.BaseSerializer[Any], data: Any) -> None:
    """400 naming every unknown field of `data`: a misspelt field ("emial") would
    otherwise be dropped without a word, and its value lost."""
    unknown = unknown_fields(serializer, data)
    if unknown:
        raise serializers.ValidationError({name: [ERROR_UNKNOWN_FIELD] for name in unknown})


class RefuseUnknownFieldsMixin:
    """For every API view of ours: a POST, PUT or PATCH body with a key the method's input
    serializer does not have is refused with a 400 naming it, before the view runs (so
    nothing is written), after authentication and permissions (so only those allowed
    learn what the endpoint takes).

    The method's serializer is `input_serializers[method]` when the view declares it
    (BaseAPIView, plain APIViews), else DRF's `get_serializer()` (generic views); a view
    with neither takes no body (`NoInput`: any key is unknown). A body that is not a
    mapping (a raw email, a JSON list) is left to the view. A view that must read its raw
    body itself (a signed webhook) sets `refuse_unknown_fields_early = False` and calls
    `refuse_unknown_fields` once it has parsed the body.
    """

    refuse_unknown_fields_early = True

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method in WRITE_METHODS and self.refuse_unknown_fields_early:
            data = request.data
            if isinstance(data, Mapping) and data:
                refuse_unknown_fields(self.input_serializer_for(request.method), data)

    def input_serializer_for(self, method: str) -> serializers.BaseSerializer[Any]:
        declared = getattr(self, "input_serializers", None) or {}
        if method in declared:
            return declared[method](context={"request": self.request, "user": self.request.user})  # type: ignore[attr-defined]
        if isinstance(self, generics.GenericAPIView) and (
            getattr(self, "serializer_class", None) is not None
            or type(self).get_serializer_class is not generics.GenericAPIView.get_serializer_class
        ):
            return self.get_serializer()
        return NoInput()


# --- Ids ----------------------------------------------------------------------------

# The largest id either database stores (a bigint). A query parameter beyond it would
# reach SQLite as an OverflowError (a 500): it is a 400 instead.
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """An object id in a query string or a body: 1 to MAX_ID."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


ERROR_BAD_ID = _("Not an id: a whole number from 1 to %(max)s.")


def id_parameter(request: Request, name: str) -> int | None:
    """The id in query parameter `name` (None when absent or empty); anything but a whole
    number from 1 to MAX_ID is a 400 naming the parameter."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise serializers.ValidationError({name: [ERROR_BAD_ID % {"max": MAX_ID}]})
    return int(raw)


def bound_integers(serializer: serializers.Serializer[Any]) -> None:
    """Give every integer field of `serializer` without bounds the database's: a query
    parameter holds ids and counts, never a number past a bigint."""
    for field in serializer.fields.values():
        candidates = [field, getattr(field, "child", None)]
        for candidate in candidates:
            if not isinstance(candidate, serializers.IntegerField):
                continue
            if candidate.max_value is None:
                candidate.max_value = MAX_ID
                message = candidate.error_messages["max_value"].format(max_value=MAX_ID)
                candidate.validators.append(MaxValueValidator(MAX_ID, message=message))
            if candidate.min_value is None:
                candidate.min_value = -MAX_ID
                message = candidate.error_messages["min_value"].format(min_value=-MAX_ID)
                candidate.validators.append(MinValueValidator(-MAX_ID, message=message))


class BaseAPIView(RefuseUnknownFieldsMixin, generics.GenericAPIView):
    """The base of every API view of ours.

    - `input_serializers`: the body each method takes (`{"POST": XInputSerializer}`).
      Views validate with `self.input(X)` themselves; this mapping is what DRF's OPTIONS
      metadata and the browsable API describe and render as forms.
    - Filtering goes through the selectors (query strings validated by `self.query(X)`),
      so DRF's filter backends are off.
    - `get_object()` is what DRF's OPTIONS calls before describing PUT: views that accept
      PUT return their object through the permission-aware selector; others have none.
    """

    input_serializers: dict[str, type[serializers.BaseSerializer[Any]]] = {}
    filter_backends: list[Any] = []

    @property
    def actor(self) -> User:
        # The permission classes have already refused anonymous requests.
        return cast(User, self.request.user)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        method = self.request.method if self.request is not None else None
        return self.input_serializers.get(method or "", NoInput)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "user": self.request.user}

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer[Any]:
        """An input serializer for DRF's metadata and HTML forms, never bound to an object:
        the views build their own, and an input serializer cannot always read a model."""
        kwargs.pop("instance", None)
        args = args[1:]  # DRF passes the instance first when it passes one positionally
        kwargs.setdefault("context", self.get_serializer_context())
        return self.get_serializer_class()(*args, **kwargs)

    def get_object(self) -> Any:
        raise NotFound

    def query(self, serializer_class: type[Any]) -> dict[str, Any]:
        """The validated query string; a bad value is a 400 naming the parameter."""
        serializer = serializer_class(data=self.request.query_params)
        bound_integers(serializer)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def input(self, serializer_class: type[Any]) -> dict[str, Any]:
        """The validated body; the serializer sees the request and the user."""
        serializer = serializer_class(
            data=self.request.data, context={"request": self.request, "user": self.actor}
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def paginated(self, queryset: Any, serializer_class: type[Any]) -> Response:
        """One page of `queryset` with the view's pagination, serialised."""
        page = self.paginate_queryset(queryset)
        serializer = serializer_class(page, many=True, context={"request": self.request})
        return self.get_paginated_response(serializer.data)
