from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tickets.models import Queue

from .models import Survey, SurveyKind, SurveyResponse


class SurveyOutputSerializer(serializers.ModelSerializer):
    queues = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Survey
        fields = ["id", "name", "kind", "is_active", "queues", "delay_minutes",
                  "min_days_between", "follow_up_queue", "change_window_hours", "valid_days",
                  "question_fr", "question_en", "created_at"]  # fmt: skip
        read_only_fields = fields


class SurveyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=SurveyKind.choices)
    is_active = serializers.BooleanField(default=True)
    queues = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Queue.objects.all(), required=False
    )
    delay_minutes = serializers.IntegerField(min_value=0, max_value=43_200, default=60)
    min_days_between = serializers.IntegerField(min_value=0, max_value=365, default=30)
    follow_up_queue = serializers.PrimaryKeyRelatedField(
        queryset=Queue.objects.all(), required=False, allow_null=True
    )
    change_window_hours = serializers.IntegerField(min_value=0, max_value=720, default=48)
    valid_days = serializers.IntegerField(min_value=1, max_value=365, default=30)
    question_fr = serializers.CharField(max_length=300, required=False, allow_blank=True)
    question_en = serializers.CharField(max_length=300, required=False, allow_blank=True)


class SurveyUpdateSerializer(SurveyInputSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class NpsSendInputSerializer(serializers.Serializer):
    contact_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=100_000
    )


class NpsSendOutputSerializer(serializers.Serializer):
    scheduled = serializers.IntegerField()
    already_invited = serializers.IntegerField()
    unknown = serializers.IntegerField()


class ResponseFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SurveyKind.choices, required=False)
    survey = serializers.IntegerField(min_value=1, required=False)
    queue = serializers.IntegerField(min_value=1, required=False)
    team = serializers.IntegerField(min_value=1, required=False)
    agent = serializers.IntegerField(min_value=1, required=False)
    channel = serializers.CharField(max_length=10, required=False)
    contact = serializers.IntegerField(min_value=1, required=False)
    ticket = serializers.IntegerField(min_value=1, required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    low = serializers.BooleanField(required=False)


class ResponseOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyResponse
        fields = ["id", "survey", "kind", "score", "comment", "contact", "ticket", "queue",
                  "team", "agent", "channel", "language", "comment_score", "comment_negative",
                  "comment_angry", "follow_up_ticket", "answered_at", "changed_at"]  # fmt: skip
        read_only_fields = fields
