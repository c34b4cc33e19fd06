"""Messages, attachments, events and presence: written by the services only, read here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from relais.admin_helpers import CappedCountPaginator, FastChangelistMixin

from ..models import (
    Attachment,
    Message,
    TicketEvent,
)
from .common import ReadOnlyAdmin


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["filename", "content_type", "size"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(FastChangelistMixin, admin.ModelAdmin):
    """Messages are written by the desk, the inbound mail and the web form (services):
    here they are read, or an internal note's kind corrected; the body stays as sanitised."""

    list_display = [
        "__str__",
        "ticket",
        "kind",
        "direction",
        "author",
        "author_contact",
        "created_at",
    ]
    list_filter = ["kind", "direction"]
    search_fields = ["=ticket__id", "body_text"]
    list_select_related = ["ticket", "author", "author_contact"]
    raw_id_fields = ["ticket", "author", "author_contact"]
    fields = ["ticket", "kind", "direction", "author", "author_contact", "created_at", "body_html"]
    readonly_fields = ["ticket", "direction", "author", "author_contact", "created_at", "body_html"]
    inlines = [AttachmentInline]
    show_full_result_count = False
    paginator = CappedCountPaginator
    # Newest first by the primary key: Message.Meta.ordering (created_at, id) has no index
    # across tickets, and sorting 5,000,000 rows took 19 s a page (issue 10).
    ordering = ["-id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(FastChangelistMixin, ReadOnlyAdmin):
    list_display = ["filename", "content_type", "size", "message"]
    list_filter = ["content_type"]
    search_fields = ["filename", "=message__ticket__id"]
    list_select_related = ["message"]
    raw_id_fields = ["message"]
    show_full_result_count = False
    paginator = CappedCountPaginator


@admin.register(TicketEvent)
class TicketEventAdmin(FastChangelistMixin, ReadOnlyAdmin):
    list_display = ["occurred_at", "ticket", "kind", "actor"]
    list_filter = ["kind"]
    search_fields = ["=ticket__id"]
    list_select_related = ["ticket", "actor"]
    raw_id_fields = ["ticket", "actor"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
