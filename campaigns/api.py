"""REST API of campaigns: segments (+ preview, count), campaigns (+ start, cancel,
results), tracking numbers, the Bloctel list (marketing and admins); the call lists and
their outcomes (agents, supervisors, marketing, admins)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from relais.api import BAD_REQUEST, COMMON_ERRORS, OBJECT_ERRORS, BaseAPIView

from . import selectors, services
from .models import BloctelNumber, Campaign, Recipient, Segment
from .permissions import CAMPAIGNS_CALL, CAMPAIGNS_MANAGE, CAMPAIGNS_RESULTS
from .serializers import (
    BloctelImportInputSerializer,
    BloctelImportResultSerializer,
    BloctelNumberInputSerializer,
    BloctelNumberSerializer,
    CallListFilterSerializer,
    CallListRowSerializer,
    CampaignInputSerializer,
    CampaignSerializer,
    CountSerializer,
    OutcomeInputSerializer,
    PreviewRowSerializer,
    ResultsSerializer,
    RulesInputSerializer,
    SegmentInputSerializer,
    SegmentSerializer,
    TrackingNumberInputSerializer,
    TrackingNumberSerializer,
)
from .telemarketing import checks


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


class CallView(BaseAPIView):
    permission_classes = [IsAuthenticated, HasRole.of(*CAMPAIGNS_CALL)]


def _phone_campaign(view: BaseAPIView, pk: int) -> Campaign:
    campaign = selectors.campaign_get_for_user(user=view.actor, pk=pk, call=True)
    if not campaign.calls:
        raise Http404
    return campaign


class CallListView(CallView):
    @extend_schema(
        summary="A phone campaign's call list, with why each contact is held back",
        parameters=[CallListFilterSerializer],
        responses={200: CallListRowSerializer(many=True), **OBJECT_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        campaign = _phone_campaign(self, pk)
        filters = self.query(CallListFilterSerializer)
        page = self.paginate_queryset(selectors.call_list(campaign=campaign, view=filters["view"]))
        rows = list(page or [])
        statuses = checks.statuses_for(rows)
        for row in rows:
            row.call_status = statuses[row.pk]  # type: ignore[attr-defined]
        return self.get_paginated_response(CallListRowSerializer(rows, many=True).data)


class CallOutcomeView(CallView):
    input_serializers = {"POST": OutcomeInputSerializer}

    @extend_schema(
        summary="Record the outcome of a call (refused while the telemarketing rules hold "
        "the contact back)",
        request=OutcomeInputSerializer,
        responses={200: CallListRowSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        recipient = get_object_or_404(Recipient, pk=pk)
        _phone_campaign(self, recipient.campaign_id)
        data = self.input(OutcomeInputSerializer)
        row = services.call_outcome_record(recipient=recipient, actor=self.actor, **data)
        row.call_status = checks.statuses_for([row])[row.pk]  # type: ignore[attr-defined]
        return Response(CallListRowSerializer(row).data)


class BloctelListView(ManageView):
    input_serializers = {"POST": BloctelNumberInputSerializer}

    @extend_schema(
        summary="The Bloctel opt-out list",
        responses={200: BloctelNumberSerializer(many=True), **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.bloctel_numbers(), BloctelNumberSerializer)

    @extend_schema(
        summary="Add a number to the Bloctel list (stored in E.164)",
        request=BloctelNumberInputSerializer,
        responses={201: BloctelNumberSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = self.input(BloctelNumberInputSerializer)
        row = services.bloctel_number_add(number=data["number"], actor=self.actor)
        return Response(BloctelNumberSerializer(row).data, status=status.HTTP_201_CREATED)


class BloctelDetailView(ManageView):
    @extend_schema(
        summary="One number of the Bloctel list",
        responses={200: BloctelNumberSerializer, **OBJECT_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(BloctelNumberSerializer(get_object_or_404(BloctelNumber, pk=pk)).data)

    @extend_schema(
        summary="Remove a number from the Bloctel list", responses={204: None, **OBJECT_ERRORS}
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.bloctel_number_remove(number=get_object_or_404(BloctelNumber, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BloctelImportView(ManageView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    input_serializers = {"POST": BloctelImportInputSerializer}

    @extend_schema(
        summary="Import the Bloctel CSV (one number per line); one bad line imports nothing",
        request={"multipart/form-data": BloctelImportInputSerializer},
        responses={200: BloctelImportResultSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = self.input(BloctelImportInputSerializer)
        result = services.bloctel_import(
            upload=data["file"], actor=self.actor, replace=data["replace"]
        )
        return Response(BloctelImportResultSerializer(result.__dict__).data)


__all__ = ["Campaign"]
