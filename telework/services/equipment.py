"""Equipment: the inventory, provisioning and recovery through IT helpdesk tickets (the
ticket's resolution updates the assets), returns with their checklist, the employee's
acceptance of the IT usage rules, and purchases reimbursed only if approved first."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from accounts.models import User
from accounts.roles import has_role, user_roles

from .. import errors
from ..models import Agreement, Asset, AssetKind, Assignment, Purchase
from ..permissions import TELEWORK_HR
from ..text import text_hash
from ._common import check_text, format_date, hr_users, notify, today

ASSET_FIELDS = ("kind", "label", "serial_number", "cost", "purchased_on", "warranty_until", "notes")
CONDITION_STATE: dict[str, str] = {
    Assignment.Condition.GOOD: Asset.State.IN_STOCK,
    Assignment.Condition.WORN: Asset.State.IN_STOCK,
    Assignment.Condition.DAMAGED: Asset.State.IN_REPAIR,
    Assignment.Condition.MISSING: Asset.State.LOST,
    Assignment.Condition.UNCHECKED: Asset.State.TO_INSPECT,
}
RETURN_CHECKLIST = ("power_supply", "cables", "bag", "accessories", "data_wiped")


# --- Inventory ---------------------------------------------------------------------------
def asset_save(*, asset: Asset | None = None, **fields: Any) -> Asset:
    asset = asset or Asset()
    for name in ASSET_FIELDS:
        if name in fields:
            setattr(asset, name, fields[name])
    asset.serial_number = (asset.serial_number or "").strip()
    if (
        Asset.objects.filter(serial_number__iexact=asset.serial_number)
        .exclude(pk=asset.pk)
        .exists()
    ):
        raise ValidationError({"serial_number": errors.ERROR_SERIAL_TAKEN})
    asset.full_clean()
    asset.save()
    return asset


def asset_set_state(*, asset: Asset, state: str) -> Asset:
    """Stock states only (repair, retire, back in stock); assignments move the rest."""
    allowed = {Asset.State.IN_STOCK, Asset.State.IN_REPAIR, Asset.State.RETIRED, Asset.State.LOST}
    with transaction.atomic():
        asset = Asset.objects.select_for_update().get(pk=asset.pk)
        if state not in allowed or asset.state in Asset.OUT_STATES:
            raise ValidationError(
                {
                    "state": errors.ERROR_ASSET_NOT_AVAILABLE
                    % {"asset": asset, "state": asset.get_state_display()}
                }
            )
        asset.state = state
        asset.save(update_fields=["state"])
    return asset


# --- Provisioning and recovery through IT tickets ----------------------------------------
def package_for(agreement: Agreement) -> Counter[str]:
    roles = set(user_roles(agreement.employee))
    wanted: Counter[str] = Counter()
    for item in agreement.policy.equipment.all():
        if item.role in roles:
            wanted[item.kind] = max(wanted[item.kind], item.quantity)
    return wanted


def missing_kinds(employee: User, wanted: Counter[str]) -> Counter[str]:
    held = Counter(
        Assignment.objects.filter(employee=employee, status__in=Assignment.OPEN_STATUSES)
        .exclude(status=Assignment.Status.RETURN_PENDING)
        .values_list("asset__kind", flat=True)
    )
    return Counter({kind: qty - held[kind] for kind, qty in wanted.items() if qty > held[kind]})


def _raise_it_ticket(*, employee: User, subject: str, body: str) -> Any:
    """An IT helpdesk ticket raised on the employee's behalf (they follow it under "My IT
    requests"). It names the equipment, never the agreement's personal details."""
    from tickets import services as tickets_services

    try:
        return tickets_services.it_request_create(requester=employee, subject=subject, body=body)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "no_it_queue":
            notify(
                hr_users(),
                title=gettext_noop("No IT helpdesk queue: equipment for %(name)s not requested"),
                name=str(employee),
            )
            return None
        raise


def _lines(assignments: list[Assignment], gaps: Counter[str]) -> str:
    lines = [
        f"- {a.asset.get_kind_display()}: {a.asset.label} (n° {a.asset.serial_number})"
        for a in assignments
    ]
    for kind, qty in sorted(gaps.items()):
        lines.append(
            "- "
            + gettext("%(kind)s × %(qty)d: none in stock, to source")
            % {"kind": AssetKind(kind).label, "qty": qty}
        )
    return "\n".join(lines)


