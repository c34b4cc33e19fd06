from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .identity import normalise_email
from .models import Notification, Team, User
from .roles import ROLE_ORDER


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)

    def validate_email(self, value: str) -> str:
        # The same identity as the web login: one lockout counter per account.
        return normalise_email(value)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class TeamSerializer(serializers.ModelSerializer):
    lead = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "kind", "lead"]


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    teams = TeamSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id", "email", "first_name", "last_name", "language", "notification_emails",
            "roles", "teams",
        ]  # fmt: skip
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        names = {group.name for group in user.groups.all()}
        if user.is_superuser:
            names.add("admin")
        return [role for role in ROLE_ORDER if role in names]


class MeUpdateSerializer(serializers.Serializer):
    """What one may change of one's own account through the API."""

    notification_emails = serializers.BooleanField(
        required=False, help_text=_("Email my notifications (SLA warnings and breaches) too.")
    )


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the user's language."))
