"""Telework REST API: thin views over the same services and selectors as the pages.

HR data (agreements, addresses, health flags, allowance) is served to HR (and admins),
the employee and their manager; IT reads equipment and its tickets only. What a user may
not see is a 404. HR reads of agreements are logged, list pages included. A service's
ValidationError becomes a 400 through relais.api's handler.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import HasRole
from accounts.roles import Role, has_role
from relais.api import BAD_REQUEST, COMMON_ERRORS, OBJECT_ERRORS, BaseAPIView

from . import selectors, services
from .dates import parse_month
from .errors import ERROR_UNKNOWN_ENTITY
from .models import Agreement, Asset, CallUp, LegalEntity, OnboardingItem, ReadLog, ReserveMember
from .permissions import EQUIPMENT_ROLES, RESERVE_ROLES, TELEWORK_HR
from .serializers import (
    AgreementCreateInputSerializer,
    AgreementDetailSerializer,
    AgreementFilterSerializer,
    AgreementOutputSerializer,
    AllowanceOutputSerializer,
    AllowanceQuerySerializer,
    AmendInputSerializer,
    AssetAssignInputSerializer,
    AssetFilterSerializer,
    AssetInputSerializer,
    AssetOutputSerializer,
    CallUpAnswerInputSerializer,
    CallUpInputSerializer,
    CallUpOutputSerializer,
    EndInputSerializer,
    ItemCompleteInputSerializer,
    ItemFilterSerializer,
    OnboardingItemOutputSerializer,
    PolicyOutputSerializer,
    ReasonInputSerializer,
    ReserveFilterSerializer,
    ReserveMemberInputSerializer,
    ReserveMemberOutputSerializer,
    ReturnInputSerializer,
    SignInputSerializer,
    VersionOutputSerializer,
)


# --- Policies ------------------------------------------------------------------------------
class PolicyListView(BaseAPIView):
    """HR sees every version; staff see their entity's active policy."""

    @extend_schema(responses={200: PolicyOutputSerializer(many=True), **COMMON_ERRORS})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.policies_visible_to(user=self.actor), PolicyOutputSerializer
        )


