"""The admin of the shared customer record.

Saves of organisations, contacts, consents, notes and calls go through the services, so
the search text, the change history and the timeline stay right. Rows the services write
as a side effect (timeline, imports, the privacy log, email/phone/identifier rows outside
their contact) are read-only here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from accounts.roles import has_role
from relais.admin_helpers import CappedCountPaginator, FastChangelistMixin

from . import services
from .exports import contact_export_csv, contact_export_xlsx
from .models import (
    Activity,
    Call,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    ExternalId,
    ImportJob,
    Note,
    Organisation,
    PrivacyLog,
    Tag,
)
from .permissions import CRM_MERGE
from .validators import normalise_legal_id

ERROR_MERGE_SELECT_TWO = _("Select exactly two contacts to merge.")
ERROR_TAG_EXISTS = _("A tag with this name already exists.")
MESSAGE_MERGED = _("%(duplicate)s was merged into %(survivor)s.")
# services.call_log accepts a start up to five minutes ahead (clocks drift).
CALL_START_TOLERANCE = timedelta(minutes=5)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AddThroughServiceAdmin(admin.ModelAdmin):
    """Rows the timeline mirrors: added through a service, never edited or deleted, because
    no service edits them and the timeline row would then tell something else."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _actor(request: HttpRequest) -> User:
    # The admin site only lets active staff users in.
    return cast(User, request.user)


