"""REST API of telephony.

- `POST /api/v1/telephony/events/`: the platform's events. Token of a user with the
  integration role *and* an HMAC signature with a timestamp (telephony.signing); see
  docs/telephony.md for the contract. 201 recorded, 409 already received (do not retry),
  400 invalid (the errors), 401 bad or stale signature, 403 wrong role.
- `POST /api/v1/telephony/lookup/`: who has this number, for softphones that pull.
- `GET /api/v1/telephony/calls/` and `/calls/{id}/`: supervisors see every call, agents
  their own.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from accounts.roles import Role
from accounts.serializers import ErrorSerializer
from relais.api import BaseAPIView, refuse_unknown_fields

from . import selectors, services, signing
from .serializers import (
    CallFilterSerializer,
    EventInSerializer,
    EventOutSerializer,
    LookupInSerializer,
    LookupOutSerializer,
    PhoneCallSerializer,
)

ERROR_TOO_LARGE = _("The event is too large (at most %(limit)d bytes).")
ERROR_NOT_JSON = _("The body must be a JSON object.")
MAX_EVENT_BYTES = 16_384

LOOKUP_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN, Role.INTEGRATION)
CALL_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


def _error(message: Any, code: int) -> Response:
    return Response({"detail": str(message)}, status=code)


class EventView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(Role.INTEGRATION, Role.ADMIN)]
    input_serializers = {"POST": EventInSerializer}
    # The signature covers the raw body: it is read before DRF parses it, then checked.
    refuse_unknown_fields_early = False

    @extend_schema(
        summary=_("Receive a telephony platform event"),
        request=EventInSerializer,
        responses={
            201: EventOutSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("Invalid event")),
            401: OpenApiResponse(ErrorSerializer, description=_("Bad or stale signature")),
            409: OpenApiResponse(ErrorSerializer, description=_("Already received")),
            413: OpenApiResponse(ErrorSerializer, description=_("Too large")),
        },
    )
    def post(self, request: Request) -> Response:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_EVENT_BYTES:
            return _error(ERROR_TOO_LARGE % {"limit": MAX_EVENT_BYTES}, 413)
        body = request._request.body
        if len(body) > MAX_EVENT_BYTES:
            return _error(ERROR_TOO_LARGE % {"limit": MAX_EVENT_BYTES}, 413)
        try:
            signing.verify(
                body=body,
                timestamp=request.headers.get(signing.TIMESTAMP_HEADER),
                signature=request.headers.get(signing.SIGNATURE_HEADER),
            )
        except signing.SignatureError as exc:
            return _error(exc.message, status.HTTP_401_UNAUTHORIZED)
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _error(ERROR_NOT_JSON, 400)
        if not isinstance(payload, dict):
            return _error(ERROR_NOT_JSON, 400)
        serializer = EventInSerializer(data=payload)
        refuse_unknown_fields(serializer, payload)
        serializer.is_valid(raise_exception=True)
        try:
            call, _event = services.event_receive(event=serializer.to_event(), payload=payload)
        except services.DuplicateEventError:
            return _error(services.ERROR_DUPLICATE, status.HTTP_409_CONFLICT)
        out = {
            "status": "recorded",
            "call": call.pk,
            "call_status": call.status,
            "contact": call.contact_id,
        }
        return Response(EventOutSerializer(out).data, status=status.HTTP_201_CREATED)


class LookupView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(*LOOKUP_ROLES)]
    input_serializers = {"POST": LookupInSerializer}

    @extend_schema(
        summary=_("Customers with this phone number"),
        request=LookupInSerializer,
        responses={200: LookupOutSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        number = self.input(LookupInSerializer)["number"]
        matches = selectors.caller_lookup(e164=number)
        data = {"number": number, "count": len(matches), "matches": matches}
        return Response(LookupOutSerializer(data, context={"request": request}).data)


class CallListView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(*CALL_ROLES)]

    @extend_schema(
        summary=_("Calls, newest first"),
        parameters=[CallFilterSerializer],
        responses={200: PhoneCallSerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        data = self.query(CallFilterSerializer)
        calls = selectors.call_list(
            user=self.actor,
            queue_id=data.get("queue"),
            agent_id=data.get("agent"),
            status=data.get("status"),
            since=data.get("since"),
            until=data.get("until"),
        )
        return self.paginated(calls, PhoneCallSerializer)


class CallDetailView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(*CALL_ROLES)]

    @extend_schema(
        summary=_("One call"), responses={200: PhoneCallSerializer, 404: ErrorSerializer}
    )
    def get(self, request: Request, pk: int) -> Response:
        call = selectors.call_get_for_user(user=self.actor, pk=pk)
        return Response(PhoneCallSerializer(call).data)
