"""Equipment: assets, their assignment to teleworkers (with the IT tickets that provision
and recover them) and purchases the employee makes after approval."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .policy import AssetKind


class Asset(models.Model):
    class State(models.TextChoices):
        IN_STOCK = "in_stock", _("In stock")
        RESERVED = "reserved", _("Reserved, being provisioned")
        ASSIGNED = "assigned", _("With the employee")
        RETURN_PENDING = "return_pending", _("To be returned")
        TO_INSPECT = "to_inspect", _("Returned, to inspect")
        IN_REPAIR = "in_repair", _("In repair")
        LOST = "lost", _("Lost")
        RETIRED = "retired", _("Retired")

    OUT_STATES = (State.RESERVED, State.ASSIGNED, State.RETURN_PENDING)

    kind = models.CharField(_("kind"), max_length=10, choices=AssetKind.choices)
    label = models.CharField(_("model"), max_length=200)
    serial_number = models.CharField(_("serial number"), max_length=100, unique=True)
    state = models.CharField(
        _("state"), max_length=15, choices=State.choices, default=State.IN_STOCK
    )
    cost = models.DecimalField(
        _("cost (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    purchased_on = models.DateField(_("purchased on"), null=True, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["kind", "serial_number"]
        indexes = [models.Index(fields=["state", "kind"], name="telework_asset_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="telework_asset_cost_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label} ({self.serial_number})"


class Assignment(models.Model):
    class Status(models.TextChoices):
        PROVISIONING = "provisioning", _("Being provisioned")
        DELIVERED = "delivered", _("Delivered")
        RETURN_PENDING = "return_pending", _("To be returned")
        RETURNED = "returned", _("Returned")

    class Condition(models.TextChoices):
        GOOD = "good", _("Good")
        WORN = "worn", _("Worn, usable")
        DAMAGED = "damaged", _("Damaged")
        MISSING = "missing", _("Not returned")
        UNCHECKED = "unchecked", _("Not checked yet")

    OPEN_STATUSES = (Status.PROVISIONING, Status.DELIVERED, Status.RETURN_PENDING)

    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="assignments"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="telework_assignments",
    )
    agreement = models.ForeignKey(
        "Agreement",
        verbose_name=_("agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.PROVISIONING
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("IT usage rules accepted at"), null=True, blank=True)
    rules_hash = models.CharField(_("SHA-256 of the rules accepted"), max_length=64, blank=True)
    provisioning_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("provisioning ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recovery_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("recovery ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_condition = models.CharField(
        _("condition found"), max_length=10, choices=Condition.choices, blank=True
    )
    return_checklist = models.JSONField(_("return checklist"), default=dict, blank=True)
    return_notes = models.TextField(_("return notes"), blank=True)
    return_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("return recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("equipment assignment")
        verbose_name_plural = _("equipment assignments")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["employee", "status"], name="telework_assign_emp_idx"),
            models.Index(fields=["status"], name="telework_assign_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["asset"],
                condition=~Q(status="returned"),
                name="telework_asset_one_open_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} → {self.employee}"


class Purchase(models.Model):
    """Equipment the employee buys: reimbursed only if approved before the purchase."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Approved, buy it")
        REFUSED = "refused", _("Refused")
        CLAIMED = "claimed", _("Reimbursement claimed")
        REIMBURSED = "reimbursed", _("Reimbursed")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="telework_purchases",
    )
    agreement = models.ForeignKey(
        "Agreement",
        verbose_name=_("agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="purchases",
    )
    description = models.CharField(_("what"), max_length=200)
    estimated_amount = models.DecimalField(_("estimated (EUR)"), max_digits=8, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_note = models.TextField(_("answer"), blank=True)
    purchased_on = models.DateField(_("bought on"), null=True, blank=True)
    amount_claimed = models.DecimalField(
        _("amount claimed (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    reimbursed_at = models.DateTimeField(_("reimbursed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("equipment purchase")
        verbose_name_plural = _("equipment purchases")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_amount__gt=0), name="telework_purchase_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee}: {self.description}"
