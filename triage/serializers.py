from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.models import Language

from .labels import category_label
from .models import MessageAssessment

MAX_ANALYSE_CHARS = 100_000


class TriggerSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    category = serializers.CharField()
    label = serializers.SerializerMethodField()

    def get_label(self, trigger: dict[str, str]) -> str:
        return category_label(trigger["category"])


class AssessmentSerializer(serializers.ModelSerializer[MessageAssessment]):
    triggers = TriggerSerializer(many=True, read_only=True)
    is_negative = serializers.BooleanField(read_only=True)
    is_angry = serializers.BooleanField(read_only=True)

    class Meta:
        model = MessageAssessment
        fields = [
            "id", "message", "ticket", "score", "negative", "angry", "is_negative",
            "is_angry", "language", "anger_points", "triggers", "analyser_version",
            "actions", "corrected_negative", "corrected_angry", "corrected_by",
            "corrected_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class AssessmentFilterSerializer(serializers.Serializer[Any]):
    ticket = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class CorrectionInSerializer(serializers.Serializer[Any]):
    negative = serializers.BooleanField()
    angry = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class AnalyseInSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(
        max_length=MAX_ANALYSE_CHARS, allow_blank=True, trim_whitespace=False
    )
    language = serializers.ChoiceField(
        choices=Language.choices, required=False, help_text=_("A hint.")
    )


class AnalyseOutSerializer(serializers.Serializer[Any]):
    score = serializers.FloatField()
    negative = serializers.BooleanField()
    angry = serializers.BooleanField()
    language = serializers.CharField()
    anger_points = serializers.FloatField()
    triggers = TriggerSerializer(many=True)
    version = serializers.CharField()
