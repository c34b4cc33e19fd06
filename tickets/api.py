"""REST API of the service desk: thin views over the tickets services and selectors.

Desk staff (TICKETS_WORK roles) use every endpoint on the tickets of the queues they may
see; the staff member who raised an internal IT request may also read it and its public
messages, and answer it. A ticket the user cannot see is a 404, never a hint that it
exists. A service's ValidationError becomes a 400 through relais.api's handler; lost
updates (StaleTicketError, ConcurrentReplyError) are a 409.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import nullcontext
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F, Model, OrderBy, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.fields import Field
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import HasRole
from accounts.roles import has_role
from accounts.serializers import ErrorSerializer
from crm.models import Tag

from . import selectors, services
from .models import Attachment, Message, Ticket
from .permissions import TICKETS_WORK
from .serializers import (
    AssignInputSerializer,
    ConflictSerializer,
    MessageInputSerializer,
    MessageOutputSerializer,
    QueueOutputSerializer,
    ReplyConflictSerializer,
    TicketCreateInputSerializer,
    TicketFilterSerializer,
    TicketMergeInputSerializer,
    TicketOutputSerializer,
    TicketUpdateInputSerializer,
)

ERROR_REQUESTER_NOTE = _("Only the desk can write internal notes.")
ERROR_REQUESTER_STATUS = _("Only the desk can change the status of a request.")
ERROR_NOT_YOURS = _("Only the desk working this queue can change this ticket.")

BAD_REQUEST = OpenApiResponse(description=_("Invalid input: the errors, field by field."))
COMMON_ERRORS: dict[int, Any] = {401: ErrorSerializer, 403: ErrorSerializer}
OBJECT_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 404: ErrorSerializer}
STALE = OpenApiResponse(
    ConflictSerializer,
    description=_("The ticket changed since `version` was read; reload and try again."),
)


# --- Keyset pagination ------------------------------------------------------------------
class KeysetCursorPagination(CursorPagination):
    """Cursor pagination on the whole sort key, not just its first column.

    DRF's CursorPagination positions on the first ordering field and skips ties with an
    OFFSET: sorting a million tickets by priority (four values) would make every page scan
    the rows before it, and a nullable first field (the SLA deadline) breaks it. Here the
    cursor holds every value of the last row's sort key and the next page is the rows
    strictly after it, so page 1000 costs what page 1 does. Nullable fields sort last.
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


class TicketPagination(KeysetCursorPagination):
    pass


class MessagePagination(KeysetCursorPagination):
    ordering = ("created_at", "id")


