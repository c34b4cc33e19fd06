"""API input and output shapes for sales (kept apart: inputs validate, outputs describe)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from crm.models import Call, Contact
from crm.serializers import UserRefSerializer
from tickets.models import Queue, Ticket

from .kpis import GROUPS
from .models import MAX_AMOUNT, LostReason, Opportunity, Product, Stage, Urgency

ERROR_UNKNOWN = _("Unknown or inaccessible id.")


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "product_line", "is_active"]


class OpportunityOutputSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    product = ProductSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    flagged_by = UserRefSerializer(read_only=True, allow_null=True)
    weighted_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    lost_reason = serializers.CharField(source="lost_reason.name", read_only=True, default=None)
    contact_name = serializers.CharField(source="contact.__str__", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id", "reference", "url", "contact", "contact_name", "organisation",
            "source_ticket", "source_call", "flagged_by", "flagged_team", "need", "product",
            "urgency", "amount", "probability", "probability_overridden", "weighted_amount",
            "wants_call", "best_days", "best_time_from", "best_time_to", "stage",
            "expected_close_date", "next_step", "next_step_due_at", "team", "owner",
            "assigned_at", "acceptance_due_at", "accepted_at", "acceptance_seconds",
            "escalated_at", "lost_reason", "lost_note", "closed_at", "warning_ack_at",
            "warning_ack_comment", "onboarding_ticket", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class OpportunityFilterSerializer(serializers.Serializer):
    stage = serializers.MultipleChoiceField(choices=Stage.choices, required=False)
    owner = serializers.IntegerField(required=False, min_value=1)
    mine = serializers.BooleanField(required=False, default=False)
    team = serializers.IntegerField(required=False, min_value=1)
    product = serializers.IntegerField(required=False, min_value=1)
    flagged_by = serializers.IntegerField(required=False, min_value=1)
    contact = serializers.IntegerField(required=False, min_value=1)
    search = serializers.CharField(required=False, max_length=100, allow_blank=True)
    close_from = serializers.DateField(required=False)
    close_to = serializers.DateField(required=False)
    ordering = serializers.ChoiceField(
        choices=["updated", "created", "-created", "amount", "-amount", "close", "-close",
                 "probability", "stage"],
        required=False,
    )  # fmt: skip


class FlagInputSerializer(serializers.Serializer):
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all())
    need = serializers.CharField(max_length=2000)
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, max_value=MAX_AMOUNT, default=0
    )
    wants_call = serializers.BooleanField(default=True)
    record_call_consent = serializers.BooleanField(
        default=False, help_text=_("The customer agreed to be called: record the consent now.")
    )
    best_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, max_length=7
    )
    best_time_from = serializers.TimeField(required=False, allow_null=True)
    best_time_to = serializers.TimeField(required=False, allow_null=True)
    expected_close_date = serializers.DateField(required=False, allow_null=True)
    source_ticket = serializers.PrimaryKeyRelatedField(
        queryset=Ticket.objects.all(), required=False, allow_null=True
    )
    source_call = serializers.PrimaryKeyRelatedField(
        queryset=Call.objects.all(), required=False, allow_null=True
    )


class OpportunityUpdateInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, required=False)
    need = serializers.CharField(max_length=2000, required=False)
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, max_value=MAX_AMOUNT, required=False
    )
    probability = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True,
        help_text=_("null goes back to the stage's default."),
    )  # fmt: skip
    expected_close_date = serializers.DateField(required=False, allow_null=True)
    next_step = serializers.CharField(max_length=200, required=False, allow_blank=True)
    next_step_due_at = serializers.DateTimeField(required=False, allow_null=True)
    best_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, max_length=7
    )
    best_time_from = serializers.TimeField(required=False, allow_null=True)
    best_time_to = serializers.TimeField(required=False, allow_null=True)


class MoveInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    lost_reason = serializers.PrimaryKeyRelatedField(
        queryset=LostReason.objects.all(), required=False, allow_null=True
    )
    lost_note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, required=False)


class VersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, required=False)


class AcknowledgeInputSerializer(VersionInputSerializer):
    comment = serializers.CharField(max_length=500)


class HandBackInputSerializer(VersionInputSerializer):
    reason = serializers.CharField(max_length=300)


class ReassignInputSerializer(VersionInputSerializer):
    rep = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class OnboardingInputSerializer(serializers.Serializer):
    queue = serializers.PrimaryKeyRelatedField(queryset=Queue.objects.all())


class OnboardingOutputSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(source="pk")
    number = serializers.CharField()


class KpiQuerySerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is declared under its query-string name below.
    to = serializers.DateField(required=False)
    group_by = serializers.ChoiceField(choices=GROUPS, required=False, allow_blank=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if start and end:
            if end < start:
                raise serializers.ValidationError(
                    {"to": _("The end of the period must not be before its start.")}
                )
            if (end - start).days > 3 * 366:
                raise serializers.ValidationError({"to": _("A period is at most three years.")})
        return attrs


class KpiRowSerializer(serializers.Serializer):
    key = serializers.JSONField(allow_null=True)
    label = serializers.CharField()
    flags = serializers.IntegerField()
    accepted = serializers.IntegerField()
    won = serializers.IntegerField()
    conversion_rate = serializers.FloatField(allow_null=True)
    won_revenue = serializers.CharField()
    average_deal_size = serializers.CharField(allow_null=True)
    acceptance_median_hours = serializers.FloatField(allow_null=True)
    acceptance_p90_hours = serializers.FloatField(allow_null=True)


class KpiOutputSerializer(serializers.Serializer):
    """What GET /opportunities/kpis/ answers: the period's keys are `from` and `to`, like
    the query's, which Python cannot name as attributes."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            **super().get_fields(),
        }

    group_by = serializers.CharField(allow_null=True)
    formulas = serializers.DictField(child=serializers.CharField())
    total = KpiRowSerializer()
    rows = KpiRowSerializer(many=True)
