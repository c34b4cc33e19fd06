"""Business calendars, opening hours and public holidays."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import (
    BusinessCalendar,
    Holiday,
    OpeningHours,
)
from .common import MESSAGE_HOLIDAYS_LOADED


class BusinessCalendarForm(forms.ModelForm):
    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", "holiday_country", "holiday_subdivision"]

    def clean_time_zone(self) -> str:
        # A zone the SLA arithmetic cannot load would break every deadline of its queues.
        zone: str = self.cleaned_data["time_zone"]
        if zone not in available_timezones():
            raise ValidationError(services.ERROR_TIME_ZONE % {"zone": zone})
        return zone

    def clean_holiday_country(self) -> str:
        return (self.cleaned_data["holiday_country"] or "").upper()


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ["weekday", "opens_at", "closes_at"]


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0
    fields = ["date", "name"]


class CalendarPartAdmin(admin.ModelAdmin):
    """Opening hours and holidays: every change drops the calendar's cached schedule."""

    list_select_related = ["calendar"]
    raw_id_fields = ["calendar"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.sla_forget()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        services.sla_forget()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        services.sla_forget()


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    form = BusinessCalendarForm
    list_display = [
        "name", "time_zone", "holiday_country", "holiday_subdivision", "holidays_loaded_through",
    ]  # fmt: skip
    list_filter = ["holiday_country", "time_zone"]
    search_fields = ["name"]
    readonly_fields = ["holidays_loaded_through"]
    inlines = [OpeningHoursInline, HolidayInline]
    actions = ["load_public_holidays"]

    def save_model(
        self, request: HttpRequest, obj: BusinessCalendar, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        services.sla_forget()

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[Any], change: bool
    ) -> None:
        # Opening hours and holidays are saved here, after the calendar itself.
        super().save_related(request, form, formsets, change)
        services.sla_forget()

    def delete_model(self, request: HttpRequest, obj: BusinessCalendar) -> None:
        super().delete_model(request, obj)
        services.sla_forget()

    @admin.action(description=_("Load public holidays through next year"))
    def load_public_holidays(
        self, request: HttpRequest, queryset: QuerySet[BusinessCalendar]
    ) -> None:
        through_year = timezone.now().year + 1
        for calendar in queryset:
            try:
                count = services.calendar_load_public_holidays(
                    calendar=calendar, through_year=through_year
                )
            except ValidationError as exc:
                self.message_user(request, f"{calendar}: {' '.join(exc.messages)}", messages.ERROR)
                continue
            self.message_user(
                request,
                MESSAGE_HOLIDAYS_LOADED
                % {"calendar": calendar, "count": count, "year": through_year},
                messages.SUCCESS,
            )


@admin.register(OpeningHours)
class OpeningHoursAdmin(CalendarPartAdmin):
    list_display = ["calendar", "weekday", "opens_at", "closes_at"]
    list_filter = ["calendar", "weekday"]
    search_fields = ["calendar__name"]


@admin.register(Holiday)
class HolidayAdmin(CalendarPartAdmin):
    list_display = ["date", "name", "calendar"]
    list_filter = ["calendar"]
    search_fields = ["name", "calendar__name"]
    date_hierarchy = "date"
