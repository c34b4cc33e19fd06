"""REST API of emotion triage: read a ticket's scores, correct one, score a text."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from accounts.serializers import ErrorSerializer
from relais.api import BaseAPIView
from tickets.permissions import TICKETS_WORK

from . import selectors, services
from .analyser import analyse
from .serializers import (
    AnalyseInSerializer,
    AnalyseOutSerializer,
    AssessmentFilterSerializer,
    AssessmentSerializer,
    CorrectionInSerializer,
)


class AssessmentListView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(*TICKETS_WORK)]
    # One ticket's scores, all of them: a plain list (the schema showed a page).
    pagination_class = None

    @extend_schema(
        summary=_("Scores of a ticket's customer messages"),
        parameters=[AssessmentFilterSerializer],
        responses={200: AssessmentSerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        ticket_id = self.query(AssessmentFilterSerializer)["ticket"]
        found = selectors.assessments_for_ticket(user=self.actor, ticket_id=ticket_id)
        return Response(AssessmentSerializer(found, many=True).data)


class AssessmentCorrectView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(*TICKETS_WORK)]
    input_serializers = {"POST": CorrectionInSerializer}

    @extend_schema(
        summary=_("Correct a message's score (stored for tuning)"),
        request=CorrectionInSerializer,
        responses={200: AssessmentSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def get_object(self) -> Any:
        return selectors.assessment_get_for_user(user=self.actor, pk=self.kwargs["pk"])

    def post(self, request: Request, pk: int) -> Response:
        assessment = self.get_object()
        data = self.input(CorrectionInSerializer)
        assessment = services.assessment_correct(
            assessment=assessment,
            actor=self.actor,
            negative=data["negative"],
            angry=data["angry"],
            note=data.get("note", ""),
        )
        return Response(AssessmentSerializer(assessment).data)


class AnalyseView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(*TICKETS_WORK)]
    input_serializers = {"POST": AnalyseInSerializer}

    @extend_schema(
        summary=_("Score a text without storing anything"),
        request=AnalyseInSerializer,
        responses={200: AnalyseOutSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        data = self.input(AnalyseInSerializer)
        result = analyse(data["text"], language=data.get("language"))
        return Response(AnalyseOutSerializer(result.as_dict()).data)
