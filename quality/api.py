"""Supervision's REST API: KPIs, the live figures, Erlang C, the staffing plan and the
rota (shifts). A service's ValidationError becomes a 400 through relais.api's handler."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from accounts.roles import has_role
from relais.api import BAD_REQUEST, COMMON_ERRORS, OBJECT_ERRORS, BaseAPIView

from . import selectors, serializers, services
from .live.figures import live_view
from .models import Shift
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


class ShiftListView(BaseAPIView):
    """The rota: supervisors their teams' shifts, admins all, agents their own."""

    permission_classes = [HasRole.of(*OWN_FIGURES)]
    input_serializers = {"POST": serializers.ShiftInputSerializer}

    @extend_schema(
        operation_id="shifts_list",
        parameters=[serializers.ShiftQuerySerializer],
        responses={200: serializers.ShiftSerializer(many=True), 400: BAD_REQUEST, **COMMON_ERRORS},
        summary="Scheduled shifts, filtered by agent, team, queue and days",
    )
    def get(self, request: Request) -> Response:
        data = self.query(serializers.ShiftQuerySerializer)
        filters = selectors.ShiftFilters(
            agent_id=data.get("agent"),
            team_id=data.get("team"),
            queue_id=data.get("queue"),
            date_from=data.get("from"),
            date_to=data.get("to"),
        )
        return self.paginated(
            selectors.shift_list(user=self.actor, filters=filters), serializers.ShiftSerializer
        )

    @extend_schema(
        operation_id="shifts_create",
        request=serializers.ShiftInputSerializer,
        responses={201: serializers.ShiftSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
        summary="Schedule a shift (supervisors: their teams; admins: any)",
    )
    def post(self, request: Request) -> Response:
        if not has_role(self.actor, *SUPERVISION):
            raise PermissionDenied
        data = self.input(serializers.ShiftInputSerializer)
        targets = selectors.shift_targets(
            agent_id=data.pop("agent"), team_id=data.pop("team"), queue_id=data.pop("queue", None)
        )
        shift = services.shift_create(actor=self.actor, **targets, **data)
        return Response(serializers.ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)


class ShiftDetailView(BaseAPIView):
    permission_classes = [HasRole.of(*OWN_FIGURES)]
    input_serializers = {
        "PUT": serializers.ShiftInputSerializer,
        "PATCH": serializers.ShiftPatchSerializer,
    }

    def get_object(self) -> Shift:
        return selectors.shift_get_for_user(user=self.actor, pk=self.kwargs["pk"])

    def _editable(self) -> Shift:
        shift = self.get_object()  # 404 first: another team's shift is not found
        if not has_role(self.actor, *SUPERVISION):
            raise PermissionDenied
        return shift

    @extend_schema(
        operation_id="shifts_retrieve",
        responses={200: serializers.ShiftSerializer, **OBJECT_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(serializers.ShiftSerializer(self.get_object()).data)

    def _write(self, serializer_class: type[Any]) -> Response:
        shift = self._editable()
        data = self.input(serializer_class)
        ids = {name: data.pop(name) for name in ("agent", "team", "queue") if name in data}
        targets = selectors.shift_targets(
            agent_id=ids.get("agent"), team_id=ids.get("team"), queue_id=ids.get("queue")
        )
        if ids.get("queue", "") is None or (
            serializer_class is serializers.ShiftInputSerializer and "queue" not in ids
        ):
            targets["queue"] = None  # PUT replaces: no queue given is the whole team
        shift = services.shift_update(actor=self.actor, shift=shift, **targets, **data)
        return Response(serializers.ShiftSerializer(shift).data)

    @extend_schema(
        operation_id="shifts_update",
        request=serializers.ShiftInputSerializer,
        responses={200: serializers.ShiftSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def put(self, request: Request, pk: int) -> Response:
        return self._write(serializers.ShiftInputSerializer)

    @extend_schema(
        operation_id="shifts_partial_update",
        request=serializers.ShiftPatchSerializer,
        responses={200: serializers.ShiftSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._write(serializers.ShiftPatchSerializer)

    @extend_schema(operation_id="shifts_destroy", responses={204: None, **OBJECT_ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        services.shift_delete(actor=self.actor, shift=self._editable())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShiftCopyWeekView(BaseAPIView):
    permission_classes = [HasRole.of(*SUPERVISION)]
    input_serializers = {"POST": serializers.ShiftCopySerializer}

    @extend_schema(
        operation_id="shifts_copy_week",
        request=serializers.ShiftCopySerializer,
        responses={200: serializers.ShiftCopyResultSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
        summary="Copy the previous week's shifts into a week (overlaps skipped)",
    )
    def post(self, request: Request) -> Response:
        data = self.input(serializers.ShiftCopySerializer)
        team = selectors.shift_targets(agent_id=None, team_id=data.get("team"), queue_id=None)
        copied, skipped = services.shifts_copy_week(
            actor=self.actor, week_start=data["week"], team=team.get("team")
        )
        return Response({"copied": copied, "skipped": skipped})
