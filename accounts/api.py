from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from relais.api import RefuseUnknownFieldsMixin

from . import login_guard, selectors, services
from .models import Notification
from .serializers import (
    ErrorSerializer,
    MeSerializer,
    MeUpdateSerializer,
    NotificationSerializer,
    TeamSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)

ERROR_BAD_CREDENTIALS = _("Wrong email address or password, or the account is locked.")


class TokenView(RefuseUnknownFieldsMixin, APIView):
    """Exchange an email and password for an API token; DELETE revokes it."""

    permission_classes = [AllowAny]
    throttle_scope = "auth"
    # A machine endpoint: its refusals (401, 429 with Retry-After) are the documented
    # JSON error even for a client that asks for HTML.
    renderer_classes = [JSONRenderer]
    input_serializers = {"POST": TokenRequestSerializer}

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description=_("Missing or malformed fields.")),
            401: ErrorSerializer,
            429: OpenApiResponse(
                ErrorSerializer,
                description=_(
                    "Too many attempts: from this address, or for this account (locked). "
                    "The Retry-After header gives the wait in seconds."
                ),
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        # The web login's budget of failures per address, shared with it, checked
        # before the password; the "auth" throttle above counts every request.
        retry_after = login_guard.login_address_retry_after(request._request)
        if retry_after is not None:
            raise Throttled(wait=retry_after, detail=str(login_guard.ERROR_ADDRESS_LIMITED))
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


class MeView(RefuseUnknownFieldsMixin, APIView):
    """One's own account; PATCH changes one's preferences (notification emails)."""

    permission_classes = [IsAuthenticated]
    input_serializers = {"PATCH": MeUpdateSerializer}

    @extend_schema(responses={200: MeSerializer, 401: ErrorSerializer})
    def get(self, request: Request) -> Response:
        user = selectors.user_roles_and_teams(user=request.user)
        return Response(MeSerializer(user).data)

    @extend_schema(
        request=MeUpdateSerializer,
        responses={200: MeSerializer, 400: ErrorSerializer, 401: ErrorSerializer},
    )
    def patch(self, request: Request) -> Response:
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "notification_emails" in serializer.validated_data:
            services.user_set_notification_emails(
                user=request.user, enabled=serializer.validated_data["notification_emails"]
            )
        user = selectors.user_roles_and_teams(user=request.user)
        return Response(MeSerializer(user).data)


class TeamListView(RefuseUnknownFieldsMixin, generics.ListAPIView):
    """Every team, with its kind and lead: staff need it to route work."""

    serializer_class = TeamSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["name"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.team_list()


class NotificationListView(RefuseUnknownFieldsMixin, generics.ListAPIView):
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


class NotificationReadView(RefuseUnknownFieldsMixin, APIView):
    def get_object(self) -> Notification:
        """One's own notification (also what OPTIONS checks: relais.api)."""
        return selectors.notification_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=None, responses={200: NotificationSerializer, 404: ErrorSerializer})
    def post(self, request: Request, pk: int) -> Response:
        notification = self.get_object()
        services.notification_mark_read(notification=notification)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(RefuseUnknownFieldsMixin, APIView):
    @extend_schema(
        request=None,
        responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}},
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": services.notification_mark_all_read(user=request.user)})
