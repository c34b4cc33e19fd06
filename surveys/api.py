"""REST API of the surveys: definitions (marketing), the NPS send, answers (supervisors and
marketing read them). Thin views over the same services and selectors as the pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from relais.api import BAD_REQUEST, COMMON_ERRORS, OBJECT_ERRORS, BaseAPIView

from . import selectors, services
from .models import Survey
from .permissions import SURVEYS_MANAGE, SURVEYS_RESULTS
from .serializers import (
    NpsSendInputSerializer,
    NpsSendOutputSerializer,
    ResponseFilterSerializer,
    ResponseOutputSerializer,
    SurveyInputSerializer,
    SurveyOutputSerializer,
    SurveyUpdateSerializer,
)


class SurveysAPIView(BaseAPIView):
    roles: tuple[str, ...] = SURVEYS_MANAGE

    def get_permissions(self) -> list[BasePermission]:
        return [HasRole.of(*self.roles)()]


class SurveyListView(SurveysAPIView):
    """Survey definitions, newest first; POST creates one."""

    input_serializers = {"POST": SurveyInputSerializer}

    @extend_schema(responses={200: SurveyOutputSerializer(many=True), **COMMON_ERRORS})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.survey_list())
        return self.get_paginated_response(SurveyOutputSerializer(page, many=True).data)

    @extend_schema(
        request=SurveyInputSerializer,
        responses={201: SurveyOutputSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = dict(self.input(SurveyInputSerializer))
        queues = data.pop("queues", [])
        survey = services.survey_create(actor=self.actor, queues=queues, **data)
        return Response(SurveyOutputSerializer(survey).data, status=status.HTTP_201_CREATED)


class SurveyDetailView(SurveysAPIView):
    input_serializers = {"PATCH": SurveyUpdateSerializer}

    @extend_schema(responses={200: SurveyOutputSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(SurveyOutputSerializer(get_object_or_404(Survey, pk=pk)).data)

    @extend_schema(
        request=SurveyUpdateSerializer,
        responses={200: SurveyOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        survey = get_object_or_404(Survey, pk=pk)
        data = dict(self.input(SurveyUpdateSerializer))
        queues = data.pop("queues", None)
        survey = services.survey_update(survey=survey, actor=self.actor, queues=queues, **data)
        return Response(SurveyOutputSerializer(survey).data)


class SurveySendView(SurveysAPIView):
    """Invite contacts to an NPS survey (consent, erasure and the cap apply at sending)."""

    input_serializers = {"POST": NpsSendInputSerializer}

    @extend_schema(
        request=NpsSendInputSerializer,
        responses={202: NpsSendOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        survey = get_object_or_404(Survey, pk=pk)
        data = self.input(NpsSendInputSerializer)
        result = services.nps_survey_send(
            survey=survey, contact_ids=data["contact_ids"], actor=self.actor
        )
        return Response(result.as_dict(), status=status.HTTP_202_ACCEPTED)


class ResponseListView(SurveysAPIView):
    """Survey answers, newest first, filtered."""

    roles = SURVEYS_RESULTS

    @extend_schema(
        parameters=[ResponseFilterSerializer],
        responses={200: ResponseOutputSerializer(many=True), 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.query(ResponseFilterSerializer)
        rows = selectors.responses_list()
        for name in ("kind", "channel"):
            if query.get(name):
                rows = rows.filter(**{name: query[name]})
        for name in ("survey", "queue", "team", "agent", "contact", "ticket"):
            if query.get(name):
                rows = rows.filter(**{f"{name}_id": query[name]})
        if query.get("date_from"):
            rows = rows.filter(answered_at__date__gte=query["date_from"])
        if query.get("date_to"):
            rows = rows.filter(answered_at__date__lt=query["date_to"] + dt.timedelta(days=1))
        if query.get("low"):
            rows = rows.filter(Q(kind="csat", score__lte=2) | Q(kind="nps", score__lte=6))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ResponseOutputSerializer(page, many=True).data)