class PolicyDetailView(BaseAPIView):
    def get_object(self) -> Any:
        return get_object_or_404(
            selectors.policies_visible_to(user=self.actor), pk=self.kwargs["pk"]
        )

    @extend_schema(responses={200: PolicyOutputSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(PolicyOutputSerializer(self.get_object()).data)


# --- Agreements ----------------------------------------------------------------------------
class AgreementListView(BaseAPIView):
    """The agreements the user may see; POST requests telework (or proposes it for an
    employee, as their manager or HR)."""

    input_serializers = {"POST": AgreementCreateInputSerializer}

    @extend_schema(
        parameters=[AgreementFilterSerializer],
        responses={200: AgreementOutputSerializer(many=True), 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = self.query(AgreementFilterSerializer)
        qs = selectors.agreement_list(
            user=self.actor, status=filters.get("status", ""), kind=filters.get("kind", "")
        )
        if filters.get("employee"):
            qs = qs.filter(employee_id=filters["employee"])
        response = self.paginated(
            qs.prefetch_related("current_version__signatures__signer"), AgreementOutputSerializer
        )
        ids = [row["id"] for row in response.data.get("results", [])]
        services.reads_logged(reader=self.actor, agreements=ids, channel=ReadLog.Channel.API)
        return response

    @extend_schema(
        request=AgreementCreateInputSerializer,
        responses={201: AgreementDetailSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        values = self.input(AgreementCreateInputSerializer)
        employee_id = values.pop("employee", None)
        employee = self.actor
        if employee_id is not None and employee_id != self.actor.pk:
            found = User.objects.filter(pk=employee_id, is_active=True).first()
            if found is None:
                raise Http404
            employee = found
        agreement = services.agreement_request(employee=employee, actor=self.actor, **values)
        return Response(
            AgreementDetailSerializer(agreement, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class AgreementDetailView(BaseAPIView):
    def get_object(self) -> Agreement:
        return selectors.agreement_get_for_user(user=self.actor, pk=self.kwargs["pk"])

    @extend_schema(responses={200: AgreementDetailSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        agreement = self.get_object()
        services.reads_logged(
            reader=self.actor, agreements=[agreement], channel=ReadLog.Channel.API
        )
        return Response(AgreementDetailSerializer(agreement, context={"request": request}).data)


ACTION_INPUTS: dict[str, Any] = {
    "sign": SignInputSerializer,
    "end": EndInputSerializer,
    "amend": AmendInputSerializer,
}


class AgreementActionView(BaseAPIView):
    """POST /agreements/{id}/{action}/: approve, refuse, validate, sign, decline,
    withdraw, end (with notice, or `mode: request` after adaptation), amend."""

    action_name = ""

    def get_object(self) -> Agreement:
        return selectors.agreement_get_for_user(user=self.actor, pk=self.kwargs["pk"])

    def post(self, request: Request, pk: int) -> Response:
        user = self.actor
        agreement = self.get_object()
        data = self.input(ACTION_INPUTS.get(self.action_name, ReasonInputSerializer))
        action = self.action_name
        if action == "sign":
            services.agreement_sign(
                agreement=agreement,
                actor=user,
                version_number=data["version"],
                text_hash_seen=data["text_hash"],
            )
        elif action == "end" and data["mode"] == "request":
            services.end_request_create(
                agreement=agreement,
                actor=user,
                return_to_office_on=data["return_to_office_on"],
                reason=data["reason"],
            )
        elif action == "end":
            services.agreement_end(
                agreement=agreement,
                actor=user,
                return_to_office_on=data["return_to_office_on"],
                reason=data["reason"],
            )
        elif action == "amend":
            version = services.agreement_amend(agreement=agreement, actor=user, **data)
            return Response(VersionOutputSerializer(version).data, status=status.HTTP_201_CREATED)
        else:
            reason = data.get("reason", "")
            if action == "approve":
                services.agreement_approve(agreement=agreement, actor=user, note=reason)
            elif action == "refuse":
                services.agreement_refuse(agreement=agreement, actor=user, reason=reason)
            elif action == "validate":
                services.agreement_validate(agreement=agreement, actor=user)
            elif action == "decline":
                services.agreement_decline(agreement=agreement, actor=user, reason=reason)
            else:
                services.agreement_withdraw(agreement=agreement, actor=user)
        agreement.refresh_from_db()
        return Response(AgreementDetailSerializer(agreement, context={"request": request}).data)


def action_view(name: str) -> Any:
    request_serializer = ACTION_INPUTS.get(name, ReasonInputSerializer)
    response = VersionOutputSerializer if name == "amend" else AgreementDetailSerializer

    # A function of its own per action: extend_schema annotates the function it is given,
    # and decorating the shared AgreementActionView.post would give every action the body
    # of the last one (the schema showed amend's fields on approve, refuse...).
    @extend_schema(
        request=request_serializer,
        responses={200: response, 201: response, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self: AgreementActionView, request: Request, pk: int) -> Response:
        return AgreementActionView.post(self, request, pk)

    view = type(
        f"Agreement{name.title()}View",
        (AgreementActionView,),
        {
            "action_name": name,
            "input_serializers": {"POST": request_serializer},
            "post": post,
            "__doc__": f"{name.title()} the agreement (see the lifecycle in docs/architecture.md).",
        },
    )
    return view.as_view()


# --- Equipment (IT and HR) -----------------------------------------------------------------
class EquipmentAPIView(BaseAPIView):
    permission_classes = [HasRole.of(*EQUIPMENT_ROLES)]

    def asset(self, pk: int) -> Asset:
        asset = selectors.asset_list().filter(pk=pk).first()
        if asset is None:
            raise Http404
        return asset


class EquipmentListView(EquipmentAPIView):
    input_serializers = {"POST": AssetInputSerializer}

    @extend_schema(
        parameters=[AssetFilterSerializer],
        responses={200: AssetOutputSerializer(many=True), 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = self.query(AssetFilterSerializer)
        qs = selectors.asset_list(
            state=filters.get("state", ""),
            kind=filters.get("kind", ""),
            query=filters.get("search", ""),
        )
        return self.paginated(qs, AssetOutputSerializer)

    @extend_schema(
        request=AssetInputSerializer,
        responses={201: AssetOutputSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        asset = services.asset_save(**self.input(AssetInputSerializer))
        return Response(
            AssetOutputSerializer(self.asset(asset.pk)).data, status=status.HTTP_201_CREATED
        )


class EquipmentDetailView(EquipmentAPIView):
    def get_object(self) -> Asset:
        return self.asset(self.kwargs["pk"])

    @extend_schema(responses={200: AssetOutputSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(AssetOutputSerializer(self.get_object()).data)


class EquipmentReturnView(EquipmentAPIView):
    input_serializers = {"POST": ReturnInputSerializer}

    @extend_schema(
        request=ReturnInputSerializer,
        responses={200: AssetOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        asset = self.asset(pk)
        services.asset_return(asset=asset, actor=self.actor, **self.input(ReturnInputSerializer))
        return Response(AssetOutputSerializer(self.asset(pk)).data)


class EquipmentAssignView(EquipmentAPIView):
    input_serializers = {"POST": AssetAssignInputSerializer}

    @extend_schema(
        request=AssetAssignInputSerializer,
        responses={200: AssetOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        asset = self.asset(pk)
        data = self.input(AssetAssignInputSerializer)
        employee = get_object_or_404(User, pk=data["employee"], is_active=True)
        services.asset_assign(
            asset=asset,
            employee=employee,
            agreement=None,
            actor=self.actor,
            delivered=data["delivered"],
        )
        return Response(AssetOutputSerializer(self.asset(pk)).data)


# --- Onboarding --------------------------------------------------------------------------------
def items_for(user: User) -> Any:
    qs = OnboardingItem.objects.select_related("agreement__employee").order_by("due_on", "pk")
    if selectors.is_hr(user):
        return qs
    visible = Q(agreement__employee=user) | Q(agreement__employee__manager=user)
    if has_role(user, Role.IT):
        visible |= Q(owner="it")
    return qs.filter(visible)


class OnboardingItemListView(BaseAPIView):
    """Checklist items: HR all, IT the IT items, the employee theirs, a manager their
    reports'."""

    @extend_schema(
        parameters=[ItemFilterSerializer],
        responses={
            200: OnboardingItemOutputSerializer(many=True),
            400: BAD_REQUEST,
            **COMMON_ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        filters = self.query(ItemFilterSerializer)
        qs = items_for(self.actor)
        if filters.get("open"):
            qs = qs.filter(done_at__isnull=True)
        if filters.get("owner"):
            qs = qs.filter(owner=filters["owner"])
        if filters.get("agreement"):
            qs = qs.filter(agreement_id=filters["agreement"])
        return self.paginated(qs, OnboardingItemOutputSerializer)


class OnboardingItemCompleteView(BaseAPIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    input_serializers = {"POST": ItemCompleteInputSerializer}

    def get_object(self) -> OnboardingItem:
        return selectors.item_get_for_user(user=self.actor, pk=self.kwargs["pk"])

    @extend_schema(
        request=ItemCompleteInputSerializer,
        responses={200: OnboardingItemOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        item = self.get_object()
        item = services.onboarding_complete(
            item=item, actor=self.actor, **self.input(ItemCompleteInputSerializer)
        )
        return Response(OnboardingItemOutputSerializer(item).data)


# --- Reserve pool ---------------------------------------------------------------------------
class ReserveAPIView(BaseAPIView):
    permission_classes = [HasRole.of(*RESERVE_ROLES)]


class ReservePoolView(ReserveAPIView):
    """Supervisors see the members they may call (consent, availability); HR all, and adds."""

    input_serializers = {"POST": ReserveMemberInputSerializer}

    @extend_schema(
        parameters=[ReserveFilterSerializer],
        responses={
            200: ReserveMemberOutputSerializer(many=True),
            400: BAD_REQUEST,
            **COMMON_ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        filters = self.query(ReserveFilterSerializer)
        qs = selectors.reserve_list(
            skill=filters.get("skill", ""),
            language=filters.get("language", ""),
            availability=filters.get("availability", ""),
            callable_only=not selectors.is_hr(self.actor),
        )
        return self.paginated(qs, ReserveMemberOutputSerializer)

    @extend_schema(
        request=ReserveMemberInputSerializer,
        responses={201: ReserveMemberOutputSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        if not selectors.is_hr(self.actor):
            raise PermissionDenied
        member = services.reserve_member_save(
            actor=self.actor, **self.input(ReserveMemberInputSerializer)
        )
        return Response(ReserveMemberOutputSerializer(member).data, status=status.HTTP_201_CREATED)


class CallUpCreateView(ReserveAPIView):
    input_serializers = {"POST": CallUpInputSerializer}

    def get_object(self) -> ReserveMember:
        return get_object_or_404(
            selectors.reserve_list(callable_only=not selectors.is_hr(self.actor)),
            pk=self.kwargs["pk"],
        )

    @extend_schema(
        request=CallUpInputSerializer,
        responses={201: CallUpOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        member = get_object_or_404(ReserveMember, pk=pk)
        callup = services.callup_create(
            member=member, actor=self.actor, **self.input(CallUpInputSerializer)
        )
        return Response(CallUpOutputSerializer(callup).data, status=status.HTTP_201_CREATED)


class CallUpAnswerView(ReserveAPIView):
    input_serializers = {"POST": CallUpAnswerInputSerializer}

    def get_object(self) -> CallUp:
        return get_object_or_404(CallUp, pk=self.kwargs["pk"])

    @extend_schema(
        request=CallUpAnswerInputSerializer,
        responses={200: CallUpOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        callup = services.callup_answer(
            callup=self.get_object(), actor=self.actor, **self.input(CallUpAnswerInputSerializer)
        )
        return Response(CallUpOutputSerializer(callup).data)


# --- Allowance ----------------------------------------------------------------------------------
class AllowanceView(BaseAPIView):
    """The month's allowance of one legal entity. `?export=csv` returns the payroll file
    (recorded as an export, all-or-nothing)."""

    permission_classes = [HasRole.of(*TELEWORK_HR)]

    @extend_schema(
        parameters=[
            AllowanceQuerySerializer,
            OpenApiParameter(
                "export", str, required=False, enum=["csv"], description="csv: the payroll file"
            ),
        ],
        responses={200: AllowanceOutputSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response | HttpResponse:
        query = self.query(AllowanceQuerySerializer)
        entity = LegalEntity.objects.filter(pk=query["entity"]).first()
        if entity is None:
            raise DjangoValidationError({"entity": str(ERROR_UNKNOWN_ENTITY)})
        month = services.allowance_check_month(parse_month(query["month"]))
        if request.query_params.get("export") == "csv":
            export = services.allowance_export(entity=entity, month=month, actor=self.actor)
            response = HttpResponse(
                export.content.encode("utf-8"), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="allowance-{entity.pk}-{month:%Y-%m}.csv"'
            )
            response["X-Content-SHA256"] = export.sha256
            return response
        result = services.compute_month(entity=entity, month=month)
        services.reads_logged(
            reader=self.actor,
            agreements=[row.agreement_ids[-1] for row in result.rows],
            channel=ReadLog.Channel.API,
        )
        payload = {
            "entity": entity.pk,
            "month": month.strftime("%Y-%m"),
            "total": result.total,
            "pending_declarations": len(result.pending_declarations),
            "count": len(result.rows),
            "results": [row.__dict__ for row in result.rows],
        }
        return Response(AllowanceOutputSerializer(payload).data)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # The CSV is a plain HttpResponse: DRF's content negotiation must leave it alone.
        if isinstance(response, HttpResponse) and not isinstance(response, Response):
            return response
        return super().finalize_response(request, response, *args, **kwargs)
