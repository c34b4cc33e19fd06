"""Telework API serializers: input and output kept apart. Outputs never carry more than
the reader may see (IT's equipment view has no agreement details)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .models import (
    Agreement,
    AgreementVersion,
    Asset,
    Assignment,
    CallUp,
    OnboardingItem,
    Policy,
    ReserveMember,
    Signature,
)


class PolicyOutputSerializer(serializers.ModelSerializer):
    legal_entity = serializers.CharField(source="legal_entity.name")
    equipment = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "legal_entity",
            "version",
            "title",
            "legal_basis",
            "cse_opinion_on",
            "effective_from",
            "is_active",
            "eligible_roles",
            "max_days_per_week",
            "max_occasional_days_per_month",
            "adaptation_months",
            "notice_unit",
            "notice_during_adaptation",
            "notice_after_adaptation",
            "ending_after_adaptation",
            "contact_starts_at",
            "contact_ends_at",
            "disconnect_starts_at",
            "disconnect_ends_at",
            "allowance_enabled",
            "allowance_rate_set",
            "text_fr",
            "text_en",
            "equipment",
        ]

    def get_equipment(self, policy: Policy) -> list[dict[str, Any]]:
        return [
            {"role": e.role, "kind": e.kind, "quantity": e.quantity} for e in policy.equipment.all()
        ]


class SignatureOutputSerializer(serializers.ModelSerializer):
    signer = serializers.CharField(source="signer.email")

    class Meta:
        model = Signature
        fields = ["side", "signer", "signed_at", "text_hash"]


class VersionOutputSerializer(serializers.ModelSerializer):
    signatures = SignatureOutputSerializer(many=True, read_only=True)

    class Meta:
        model = AgreementVersion
        fields = [
            "number",
            "status",
            "weekdays",
            "days_per_month",
            "rhythm",
            "address",
            "work_accident_place",
            "contact_starts_at",
            "contact_ends_at",
            "contact_weekdays",
            "effective_from",
            "text",
            "text_hash",
            "change_note",
            "created_at",
            "signatures",
        ]


class AgreementOutputSerializer(serializers.ModelSerializer):
    """The list row: no per-row action computation (it needs queries per agreement); the
    detail and the action responses carry `actions`."""

    employee = serializers.SerializerMethodField()
    current_version = VersionOutputSerializer(read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "employee",
            "kind",
            "status",
            "initiator_party",
            "start_date",
            "end_date",
            "adaptation_ends_on",
            "ends_on",
            "return_to_office_on",
            "refusal_reason",
            "refusal_flagged",
            "exceptional_reason",
            "created_at",
            "current_version",
        ]

    def get_employee(self, agreement: Agreement) -> dict[str, Any]:
        e = agreement.employee
        return {"id": e.pk, "email": e.email, "name": e.get_full_name()}


class AgreementDetailSerializer(AgreementOutputSerializer):
    versions = VersionOutputSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(AgreementOutputSerializer.Meta):
        fields = [*AgreementOutputSerializer.Meta.fields, "actions", "versions"]

    def get_actions(self, agreement: Agreement) -> list[str]:
        from . import services

        request = self.context.get("request")
        return services.allowed_actions(agreement, request.user) if request else []


class TermsInputSerializer(serializers.Serializer):
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, max_length=7
    )
    days_per_month = serializers.IntegerField(
        min_value=1, max_value=31, required=False, allow_null=True
    )
    rhythm = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False)
    work_accident_place = serializers.BooleanField(required=False, default=True)
    contact_starts_at = serializers.TimeField(required=False, allow_null=True)
    contact_ends_at = serializers.TimeField(required=False, allow_null=True)


class AgreementCreateInputSerializer(TermsInputSerializer):
    employee = serializers.IntegerField(required=False, min_value=1, help_text="Default: yourself.")
    kind = serializers.ChoiceField(choices=Agreement.Kind.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    address = serializers.CharField(max_length=500)


class AmendInputSerializer(TermsInputSerializer):
    effective_from = serializers.DateField()
    change_note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SignInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=32000)
    text_hash = serializers.CharField(min_length=64, max_length=64)


class EndInputSerializer(serializers.Serializer):
    return_to_office_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    mode = serializers.ChoiceField(
        choices=[("notice", "notice"), ("request", "request")], default="notice"
    )


class AssetOutputSerializer(serializers.ModelSerializer):
    holder = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = [
            "id",
            "kind",
            "label",
            "serial_number",
            "state",
            "cost",
            "purchased_on",
            "warranty_until",
            "notes",
            "holder",
        ]

    def get_holder(self, asset: Asset) -> dict[str, Any] | None:
        # Who holds it and since when: equipment facts only, nothing from the agreement.
        for assignment in getattr(asset, "open_assignments", []):
            return {
                "employee": assignment.employee.email,
                "status": assignment.status,
                "provisioning_ticket": assignment.provisioning_ticket_id,
                "recovery_ticket": assignment.recovery_ticket_id,
            }
        return None


class AssetInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Asset._meta.get_field("kind").choices)  # type: ignore[arg-type]
    label = serializers.CharField(max_length=200)
    serial_number = serializers.CharField(max_length=100)
    cost = serializers.DecimalField(
        max_digits=9, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    purchased_on = serializers.DateField(required=False, allow_null=True)
    warranty_until = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReturnInputSerializer(serializers.Serializer):
    condition = serializers.ChoiceField(choices=Assignment.Condition.choices)
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AssetAssignInputSerializer(serializers.Serializer):
    employee = serializers.IntegerField(min_value=1)
    delivered = serializers.BooleanField(default=False)


class OnboardingItemOutputSerializer(serializers.ModelSerializer):
    employee = serializers.CharField(source="agreement.employee.email")
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = OnboardingItem
        fields = [
            "id",
            "agreement",
            "employee",
            "code",
            "title_fr",
            "title_en",
            "owner",
            "mandatory",
            "requires_document",
            "due_on",
            "done_at",
            "has_document",
        ]

    def get_has_document(self, item: OnboardingItem) -> bool:
        return bool(item.document)


class ItemCompleteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True)


class ReserveMemberOutputSerializer(serializers.ModelSerializer):
    has_consent = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReserveMember
        fields = [
            "id",
            "full_name",
            "email",
            "phone",
            "category",
            "home_team",
            "skills",
            "languages",
            "has_consent",
            "consent_at",
            "last_training_on",
            "availability",
            "availability_note",
        ]


class ReserveMemberInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=ReserveMember.Category.choices)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    skills = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=20
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=10
    )
    consent = serializers.BooleanField(default=False)
    consent_note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    last_training_on = serializers.DateField(required=False, allow_null=True)
    availability = serializers.ChoiceField(
        choices=ReserveMember.Availability.choices, default="available"
    )


class CallUpInputSerializer(serializers.Serializer):
    needed_from = serializers.DateField()
    needed_until = serializers.DateField()
    reason = serializers.CharField(max_length=300)


class CallUpOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallUp
        fields = [
            "id",
            "member",
            "called_by",
            "called_at",
            "needed_from",
            "needed_until",
            "reason",
            "answer",
            "answered_at",
            "answer_note",
        ]


class CallUpAnswerInputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(
        choices=[c for c in CallUp.Answer.choices if c[0] != "pending"]
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AllowanceRowSerializer(serializers.Serializer):
    employee_id = serializers.IntegerField()
    payroll_number = serializers.CharField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    days = serializers.IntegerField()
    rate_set = serializers.CharField()
    daily_amount = serializers.DecimalField(max_digits=6, decimal_places=2)
    monthly_cap = serializers.DecimalField(max_digits=7, decimal_places=2)
    amount = serializers.DecimalField(max_digits=8, decimal_places=2)
    source = serializers.CharField()


class AllowanceOutputSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    month = serializers.CharField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    pending_declarations = serializers.IntegerField()
    count = serializers.IntegerField()
    results = AllowanceRowSerializer(many=True)


class AllowanceQuerySerializer(serializers.Serializer):
    # A real month (01 to 12), as the schema says: "2025-13" was a schema-valid 400.
    month = serializers.RegexField(r"^[1-9]\d{3}-(0[1-9]|1[0-2])$", max_length=7)
    entity = serializers.IntegerField(min_value=1)


class AgreementFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[*Agreement.Status.choices, ("pending", "pending")], required=False
    )
    kind = serializers.ChoiceField(choices=Agreement.Kind.choices, required=False)
    employee = serializers.IntegerField(min_value=1, required=False)


class AssetFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Asset.State.choices, required=False)
    kind = serializers.ChoiceField(choices=Asset._meta.get_field("kind").choices, required=False)  # type: ignore[arg-type]
    search = serializers.CharField(max_length=100, required=False)


class ItemFilterSerializer(serializers.Serializer):
    open = serializers.BooleanField(required=False)
    owner = serializers.ChoiceField(choices=["hr", "it", "manager", "employee"], required=False)
    agreement = serializers.IntegerField(min_value=1, required=False)


class ReserveFilterSerializer(serializers.Serializer):
    skill = serializers.CharField(max_length=50, required=False)
    language = serializers.CharField(max_length=50, required=False)
    availability = serializers.ChoiceField(
        choices=ReserveMember.Availability.choices, required=False
    )
