"""Supervision's REST API: KPIs, the live figures, Erlang C and the staffing plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from relais.api import BAD_REQUEST, COMMON_ERRORS, BaseAPIView

from . import selectors, serializers
from .live.figures import live_view
from .permissions import OWN_FIGURES, SUPERVISION
from .staffing.erlang import erlang_c
from .staffing.plan import staffing_plan


def _drf(exc: ValidationError) -> DrfValidationError:
    return DrfValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


KPI_PARAMS = [
    OpenApiParameter("from", dt.date, description="First day (inclusive), with `to`."),
    OpenApiParameter("to", dt.date, description="Last day (inclusive), at most 400 days."),
]


class KpiView(BaseAPIView):
    permission_classes = [HasRole.of(*OWN_FIGURES)]

    @extend_schema(
        operation_id="kpis_list",
        parameters=[serializers.KpiQuerySerializer, *KPI_PARAMS],
        responses={200: serializers.KpiResponseSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
        summary="KPIs over a period, each with its value, numerator, denominator and formula",
    )
    def get(self, request: Request) -> Response:
        data = self.query(serializers.KpiQuerySerializer)
        try:
            result = selectors.kpis_for(user=self.actor, data=data)
        except ValidationError as exc:
            raise _drf(exc) from exc
        return Response(selectors.kpi_result_data(result))


class LiveView(BaseAPIView):
    permission_classes = [HasRole.of(*SUPERVISION)]

    @extend_schema(
        operation_id="live_retrieve",
        responses={200: serializers.LiveSerializer, **COMMON_ERRORS},
        summary="The live view's figures: per queue, per team, and the agents",
    )
    def get(self, request: Request) -> Response:
        view = live_view(scope=selectors.supervision_scope(user=self.actor))
        return Response(serializers.LiveSerializer(view).data)


class ErlangCView(BaseAPIView):
    permission_classes = [HasRole.of(*SUPERVISION)]

    @extend_schema(
        operation_id="staffing_erlang_c",
        parameters=[serializers.ErlangQuerySerializer],
        responses={200: serializers.ErlangResultSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
        summary="Agents needed for a service-level target (Erlang C), grossed up for shrinkage",
    )
    def get(self, request: Request) -> Response:
        data: dict[str, Any] = self.query(serializers.ErlangQuerySerializer)
        try:
            result = erlang_c(
                contacts=data["contacts"],
                interval_s=int(data["interval_s"]),
                aht_s=data["aht_s"],
                target_sl=data["target_sl"],
                target_s=data["target_s"],
                shrinkage=data["shrinkage"],
            )
        except ValueError as exc:
            raise DrfValidationError({"contacts": [str(exc)]}) from exc
        return Response(serializers.ErlangResultSerializer(result).data)


class PlanView(BaseAPIView):
    permission_classes = [HasRole.of(*SUPERVISION)]

    @extend_schema(
        operation_id="staffing_plan",
        parameters=[serializers.PlanQuerySerializer],
        responses={200: serializers.PlanSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
        summary="A week's staffing plan for a queue, per interval",
    )
    def get(self, request: Request) -> Response:
        data: dict[str, Any] = self.query(serializers.PlanQuerySerializer)
        try:
            queue = selectors.plan_queue_for(user=self.actor, queue_id=data.get("queue"))
        except ValidationError as exc:
            raise _drf(exc) from exc
        week = data.get("week") or timezone.localdate() + dt.timedelta(days=7)
        plan = staffing_plan(
            queue_id=queue.pk,
            week_start=week,
            interval_s=int(data["interval_s"]),
            weeks=data["weeks"],
        )
        return Response(serializers.PlanSerializer(plan).data)
