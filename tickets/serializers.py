"""API shapes of the service desk. Input serializers check what a request may carry (types,
lengths, choices, ids the user may use); the services own the rules and the writes.
Output serializers read rows the selectors fetched with their relations, so they never
query per row."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from crm.models import Contact
from crm.serializers import ContactRefSerializer, UserRefSerializer
from relais.api import MAX_ID

from . import selectors, services
from .models import Attachment, Category, Message, Priority, Queue, Ticket

ERROR_UNKNOWN_QUEUE = _("Unknown queue, or a queue you cannot work.")
ERROR_UNKNOWN_TICKET = _("Unknown ticket, or a ticket you cannot see.")
ERROR_ASSIGNEE_FORMAT = _("Give a user id, “me” or “none”.")

TAG_MAX_LENGTH = 50
# The API spells priorities as words; the database keeps integers so the inbox sorts by them.
PRIORITY_NAMES: dict[int, str] = {
    Priority.LOW: "low",
    Priority.NORMAL: "normal",
    Priority.HIGH: "high",
    Priority.URGENT: "urgent",
}
PRIORITY_VALUES: dict[str, int] = {name: value for value, name in PRIORITY_NAMES.items()}
PRIORITY_CHOICES = [(name, Priority(value).label) for value, name in PRIORITY_NAMES.items()]
BODY_FORMATS = ["markdown", "html"]
SLA_STATES = ["breached", "soon", "ok", "paused", "none"]


def _absolute(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# Choice sets are named in the schema by settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]
# (TicketStatus, TicketChannel, TicketPriority...): "status", "channel", "kind" and
# "direction" also name other choice sets, which drf-spectacular would otherwise number.
class PriorityField(serializers.ChoiceField):
    """`low`, `normal`, `high` or `urgent` on the wire; the Priority integer inside."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=PRIORITY_CHOICES, **kwargs)

    def to_internal_value(self, data: Any) -> int:
        return PRIORITY_VALUES[super().to_internal_value(data)]

    def to_representation(self, value: Any) -> str:
        return PRIORITY_NAMES.get(value, str(value))


@extend_schema_field(OpenApiTypes.INT)
class VisibleQueueField(serializers.Field):
    """A queue id the requesting user may work (context["user"]); the Queue inside.

    An unknown queue and a queue of another team get the same answer: no existence leak."""

    def to_internal_value(self, data: Any) -> Queue:
        pk = serializers.IntegerField(min_value=1).run_validation(data)
        queue = selectors.queue_list_for_user(user=self.context["user"]).filter(pk=pk).first()
        if queue is None:
            raise serializers.ValidationError(ERROR_UNKNOWN_QUEUE)
        return queue

    def to_representation(self, value: Queue) -> int:
        return value.pk


# --- References -------------------------------------------------------------------------
class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class TagNamesField(serializers.ListField):
    """The ticket's tags as their names; reads the prefetched relation."""

    child = serializers.CharField()

    def to_representation(self, manager: Any) -> list[str]:
        return sorted(tag.name for tag in manager.all())


# --- Queues -----------------------------------------------------------------------------
class QueueOutputSerializer(serializers.ModelSerializer):
    team = NamedRefSerializer(read_only=True)
    default_priority = PriorityField(read_only=True)
    kind = serializers.ChoiceField(choices=Queue.Kind.choices, read_only=True)

    class Meta:
        model = Queue
        fields = [
            "id", "name", "kind", "team", "default_priority", "email_address", "auto_assign",
            "is_active",
        ]  # fmt: skip
        read_only_fields = fields


# --- Tickets ----------------------------------------------------------------------------
class TicketOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Ticket.Status.choices, read_only=True)
    priority = PriorityField(read_only=True)
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices, read_only=True)
    number = serializers.CharField(read_only=True)
    queue = NamedRefSerializer(read_only=True)
    contact = ContactRefSerializer(read_only=True, allow_null=True)
    requester_user = UserRefSerializer(read_only=True, allow_null=True)
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    team = serializers.IntegerField(source="team_id", read_only=True, allow_null=True)
    category = NamedRefSerializer(read_only=True, allow_null=True)
    tags = TagNamesField(read_only=True)
    sla_state = serializers.ChoiceField(choices=SLA_STATES, read_only=True)
    merged_into = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id", "number", "subject", "status", "priority", "channel", "queue", "contact",
            "requester_user", "organisation", "assignee", "team", "category", "tags",
            "created_at", "updated_at", "first_response_at", "resolved_at", "closed_at",
            "first_response_due_at", "resolution_due_at", "sla_state", "merged_into",
            "version", "url",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_merged_into(self, ticket: Ticket) -> str | None:
        """The number of the ticket this one was merged into."""
        return ticket.merged_into.number if ticket.merged_into_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, ticket: Ticket) -> str:
        return _absolute(self.context.get("request"), ticket.get_absolute_url())


