"""Telework in the Django admin: every model, searchable, with bounded changelists.
Lifecycle changes go through the services (admin actions), never by editing a status."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    Absence,
    Agreement,
    AgreementVersion,
    AllowanceExport,
    AllowanceLine,
    AllowanceRate,
    Asset,
    Assignment,
    CallUp,
    ContinuityActivation,
    ContinuityMember,
    Declaration,
    EmployeeFile,
    EndRequest,
    LegalEntity,
    OnboardingItem,
    OnboardingStep,
    Policy,
    PolicyEquipment,
    Purchase,
    ReadLog,
    ReserveMember,
    Signature,
)


@admin.register(LegalEntity)
class LegalEntityAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "holiday_country", "holiday_subdivision"]
    search_fields = ["name", "siren"]


@admin.register(EmployeeFile)
class EmployeeFileAdmin(admin.ModelAdmin):
    list_display = ["user", "legal_entity", "payroll_number", "disabled_worker", "carer"]
    list_filter = ["legal_entity", "disabled_worker", "carer"]
    search_fields = ["user__email", "user__last_name", "payroll_number"]
    list_select_related = ["user", "legal_entity"]
    raw_id_fields = ["user"]


class PolicyEquipmentInline(admin.TabularInline):
    model = PolicyEquipment
    extra = 0


class OnboardingStepInline(admin.TabularInline):
    model = OnboardingStep
    extra = 0


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "legal_entity",
        "version",
        "legal_basis",
        "effective_from",
        "is_active",
    ]
    list_filter = ["legal_entity", "is_active", "legal_basis"]
    search_fields = ["title"]
    list_select_related = ["legal_entity"]
    inlines = [PolicyEquipmentInline, OnboardingStepInline]
    filter_horizontal = ["eligible_teams"]
    readonly_fields = ["created_at", "created_by"]


@admin.register(AllowanceRate)
class AllowanceRateAdmin(admin.ModelAdmin):
    list_display = ["rate_set", "valid_from", "daily_amount", "monthly_cap"]
    list_filter = ["rate_set"]
    date_hierarchy = "valid_from"


class VersionInline(admin.TabularInline):
    model = AgreementVersion
    extra = 0
    can_delete = False
    fields = ["number", "status", "weekdays", "effective_from", "text_hash", "created_at"]
    readonly_fields = fields
    show_change_link = True


@admin.action(description=_("Activate the selected agreements (when due and ready)"))
def activate_agreements(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Agreement]
) -> None:
    started, refused = 0, []
    for agreement in queryset:
        try:
            services.agreement_activate(agreement=agreement, actor=request.user)  # type: ignore[arg-type]
            started += 1
        except ValidationError as exc:
            refused.append(f"{agreement}: {' '.join(exc.messages)}")
    if started:
        modeladmin.message_user(
            request,
            ngettext("%(count)d agreement activated.", "%(count)d agreements activated.", started)
            % {"count": started},
        )
    for line in refused[:20]:
        modeladmin.message_user(request, line, level=messages.ERROR)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = [
        "employee",
        "kind",
        "status",
        "start_date",
        "end_date",
        "ends_on",
        "refusal_flagged",
    ]
    list_filter = ["status", "kind", "refusal_flagged", "policy__legal_entity"]
    search_fields = ["employee__email", "employee__last_name"]
    list_select_related = ["employee"]
    raw_id_fields = [
        "employee",
        "initiated_by",
        "manager",
        "hr_validated_by",
        "refused_by",
        "current_version",
        "continuity_activation",
    ]
    readonly_fields = [
        "status",
        "current_version",
        "created_at",
        "updated_at",
        "activated_at",
        "ended_at",
    ]
    date_hierarchy = "start_date"
    inlines = [VersionInline]
    actions = [activate_agreements]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        # Admins reading an agreement are logged like HR: the employee sees it.
        if object_id.isdigit():
            services.reads_logged(
                reader=request.user, agreements=[int(object_id)], channel=ReadLog.Channel.ADMIN
            )  # type: ignore[arg-type]
        return super().change_view(request, object_id, form_url, extra_context)


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    can_delete = False
    readonly_fields = ["side", "signer", "signed_at", "text_hash"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    list_display = ["agreement", "number", "status", "effective_from", "created_at"]
    list_filter = ["status"]
    search_fields = ["agreement__employee__email", "text_hash"]
    list_select_related = ["agreement__employee"]
    raw_id_fields = ["agreement", "created_by"]
    readonly_fields = ["text", "text_hash"]
    inlines = [SignatureInline]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        # A version holds the signed text (address, hours): reading it is reading the
        # agreement, logged for the employee like the agreement's own page.
        agreement_id = (
            AgreementVersion.objects.filter(pk=int(object_id))
            .values_list("agreement_id", flat=True)
            .first()
            if object_id.isdigit() and len(object_id) < 19
            else None
        )
        if agreement_id is not None:
            services.reads_logged(
                reader=request.user,  # type: ignore[arg-type]
                agreements=[agreement_id],
                channel=ReadLog.Channel.ADMIN,
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["version", "side", "signer", "signed_at"]
    list_filter = ["side"]
    search_fields = ["signer__email", "text_hash"]
    list_select_related = ["version", "signer"]
    raw_id_fields = ["version", "signer"]


@admin.register(EndRequest)
class EndRequestAdmin(admin.ModelAdmin):
    list_display = ["agreement", "party", "status", "return_to_office_on", "created_at"]
    list_filter = ["status", "party"]
    search_fields = ["agreement__employee__email"]
    list_select_related = ["agreement__employee"]
    raw_id_fields = ["agreement", "requested_by", "decided_by"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["employee", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["employee__email", "employee__last_name"]
    list_select_related = ["employee"]
    raw_id_fields = ["employee", "recorded_by"]
    date_hierarchy = "starts_on"


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["employee", "month", "status", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["employee__email", "employee__last_name"]
    list_select_related = ["employee"]
    raw_id_fields = ["employee", "decided_by"]


@admin.register(ReadLog)
class ReadLogAdmin(admin.ModelAdmin):
    list_display = ["agreement", "reader", "channel", "read_at"]
    list_filter = ["channel"]
    search_fields = ["reader__email", "agreement__employee__email"]
    list_select_related = ["agreement__employee", "reader"]
    raw_id_fields = ["agreement", "reader"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an audit trail is not edited


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["serial_number", "kind", "label", "state", "warranty_until"]
    list_filter = ["state", "kind"]
    search_fields = ["serial_number", "label"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = [
        "asset",
        "employee",
        "status",
        "requested_at",
        "delivered_at",
        "returned_at",
        "return_condition",
    ]
    list_filter = ["status", "return_condition"]
    search_fields = ["asset__serial_number", "employee__email"]
    list_select_related = ["asset", "employee"]
    raw_id_fields = [
        "asset",
        "employee",
        "agreement",
        "provisioning_ticket",
        "recovery_ticket",
        "return_recorded_by",
    ]


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = [
        "employee",
        "description",
        "status",
        "estimated_amount",
        "amount_claimed",
        "approved_at",
        "purchased_on",
    ]
    list_filter = ["status"]
    search_fields = ["employee__email", "description"]
    list_select_related = ["employee"]
    raw_id_fields = ["employee", "agreement", "decided_by"]


@admin.register(OnboardingItem)
class OnboardingItemAdmin(admin.ModelAdmin):
    list_display = ["agreement", "title_fr", "owner", "mandatory", "due_on", "done_at"]
    list_filter = ["owner", "mandatory"]
    search_fields = ["agreement__employee__email", "code"]
    list_select_related = ["agreement__employee"]
    raw_id_fields = ["agreement", "done_by"]
    exclude = ["document"]  # served only to HR and the employee, through the page


@admin.register(AllowanceLine)
class AllowanceLineAdmin(admin.ModelAdmin):
    list_display = ["employee", "legal_entity", "month", "days", "amount"]
    list_filter = ["legal_entity"]
    search_fields = ["employee__email"]
    list_select_related = ["employee", "legal_entity"]
    raw_id_fields = ["employee"]
    date_hierarchy = "month"


@admin.register(AllowanceExport)
class AllowanceExportAdmin(admin.ModelAdmin):
    list_display = [
        "legal_entity",
        "month",
        "row_count",
        "total_amount",
        "sha256",
        "created_by",
        "created_at",
    ]
    list_filter = ["legal_entity"]
    list_select_related = ["legal_entity", "created_by"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["sha256", "content"]


class MemberInline(admin.TabularInline):
    model = ContinuityMember
    extra = 0
    raw_id_fields = ["employee", "agreement", "ticket"]


@admin.register(ContinuityActivation)
class ContinuityActivationAdmin(admin.ModelAdmin):
    list_display = [
        "reason_kind",
        "team",
        "starts_on",
        "ends_on",
        "employee_count",
        "gap_count",
        "created_at",
    ]
    list_filter = ["reason_kind"]
    list_select_related = ["team"]
    raw_id_fields = ["created_by"]
    inlines = [MemberInline]


@admin.register(ContinuityMember)
class ContinuityMemberAdmin(admin.ModelAdmin):
    list_display = ["activation", "employee", "ticket"]
    search_fields = ["employee__email"]
    list_select_related = ["activation", "employee", "ticket"]
    raw_id_fields = ["activation", "employee", "agreement", "ticket"]


@admin.register(ReserveMember)
class ReserveMemberAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "category",
        "availability",
        "consent_at",
        "consent_withdrawn_at",
        "last_training_on",
    ]
    list_filter = ["category", "availability"]
    search_fields = ["full_name", "email"]
    list_select_related = ["home_team"]
    raw_id_fields = ["user"]


@admin.register(CallUp)
class CallUpAdmin(admin.ModelAdmin):
    list_display = ["member", "called_by", "called_at", "needed_from", "needed_until", "answer"]
    list_filter = ["answer"]
    search_fields = ["member__full_name", "reason"]
    list_select_related = ["member", "called_by"]
    raw_id_fields = ["member", "called_by"]


@admin.register(PolicyEquipment)
class PolicyEquipmentAdmin(admin.ModelAdmin):
    list_display = ["policy", "role", "kind", "quantity"]
    list_filter = ["role", "kind"]
    search_fields = ["policy__title"]
    list_select_related = ["policy"]


@admin.register(OnboardingStep)
class OnboardingStepAdmin(admin.ModelAdmin):
    list_display = ["policy", "order", "title_fr", "owner", "mandatory", "due_offset_days"]
    list_filter = ["owner", "mandatory"]
    search_fields = ["title_fr", "title_en", "code"]
    list_select_related = ["policy"]
