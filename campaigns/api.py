"""REST API of campaigns: segments (+ preview, count), campaigns (+ start, cancel,
results), tracking numbers. Marketing and admins only."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from relais.api import BAD_REQUEST, COMMON_ERRORS, OBJECT_ERRORS, BaseAPIView

from . import selectors, services
from .models import Campaign, Segment
from .permissions import CAMPAIGNS_MANAGE, CAMPAIGNS_RESULTS
from .serializers import (
    CampaignInputSerializer,
    CampaignSerializer,
    CountSerializer,
    PreviewRowSerializer,
    ResultsSerializer,
    RulesInputSerializer,
    SegmentInputSerializer,
    SegmentSerializer,
    TrackingNumberInputSerializer,
    TrackingNumberSerializer,
)


class ManageView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(*CAMPAIGNS_MANAGE)]


class SegmentListView(ManageView):
    input_serializers = {"POST": SegmentInputSerializer}

    @extend_schema(
        summary="List segments", responses={200: SegmentSerializer(many=True), **COMMON_ERRORS}
    )
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.segment_list(), SegmentSerializer)

    @extend_schema(
        summary="Create a segment",
        request=SegmentInputSerializer,
        responses={201: SegmentSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = self.input(SegmentInputSerializer)
        segment = services.segment_create(
            name=data["name"],
            description=data.get("description", ""),
            rules=data["rules"],
            actor=self.actor,
        )
        return Response(SegmentSerializer(segment).data, status=status.HTTP_201_CREATED)


class SegmentDetailView(ManageView):
    @extend_schema(summary="A segment", responses={200: SegmentSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(SegmentSerializer(get_object_or_404(Segment, pk=pk)).data)


def _rules(view: BaseAPIView, segment: Segment) -> Any:
    data = view.query(RulesInputSerializer) if view.request.method == "GET" else {}
    return data.get("rules") or segment.rules


class SegmentCountView(ManageView):
    @extend_schema(
        summary="How many contacts match the segment",
        responses={200: CountSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        segment = get_object_or_404(Segment, pk=pk)
        return Response({"count": selectors.segment_count(rules=segment.rules)})


class SegmentPreviewView(ManageView):
    pagination_class = None  # the first rows only: no ?page= to offer

    @extend_schema(
        summary="The first contacts matching the segment",
        responses={200: PreviewRowSerializer(many=True), **OBJECT_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        segment = get_object_or_404(Segment, pk=pk)
        rows = selectors.segment_preview(rules=segment.rules)
        return Response(PreviewRowSerializer(rows, many=True).data)


class CampaignListView(ManageView):
    input_serializers = {"POST": CampaignInputSerializer}

    @extend_schema(
        summary="List campaigns", responses={200: CampaignSerializer(many=True), **COMMON_ERRORS}
    )
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.campaign_list(), CampaignSerializer)

    @extend_schema(
        summary="Create a campaign",
        request=CampaignInputSerializer,
        responses={201: CampaignSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = self.input(CampaignInputSerializer)
        campaign = services.campaign_create(actor=self.actor, **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class CampaignDetailView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(*CAMPAIGNS_RESULTS)]

    @extend_schema(summary="A campaign", responses={200: CampaignSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        campaign = selectors.campaign_get_for_user(user=self.actor, pk=pk)
        return Response(CampaignSerializer(campaign).data)


class CampaignStartView(ManageView):
    @extend_schema(
        summary="Start: snapshot the audience and send",
        request=None,
        responses={200: CampaignSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = selectors.campaign_get_for_user(user=self.actor, pk=pk)
        campaign = services.campaign_start(campaign=campaign, actor=self.actor)
        return Response(CampaignSerializer(campaign).data)


class CampaignCancelView(ManageView):
    @extend_schema(
        summary="Cancel",
        request=None,
        responses={200: CampaignSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = selectors.campaign_get_for_user(user=self.actor, pk=pk)
        campaign = services.campaign_transition(
            campaign=campaign, action="cancel", actor=self.actor
        )
        return Response(CampaignSerializer(campaign).data)


class CampaignResultsView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(*CAMPAIGNS_RESULTS)]

    @extend_schema(
        summary="The campaign's figures", responses={200: ResultsSerializer, **OBJECT_ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response:
        campaign = selectors.campaign_get_for_user(user=self.actor, pk=pk)
        return Response(ResultsSerializer(selectors.campaign_results(campaign=campaign)).data)


class TrackingNumberListView(ManageView):
    input_serializers = {"POST": TrackingNumberInputSerializer}

    @extend_schema(
        summary="List tracking numbers and codes",
        responses={200: TrackingNumberSerializer(many=True), **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.tracking_number_list(), TrackingNumberSerializer)

    @extend_schema(
        summary="Create a tracking number or code",
        request=TrackingNumberInputSerializer,
        responses={201: TrackingNumberSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = self.input(TrackingNumberInputSerializer)
        row = services.tracking_number_save(actor=self.actor, **data)
        return Response(TrackingNumberSerializer(row).data, status=status.HTTP_201_CREATED)


__all__ = ["Campaign"]
