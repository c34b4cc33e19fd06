"""Pagination of every API list.

- `StandardPagination` (the default): `?page=` and `?page_size=` (50, up to 200), with a
  count. For lists whose size a count can afford: contacts, organisations, calls, notes,
  queues, teams, notifications.
- `KeysetCursorPagination`: `?cursor=` (follow `next` / `previous`) and `?page_size=`, no
  count. For lists that grow without bound and are read deep: tickets and a ticket's
  messages. Page 1000 costs what page 1 does.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Model, OrderBy, Q, QuerySet
from django.db.models.fields import Field
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.request import Request

WHOLE_NUMBER = re.compile(r"[0-9]+")
ERROR_PAGE_SIZE = _("Not a page size: a whole number from 1 (past %(max)s, %(max)s are given).")
ERROR_PAGE = _("Not a page number: a whole number from 1.")


class StrictPageParameters:
    """`?page_size=` (and `?page=`) must be whole numbers from 1, as the schema says: DRF
    would quietly fall back to the default for `?page_size=abc` and to page 1 for
    `?page=`, so a client's mistake went unnoticed. A page size past the maximum is still
    clamped to it (README, "The API")."""

    page_size: int
    page_size_query_param: str
    max_page_size: int

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not WHOLE_NUMBER.fullmatch(raw) or int(raw) < 1:
            message = ERROR_PAGE_SIZE % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)  # type: ignore[misc]
        for parameter in parameters:
            if parameter["name"] in ("page", self.page_size_query_param):
                parameter["schema"]["minimum"] = 1
        return parameters


class StandardPagination(StrictPageParameters, PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        raw = request.query_params.get(self.page_query_param)
        bad = not WHOLE_NUMBER.fullmatch(raw or "") or int(raw or 0) < 1
        if raw is not None and raw not in self.last_page_strings and bad:
            raise ValidationError({self.page_query_param: [ERROR_PAGE]})
        return super().paginate_queryset(queryset, request, view)


class KeysetCursorPagination(StrictPageParameters, CursorPagination):
    """Cursor pagination on the whole sort key, not just its first column.

    DRF's CursorPagination positions on the first ordering field and skips ties with an
    OFFSET: sorting a million tickets by priority (four values) would make every page scan
    the rows before it, and a nullable first field (the SLA deadline) breaks it. Here the
    cursor holds every value of the last row's sort key and the next page is the rows
    strictly after it, so page 1000 costs what page 1 does. Nullable fields sort last.

    The sort key is the subclass's `ordering`, or the view's `keyset_ordering` when the
    view picks it per request; it must end with a unique column (the id).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: Any = ("-id",)

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        return tuple(getattr(view, "keyset_ordering", None) or self.ordering)

    # Which columns, in which direction; nullable ones put their nulls last.
    def _columns(self, model: type[Model]) -> list[tuple[str, bool, Field[Any, Any]]]:
        columns = []
        for item in self.ordering:
            name = item.lstrip("-")
            field = model._meta.get_field("id" if name == "pk" else name)
            columns.append((field.attname, not item.startswith("-"), field))
        return columns

    @staticmethod
    def _order(attname: str, ascending: bool, nullable: bool, reverse: bool) -> OrderBy | str:
        if reverse:
            ascending = not ascending
        if not nullable:
            return attname if ascending else f"-{attname}"
        # Nulls last going forward, hence first going back.
        expression = F(attname)
        if ascending:
            return expression.asc(nulls_last=not reverse, nulls_first=reverse or None)
        return expression.desc(nulls_last=not reverse, nulls_first=reverse or None)

    @staticmethod
    def _after(attname: str, ascending: bool, nullable: bool, reverse: bool, value: Any) -> Q:
        """Rows strictly after `value` in this column's traversal order (never-true: None)."""
        nulls_last = not reverse
        if reverse:
            ascending = not ascending
        if value is None:
            if not nullable or nulls_last:
                return Q(pk__in=[])
            return Q(**{f"{attname}__isnull": False})
        condition = Q(**{f"{attname}__{'gt' if ascending else 'lt'}": value})
        if nullable and nulls_last:
            condition |= Q(**{f"{attname}__isnull": True})
        return condition

    @staticmethod
    def _equal(attname: str, value: Any) -> Q:
        if value is None:
            return Q(**{f"{attname}__isnull": True})
        return Q(**{attname: value})

    def _keyset(self, columns: list[Any], values: list[Any], reverse: bool) -> Q:
        condition = Q(pk__in=[])
        prefix = Q()
        for (attname, ascending, field), value in zip(columns, values, strict=True):
            condition |= prefix & self._after(attname, ascending, field.null, reverse, value)
            prefix &= self._equal(attname, value)
        first_attname, first_ascending, first_field = columns[0]
        first_value = values[0]
        if not first_field.null and first_value is not None:
            # Redundant, but a plain range on the leading column lets the database start
            # the index scan at the cursor instead of filtering every row before it.
            ascending = first_ascending != reverse
            condition &= Q(**{f"{first_attname}__{'gte' if ascending else 'lte'}": first_value})
        return condition

    @staticmethod
    def _encode_value(value: Any) -> Any:
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value

    def _position(self, instance: Model, columns: list[Any]) -> str:
        return json.dumps(
            [self._encode_value(getattr(instance, attname)) for attname, _asc, _f in columns],
            separators=(",", ":"),
        )

    def _decode_position(self, raw: str, columns: list[Any]) -> list[Any]:
        try:
            values = json.loads(raw)
            if not isinstance(values, list) or len(values) != len(columns):
                raise ValueError
            return [
                None if value is None else field.to_python(value)
                for value, (_attname, _asc, field) in zip(values, columns, strict=True)
            ]
        except (ValueError, TypeError, DjangoValidationError) as exc:
            raise NotFound(self.invalid_cursor_message) from exc

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        columns = self._columns(queryset.model)
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        position = None
        if self.cursor is not None and self.cursor.position is not None:
            position = self._decode_position(self.cursor.position, columns)
        queryset = queryset.order_by(
            *(self._order(a, asc, f.null, reverse) for a, asc, f in columns)
        )
        if position is not None:
            queryset = queryset.filter(self._keyset(columns, position, reverse))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if reverse:
            rows.reverse()
        self.page = rows
        came_from_a_page = position is not None
        self.has_next = came_from_a_page if reverse else more
        self.has_previous = more if reverse else came_from_a_page
        self.next_position = self._position(rows[-1], columns) if rows else None
        self.previous_position = self._position(rows[0], columns) if rows else None
        return rows

    def get_next_link(self) -> str | None:
        if not self.has_next or self.next_position is None:
            return None
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=self.next_position))

    def get_previous_link(self) -> str | None:
        if not self.has_previous or self.previous_position is None:
            return None
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=self.previous_position))
