"""REST twin of the ticket page's presence (tickets/presence.py): GET who is on a ticket,
POST one's own state (viewing or typing); the web page polls the same store."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from relais.api import BAD_REQUEST, OBJECT_ERRORS

from . import presence
from .api import DeskAPIView


class PresenceInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=presence.State.choices)


class PresenceOutputSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=presence.State.choices)
    at = serializers.DateTimeField(help_text=_("The last heartbeat; gone 30 s after it."))


class TicketPresenceView(DeskAPIView):
    """Colleagues viewing or typing in the ticket (the caller excluded)."""

    input_serializers = {"POST": PresenceInputSerializer}
    pagination_class = None  # a handful of colleagues, never a page

    def get_object(self) -> object:
        return self._ticket_id(self.kwargs["pk"])

    def _ticket_id(self, pk: int) -> int:
        ticket = presence.presence_ticket_for_user(user=self.actor, pk=pk)
        if ticket is None:
            raise NotFound
        return ticket.pk

    def _answer(self, ticket_id: int) -> Response:
        people = presence.presence_for_ticket(ticket_id=ticket_id, exclude_user_id=self.actor.pk)
        return Response(PresenceOutputSerializer(people, many=True).data)

    @extend_schema(responses={200: PresenceOutputSerializer(many=True), **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return self._answer(self._ticket_id(pk))

    @extend_schema(
        request=PresenceInputSerializer,
        responses={200: PresenceOutputSerializer(many=True), 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket_id = self._ticket_id(pk)
        data = self.input(PresenceInputSerializer)
        presence.presence_touch(ticket_id=ticket_id, user=self.actor, state=data["state"])
        return self._answer(ticket_id)
