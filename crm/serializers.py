"""API shapes for the shared customer record. Input serializers only validate what a
request may carry (types, lengths, choices, known ids); the services own the rules and
the writes. Output serializers read rows fetched by the selectors, so they never query."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User

from . import services, timeline
from .models import (
    Activity,
    Call,
    Consent,
    ConsentPurpose,
    Contact,
    ExternalId,
    Language,
    Note,
    Organisation,
    PrivacyLog,
)

ERROR_EXTERNAL_SYSTEM = _("A system name is 1 to 50 characters, without NUL characters.")
ERROR_UNKNOWN_KIND = services.ERROR_UNKNOWN_KIND

ADDRESS_FIELDS = ["address_line1", "address_line2", "postal_code", "city", "region", "country"]


def _max_length(model: type[Model], field_name: str) -> int:
    max_length = getattr(model._meta.get_field(field_name), "max_length", None)
    if max_length is None:
        raise TypeError(f"{model.__name__}.{field_name} has no max_length")
    return int(max_length)


EXTERNAL_SYSTEM_MAX_LENGTH = _max_length(ExternalId, "system")
EXTERNAL_VALUE_MAX_LENGTH = _max_length(ExternalId, "value")
REASON_MAX_LENGTH = _max_length(PrivacyLog, "reason")
EMAIL_MAX_LENGTH = 254
# Long enough for any international number typed with spaces, dots or dashes.
PHONE_MAX_LENGTH = 40
TAG_MAX_LENGTH = 50


def _absolute(request: Any, path: str | None) -> str | None:
    if path is None:
        return None
    return request.build_absolute_uri(path) if request is not None else path


# --- Small references -------------------------------------------------------------------
class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.email


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ContactRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, contact: Contact) -> str | None:
        return _absolute(self.context.get("request"), contact.get_absolute_url())


class TagNamesField(serializers.ListField):
    """A row's tags as their names; reads the prefetched relation."""

    child = serializers.CharField()

    def to_representation(self, manager: Any) -> list[str]:
        return [tag.name for tag in manager.all()]


# --- Organisations ----------------------------------------------------------------------
class OrganisationInputSerializer(serializers.ModelSerializer):
    # The service strips spaces, dots and dashes before checking the SIREN/SIRET key.
    legal_id = serializers.CharField(
        label=_("SIREN / SIRET"),
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=Organisation._meta.get_field("legal_id").help_text,
    )
    # The service upper-cases the code before validating it ("fr" is accepted).
    country = serializers.CharField(label=_("country"), max_length=2, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH),
        required=False,
        max_length=services.MAX_TAGS,
        help_text=_("Tag names; new ones are created."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "legal_id", "sector", "size", "website", "owner", *ADDRESS_FIELDS, "tags"]


class OrganisationOutputSerializer(serializers.ModelSerializer):
    owner = UserRefSerializer(read_only=True, allow_null=True)
    tags = TagNamesField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id", "name", "legal_id", "sector", "size", "website", "owner", *ADDRESS_FIELDS,
            "tags", "url", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, organisation: Organisation) -> str | None:
        return _absolute(self.context.get("request"), organisation.get_absolute_url())


class OrganisationFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Name, SIREN, city...")
    )
    tag = serializers.CharField(required=False, allow_blank=True, max_length=TAG_MAX_LENGTH)
    country = serializers.CharField(
        required=False, allow_blank=True, max_length=2, help_text=_("ISO code, such as FR.")
    )
    owner = serializers.IntegerField(required=False, min_value=1, help_text=_("A user id."))