def _copy_saved(target: Any, saved: Any) -> None:
    """Turn the admin's unsaved instance into the row a service saved, so that the admin
    (inline formsets, many-to-many, log entry, redirect) carries on with it."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


# --- Tags -------------------------------------------------------------------------------
class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name"]

    def clean_name(self) -> str:
        # The services look tags up trimmed and lower-cased; admin tags must match that.
        name = " ".join(self.cleaned_data["name"].split()).lower()
        if Tag.objects.filter(name=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(ERROR_TAG_EXISTS)
        return name


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagForm
    list_display = ["name"]
    search_fields = ["name"]


# --- Organisations ----------------------------------------------------------------------
class OrganisationForm(forms.ModelForm):
    website = Organisation._meta.get_field("website").formfield(assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name", "legal_id", "sector", "size", "website", "owner", "tags", "address_line1",
            "address_line2", "postal_code", "city", "region", "country",
        ]  # fmt: skip

    def clean_legal_id(self) -> str:
        # Compact before the uniqueness check, as the service stores it.
        return normalise_legal_id(self.cleaned_data["legal_id"])

    def clean_country(self) -> str:
        return (self.cleaned_data["country"] or "").upper()


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    form = OrganisationForm
    change_list_template = "admin/crm/organisation/change_list.html"
    list_display = ["name", "legal_id", "sector", "size", "city", "country", "owner", "created_at"]
    list_filter = ["size", "country", "created_at"]
    search_fields = ["name", "legal_id", "city", "sector", "search_text"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner", "tags"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("name", "legal_id", "sector", "size", "website", "owner", "tags")}),
        (
            _("Address"),
            {
                "fields": (
                    "address_line1",
                    "address_line2",
                    "postal_code",
                    "city",
                    "region",
                    "country",
                )
            },
        ),
        (_("Dates"), {"fields": ("created_at", "updated_at")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # No service deletes an organisation: its contacts' search text names it.
        return False

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm, change: bool
    ) -> None:
        fields = {
            name: form.cleaned_data[name]
            for name in services.ORGANISATION_FIELDS
            if name in form.cleaned_data
        }
        # Tags are Tag rows here; the form's save_m2m() sets them after this.
        if change:
            services.organisation_update(organisation=obj, actor=_actor(request), **fields)
        else:
            saved = services.organisation_create(actor=_actor(request), **fields)
            _copy_saved(obj, saved)


# --- Contacts ---------------------------------------------------------------------------
class ContactEmailForm(forms.ModelForm):
    class Meta:
        model = ContactEmail
        fields = ["email", "label", "is_primary"]

    def clean_email(self) -> str:
        # Stored as contact_create stores it, so duplicate detection and search find it.
        return self.cleaned_data["email"].strip().lower()


class ContactEmailInline(admin.TabularInline):
    model = ContactEmail
    form = ContactEmailForm
    extra = 0
    fields = ["email", "label", "is_primary"]


class ContactPhoneInline(admin.TabularInline):
    model = ContactPhone
    extra = 0
    fields = ["number", "kind", "is_primary"]


class ExternalIdInline(admin.TabularInline):
    model = ExternalId
    extra = 0
    fields = ["system", "value"]


class ContactStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("active", _("Active")), ("merged", _("Merged")), ("erased", _("Erased"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
        if self.value() == "active":
            return queryset.active()  # type: ignore[attr-defined,no-any-return]
        if self.value() == "merged":
            return queryset.filter(merged_into__isnull=False)
        if self.value() == "erased":
            return queryset.filter(erased_at__isnull=False)
        return queryset


@admin.register(Contact)
class ContactAdmin(FastChangelistMixin, SimpleHistoryAdmin):
    # Fits 1440 px with the filters (issue 9); merged and erased ones are in the status
    # filter, the rest on the form.
    list_display = [
        "id", "last_name", "first_name", "organisation", "owner", "is_vip", "created_at",
    ]  # fmt: skip
    list_display_links = ["id", "last_name"]
    list_filter = [
        ContactStatusFilter, "is_vip", "preferred_language", "preferred_channel", "title",
        "created_at",
    ]  # fmt: skip
    search_fields = ["=id", "last_name", "first_name", "search_text", "emails__email"]
    list_select_related = ["organisation", "owner", "merged_into"]
    autocomplete_fields = ["organisation", "owner", "tags"]
    readonly_fields = ["merged_into", "erased_at", "created_at", "updated_at"]
    inlines = [ContactEmailInline, ContactPhoneInline, ExternalIdInline]
    actions = ["merge_two", "export_csv", "export_xlsx"]
    change_list_template = "admin/crm/contact/change_list.html"
    # Issue 10: no full count of the table under the search box (the paginator's is capped).
    show_full_result_count = False
    paginator = CappedCountPaginator

    @admin.action(description=_("Export the selected contacts (CSV)"))
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[Contact]
    ) -> StreamingHttpResponse:
        # The same export as the customer list's, so the file has the same columns.
        response = StreamingHttpResponse(
            contact_export_csv(contacts=queryset.order_by("pk")), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="contacts.csv"'
        return response

    @admin.action(description=_("Export the selected contacts (Excel)"))
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Contact]) -> HttpResponseBase:
        try:
            handle = contact_export_xlsx(contacts=queryset.order_by("pk"))
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return FileResponse(handle, as_attachment=True, filename="contacts.xlsx")

    date_hierarchy = "created_at"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "first_name",
                    "last_name",
                    "organisation",
                    "job_title",
                    "owner",
                    "is_vip",
                    "tags",
                )
            },
        ),
        (_("Preferences"), {"fields": ("preferred_language", "preferred_channel")}),
        (
            _("Address"),
            {
                "fields": (
                    "address_line1",
                    "address_line2",
                    "postal_code",
                    "city",
                    "region",
                    "country",
                )
            },
        ),
        (_("Record"), {"fields": ("merged_into", "erased_at", "created_at", "updated_at")}),
    )

    def has_change_permission(self, request: HttpRequest, obj: Contact | None = None) -> bool:
        # Merged and erased contacts are frozen: contact_update refuses them.
        if obj is not None and not obj.is_active_record:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Contact | None = None) -> bool:
        # Personal data goes through the GDPR erasure, which keeps the KPIs and logs it.
        return False

    def has_merge_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, *CRM_MERGE)

    def save_model(self, request: HttpRequest, obj: Contact, form: ModelForm, change: bool) -> None:
        fields = {
            name: form.cleaned_data[name]
            for name in services.CONTACT_FIELDS
            if name in form.cleaned_data
        }
        if change:
            services.contact_update(contact=obj, actor=_actor(request), **fields)
        else:
            # Someone looking at the admin chose to create this record; the inline emails
            # and phones are saved after it, so there is nothing to compare yet anyway.
            saved = services.contact_create(actor=_actor(request), allow_duplicate=True, **fields)
            _copy_saved(obj, saved)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[Any], change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            # Emails and external ids are part of the search text: the service refreshes it.
            services.contact_update(contact=form.instance, actor=_actor(request))

    @admin.action(description=_("Merge the two selected contacts"), permissions=["merge"])
    def merge_two(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        contacts = list(queryset.order_by("pk")[:3])
        if len(contacts) != 2:
            self.message_user(request, ERROR_MERGE_SELECT_TWO, messages.ERROR)
            return
        # The older record survives: it is the one other systems have known longest.
        survivor, duplicate = contacts
        try:
            services.contact_merge(survivor=survivor, duplicate=duplicate, actor=_actor(request))
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        self.message_user(
            request,
            MESSAGE_MERGED % {"duplicate": duplicate, "survivor": survivor},
            messages.SUCCESS,
        )


class ContactPartAdmin(ReadOnlyAdmin):
    """Emails, phones and identifiers are edited on their contact's page (search text)."""

    list_select_related = ["contact"]
    raw_id_fields = ["contact"]


@admin.register(ContactEmail)
class ContactEmailAdmin(ContactPartAdmin):
    list_display = ["email", "contact", "label", "is_primary"]
    list_filter = ["is_primary"]
    search_fields = ["=email", "contact__last_name"]


@admin.register(ContactPhone)
class ContactPhoneAdmin(ContactPartAdmin):
    list_display = ["number", "contact", "kind", "is_primary"]
    list_filter = ["kind", "is_primary"]
    search_fields = ["number", "contact__last_name"]


