"""The telemarketing rules (French consumer code L223-1 and decree 2022-1313, in force
since 1 March 2023): their figures as one row of settings, every call attempt (the
4-in-30-days cap and the 60 days after a refusal are counted over them) and the Bloctel
opt-out list imported by marketing."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Contact

from .campaigns import Campaign, Recipient

ERROR_WEEKDAYS = _("List ISO weekdays from 1 (Monday) to 7 (Sunday), e.g. 1,2,3,4,5.")
ERROR_WINDOW = _("Each calling window must end after it starts, the afternoon after the morning.")
ERROR_TIME_ZONE = _("Unknown time zone.")


def parse_weekdays(value: str) -> frozenset[int]:
    days = set()
    for part in (value or "").replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 7:
            raise ValidationError({"weekdays": [ERROR_WEEKDAYS]})
        days.add(int(part))
    return frozenset(days)


class TelemarketingSettings(models.Model):
    """One row (pk 1): the figures of the telemarketing rules, edited in the admin."""

    weekdays = models.CharField(
        _("calling days"),
        max_length=20,
        default="1,2,3,4,5",
        help_text=_("ISO weekdays, 1 = Monday ... 7 = Sunday."),
    )
    morning_start = models.TimeField(_("morning window starts"), default=time(10, 0))
    morning_end = models.TimeField(_("morning window ends"), default=time(13, 0))
    afternoon_start = models.TimeField(_("afternoon window starts"), default=time(14, 0))
    afternoon_end = models.TimeField(_("afternoon window ends"), default=time(20, 0))
    time_zone = models.CharField(_("time zone"), max_length=50, default="Europe/Paris")
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=2,
        default="FR",
        help_text=_("ISO country code; empty for no holidays."),
        blank=True,
    )
    max_calls = models.PositiveSmallIntegerField(
        _("calls per consumer"), default=4, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    max_calls_days = models.PositiveSmallIntegerField(
        _("... within (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    refusal_days = models.PositiveSmallIntegerField(
        _("no call after a refusal for (days)"),
        default=60,
        validators=[MaxValueValidator(730)],
    )
    contract_days = models.PositiveSmallIntegerField(
        _("a won opportunity is a current contract for (days)"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Numbers on Bloctel may still be called during a current contract."),
    )
    exempt_business_contacts = models.BooleanField(
        _("organisation contacts are exempt"),
        default=True,
        help_text=_(
            "The rules protect consumers: contacts of an organisation are called as "
            "professionals, without these limits."
        ),
    )

    class Meta:
        verbose_name = _("telemarketing settings")
        verbose_name_plural = _("telemarketing settings")

    def __str__(self) -> str:
        return str(_("Telemarketing settings"))

    def clean(self) -> None:
        parse_weekdays(self.weekdays)
        if not (
            self.morning_start < self.morning_end
            and self.afternoon_start < self.afternoon_end
            and self.morning_end <= self.afternoon_start
        ):
            raise ValidationError(ERROR_WINDOW)
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"time_zone": [ERROR_TIME_ZONE]}) from None

    @classmethod
    def current(cls) -> TelemarketingSettings:
        return cls.objects.get_or_create(pk=1)[0]


class CallAttempt(models.Model):
    """One call recorded on a call list (its outcome), whatever the campaign: the cap and
    the refusal period count these per contact."""

    recipient = models.ForeignKey(
        Recipient,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="call_attempts",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=15, choices=Recipient.Outcome.choices)
    called_at = models.DateTimeField(_("called at"), default=timezone.now)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        ordering = ["-called_at", "-id"]
        indexes = [models.Index(fields=["contact", "called_at"], name="campaigns_attempt_idx")]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.called_at:%Y-%m-%d %H:%M} {self.outcome}"


class BloctelNumber(models.Model):
    """A number on the national opt-out list (E.164), as imported by marketing."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Bloctel number")
        verbose_name_plural = _("Bloctel numbers")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number