def equipment_provision(
    *, employee: User, agreement: Agreement | None, wanted: Counter[str], reason: str
) -> tuple[list[Assignment], Counter[str], Any]:
    """Reserve in-stock assets for what the employee lacks and raise one IT ticket for
    them and for the gaps. Returns (assignments, kinds still to source, ticket)."""
    need = missing_kinds(employee, wanted)
    if not need:
        return [], Counter(), None
    assignments: list[Assignment] = []
    gaps: Counter[str] = Counter()
    with transaction.atomic():
        for kind, qty in sorted(need.items()):
            assets = list(
                Asset.objects.select_for_update(skip_locked=True)
                .filter(kind=kind, state=Asset.State.IN_STOCK)
                .order_by("pk")[:qty]
            )
            for asset in assets:
                asset.state = Asset.State.RESERVED
                asset.save(update_fields=["state"])
                assignments.append(
                    Assignment.objects.create(asset=asset, employee=employee, agreement=agreement)
                )
            if len(assets) < qty:
                gaps[kind] = qty - len(assets)
        with translation.override(settings.LANGUAGE_CODE):
            subject = gettext("Telework equipment for %(name)s") % {"name": employee}
            body = gettext(
                "%(reason)s\n\nTo provide:\n%(lines)s\n\nArrange the delivery with the employee."
            ) % {"reason": reason, "lines": _lines(assignments, gaps)}
        ticket = _raise_it_ticket(employee=employee, subject=subject, body=body)
        if ticket is not None and assignments:
            Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(
                provisioning_ticket=ticket
            )
            for a in assignments:
                a.provisioning_ticket = ticket
    return assignments, gaps, ticket


def equipment_provision_for_agreement(
    *, agreement: Agreement, actor: User | None
) -> tuple[list[Assignment], Counter[str], Any]:
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("Telework (%(kind)s) from %(date)s.") % {
            "kind": Agreement.Kind(agreement.kind).label,
            "date": format_date(agreement.start_date),
        }
    return equipment_provision(
        employee=agreement.employee,
        agreement=agreement,
        wanted=package_for(agreement),
        reason=reason,
    )


def equipment_recover_for_agreement(*, agreement: Agreement) -> Any:
    """When telework ends, what was delivered is to come back (one IT ticket); what was
    still being provisioned goes back to stock. Skipped while another agreement of the
    employee still runs (an exceptional period over a regular agreement, say)."""
    others = (
        Agreement.objects.filter(
            employee_id=agreement.employee_id,
            status__in=[Agreement.Status.SIGNED, Agreement.Status.ACTIVE],
        )
        .exclude(pk=agreement.pk)
        .exists()
    )
    if others:
        return None
    open_ = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(
            employee_id=agreement.employee_id,
            status__in=[Assignment.Status.PROVISIONING, Assignment.Status.DELIVERED],
        )
        .select_related("asset")
    )
    if not open_:
        return None
    now = timezone.now()
    to_recover = []
    for assignment in open_:
        if assignment.status == Assignment.Status.PROVISIONING:
            assignment.status = Assignment.Status.RETURNED
            assignment.returned_at = now
            assignment.return_condition = Assignment.Condition.GOOD
            assignment.save(update_fields=["status", "returned_at", "return_condition"])
            Asset.objects.filter(pk=assignment.asset_id).update(state=Asset.State.IN_STOCK)
        else:
            assignment.status = Assignment.Status.RETURN_PENDING
            assignment.save(update_fields=["status"])
            Asset.objects.filter(pk=assignment.asset_id).update(state=Asset.State.RETURN_PENDING)
            to_recover.append(assignment)
    if not to_recover:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Recover telework equipment from %(name)s") % {"name": agreement.employee}
        body = gettext(
            "Telework ends (last day %(date)s).\n\nTo recover:\n%(lines)s\n\n"
            "Record the condition of each item with the return checklist."
        ) % {
            "date": format_date(agreement.last_day or today()),
            "lines": _lines(to_recover, Counter()),
        }
    ticket = _raise_it_ticket(employee=agreement.employee, subject=subject, body=body)
    if ticket is not None:
        Assignment.objects.filter(pk__in=[a.pk for a in to_recover]).update(recovery_ticket=ticket)
    return ticket