# --- Contacts ---------------------------------------------------------------------------
class ContactInputSerializer(serializers.ModelSerializer):
    country = serializers.CharField(label=_("country"), max_length=2, required=False)
    emails = serializers.ListField(
        child=serializers.CharField(max_length=EMAIL_MAX_LENGTH),
        required=False,
        help_text=_("Email addresses; the first one is the primary address."),
    )
    phones = serializers.ListField(
        child=serializers.CharField(max_length=PHONE_MAX_LENGTH),
        required=False,
        help_text=_("Phone numbers in any format; French numbers may be typed nationally."),
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH),
        required=False,
        max_length=services.MAX_TAGS,
        help_text=_("Tag names; new ones are created."),
    )
    external_ids = serializers.DictField(
        child=serializers.CharField(max_length=EXTERNAL_VALUE_MAX_LENGTH),
        required=False,
        help_text=_("The contact's identifier in other systems, as {system: identifier}."),
    )

    class Meta:
        model = Contact
        fields = [
            "title", "first_name", "last_name", "organisation", "job_title",
            "preferred_language", "preferred_channel", "owner", "is_vip", *ADDRESS_FIELDS,
            "emails", "phones", "tags", "external_ids",
        ]  # fmt: skip

    def validate_external_ids(self, value: dict[str, str]) -> dict[str, str]:
        # DictField validates the values only; the keys become rows too.
        for system in value:
            if not system.strip() or len(system) > EXTERNAL_SYSTEM_MAX_LENGTH or "\x00" in system:
                raise serializers.ValidationError(ERROR_EXTERNAL_SYSTEM)
        return value


class ContactCreateInputSerializer(ContactInputSerializer):
    allow_duplicate = serializers.BooleanField(
        default=False,
        help_text=_(
            "Create the contact even though another one has the same email address or "
            "phone number (after a 409 answer)."
        ),
    )

    class Meta(ContactInputSerializer.Meta):
        fields = [*ContactInputSerializer.Meta.fields, "allow_duplicate"]


class ContactOutputSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    emails = serializers.SerializerMethodField()
    phones = serializers.SerializerMethodField()
    tags = TagNamesField(read_only=True)
    external_ids = serializers.SerializerMethodField()
    merged_into: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text=_("Set when this contact was merged into another: the one to use."),
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id", "title", "first_name", "last_name", "full_name", "organisation", "job_title",
            "preferred_language", "preferred_channel", "owner", "is_vip", *ADDRESS_FIELDS,
            "emails", "phones", "tags", "external_ids", "merged_into", "erased_at", "url",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_emails(self, contact: Contact) -> list[str]:
        return [row.email for row in contact.emails.all()]

    def get_phones(self, contact: Contact) -> list[str]:
        """E.164 numbers, primary first."""
        return [row.number.as_e164 for row in contact.phones.all()]

    def get_external_ids(self, contact: Contact) -> dict[str, str]:
        return {row.system: row.value for row in contact.external_ids.all()}

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, contact: Contact) -> str | None:
        return _absolute(self.context.get("request"), contact.get_absolute_url())


class ContactFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Name, email address, phone number in any format or external id."),
    )
    organisation = serializers.IntegerField(
        required=False, min_value=1, help_text=_("An organisation id.")
    )
    tag = serializers.CharField(required=False, allow_blank=True, max_length=TAG_MAX_LENGTH)
    owner = serializers.IntegerField(required=False, min_value=1, help_text=_("A user id."))
    vip = serializers.BooleanField(required=False, allow_null=True, default=None)
    language = serializers.ChoiceField(choices=Language.choices, required=False)


class DuplicateConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    duplicates = ContactRefSerializer(many=True)


# --- Timeline ---------------------------------------------------------------------------
class TimelineQuerySerializer(serializers.Serializer):
    cursor = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("The `next` link of the previous page carries it."),
    )
    kind = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text=_("Only these kinds of rows (repeat the parameter for several)."),
    )

    def validate_kind(self, value: list[str]) -> list[str]:
        for code in value:
            if not timeline.is_registered(code):
                raise serializers.ValidationError(ERROR_UNKNOWN_KIND % {"kind": code})
        return value


class TimelineEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    actor = UserRefSerializer(read_only=True, allow_null=True)
    source_url = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "kind", "kind_label", "occurred_at", "actor", "summary", "source_url"]
        read_only_fields = fields

    def get_kind_label(self, activity: Activity) -> str:
        return str(timeline.get_kind(activity.kind).label)

    # None for a kind of row with no page of its own (a consent, a merge).
    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_source_url(self, activity: Activity) -> str | None:
        path = timeline.get_kind(activity.kind).url_for(activity.source_id)
        return _absolute(self.context.get("request"), path)