@admin.register(ExternalId)
class ExternalIdAdmin(ContactPartAdmin):
    list_display = ["system", "value", "contact"]
    list_filter = ["system"]
    search_fields = ["=value", "contact__last_name"]


# --- Consents, notes, calls -------------------------------------------------------------
@admin.register(Consent)
class ConsentAdmin(AddThroughServiceAdmin):
    list_display = ["contact", "channel", "status", "recorded_at", "source", "recorded_by"]
    list_filter = ["channel", "status", "recorded_at"]
    search_fields = ["contact__last_name", "source"]
    list_select_related = ["contact", "recorded_by"]
    autocomplete_fields = ["contact"]
    raw_id_fields = ["recorded_by"]
    fields = ["contact", "channel", "status", "recorded_at", "source", "proof", "recorded_by"]
    readonly_fields = ["recorded_by"]
    date_hierarchy = "recorded_at"

    def save_model(self, request: HttpRequest, obj: Consent, form: ModelForm, change: bool) -> None:
        saved = services.consent_record(
            contact=obj.contact,
            channel=obj.channel,
            status=obj.status,
            source=obj.source,
            proof=obj.proof,
            recorded_at=obj.recorded_at,
            actor=_actor(request),
        )
        _copy_saved(obj, saved)


@admin.register(Note)
class NoteAdmin(AddThroughServiceAdmin):
    list_display = ["__str__", "contact", "author", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["body", "contact__last_name"]
    list_select_related = ["contact", "author"]
    autocomplete_fields = ["contact"]
    raw_id_fields = ["author"]
    fields = ["contact", "body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    date_hierarchy = "created_at"

    def save_model(self, request: HttpRequest, obj: Note, form: ModelForm, change: bool) -> None:
        saved = services.note_add(contact=obj.contact, author=_actor(request), body=obj.body)
        _copy_saved(obj, saved)


CALL_FIELDS = (
    "contact", "agent", "direction", "number", "started_at", "duration_seconds",
    "talk_seconds", "hold_seconds", "after_call_seconds", "outcome", "topic",
)  # fmt: skip


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = CALL_FIELDS

    def clean_started_at(self) -> datetime:
        # call_log refuses it too; checked here so the admin shows it on the form.
        started_at: datetime = self.cleaned_data["started_at"]
        if started_at > timezone.now() + CALL_START_TOLERANCE:
            raise ValidationError(services.ERROR_CALL_IN_FUTURE)
        return started_at


@admin.register(Call)
class CallAdmin(AddThroughServiceAdmin):
    form = CallForm
    list_display = [
        "started_at", "contact", "agent", "direction", "outcome", "duration_seconds",
        "talk_seconds", "hold_seconds", "after_call_seconds", "topic",
    ]  # fmt: skip
    list_filter = ["direction", "outcome", "started_at"]
    search_fields = ["contact__last_name", "topic", "number"]
    list_select_related = ["contact", "agent"]
    autocomplete_fields = ["contact", "agent"]
    date_hierarchy = "started_at"
    fields = CALL_FIELDS

    def save_model(self, request: HttpRequest, obj: Call, form: ModelForm, change: bool) -> None:
        saved = services.call_log(
            contact=obj.contact,
            agent=obj.agent or _actor(request),
            direction=obj.direction,
            number=obj.number.as_e164 if obj.number else "",
            started_at=obj.started_at,
            duration_seconds=obj.duration_seconds,
            talk_seconds=obj.talk_seconds,
            hold_seconds=obj.hold_seconds,
            after_call_seconds=obj.after_call_seconds,
            outcome=obj.outcome,
            topic=obj.topic,
        )
        _copy_saved(obj, saved)


# --- Written by the services only -------------------------------------------------------
@admin.register(Activity)
class ActivityAdmin(FastChangelistMixin, ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "summary", "contact", "organisation", "actor"]
    # Newest first by the primary key (ids follow the insertions): the model's
    # (-occurred_at, -id) has no index across contacts, a parallel scan of 2M rows (7 s).
    ordering = ["-id"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_filter = ["kind", "occurred_at"]
    search_fields = ["summary", "contact__last_name", "organisation__name"]
    list_select_related = ["contact", "organisation", "actor"]
    raw_id_fields = ["contact", "organisation", "actor"]
    date_hierarchy = "occurred_at"


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name", "kind", "status", "total_rows", "created_rows", "error_count",
        "created_by", "created_at", "finished_at",
    ]  # fmt: skip
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["original_name", "created_by__email"]
    list_select_related = ["created_by"]
    raw_id_fields = ["created_by"]
    date_hierarchy = "created_at"


@admin.register(PrivacyLog)
class PrivacyLogAdmin(ReadOnlyAdmin):
    list_display = ["performed_at", "action", "contact_reference", "performed_by", "reason"]
    list_filter = ["action", "performed_at"]
    search_fields = ["contact_reference", "performed_by__email", "reason"]
    list_select_related = ["performed_by"]
    raw_id_fields = ["contact", "performed_by"]
    date_hierarchy = "performed_at"