def on_ticket_resolved(ticket: Any, actor: User | None = None) -> int:
    """tickets' resolution hook: a provisioning ticket resolved means delivered; a
    recovery ticket resolved means the items came back (condition still to check unless
    the checklist was recorded). Idempotent: a ticket resolved twice changes nothing."""
    now = timezone.now()
    changed = 0
    delivered = list(
        Assignment.objects.select_for_update(of=("self",)).filter(
            provisioning_ticket_id=ticket.pk, status=Assignment.Status.PROVISIONING
        )
    )
    for assignment in delivered:
        assignment.status = Assignment.Status.DELIVERED
        assignment.delivered_at = now
        assignment.save(update_fields=["status", "delivered_at"])
        Asset.objects.filter(pk=assignment.asset_id).update(state=Asset.State.ASSIGNED)
        changed += 1
    recovered = list(
        Assignment.objects.select_for_update(of=("self",)).filter(
            recovery_ticket_id=ticket.pk, status=Assignment.Status.RETURN_PENDING
        )
    )
    for assignment in recovered:
        _record_return(assignment, Assignment.Condition.UNCHECKED, {}, "", actor, now)
        changed += 1
    if delivered:
        notify(
            [delivered[0].employee],
            title=gettext_noop("Your telework equipment is delivered: accept the IT usage rules"),
            url=reverse("telework:my"),
        )
    return changed


def _record_return(
    assignment: Assignment,
    condition: str,
    checklist: dict[str, bool],
    notes: str,
    actor: User | None,
    now: dt.datetime,
) -> None:
    assignment.status = Assignment.Status.RETURNED
    assignment.returned_at = now
    assignment.return_condition = condition
    assignment.return_checklist = checklist
    assignment.return_notes = notes
    assignment.return_recorded_by = actor
    assignment.save()
    Asset.objects.filter(pk=assignment.asset_id).update(state=CONDITION_STATE[condition])


def asset_assign(
    *,
    asset: Asset,
    employee: User,
    agreement: Agreement | None,
    actor: User,
    delivered: bool = False,
) -> Assignment:
    """Assign a specific asset by hand (IT or HR), e.g. to fill a gap."""
    with transaction.atomic():
        asset = Asset.objects.select_for_update().get(pk=asset.pk)
        if asset.state != Asset.State.IN_STOCK:
            raise ValidationError(
                {
                    "asset": errors.ERROR_ASSET_NOT_AVAILABLE
                    % {"asset": asset, "state": asset.get_state_display()}
                }
            )
        now = timezone.now()
        assignment = Assignment.objects.create(
            asset=asset,
            employee=employee,
            agreement=agreement,
            status=Assignment.Status.DELIVERED if delivered else Assignment.Status.PROVISIONING,
            delivered_at=now if delivered else None,
        )
        asset.state = Asset.State.ASSIGNED if delivered else Asset.State.RESERVED
        asset.save(update_fields=["state"])
    return assignment


def asset_return(
    *,
    asset: Asset,
    actor: User,
    condition: str,
    checklist: dict[str, bool] | None = None,
    notes: str = "",
) -> Assignment:
    """Record a return with the condition found. Refused for an asset nobody holds."""
    notes = check_text(notes, "notes", 2000)
    if condition not in Assignment.Condition.values or condition == Assignment.Condition.UNCHECKED:
        raise ValidationError({"condition": errors.ERROR_CONDITION})
    checklist = {key: bool((checklist or {}).get(key)) for key in RETURN_CHECKLIST}
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .filter(asset=asset, status__in=Assignment.OPEN_STATUSES)
            .first()
        )
        if assignment is None:
            if Assignment.objects.filter(asset=asset).exists():
                raise ValidationError(errors.ERROR_ALREADY_RETURNED, code="returned")
            raise ValidationError(errors.ERROR_NOT_ASSIGNED, code="not_assigned")
        _record_return(assignment, condition, checklist, notes, actor, timezone.now())
    return assignment


def rules_text(agreement: Agreement | None, employee: User) -> str:
    if agreement is None:
        return ""
    return agreement.policy.it_rules_for(employee.language)


def equipment_acknowledge_rules(*, employee: User, actor: User, rules_hash: str) -> int:
    """The employee accepts the IT usage rules for the equipment they hold; the hash of
    the exact text read is kept."""
    if actor.pk != employee.pk:
        raise ValidationError(errors.ERROR_ACK_NOT_YOURS, code="not_yours")
    open_ = Assignment.objects.filter(
        employee=employee, status__in=Assignment.OPEN_STATUSES, acknowledged_at__isnull=True
    ).select_related("agreement__policy")
    first = open_.first()
    text = rules_text(first.agreement if first else None, employee)
    if first is not None and not text:
        raise ValidationError(errors.ERROR_NO_IT_RULES, code="no_rules")
    if first is not None and text_hash(text) != (rules_hash or ""):
        raise ValidationError(errors.ERROR_RULES_OUTDATED, code="outdated")
    return open_.update(acknowledged_at=timezone.now(), rules_hash=rules_hash)


