"""Macros and saved views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import (
    Macro,
    SavedView,
)


class MacroForm(forms.ModelForm):
    class Meta:
        model = Macro
        fields = [
            "name", "body", "kind", "set_status", "set_priority", "add_tags", "team", "owner",
            "is_active",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            # The same check as the macro editor's: an unknown placeholder would be sent as is.
            services.macro_check(cleaned.get("body") or "")
        except ValidationError as exc:
            self.add_error(None, exc)
        if cleaned.get("team") is None and cleaned.get("owner") is None:
            self.add_error("team", _("Share the macro with a team, or give it an owner."))
        return cleaned


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    form = MacroForm
    list_display = ["name", "kind", "team", "owner", "set_status", "set_priority", "is_active"]
    list_filter = ["kind", "is_active", "team"]
    search_fields = ["name", "body"]
    list_select_related = ["team", "owner"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["add_tags"]


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "query", "created_at"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["created_at"]
