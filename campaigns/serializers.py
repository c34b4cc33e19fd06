from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import BloctelNumber, Campaign, Recipient, Segment, TrackingNumber


class SegmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Segment
        fields = ["id", "name", "description", "rules", "created_at", "updated_at"]


class SegmentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    rules = serializers.JSONField()


class RulesInputSerializer(serializers.Serializer):
    rules = serializers.JSONField(required=False)


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class PreviewRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "goal",
            "purpose",
            "channel",
            "status",
            "starts_on",
            "ends_on",
            "budget",
            "segment",
            "subject_fr",
            "subject_en",
            "started_at",
            "finished_at",
        ]


class CampaignInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    goal = serializers.CharField(max_length=300, required=False, allow_blank=True)
    purpose = serializers.ChoiceField(choices=Campaign.Purpose.choices, required=False)
    channel = serializers.ChoiceField(choices=Campaign.Channel.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    segment = serializers.PrimaryKeyRelatedField(
        queryset=Segment.objects.all(), required=False, allow_null=True
    )
    subject_fr = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body_fr = serializers.CharField(max_length=200_000, required=False, allow_blank=True)
    subject_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body_en = serializers.CharField(max_length=200_000, required=False, allow_blank=True)
    brief_offer = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    brief_talking_points = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ResultsSerializer(serializers.Serializer):
    targeted = serializers.IntegerField()
    excluded = serializers.IntegerField()
    excluded_by_reason_codes = serializers.DictField(child=serializers.IntegerField())
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    bounced = serializers.IntegerField()
    opened = serializers.IntegerField()
    clicked = serializers.IntegerField()
    unsubscribed = serializers.IntegerField()
    calls = serializers.IntegerField()
    converted_calls = serializers.IntegerField()
    tickets = serializers.IntegerField()
    opportunities = serializers.IntegerField()
    won_revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    cost_per_contact = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    cost_per_conversion = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class TrackingNumberSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrackingNumber
        fields = ["id", "number", "code", "range_class", "label", "campaign", "queue", "is_active"]


class TrackingNumberInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    code = serializers.CharField(max_length=30, required=False, allow_blank=True)
    label = serializers.CharField(max_length=120, required=False, allow_blank=True)
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    queue = serializers.PrimaryKeyRelatedField(
        queryset=__import__("tickets.models", fromlist=["Queue"]).Queue.objects.all(),
        required=False,
        allow_null=True,
    )


class HeldBackSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["hours", "holiday", "cap", "refused", "bloctel"])
    message = serializers.CharField()


class CallListRowSerializer(serializers.ModelSerializer):
    """A call list row and, in `held_back`, why the telemarketing rules hold it back now
    (empty: it may be called)."""

    contact_name = serializers.SerializerMethodField()
    may_call = serializers.SerializerMethodField()
    held_back = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()

    class Meta:
        model = Recipient
        fields = [
            "id",
            "contact",
            "contact_name",
            "phone",
            "outcome",
            "callback_at",
            "called_at",
            "may_call",
            "held_back",
            "notes",
        ]

    def get_contact_name(self, row: Recipient) -> str:
        return str(row.contact) if row.contact else ""

    def get_may_call(self, row: Recipient) -> bool:
        return bool(row.call_status.may_call)  # type: ignore[attr-defined]

    @extend_schema_field(HeldBackSerializer(many=True))
    def get_held_back(self, row: Recipient) -> list[dict[str, str]]:
        return list(row.call_status.reasons)  # type: ignore[attr-defined]

    def get_notes(self, row: Recipient) -> list[str]:
        return list(row.call_status.notes)  # type: ignore[attr-defined]


class CallListFilterSerializer(serializers.Serializer):
    view = serializers.ChoiceField(choices=["todo", "callbacks", "done"], default="todo")


class OutcomeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Recipient.Outcome.choices)
    callback_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BloctelNumberSerializer(serializers.ModelSerializer):
    class Meta:
        model = BloctelNumber
        fields = ["id", "number", "imported_at", "imported_by"]


class BloctelNumberInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=30)


class BloctelImportInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    replace = serializers.BooleanField(required=False, default=False)


class BloctelImportResultSerializer(serializers.Serializer):
    read = serializers.IntegerField()
    added = serializers.IntegerField()
    already = serializers.IntegerField()
    removed = serializers.IntegerField()
