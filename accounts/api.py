from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import Notification
from .serializers import (
    ErrorSerializer,
    MeSerializer,
    NotificationSerializer,
    TeamSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)

ERROR_BAD_CREDENTIALS = _("Wrong email address or password, or the account is locked.")


class TokenView(APIView):
    """Exchange an email and password for an API token; DELETE revokes it."""

    permission_classes = [AllowAny]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description=_("Missing or malformed fields.")),
            401: ErrorSerializer,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The real request goes to authenticate() so that django-axes counts failures.
        user = authenticate(
            request._request,
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise AuthenticationFailed(ERROR_BAD_CREDENTIALS)
        token = services.api_token_issue(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None, 401: ErrorSerializer})
    def delete(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise AuthenticationFailed
        services.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer, 401: ErrorSerializer})
    def get(self, request: Request) -> Response:
        user = selectors.user_roles_and_teams(user=request.user)
        return Response(MeSerializer(user).data)


class TeamListView(generics.ListAPIView):
    """Every team, with its kind and lead: staff need it to route work."""

    serializer_class = TeamSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["name"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.team_list()


class NotificationListView(generics.ListAPIView):
    """The signed-in user's notifications, newest first. `?unread=true` for unread only."""

    serializer_class = NotificationSerializer
    filterset_fields: list[str] = []
    ordering_fields: list[str] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        queryset = selectors.notification_list_for_user(user=self.request.user)
        if self.request.query_params.get("unread") in {"1", "true"}:
            queryset = queryset.filter(read_at__isnull=True)
        return queryset


class NotificationReadView(APIView):
    @extend_schema(request=None, responses={200: NotificationSerializer, 404: ErrorSerializer})
    def post(self, request: Request, pk: int) -> Response:
        notification = selectors.notification_get_for_user(user=request.user, pk=pk)
        services.notification_mark_read(notification=notification)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    @extend_schema(
        request=None,
        responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}},
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": services.notification_mark_all_read(user=request.user)})
