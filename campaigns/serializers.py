from __future__ import annotations

from rest_framework import serializers

from .models import Campaign, Segment, TrackingNumber


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
