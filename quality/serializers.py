from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tickets.models import Ticket

from .kpis.engine import GROUP_BY
from .kpis.periods import PRESETS
from .staffing.plan import INTERVALS

MAX_ID = 2**31 - 1


class KpiQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=list(PRESETS), required=False)
    queue = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    agent = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices, required=False)
    group_by = serializers.ChoiceField(choices=list(GROUP_BY), required=False)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        # "from" and "to" are Python keywords: declared here under their query names.
        fields["from"] = serializers.DateField(required=False, label=_("from"))
        fields["to"] = serializers.DateField(required=False, label=_("to"))
        return fields


class FigureSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    formula_id = serializers.CharField()
    formula = serializers.CharField()
    unit = serializers.CharField()


class KpiGroupSerializer(serializers.Serializer):
    key = serializers.JSONField()
    label = serializers.CharField()
    kpis = FigureSerializer(many=True)


class KpiResponseSerializer(serializers.Serializer):
    """What GET /kpis/ answers (quality.selectors.kpi_result_data): the period's keys are
    `from` and `to`, like the query's, which Python cannot name as attributes."""

    group_by = serializers.CharField(allow_blank=True)
    kpis = FigureSerializer(many=True)
    groups = KpiGroupSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            **super().get_fields(),
        }


class ErlangQuerySerializer(serializers.Serializer):
    contacts = serializers.FloatField(min_value=0, max_value=1_000_000)
    interval_s = serializers.ChoiceField(
        choices=[(i, i) for i in INTERVALS], required=False, default=1800
    )
    aht_s = serializers.FloatField(min_value=1, max_value=86_400)
    target_sl = serializers.FloatField(min_value=0.01, max_value=0.99, required=False, default=0.8)
    target_s = serializers.IntegerField(min_value=0, max_value=3600, required=False, default=20)
    shrinkage = serializers.FloatField(min_value=0, max_value=0.95, required=False, default=0)


class ErlangResultSerializer(serializers.Serializer):
    traffic = serializers.FloatField()
    agents = serializers.IntegerField()
    staff = serializers.IntegerField()
    shrinkage = serializers.FloatField()
    probability_wait = serializers.FloatField()
    service_level = serializers.FloatField()
    average_wait_s = serializers.FloatField()
    occupancy = serializers.FloatField()


class PlanQuerySerializer(serializers.Serializer):
    queue = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("Default: the first queue you supervise."),
    )
    week = serializers.DateField(required=False, help_text=_("Any day of the week planned."))
    interval_s = serializers.ChoiceField(
        choices=[(i, i) for i in INTERVALS], required=False, default=1800
    )
    weeks = serializers.IntegerField(min_value=1, max_value=26, required=False, default=4)

    def validate_week(self, value: Any) -> Any:
        return _week_in_range(value)


class PlanRowSerializer(serializers.Serializer):
    day = serializers.DateField()
    start = serializers.TimeField()
    contacts = serializers.FloatField()
    agents = serializers.IntegerField(source="result.agents")
    staff = serializers.IntegerField(source="result.staff")
    service_level = serializers.FloatField(source="result.service_level")
    average_wait_s = serializers.FloatField(source="result.average_wait_s")
    occupancy = serializers.FloatField(source="result.occupancy")
    needed = serializers.IntegerField(help_text=_("Agents needed (Erlang C, before shrinkage)."))
    scheduled = serializers.FloatField(
        help_text=_("Agents scheduled in the interval (the rota), breaks taken pro rata.")
    )
    gap = serializers.FloatField(help_text=_("Scheduled - needed: negative when short."))
    level = serializers.CharField(help_text=_("danger: short; warning: 2+ over; success."))


class PlanSerializer(serializers.Serializer):
    queue_id = serializers.IntegerField()
    week_start = serializers.DateField()
    interval_s = serializers.IntegerField()
    weeks = serializers.IntegerField()
    aht_s = serializers.FloatField()
    target_sl = serializers.FloatField()
    target_s = serializers.IntegerField()
    shrinkage = serializers.FloatField()
    rows = PlanRowSerializer(many=True)


class LiveCellSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True)
    level = serializers.CharField(allow_blank=True)


class LiveRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key")
    name = serializers.CharField()
    figures = serializers.DictField(child=LiveCellSerializer(), source="cells")


class LiveAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    name = serializers.CharField(source="user.__str__")
    state = serializers.CharField()
    presence = serializers.CharField(allow_blank=True)
    load = serializers.IntegerField()
    cap = serializers.IntegerField(allow_null=True)
    current_call = serializers.CharField(allow_null=True)


class LiveSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    queues = LiveRowSerializer(many=True)
    teams = LiveRowSerializer(many=True)
    agents = LiveAgentSerializer(many=True)


class ShiftQuerySerializer(serializers.Serializer):
    agent = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    queue = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("The shifts serving the queue: on it, or team-wide on its team."),
    )

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, label=_("from"), help_text=_("Shifts ending on or after this day.")
        )
        fields["to"] = serializers.DateField(
            required=False, label=_("to"), help_text=_("Shifts starting on or before this day.")
        )
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("from", "to"):
            try:
                _week_in_range(attrs.get(name))
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({name: exc.detail}) from exc
        if attrs.get("from") and attrs.get("to") and attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": _("The end is before the start.")})
        return attrs


class ShiftInputSerializer(serializers.Serializer):
    agent = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    queue = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    break_minutes = serializers.IntegerField(min_value=0, max_value=16 * 60, required=False)


class ShiftPatchSerializer(ShiftInputSerializer):
    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


class ShiftCopySerializer(serializers.Serializer):
    week = serializers.DateField(help_text=_("Any day of the week to fill from the one before."))
    team = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("Default: every team you schedule."),
    )


def _week_in_range(value: Any) -> Any:
    from .services.rota import FIRST_DAY, LAST_DAY, date_range_error

    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise serializers.ValidationError(date_range_error())
    return value


class ShiftCopyResultSerializer(serializers.Serializer):
    copied = serializers.IntegerField()
    skipped = serializers.IntegerField()


class ShiftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agent = serializers.IntegerField(source="agent_id")
    agent_name = serializers.CharField(source="agent.__str__")
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.CharField(source="team.name")
    queue = serializers.IntegerField(source="queue_id", allow_null=True)
    queue_name = serializers.CharField(source="queue.name", allow_null=True, default=None)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    break_minutes = serializers.IntegerField()
