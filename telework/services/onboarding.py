"""The onboarding checklist: items copied from the policy when HR validates, done by
their owner (HR, IT, the manager or the employee), documents checked and stored out of
reach, reminders before the due date."""

from __future__ import annotations

import datetime as dt

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, has_role

from .. import errors
from ..models import Agreement, OnboardingItem, Owner
from ._common import check_text, format_date, hr_users, it_users, notify, parties_for, today
from .lifecycle import EMPLOYEE, HR, MANAGER
from .signing import try_activate


def onboarding_create_items(*, agreement: Agreement) -> list[OnboardingItem]:
    if agreement.onboarding_items.exists():
        return list(agreement.onboarding_items.all())
    items = [
        OnboardingItem(
            agreement=agreement,
            code=step.code,
            title_fr=step.title_fr,
            title_en=step.title_en,
            owner=step.owner,
            mandatory=step.mandatory,
            requires_document=step.requires_document,
            due_on=agreement.start_date + dt.timedelta(days=step.due_offset_days),
            order=step.order,
        )
        for step in agreement.policy.onboarding_steps.all()
    ]
    return OnboardingItem.objects.bulk_create(items)


def user_may_complete(user: User, item: OnboardingItem) -> bool:
    """HR may tick any item; otherwise the item's owner: the employee, their manager, or
    IT for IT items."""
    agreement = item.agreement
    held = parties_for(user, agreement)
    if HR in held:
        return True
    if item.owner == Owner.EMPLOYEE:
        return EMPLOYEE in held
    if item.owner == Owner.MANAGER:
        return MANAGER in held
    if item.owner == Owner.IT:
        return has_role(user, Role.IT)
    return False


def document_check(upload: UploadedFile) -> str:
    """The type from the content (magic numbers), never from the name; size bounded."""
    name = (upload.name or "document")[:255]
    if not upload.size:
        raise ValidationError({"document": errors.ERROR_DOCUMENT_EMPTY % {"name": name}})
    limit = settings.TELEWORK_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "document": errors.ERROR_DOCUMENT_SIZE
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(limit),
                }
            }
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else "unknown"
    if mime not in settings.TELEWORK_DOCUMENT_TYPES:
        raise ValidationError(
            {"document": errors.ERROR_DOCUMENT_TYPE % {"name": name, "type": mime}}
        )
    return mime


def onboarding_complete(
    *,
    item: OnboardingItem,
    actor: User,
    note: str = "",
    document: UploadedFile | None = None,
) -> OnboardingItem:
    note = check_text(note, "note", 500)
    with transaction.atomic():
        item = (
            OnboardingItem.objects.select_for_update(of=("self",))
            .select_related("agreement__employee", "agreement__policy__legal_entity")
            .get(pk=item.pk)
        )
        if item.done_at is not None:
            raise ValidationError(errors.ERROR_ITEM_DONE, code="done")
        if not user_may_complete(actor, item):
            raise ValidationError(
                errors.ERROR_ITEM_NOT_YOURS % {"owner": Owner(item.owner).label}, code="owner"
            )
        if item.requires_document:
            if document is None:
                raise ValidationError({"document": errors.ERROR_DOCUMENT_REQUIRED})
            item.document_type = document_check(document)
            item.document_name = (document.name or "document")[:255]
            item.document_size = document.size
            item.document.save(item.document_name, document, save=False)
        item.done_at = timezone.now()
        item.done_by = actor
        item.note = note
        item.save()
    if item.mandatory:
        try_activate(item.agreement)
    return item


def onboarding_reopen(*, item: OnboardingItem, actor: User) -> OnboardingItem:
    """HR undoes a tick (a wrong attestation); the document goes with it."""
    if HR not in parties_for(actor, item.agreement):
        raise ValidationError(errors.ERROR_ITEM_NOT_YOURS % {"owner": Owner.HR.label})
    with transaction.atomic():
        if item.document:
            item.document.delete(save=False)
        item.done_at = None
        item.done_by = None
        item.document_name = item.document_type = ""
        item.document_size = None
        item.save()
    return item


def onboarding_send_reminders(*, on: dt.date | None = None, days_ahead: int = 3) -> int:
    """The daily task: remind each owner of the open items due within `days_ahead` days
    (or late), once a day per item."""
    on = on or today()
    due = (
        OnboardingItem.objects.filter(
            done_at__isnull=True,
            due_on__lte=on + dt.timedelta(days=days_ahead),
            agreement__status__in=[
                Agreement.Status.PENDING_SIGNATURES,
                Agreement.Status.SIGNED,
                Agreement.Status.ACTIVE,
            ],
        )
        .exclude(reminded_on=on)
        .select_related("agreement__employee__manager")
        .order_by("due_on", "pk")[:2000]
    )
    sent = 0
    hr, it = hr_users(), it_users()
    for item in due:
        employee = item.agreement.employee
        by_owner: dict[str, list[User | None]] = {
            Owner.EMPLOYEE: [employee],
            Owner.MANAGER: [employee.manager] if employee.manager_id else list(hr),
            Owner.IT: list(it),
            Owner.HR: list(hr),
        }
        recipients = by_owner[item.owner]
        notify(
            recipients,
            title=gettext_noop("Onboarding for %(name)s due %(date)s: %(item)s"),
            url=item.agreement.get_absolute_url(),
            name=str(employee),
            date=lambda item=item: format_date(item.due_on),
            item=lambda item=item: item.title,
        )
        sent += 1
    OnboardingItem.objects.filter(pk__in=[i.pk for i in due]).update(reminded_on=on)
    return sent
