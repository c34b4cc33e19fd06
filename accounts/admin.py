from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Notification, Team, User


class RelaisUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "language")


class RelaisUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class TeamMembershipInline(admin.TabularInline):
    model = Team.members.through
    extra = 0
    verbose_name = _("team membership")
    verbose_name_plural = _("team memberships")
    raw_id_fields = ["team"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = RelaisUserChangeForm
    add_form = RelaisUserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "language", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "teams", "language"]
    search_fields = ["email", "first_name", "last_name"]
    autocomplete_fields = ["manager"]
    list_select_related = ["manager"]
    inlines = [TeamMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {"fields": ("first_name", "last_name", "language", "notification_emails", "manager")},
        ),
        (
            _("Roles and access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "language",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "lead"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["lead"]
    autocomplete_fields = ["lead", "members"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at", "send_email", "emailed_at"]
    list_filter = ["send_email", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["mark_read"]

    @admin.action(description=_("Mark selected notifications as read"))
    def mark_read(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        services.notifications_mark_read(notifications=queryset)