class TicketFilterSerializer(serializers.Serializer):
    view = serializers.ChoiceField(
        choices=list(selectors.VIEWS),
        default="all",
        help_text=_(
            "mine, team, unassigned, breaching (within the hour), breached or all (the default)."
        ),
    )
    status = serializers.ChoiceField(
        choices=["all", "active", *Ticket.Status.values],
        default="all",
        help_text=_("One status, `active` (new to pending) or `all` (the default)."),
    )
    queue = serializers.IntegerField(required=False, min_value=1, help_text=_("A queue id."))
    assignee = serializers.CharField(
        required=False,
        max_length=20,
        help_text=_("A user id, `me`, or `none` for unassigned tickets."),
    )
    priority = PriorityField(required=False)
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices, required=False)
    tag = serializers.CharField(required=False, max_length=TAG_MAX_LENGTH)
    breaching = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: SLA deadline within the next hour, not passed; false: the others."),
    )
    breached = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: SLA deadline already passed; false: the others."),
    )
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("A ticket number (T-2026-000123, #123 or 123) or words of the subject."),
    )
    ordering = serializers.ChoiceField(
        choices=list(selectors.SORTS),
        required=False,
        help_text=_("Sort order; `due` by default in the breaching view, `updated` otherwise."),
    )

    def validate_assignee(self, value: str) -> int | str:
        value = value.strip().lower()
        if value in {"me", "none"}:
            return value
        if value.isdigit() and 0 < int(value) <= MAX_ID:
            return int(value)
        raise serializers.ValidationError(ERROR_ASSIGNEE_FORMAT)


class TicketCreateInputSerializer(serializers.Serializer):
    queue = VisibleQueueField(help_text=_("A queue id you may work."))
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.select_related("organisation"),
        required=False,
        allow_null=True,
        help_text=_("The customer; or requester_user for an internal request."),
    )
    requester_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("The staff member who asks, for internal requests."),
    )
    subject = serializers.CharField(max_length=Ticket._meta.get_field("subject").max_length)
    body = serializers.CharField(
        max_length=services.MAX_BODY_CHARS,
        trim_whitespace=False,
        help_text=_("The request as the requester put it (Markdown unless body_format=html)."),
    )
    body_format = serializers.ChoiceField(choices=BODY_FORMATS, default="markdown")
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices, default=Ticket.Channel.EMAIL)
    priority = PriorityField(
        required=False, help_text=_("The queue's default priority if left out.")
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH),
        required=False,
        max_length=services.MAX_TAGS,
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = services.requester_errors(
            queue=attrs.get("queue"),
            contact=attrs.get("contact"),
            requester_user=attrs.get("requester_user"),
        )
        if errors:
            raise serializers.ValidationError({k: [str(v)] for k, v in errors.items()})
        return attrs


class TicketUpdateInputSerializer(serializers.Serializer):
    """Only the fields sent change; `version` refuses the change if someone else wrote first."""

    subject = serializers.CharField(
        required=False, max_length=Ticket._meta.get_field("subject").max_length
    )
    priority = PriorityField(required=False)
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    queue = VisibleQueueField(required=False)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH),
        required=False,
        max_length=services.MAX_TAGS,
        help_text=_("Replaces the ticket's tags."),
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you read; a 409 answers if the ticket changed since."),
    )


class AssignInputSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, help_text=_("A user id, or null.")
    )
    version = serializers.IntegerField(required=False, min_value=1)


class TicketMergeInputSerializer(serializers.Serializer):
    target = serializers.IntegerField(
        min_value=1, help_text=_("The ticket this one is folded into; this one is closed.")
    )

    def validate_target(self, value: int) -> Ticket:
        try:
            return selectors.ticket_get_for_user(user=self.context["user"], pk=value)
        except Http404 as exc:  # unknown or not visible: the same answer
            raise serializers.ValidationError(ERROR_UNKNOWN_TICKET) from exc


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ReplyConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    message_id = serializers.IntegerField(
        help_text=_("The public message written meanwhile; read it before answering again.")
    )


# --- Messages ---------------------------------------------------------------------------
class AttachmentOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment: Attachment) -> str:
        # The API's download, which takes the API token (the page's needs a session).
        path = reverse("api-attachment-download", kwargs={"pk": attachment.pk})
        return _absolute(self.context.get("request"), path)


class MessageOutputSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Message.Kind.choices, read_only=True)
    direction = serializers.ChoiceField(choices=Message.Direction.choices, read_only=True)
    author = UserRefSerializer(read_only=True, allow_null=True)
    author_contact = ContactRefSerializer(read_only=True, allow_null=True)
    attachments = AttachmentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id", "kind", "direction", "author", "author_contact", "body_html", "body_text",
            "created_at", "attachments",
        ]  # fmt: skip
        read_only_fields = fields


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=services.MAX_BODY_CHARS, trim_whitespace=False)
    body_format = serializers.ChoiceField(choices=BODY_FORMATS, default="markdown")
    kind = serializers.ChoiceField(choices=Message.Kind.choices, default=Message.Kind.PUBLIC)
    status = serializers.ChoiceField(
        choices=Ticket.Status.choices,
        required=False,
        help_text=_("Also move the ticket to this status."),
    )
    last_seen_message_id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "The latest message you read: a public reply is refused (409) if someone else "
            "answered after it."
        ),
    )
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        help_text=_("Files, sent as multipart/form-data."),
    )