# --- Plumbing ---------------------------------------------------------------------------
class DeskAPIView(generics.GenericAPIView):
    """Desk roles for every method, unless `requester_methods` also lets in the staff member
    who raised the ticket (checked per ticket by `ticket()`).

    Filtering goes through the selectors, so DRF's filter backends are switched off."""

    requester_methods: frozenset[str] = frozenset()
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method in self.requester_methods:
            return [IsAuthenticated()]
        return [HasRole.of(*TICKETS_WORK)()]

    @property
    def actor(self) -> User:
        # The permission has already refused anonymous requests.
        return cast(User, self.request.user)

    @property
    def is_desk(self) -> bool:
        return has_role(self.actor, *TICKETS_WORK)

    def ticket(self, pk: int, *, work: bool = False) -> Ticket:
        """The ticket if the user may see it (404 otherwise); `work`: and work it (403)."""
        try:
            ticket = selectors.ticket_get_for_user(user=self.actor, pk=pk)
        except Http404:
            if not self.is_desk:
                # Outside the desk, one may only follow one's own requests: any other id
                # is refused as the role is, whether it exists or not.
                raise PermissionDenied from None
            raise NotFound from None
        if work and not selectors.user_can_work_ticket(user=self.actor, ticket=ticket):
            raise PermissionDenied(ERROR_NOT_YOURS)
        return ticket

    def ticket_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        # Read back through the selector: fresh relations in a fixed number of queries.
        ticket = selectors.ticket_get_for_user(user=self.actor, pk=pk)
        serializer = TicketOutputSerializer(ticket, context={"request": self.request})
        return Response(serializer.data, status=status_code)

    def query(self, serializer_class: type[Any]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def input(self, serializer_class: type[Any]) -> dict[str, Any]:
        serializer = serializer_class(
            data=self.request.data, context={"request": self.request, "user": self.actor}
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def _conflict(exc: DjangoValidationError) -> Response:
    return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)


# --- Queues -----------------------------------------------------------------------------
class QueueListView(DeskAPIView):
    """The queues whose tickets you may see and work (supervisors and admins: all)."""

    @extend_schema(responses={200: QueueOutputSerializer(many=True), **COMMON_ERRORS})
    def get(self, request: Request) -> Response:
        queues = selectors.queue_list_for_user(user=self.actor)
        page = self.paginate_queryset(queues)
        serializer = QueueOutputSerializer(page, many=True)
        return self.get_paginated_response(serializer.data)


class QueueDetailView(DeskAPIView):
    @extend_schema(responses={200: QueueOutputSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        queue = selectors.queue_list_for_user(user=self.actor).filter(pk=pk).first()
        if queue is None:
            raise NotFound
        return Response(QueueOutputSerializer(queue).data)


# --- Tickets ----------------------------------------------------------------------------
class TicketListView(DeskAPIView):
    """Tickets of the queues you may see, newest activity first, 50 a page (`page_size` up
    to 200); follow `next`. Every status unless `status` says otherwise."""

    pagination_class = TicketPagination

    @extend_schema(
        parameters=[TicketFilterSerializer],
        responses={200: TicketOutputSerializer(many=True), 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.query(TicketFilterSerializer)
        view = query["view"]
        if query["breaching"] and view == "all":
            view = "breaching"
        assignee = query.get("assignee")
        assignee_id = self.actor.pk if assignee == "me" else assignee
        status_filter = {"all": "all", "active": ""}.get(query["status"], query["status"])
        filters = selectors.InboxFilters(
            view=view,
            status=status_filter,
            priority=query.get("priority"),
            queue=query.get("queue"),
            channel=query.get("channel", ""),
            tag=query.get("tag", ""),
            assignee=assignee_id if isinstance(assignee_id, int) else None,
            search=query.get("search", ""),
        )
        tickets = selectors.ticket_inbox(user=self.actor, filters=filters)
        if assignee == "none":
            tickets = tickets.filter(assignee__isnull=True)
        breaching = Q(
            sla_next_due_at__isnull=False,
            sla_next_due_at__lte=timezone.now() + selectors.BREACHING_WINDOW,
        )
        if query["breaching"] and view != "breaching":
            tickets = tickets.filter(breaching)
        elif query["breaching"] is False:
            tickets = tickets.exclude(breaching)
        # The inbox selector leaves these out; the rows show them (sla_state reads the policy).
        tickets = tickets.select_related("category", "sla_policy", "merged_into")
        sort = query.get("ordering") or ("due" if view == "breaching" else "updated")
        self.keyset_ordering = selectors.SORTS[sort]
        page = self.paginate_queryset(tickets)
        serializer = TicketOutputSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        request=TicketCreateInputSerializer,
        responses={201: TicketOutputSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = self.input(TicketCreateInputSerializer)
        # ticket_create creates new tags before its own transaction: a refusal after that
        # (an assignee outside the team) would leave them behind, so they share one here.
        with transaction.atomic() if data.get("tags") else nullcontext():
            ticket = services.ticket_create(actor=self.actor, **data)
        # Serialised from the objects in hand: creation stays a handful of queries.
        if data.get("tags"):
            prefetch_related_objects([ticket], "tags")
        else:
            ticket._prefetched_objects_cache = {"tags": Tag.objects.none()}
        serializer = TicketOutputSerializer(ticket, context={"request": request})
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class TicketDetailView(DeskAPIView):
    """One ticket. The staff member who raised an internal request may read it too."""

    requester_methods = frozenset({"GET", "HEAD", "OPTIONS"})

    @extend_schema(responses={200: TicketOutputSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        ticket = self.ticket(pk)
        return Response(TicketOutputSerializer(ticket, context={"request": request}).data)

    @extend_schema(
        request=TicketUpdateInputSerializer,
        responses={
            200: TicketOutputSerializer,
            400: BAD_REQUEST,
            409: STALE,
            **OBJECT_ERRORS,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        ticket = self.ticket(pk, work=True)
        data = self.input(TicketUpdateInputSerializer)
        expected_version = data.pop("version", None)
        try:
            services.ticket_update(
                ticket=ticket, actor=self.actor, expected_version=expected_version, **data
            )
        except services.StaleTicketError as exc:
            return _conflict(exc)
        return self.ticket_response(pk)


class TicketMessagesView(DeskAPIView):
    """The ticket's messages, oldest first. Desk staff see internal notes too; the staff
    member who raised an internal request sees and writes public messages only."""

    requester_methods = frozenset({"GET", "HEAD", "OPTIONS", "POST"})
    pagination_class = MessagePagination

    @extend_schema(responses={200: MessageOutputSerializer(many=True), **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        ticket = self.ticket(pk)
        messages = (
            Message.objects.filter(ticket=ticket)
            .select_related("author", "author_contact")
            .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        )
        if not selectors.user_can_work_ticket(user=self.actor, ticket=ticket):
            messages = messages.filter(kind=Message.Kind.PUBLIC)
        page = self.paginate_queryset(messages)
        serializer = MessageOutputSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        request={
            "application/json": MessageInputSerializer,
            "multipart/form-data": MessageInputSerializer,
        },
        responses={
            201: MessageOutputSerializer,
            400: BAD_REQUEST,
            409: OpenApiResponse(
                ReplyConflictSerializer,
                description=_(
                    "Someone else answered after `last_seen_message_id`: read their message "
                    "(`message_id`), then send yours again if it is still needed."
                ),
            ),
            **OBJECT_ERRORS,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.ticket(pk)
        data = self.input(MessageInputSerializer)
        attachments = data.get("attachments", [])
        if selectors.user_can_work_ticket(user=self.actor, ticket=ticket):
            try:
                message = services.ticket_reply(
                    ticket=ticket,
                    author=self.actor,
                    body=data["body"],
                    body_format=data["body_format"],
                    kind=data["kind"],
                    status=data.get("status"),
                    last_seen_message_id=data.get("last_seen_message_id"),
                    attachments=attachments,
                )
            except services.ConcurrentReplyError as exc:
                newer = exc.newer_message
                detail = exc.messages[0]
                return Response(
                    {"detail": detail, "message_id": newer.pk}, status=status.HTTP_409_CONFLICT
                )
        else:
            # The requester of an internal request answers as the customer would.
            if data["kind"] != Message.Kind.PUBLIC:
                raise PermissionDenied(ERROR_REQUESTER_NOTE)
            if data.get("status"):
                raise ApiValidationError({"status": [ERROR_REQUESTER_STATUS]})
            message = services.ticket_customer_message(
                ticket=ticket,
                body=data["body"],
                body_format=data["body_format"],
                author_user=self.actor,
                attachments=attachments,
            )
        serializer = MessageOutputSerializer(message, context={"request": request})
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class TicketAssignView(DeskAPIView):
    """Give the ticket to someone of a team that works its queue, or to nobody (null)."""

    @extend_schema(
        request=AssignInputSerializer,
        responses={200: TicketOutputSerializer, 400: BAD_REQUEST, 409: STALE, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket = self.ticket(pk, work=True)
        data = self.input(AssignInputSerializer)
        try:
            services.ticket_assign(
                ticket=ticket,
                assignee=data["assignee"],
                actor=self.actor,
                expected_version=data.get("version"),
            )
        except services.StaleTicketError as exc:
            return _conflict(exc)
        return self.ticket_response(pk)


class TicketMergeView(DeskAPIView):
    """Fold this ticket into `target`: its messages move there and it is closed. Answers
    the target."""

    @extend_schema(
        request=TicketMergeInputSerializer,
        responses={200: TicketOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        source = self.ticket(pk, work=True)
        target = self.input(TicketMergeInputSerializer)["target"]
        if not selectors.user_can_work_ticket(user=self.actor, ticket=target):
            raise PermissionDenied(ERROR_NOT_YOURS)
        merged = services.ticket_merge(source=source, target=target, actor=self.actor)
        return self.ticket_response(merged.pk)