class TimelinePageSerializer(serializers.Serializer):
    results = TimelineEntrySerializer(many=True)
    next = serializers.URLField(
        allow_null=True, help_text=_("The next (older) page, or null on the last page.")
    )


# --- Notes ------------------------------------------------------------------------------
class NoteInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["body"]


class NoteOutputSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Note
        fields = ["id", "body", "author", "created_at"]
        read_only_fields = fields


# --- Consents ---------------------------------------------------------------------------
class ConsentInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["channel", "status", "source", "proof"]
        extra_kwargs = {"proof": {"max_length": 5000}}


class ConsentOutputSerializer(serializers.ModelSerializer):
    recorded_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Consent
        fields = ["id", "channel", "status", "recorded_at", "source", "proof", "recorded_by"]
        read_only_fields = fields


CurrentConsentSerializer = type(
    "CurrentConsentSerializer",
    (serializers.Serializer,),
    {
        channel: ConsentOutputSerializer(read_only=True, allow_null=True, label=label)
        for channel, label in ConsentPurpose.choices
    },
)
CurrentConsentSerializer.__doc__ = "The latest decision per channel; null if none recorded."


class ConsentStateSerializer(serializers.Serializer):
    current = CurrentConsentSerializer()
    history = ConsentOutputSerializer(many=True, help_text=_("Every decision, newest first."))


# --- Calls ------------------------------------------------------------------------------
# The database's range for a positive integer column, the same on every backend.
MAX_SECONDS = 2_147_483_647


class CallInputSerializer(serializers.ModelSerializer):
    number = serializers.CharField(
        label=_("phone number"), max_length=PHONE_MAX_LENGTH, required=False, allow_blank=True
    )

    class Meta:
        model = Call
        fields = [
            "contact", "direction", "number", "started_at", "duration_seconds", "talk_seconds",
            "hold_seconds", "after_call_seconds", "outcome", "topic",
        ]  # fmt: skip
        extra_kwargs = {
            name: {"min_value": 0, "max_value": MAX_SECONDS}
            for name in ("duration_seconds", "talk_seconds", "hold_seconds", "after_call_seconds")
        }


class CallOutputSerializer(serializers.ModelSerializer):
    contact = ContactRefSerializer(read_only=True)
    agent = UserRefSerializer(read_only=True, allow_null=True)
    number = serializers.SerializerMethodField()
    handling_seconds = serializers.IntegerField(read_only=True)

    class Meta:
        model = Call
        fields = [
            "id", "contact", "agent", "direction", "number", "started_at", "duration_seconds",
            "talk_seconds", "hold_seconds", "after_call_seconds", "handling_seconds", "outcome",
            "topic", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_number(self, call: Call) -> str:
        """E.164, or empty when unknown."""
        return call.number.as_e164 if call.number else ""


class CallFilterSerializer(serializers.Serializer):
    contact = serializers.IntegerField(required=False, min_value=1)
    agent = serializers.IntegerField(required=False, min_value=1, help_text=_("A user id."))
    direction = serializers.ChoiceField(choices=Call.Direction.choices, required=False)
    started_after = serializers.DateTimeField(required=False)
    started_before = serializers.DateTimeField(required=False)


# --- Merge and GDPR ---------------------------------------------------------------------
class MergeInputSerializer(serializers.Serializer):
    duplicate = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(),
        help_text=_("The contact folded into this one; it then points here."),
    )


class EraseInputSerializer(serializers.Serializer):
    confirmation = serializers.CharField(
        max_length=300, help_text=_("The contact's full name, typed exactly.")
    )
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
    )


class PersonalDataSerializer(serializers.Serializer):
    """Everything Relais holds about a contact; other apps add their own keys."""

    contact = serializers.DictField()
    consents = serializers.ListField(child=serializers.DictField())
    notes = serializers.ListField(child=serializers.DictField())
    calls = serializers.ListField(child=serializers.DictField())
    timeline = serializers.ListField(child=serializers.DictField())
