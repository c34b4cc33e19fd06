"""REST API of the service desk: thin views over the tickets services and selectors.

Desk staff (TICKETS_WORK roles) use every endpoint on the tickets of the queues they may
see; the staff member who raised an internal IT request may also read it and its public
messages, and answer it. A ticket the user cannot see is a 404, never a hint that it
exists. A service's ValidationError becomes a 400 through relais.api's handler; lost
updates (StaleTicketError, ConcurrentReplyError) are a 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from accounts.roles import has_role
from crm.models import Tag
from relais.api import BAD_REQUEST, COMMON_ERRORS, OBJECT_ERRORS, BaseAPIView
from relais.pagination import KeysetCursorPagination

from . import selectors, services
from .downloads import attachment_response
from .models import Message, Ticket
from .permissions import TICKETS_SUPERVISE, TICKETS_WORK
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
ERROR_NOT_YOURS = selectors.ERROR_NOT_YOURS

STALE = OpenApiResponse(
    ConflictSerializer,
    description=_("The ticket changed since `version` was read; reload and try again."),
)


class TicketPagination(KeysetCursorPagination):
    pass


class MessagePagination(KeysetCursorPagination):
    ordering = ("created_at", "id")


class DeskAPIView(BaseAPIView):
    """Desk roles for every method, unless `requester_methods` also lets in the staff member
    who raised the ticket (checked per ticket by `ticket()`)."""

    requester_methods: frozenset[str] = frozenset()

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method in self.requester_methods:
            return [IsAuthenticated()]
        return [HasRole.of(*TICKETS_WORK)()]

    @property
    def is_desk(self) -> bool:
        return has_role(self.actor, *TICKETS_WORK)

    def ticket(self, pk: int, *, work: bool = False) -> Ticket:
        """The ticket if the user may see it (404 otherwise); `work`: and work it (403)."""
        try:
            return selectors.ticket_get_for_user(user=self.actor, pk=pk, work=work)
        except selectors.TicketNotWorkable as exc:
            raise PermissionDenied(exc.args[0]) from None
        except Http404:
            if not self.is_desk:
                # Outside the desk, one may only follow one's own requests: any other id
                # is refused as the role is, whether it exists or not.
                raise PermissionDenied from None
            raise NotFound from None

    def ticket_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        # Read back through the selector: fresh relations in a fixed number of queries.
        ticket = selectors.ticket_get_for_user(user=self.actor, pk=pk)
        serializer = TicketOutputSerializer(ticket, context={"request": self.request})
        return Response(serializer.data, status=status_code)


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
    """One queue whose tickets you may see and work."""

    @extend_schema(responses={200: QueueOutputSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        queue = selectors.queue_get_for_user(user=self.actor, pk=pk)
        return Response(QueueOutputSerializer(queue).data)


# --- Tickets ----------------------------------------------------------------------------
class TicketListView(DeskAPIView):
    """Tickets of the queues you may see, newest activity first, 50 a page (`page_size` up
    to 200); follow `next`. Every status unless `status` says otherwise."""

    input_serializers = {"POST": TicketCreateInputSerializer}

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
        elif query["breached"] and view == "all":
            view = "breached"
        assignee = query.get("assignee")  # an id, "me" or "none"
        if assignee == "me":
            assignee = self.actor.pk
        status_filter = {"all": "all", "active": ""}.get(query["status"], query["status"])
        filters = selectors.InboxFilters(
            view=view,
            status=status_filter,
            priority=query.get("priority"),
            queue=query.get("queue"),
            channel=query.get("channel", ""),
            tag=query.get("tag", ""),
            assignee=assignee if isinstance(assignee, int) else None,
            unassigned=assignee == "none",
            breaching=query["breaching"],
            breached=query["breached"],
            search=query.get("search", ""),
        )
        tickets = selectors.ticket_inbox(user=self.actor, filters=filters)
        # The inbox's rows do not show these; the API's do.
        tickets = tickets.select_related("category", "merged_into")
        sort = query.get("ordering") or ("due" if view in ("breaching", "breached") else "updated")
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

    input_serializers = {"PATCH": TicketUpdateInputSerializer}

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

    input_serializers = {"POST": MessageInputSerializer}

    requester_methods = frozenset({"GET", "HEAD", "OPTIONS", "POST"})
    pagination_class = MessagePagination

    @extend_schema(responses={200: MessageOutputSerializer(many=True), **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        ticket = self.ticket(pk)
        messages = selectors.ticket_messages(
            ticket=ticket,
            include_notes=selectors.user_can_work_ticket(user=self.actor, ticket=ticket),
        )
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

    input_serializers = {"POST": AssignInputSerializer}

    def get_object(self) -> Ticket:
        # What OPTIONS checks (relais.api.check_options_access): the ticket, to work it.
        return self.ticket(self.kwargs["pk"], work=True)

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

    input_serializers = {"POST": TicketMergeInputSerializer}

    def get_permissions(self) -> list[BasePermission]:
        # As on the pages (tickets.permissions): supervisors and admins merge.
        return [HasRole.of(*TICKETS_SUPERVISE)()]

    def get_object(self) -> Ticket:
        return self.ticket(self.kwargs["pk"], work=True)

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


# --- Attachments ------------------------------------------------------------------------
class AttachmentDownloadView(DeskAPIView):
    """The file of an attachment, for an API token: the `url` the messages endpoint gives.
    The same rule as the page's download: whoever may see its ticket (the requester of an
    IT request too), never an internal note's file outside the desk."""

    requester_methods = frozenset({"GET", "HEAD", "OPTIONS"})

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # Any Accept: the file answers in its own type, errors in JSON.
        return super().perform_content_negotiation(request, force=True)

    def get_object(self) -> Any:
        try:
            return selectors.attachment_get_for_user(user=self.actor, pk=self.kwargs["pk"])
        except Http404:
            raise NotFound from None

    @extend_schema(
        summary=_("Download an attachment"),
        responses={
            # In the file's own type (text/plain, image/png...), whatever the client accepts.
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The file, as an attachment.")
            ),
            **OBJECT_ERRORS,
        },
    )
    def get(self, request: Request, pk: int) -> Any:
        return attachment_response(self.get_object())
