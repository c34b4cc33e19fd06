"""REST API of channels: the mail gateway's endpoint, the quarantine, outgoing mail,
configuration (addresses, mailboxes, templates, topics, webhooks), the public form."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ParseError, Throttled
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.permissions import HasRole
from accounts.roles import Role, has_role
from relais import events
from relais.api import RefuseUnknownFieldsMixin, id_parameter
from tickets.permissions import TICKETS_WORK
from tickets.selectors import visible_queue_ids

from . import selectors
from .inbound import routing
from .inbound.imap import mailbox_set_password
from .inbound.services import inbound_receive, inbound_reingest
from .models import (
    AcknowledgementTemplate,
    InboundAddress,
    InboundEmail,
    Mailbox,
    OutboundEmail,
    WebFormTopic,
    WebhookDelivery,
    WebhookEndpoint,
)
from .outbound.services import outbound_retry
from .serializers import (
    AcknowledgementTemplateSerializer,
    EventTypeSerializer,
    InboundAddressSerializer,
    InboundEmailSerializer,
    InboundReceiptSerializer,
    MailboxSerializer,
    OutboundEmailSerializer,
    PublicTopicSerializer,
    SupportRequestInputSerializer,
    SupportRequestOutputSerializer,
    WebFormTopicSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
)
from .webform import links
from .webform import services as webform_services
from .webhooks import services as webhook_services

ERROR_TOO_LARGE = _("The message is larger than %(limit)s bytes.")
ERROR_BOT = webform_services.ERROR_BOT

Admin = HasRole.of(Role.ADMIN)
Supervise = HasRole.of(Role.SUPERVISOR, Role.ADMIN)


class RawEmailParser(BaseParser):
    """The raw RFC 822 message as the request body, read with a limit (Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE is for forms; mail is allowed up to the mail limit, and
    a bit over it so that an oversized message is quarantined rather than lost)."""

    media_type = "message/rfc822"

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> bytes:
        hard_limit = settings.CHANNELS_EMAIL_MAX_BYTES * 2
        if stream is None:
            return b""
        data = stream.read(hard_limit + 1)
        if len(data) > hard_limit:
            raise ParseError(ERROR_TOO_LARGE % {"limit": hard_limit})
        return bytes(data)


class OctetStreamEmailParser(RawEmailParser):
    media_type = "application/octet-stream"


class InboundEmailReceiveView(RefuseUnknownFieldsMixin, APIView):
    """For a mail gateway: POST the raw message (Content-Type: message/rfc822)."""

    permission_classes = [HasRole.of(Role.INTEGRATION, Role.ADMIN)]
    parser_classes = [RawEmailParser, OctetStreamEmailParser]
    # A gateway posts every message: its own, higher rate instead of the per-user one.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "inbound"

    @extend_schema(
        request={"message/rfc822": {"type": "string", "format": "binary"}},
        responses={
            202: InboundReceiptSerializer,
            200: OpenApiResponse(InboundReceiptSerializer, description=_("Already received.")),
            400: OpenApiResponse(description=_("Empty or unreadable body.")),
        },
        summary="Receive one email (raw RFC 822)",
        tags=["inbound email"],
    )
    def post(self, request: Request) -> Response:
        raw = request.data if isinstance(request.data, bytes) else b""
        with transaction.atomic():
            row, created = inbound_receive(raw=raw, source=InboundEmail.Source.API)
        body = InboundReceiptSerializer(
            {"id": row.pk, "status": row.status, "duplicate": not created}
        ).data
        return Response(body, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)


@extend_schema(
    tags=["inbound email"],
    parameters=[OpenApiParameter("status", str, enum=InboundEmail.Status.values)],
)
class InboundEmailListView(RefuseUnknownFieldsMixin, generics.ListAPIView):
    permission_classes = [Supervise]
    serializer_class = InboundEmailSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        wanted = self.request.query_params.get("status") or None
        if wanted is not None:
            # Not a status: a 400 naming the parameter (the schema's enum), not an empty list.
            choice = serializers.ChoiceField(choices=InboundEmail.Status.choices)
            try:
                choice.run_validation(wanted)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"status": exc.detail}) from exc
        return selectors.inbound_list(status=wanted)


@extend_schema(tags=["inbound email"])
class InboundEmailDetailView(RefuseUnknownFieldsMixin, generics.RetrieveAPIView):
    permission_classes = [Supervise]
    serializer_class = InboundEmailSerializer
    queryset = InboundEmail.objects.defer("raw").select_related("ticket")


class InboundReingestView(RefuseUnknownFieldsMixin, APIView):
    permission_classes = [Supervise]

    @extend_schema(request=None, responses={202: InboundEmailSerializer}, tags=["inbound email"])
    def post(self, request: Request, pk: int) -> Response:
        row = get_object_or_404(InboundEmail.objects.defer("raw"), pk=pk)
        row = inbound_reingest(inbound=row)
        return Response(InboundEmailSerializer(row).data, status=status.HTTP_202_ACCEPTED)


# --- Configuration (admin) -------------------------------------------------------------
@extend_schema(tags=["channels configuration"])
class InboundAddressListView(RefuseUnknownFieldsMixin, generics.ListCreateAPIView):
    permission_classes = [Admin]
    serializer_class = InboundAddressSerializer
    queryset = InboundAddress.objects.select_related("queue").order_by("address")
    filter_backends: list[Any] = []

    def perform_create(self, serializer: Any) -> None:
        serializer.save()
        routing.forget_own_addresses()


@extend_schema(tags=["channels configuration"])
class InboundAddressDetailView(RefuseUnknownFieldsMixin, generics.RetrieveUpdateDestroyAPIView):
    permission_classes = [Admin]
    serializer_class = InboundAddressSerializer
    queryset = InboundAddress.objects.all()

    def perform_update(self, serializer: Any) -> None:
        serializer.save()
        routing.forget_own_addresses()

    def perform_destroy(self, instance: Any) -> None:
        instance.delete()
        routing.forget_own_addresses()


class _MailboxWrite:
    def _save(self, serializer: Any) -> None:
        password = serializer.validated_data.pop("password", None)
        mailbox = serializer.save()
        if password:
            mailbox_set_password(mailbox=mailbox, password=password)


@extend_schema(tags=["channels configuration"])
class MailboxListView(_MailboxWrite, RefuseUnknownFieldsMixin, generics.ListCreateAPIView):
    permission_classes = [Admin]
    serializer_class = MailboxSerializer
    queryset = Mailbox.objects.order_by("name")
    filter_backends: list[Any] = []

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer)


@extend_schema(tags=["channels configuration"])
class MailboxDetailView(
    _MailboxWrite, RefuseUnknownFieldsMixin, generics.RetrieveUpdateDestroyAPIView
):
    permission_classes = [Admin]
    serializer_class = MailboxSerializer
    queryset = Mailbox.objects.all()

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer)


@extend_schema(tags=["channels configuration"])
class AcknowledgementListView(RefuseUnknownFieldsMixin, generics.ListCreateAPIView):
    permission_classes = [Admin]
    serializer_class = AcknowledgementTemplateSerializer
    queryset = AcknowledgementTemplate.objects.order_by("queue", "language")
    filter_backends: list[Any] = []


@extend_schema(tags=["channels configuration"])
class AcknowledgementDetailView(RefuseUnknownFieldsMixin, generics.RetrieveUpdateDestroyAPIView):
    permission_classes = [Admin]
    serializer_class = AcknowledgementTemplateSerializer
    queryset = AcknowledgementTemplate.objects.all()


@extend_schema(tags=["channels configuration"])
class TopicListView(RefuseUnknownFieldsMixin, generics.ListCreateAPIView):
    permission_classes = [Admin]
    serializer_class = WebFormTopicSerializer
    queryset = WebFormTopic.objects.order_by("order", "id")
    filter_backends: list[Any] = []


@extend_schema(tags=["channels configuration"])
class TopicDetailView(RefuseUnknownFieldsMixin, generics.RetrieveUpdateDestroyAPIView):
    permission_classes = [Admin]
    serializer_class = WebFormTopicSerializer
    queryset = WebFormTopic.objects.all()


# --- Outgoing mail -----------------------------------------------------------------------
@extend_schema(
    tags=["outbound email"],
    parameters=[OpenApiParameter("ticket", int), OpenApiParameter("status", str)],
)
class OutboundEmailListView(RefuseUnknownFieldsMixin, generics.ListAPIView):
    """Emails sent for tickets the caller may see (supervisors and admins: all)."""

    permission_classes = [HasRole.of(*TICKETS_WORK)]
    serializer_class = OutboundEmailSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        rows = OutboundEmail.objects.defer("body_text", "body_html").order_by("-created_at", "-id")
        user = self.request.user
        if not has_role(user, Role.SUPERVISOR, Role.ADMIN):
            rows = rows.filter(ticket_message__ticket__queue_id__in=visible_queue_ids(user=user))  # type: ignore[arg-type]
        ticket = id_parameter(self.request, "ticket")
        if ticket is not None:
            rows = rows.filter(ticket_message__ticket_id=ticket)
        wanted = self.request.query_params.get("status")
        if wanted:
            rows = rows.filter(status=wanted)
        return rows


class OutboundRetryView(RefuseUnknownFieldsMixin, APIView):
    permission_classes = [HasRole.of(*TICKETS_WORK)]

    def get_object(self) -> OutboundEmail:
        """The email, if its ticket's queue is one the user sees (also what OPTIONS
        checks: relais.api.check_options_access)."""
        rows = OutboundEmail.objects.all()
        if not has_role(self.request.user, Role.SUPERVISOR, Role.ADMIN):
            rows = rows.filter(
                ticket_message__ticket__queue_id__in=visible_queue_ids(user=self.request.user)  # type: ignore[arg-type]
            )
        return get_object_or_404(rows, pk=self.kwargs["pk"])

    @extend_schema(request=None, responses={202: OutboundEmailSerializer}, tags=["outbound email"])
    def post(self, request: Request, pk: int) -> Response:
        row = outbound_retry(outbound=self.get_object())
        return Response(OutboundEmailSerializer(row).data, status=status.HTTP_202_ACCEPTED)


# --- Webhooks ---------------------------------------------------------------------------
@extend_schema(tags=["webhooks"])
class EventTypeListView(RefuseUnknownFieldsMixin, APIView):
    permission_classes = [Admin]

    @extend_schema(responses={200: EventTypeSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(EventTypeSerializer(events.event_types(), many=True).data)


@extend_schema(tags=["webhooks"])
class WebhookEndpointListView(RefuseUnknownFieldsMixin, generics.ListCreateAPIView):
    permission_classes = [Admin]
    serializer_class = WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.order_by("name")
    filter_backends: list[Any] = []

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = webhook_services.endpoint_save(
            name=data["name"],
            url=data["url"],
            events_wanted=data["events"],
            is_active=data.get("is_active", True),
        )


@extend_schema(tags=["webhooks"])
class WebhookEndpointDetailView(RefuseUnknownFieldsMixin, generics.RetrieveUpdateDestroyAPIView):
    permission_classes = [Admin]
    serializer_class = WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.all()

    def perform_update(self, serializer: Any) -> None:
        data = {**WebhookEndpointSerializer(serializer.instance).data, **serializer.validated_data}
        serializer.instance = webhook_services.endpoint_save(
            endpoint=serializer.instance,
            name=data["name"],
            url=data["url"],
            events_wanted=list(data["events"]),
            is_active=data["is_active"],
        )

    def perform_destroy(self, instance: Any) -> None:
        instance.delete()
        webhook_services.forget_active()


@extend_schema(tags=["webhooks"], parameters=[OpenApiParameter("endpoint", int)])
class WebhookDeliveryListView(RefuseUnknownFieldsMixin, generics.ListAPIView):
    permission_classes = [Admin]
    serializer_class = WebhookDeliverySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        endpoint = id_parameter(self.request, "endpoint")
        return (
            WebhookDelivery.objects.select_related("endpoint")
            .order_by("-created_at", "-id")
            .filter(**({"endpoint_id": endpoint} if endpoint is not None else {}))
        )


class WebhookRedeliverView(RefuseUnknownFieldsMixin, APIView):
    permission_classes = [Admin]

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer}, tags=["webhooks"])
    def post(self, request: Request, pk: int) -> Response:
        delivery = get_object_or_404(WebhookDelivery, pk=pk)
        delivery = webhook_services.redeliver(delivery=delivery)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


# --- The public form ------------------------------------------------------------------------
@extend_schema(tags=["public support form"])
class PublicTopicListView(RefuseUnknownFieldsMixin, generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    serializer_class = PublicTopicSerializer
    queryset = WebFormTopic.objects.filter(is_active=True, queue__is_active=True).order_by(
        "order", "id"
    )
    filter_backends: list[Any] = []
    pagination_class = None


class SupportRequestView(RefuseUnknownFieldsMixin, APIView):
    """The web form for a website of your own: same rules (honeypot, rate limits)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    input_serializers = {"POST": SupportRequestInputSerializer}

    @extend_schema(
        request={
            "application/json": SupportRequestInputSerializer,
            "multipart/form-data": SupportRequestInputSerializer,
        },
        responses={201: SupportRequestOutputSerializer, 429: OpenApiResponse(description="Rate")},
        tags=["public support form"],
    )
    def post(self, request: Request) -> Response:
        try:
            webform_services.check_ip(str(request.META.get("REMOTE_ADDR", "")))
        except ValidationError as exc:
            raise Throttled(detail=" ".join(exc.messages)) from exc
        data = dict(request.data.items()) if hasattr(request.data, "items") else {}
        if hasattr(request.data, "getlist"):
            data["attachments"] = request.data.getlist("attachments")
        serializer = SupportRequestInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        if values["website"]:
            return Response({"detail": str(ERROR_BOT)}, status=status.HTTP_400_BAD_REQUEST)
        try:
            webform_services.check_email(values["email"])
        except ValidationError as exc:
            raise Throttled(detail=" ".join(exc.messages)) from exc
        ticket = webform_services.webform_submit(
            name=values["name"],
            email=values["email"],
            subject=values["subject"],
            message=values["message"],
            topic=values["topic"],
            language=values["language"],
            phone=values["phone"],
            customer_number=values["customer_number"],
            attachments=values["attachments"],
        )
        body = {
            "number": ticket.number,
            "status": ticket.status,
            "follow_url": links.portal_url(ticket),
        }
        return Response(SupportRequestOutputSerializer(body).data, status=status.HTTP_201_CREATED)