# --- Purchases by the employee ---------------------------------------------------------------
def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except Exception as exc:  # decimal.InvalidOperation and friends
        raise ValidationError({field: errors.ERROR_AMOUNT}) from exc
    if amount <= 0 or amount > Decimal("100000"):
        raise ValidationError({field: errors.ERROR_AMOUNT})
    return amount


def purchase_request(
    *, employee: User, actor: User, description: str, estimated_amount: Any
) -> Purchase:
    if actor.pk != employee.pk:
        raise ValidationError(errors.ERROR_ACK_NOT_YOURS, code="not_yours")
    description = check_text(
        description, "description", 200, required_error=errors.ERROR_NAME_REQUIRED
    )
    amount = _amount(estimated_amount, "estimated_amount")
    agreement = (
        Agreement.objects.filter(employee=employee, status__in=Agreement.LIVE_STATUSES)
        .order_by("-start_date")
        .first()
    )
    purchase = Purchase.objects.create(
        employee=employee, agreement=agreement, description=description, estimated_amount=amount
    )
    notify(
        [employee.manager or None, *hr_users()],
        title=gettext_noop("Equipment purchase to approve: %(name)s"),
        url=reverse("telework:my"),
        name=str(employee),
    )
    return purchase


def _purchase_status_error(purchase: Purchase, action: str) -> ValidationError:
    return ValidationError(
        errors.ERROR_PURCHASE_STATUS % {"status": purchase.get_status_display(), "action": action}
    )


def _may_decide_purchase(actor: User, purchase: Purchase) -> bool:
    if actor.pk == purchase.employee_id:
        return False
    return purchase.employee.manager_id == actor.pk or has_role(actor, *TELEWORK_HR)


def purchase_decide(*, purchase: Purchase, actor: User, approve: bool, note: str = "") -> Purchase:
    note = check_text(note, "note", 1000)
    if not approve and not note:
        raise ValidationError({"note": errors.ERROR_REASON_REQUIRED})
    with transaction.atomic():
        purchase = (
            Purchase.objects.select_for_update().select_related("employee").get(pk=purchase.pk)
        )
        if not _may_decide_purchase(actor, purchase):
            raise ValidationError(errors.ERROR_OWN_REQUEST, code="own")
        if purchase.status != Purchase.Status.REQUESTED:
            raise _purchase_status_error(purchase, gettext("decided"))
        purchase.status = Purchase.Status.APPROVED if approve else Purchase.Status.REFUSED
        purchase.decided_by = actor
        purchase.approved_at = timezone.now() if approve else None
        purchase.decision_note = note
        purchase.save()
    return purchase


def purchase_claim(
    *, purchase: Purchase, actor: User, purchased_on: dt.date, amount: Any
) -> Purchase:
    """Claim the reimbursement: only for an approved purchase made after its approval."""
    amount = _amount(amount, "amount_claimed")
    if purchased_on > today():
        raise ValidationError({"purchased_on": errors.ERROR_FUTURE_PURCHASE})
    with transaction.atomic():
        purchase = Purchase.objects.select_for_update().get(pk=purchase.pk)
        if actor.pk != purchase.employee_id:
            raise ValidationError(errors.ERROR_ACK_NOT_YOURS, code="not_yours")
        if purchase.status != Purchase.Status.APPROVED or purchase.approved_at is None:
            raise ValidationError(errors.ERROR_PURCHASE_NOT_APPROVED, code="not_approved")
        approved_on = timezone.localdate(purchase.approved_at)
        if purchased_on < approved_on:
            raise ValidationError(
                {
                    "purchased_on": errors.ERROR_PURCHASE_BEFORE_APPROVAL
                    % {"bought": format_date(purchased_on), "approved": format_date(approved_on)}
                },
                code="before_approval",
            )
        purchase.status = Purchase.Status.CLAIMED
        purchase.purchased_on = purchased_on
        purchase.amount_claimed = amount
        purchase.claimed_at = timezone.now()
        purchase.save()
    return purchase


def purchase_reimburse(*, purchase: Purchase, actor: User) -> Purchase:
    if not has_role(actor, *TELEWORK_HR) or actor.pk == purchase.employee_id:
        raise ValidationError(errors.ERROR_OWN_REQUEST, code="own")
    with transaction.atomic():
        purchase = Purchase.objects.select_for_update().get(pk=purchase.pk)
        if purchase.status != Purchase.Status.CLAIMED:
            raise _purchase_status_error(purchase, gettext("reimbursed"))
        purchase.status = Purchase.Status.REIMBURSED
        purchase.reimbursed_at = timezone.now()
        purchase.save(update_fields=["status", "reimbursed_at"])
    return purchase
