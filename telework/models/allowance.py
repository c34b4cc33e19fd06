"""The allowance: one line per employee and month (kept current by the services, read by
the dashboard) and the payroll exports made from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .policy import LegalEntity, Policy


class AllowanceLine(models.Model):
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="telework_allowance_lines",
    )
    legal_entity = models.ForeignKey(
        LegalEntity, verbose_name=_("legal entity"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    days = models.PositiveSmallIntegerField(_("telework days"))
    rate_set = models.CharField(_("rates"), max_length=12, choices=Policy.RateSet.choices)
    daily_amount = models.DecimalField(_("per day (EUR)"), max_digits=6, decimal_places=2)
    monthly_cap = models.DecimalField(_("monthly cap (EUR)"), max_digits=7, decimal_places=2)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=8, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("allowance line")
        verbose_name_plural = _("allowance lines")
        ordering = ["-month", "employee"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "month"], name="telework_line_once"),
        ]
        indexes = [
            models.Index(fields=["month", "legal_entity"], name="telework_line_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.month:%Y-%m}: {self.amount}"


class AllowanceExport(models.Model):
    """A payroll file as handed over; exporting the same month again gives the same bytes."""

    legal_entity = models.ForeignKey(
        LegalEntity, verbose_name=_("legal entity"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("exported at"), default=timezone.now)
    row_count = models.PositiveIntegerField(_("rows"))
    total_amount = models.DecimalField(_("total (EUR)"), max_digits=12, decimal_places=2)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.TextField(_("CSV"))

    class Meta:
        verbose_name = _("allowance export")
        verbose_name_plural = _("allowance exports")
        ordering = ["-month", "-created_at"]
        indexes = [models.Index(fields=["legal_entity", "month"], name="telework_export_idx")]

    def __str__(self) -> str:
        return f"{self.legal_entity} {self.month:%Y-%m}"
