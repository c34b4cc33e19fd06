"""REST API of the sales handoff: thin views over the sales services and selectors.

Opportunities a user may not read are a 404; one they read but may not change is a 403.
A service's ValidationError is a 400 (relais.api's handler); a stale `version` a 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from accounts.serializers import ErrorSerializer
from relais.api import BAD_REQUEST, COMMON_ERRORS, OBJECT_ERRORS, BaseAPIView

from . import kpis, selectors, services
from .models import Opportunity, Product
from .permissions import SALES_AGGREGATES, SALES_FLAG, SALES_READ, SALES_WORK
from .serializers import (
    AcknowledgeInputSerializer,
    FlagInputSerializer,
    HandBackInputSerializer,
    KpiOutputSerializer,
    KpiQuerySerializer,
    MoveInputSerializer,
    OnboardingInputSerializer,
    OnboardingOutputSerializer,
    OpportunityFilterSerializer,
    OpportunityOutputSerializer,
    OpportunityUpdateInputSerializer,
    ProductSerializer,
    ReassignInputSerializer,
    VersionInputSerializer,
)

STALE = OpenApiResponse(
    ErrorSerializer, description="The opportunity changed since `version` was read."
)
RELATED = ("contact", "organisation", "product", "owner", "flagged_by", "lost_reason")


class SalesAPIView(BaseAPIView):
    roles: tuple[str, ...] = SALES_READ

    def get_permissions(self) -> list[BasePermission]:
        return [HasRole.of(*self.roles)()]

    def opportunity(self, pk: int, *, work: bool = False) -> Opportunity:
        try:
            opportunity = selectors.opportunity_get_for_user(user=self.actor, pk=pk)
        except Exception as exc:
            raise NotFound from exc
        if work and not services.can_work(self.actor, opportunity):
            raise PermissionDenied(services.ERROR_CANNOT_WORK)
        return opportunity

    def get_object(self) -> Opportunity:
        """The URL's opportunity (what OPTIONS checks): to read it, or to work it for the
        write endpoints."""
        return self.opportunity(self.kwargs["pk"], work=tuple(self.roles) == tuple(SALES_WORK))

    def answer(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        opportunity = selectors.opportunity_get_for_user(user=self.actor, pk=pk)
        return Response(OpportunityOutputSerializer(opportunity).data, status=status_code)

    def run(self, call: Any) -> Response | None:
        """Call a service; a stale version is a 409, a refusal of the actor a 403."""
        try:
            call()
        except services.StaleOpportunityError as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            if getattr(exc, "code", None) == "forbidden":
                raise PermissionDenied(exc.messages[0]) from exc
            raise
        return None


class ProductListView(SalesAPIView):
    """The product catalogue (active products unless `all=1`)."""

    roles = (*SALES_FLAG, *SALES_AGGREGATES)

    @extend_schema(
        parameters=[OpenApiParameter("all", bool, required=False)],
        responses={200: ProductSerializer(many=True), **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        products = Product.objects.order_by("product_line", "name")
        if request.query_params.get("all") not in ("1", "true"):
            products = products.filter(is_active=True)
        page = self.paginate_queryset(products)
        return self.get_paginated_response(ProductSerializer(page, many=True).data)


class OpportunityListView(SalesAPIView):
    """Opportunities you may read (reps: theirs and their team's; leads: all; agents: their
    flags), most recently changed first. POST flags a new one (routed at once)."""

    input_serializers = {"POST": FlagInputSerializer}

    def get_permissions(self) -> list[BasePermission]:
        roles = SALES_FLAG if self.request.method == "POST" else SALES_READ
        return [HasRole.of(*roles)()]

    @extend_schema(
        parameters=[OpportunityFilterSerializer],
        responses={200: OpportunityOutputSerializer(many=True), 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.query(OpportunityFilterSerializer)
        filters = selectors.OpportunityFilters(
            q=query.get("search", ""),
            stage=sorted(query.get("stage", [])),
            owner=query.get("owner"),
            mine=query["mine"],
            team=query.get("team"),
            product=query.get("product"),
            flagged_by=query.get("flagged_by"),
            close_from=query.get("close_from"),
            close_to=query.get("close_to"),
        )
        qs = selectors.opportunity_list(
            user=self.actor, filters=filters, sort=query.get("ordering") or "updated"
        )
        if query.get("contact"):
            qs = qs.filter(contact_id=query["contact"])
        page = self.paginate_queryset(qs.select_related(*RELATED))
        return self.get_paginated_response(OpportunityOutputSerializer(page, many=True).data)

    @extend_schema(
        request=FlagInputSerializer,
        responses={201: OpportunityOutputSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = self.input(FlagInputSerializer)
        from crm import selectors as crm_selectors

        crm_selectors.contact_get_for_user(user=self.actor, pk=data["contact"].pk)
        opportunity = services.opportunity_flag(actor=self.actor, **data)
        return Response(
            OpportunityOutputSerializer(
                Opportunity.objects.select_related(*RELATED).get(pk=opportunity.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )


class OpportunityDetailView(SalesAPIView):
    """One opportunity. PATCH changes the deal's fields (send `version` to be safe from
    lost updates); stage moves go through `move/`."""

    input_serializers = {"PATCH": OpportunityUpdateInputSerializer}

    @extend_schema(responses={200: OpportunityOutputSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(OpportunityOutputSerializer(self.opportunity(pk)).data)

    @extend_schema(
        request=OpportunityUpdateInputSerializer,
        responses={200: OpportunityOutputSerializer, 400: BAD_REQUEST, 409: STALE,
                   **OBJECT_ERRORS},
    )  # fmt: skip
    def patch(self, request: Request, pk: int) -> Response:
        opportunity = self.opportunity(pk, work=True)
        data = self.input(OpportunityUpdateInputSerializer)
        version = data.pop("version", None)
        conflict = self.run(
            lambda: services.opportunity_update(
                opportunity=opportunity, actor=self.actor, expected_version=version, **data
            )
        )
        return conflict or self.answer(pk)


class OpportunityMoveView(SalesAPIView):
    """Move to another stage under the stage rules (one transition table; lost needs a
    reason; past "contacted" the service warning must be acknowledged)."""

    input_serializers = {"POST": MoveInputSerializer}

    roles = SALES_WORK

    @extend_schema(
        request=MoveInputSerializer,
        responses={200: OpportunityOutputSerializer, 400: BAD_REQUEST, 409: STALE,
                   **OBJECT_ERRORS},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        opportunity = self.opportunity(pk, work=True)
        data = self.input(MoveInputSerializer)
        conflict = self.run(lambda: services.opportunity_move(
            opportunity=opportunity, actor=self.actor, stage=data["stage"],
            lost_reason=data.get("lost_reason"), lost_note=data["lost_note"],
            expected_version=data.get("version")))  # fmt: skip
        return conflict or self.answer(pk)


class OpportunityAcceptView(SalesAPIView):
    """The rep it was handed to accepts it (the acceptance delay is measured here)."""

    input_serializers = {"POST": VersionInputSerializer}

    roles = SALES_WORK

    def get_object(self) -> Opportunity:
        # Only the rep it was routed to accepts (services.opportunity_accept says so too;
        # checked here first so that OPTIONS and a bad body are refused alike).
        opportunity = self.opportunity(self.kwargs["pk"])
        if opportunity.owner_id != self.actor.pk:
            raise PermissionDenied(services.ERROR_NOT_OWNER)
        return opportunity

    @extend_schema(
        request=VersionInputSerializer,
        responses={200: OpportunityOutputSerializer, 400: BAD_REQUEST, 409: STALE,
                   **OBJECT_ERRORS},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        opportunity = self.get_object()
        data = self.input(VersionInputSerializer)
        conflict = self.run(
            lambda: services.opportunity_accept(
                opportunity=opportunity, actor=self.actor, expected_version=data.get("version")
            )
        )
        return conflict or self.answer(pk)


class OpportunityAcknowledgeView(SalesAPIView):
    """Acknowledge the "fix service first" warning (who, when, a short comment)."""

    input_serializers = {"POST": AcknowledgeInputSerializer}

    roles = SALES_WORK

    @extend_schema(
        request=AcknowledgeInputSerializer,
        responses={200: OpportunityOutputSerializer, 400: BAD_REQUEST, 409: STALE,
                   **OBJECT_ERRORS},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        opportunity = self.opportunity(pk, work=True)
        data = self.input(AcknowledgeInputSerializer)
        conflict = self.run(lambda: services.opportunity_acknowledge_warning(
            opportunity=opportunity, actor=self.actor, comment=data["comment"],
            expected_version=data.get("version")))  # fmt: skip
        return conflict or self.answer(pk)


class OpportunityHandBackView(SalesAPIView):
    """The rep hands it back with a reason; it is routed again to someone else."""

    input_serializers = {"POST": HandBackInputSerializer}

    roles = SALES_WORK

    @extend_schema(
        request=HandBackInputSerializer,
        responses={200: OpportunityOutputSerializer, 400: BAD_REQUEST, 409: STALE,
                   **OBJECT_ERRORS},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        opportunity = self.opportunity(pk)
        data = self.input(HandBackInputSerializer)
        conflict = self.run(lambda: services.opportunity_hand_back(
            opportunity=opportunity, actor=self.actor, reason=data["reason"],
            expected_version=data.get("version")))  # fmt: skip
        if conflict:
            return conflict
        refreshed = Opportunity.objects.select_related(*RELATED).get(pk=pk)
        return Response(OpportunityOutputSerializer(refreshed).data)


class OpportunityReassignView(SalesAPIView):
    """Give it to another rep (the owner, a sales lead or an admin)."""

    input_serializers = {"POST": ReassignInputSerializer}

    roles = SALES_WORK

    @extend_schema(
        request=ReassignInputSerializer,
        responses={200: OpportunityOutputSerializer, 400: BAD_REQUEST, 409: STALE,
                   **OBJECT_ERRORS},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        opportunity = self.opportunity(pk, work=True)
        data = self.input(ReassignInputSerializer)
        conflict = self.run(lambda: services.opportunity_reassign(
            opportunity=opportunity, actor=self.actor, rep=data["rep"], reason=data["reason"],
            expected_version=data.get("version")))  # fmt: skip
        if conflict:
            return conflict
        refreshed = Opportunity.objects.select_related(*RELATED).get(pk=pk)
        return Response(OpportunityOutputSerializer(refreshed).data)


class OpportunityOnboardingView(SalesAPIView):
    """A won opportunity opens its onboarding ticket in a service queue."""

    input_serializers = {"POST": OnboardingInputSerializer}

    roles = SALES_WORK

    @extend_schema(
        request=OnboardingInputSerializer,
        responses={201: OnboardingOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        opportunity = self.opportunity(pk, work=True)
        data = self.input(OnboardingInputSerializer)
        ticket = services.opportunity_open_onboarding(
            opportunity=opportunity, actor=self.actor, queue=data["queue"]
        )
        return Response(OnboardingOutputSerializer(ticket).data, status=status.HTTP_201_CREATED)


class OpportunityKpiView(SalesAPIView):
    """Handoff KPIs over the opportunities flagged in the period (default: this quarter),
    aggregated in SQL; `formulas` says how each figure is computed."""

    roles = SALES_AGGREGATES
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("to", OpenApiTypes.DATE, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("group_by", str, required=False, enum=list(kpis.GROUPS)),
        ],
        responses={200: KpiOutputSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.query(KpiQuerySerializer)
        default_start, default_end = kpis.default_period()
        start = query.get("from") or default_start
        end = query.get("to") or default_end
        if end < start:
            return Response({"to": [str(_period_error())]}, status=status.HTTP_400_BAD_REQUEST)
        group_by = query.get("group_by") or None
        total, rows = kpis.handoff_kpis(
            opportunities=selectors.aggregate_scope(user=self.actor),
            start=start,
            end=end,
            group_by=group_by,
        )
        return Response(
            {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "group_by": group_by,
                "formulas": {k: str(v) for k, v in kpis.FORMULAS.items()},
                "total": total.as_dict(),
                "rows": [row.as_dict() for row in rows],
            }
        )


def _period_error() -> Any:
    from django.utils.translation import gettext_lazy as _

    return _("The end of the period must not be before its start.")
