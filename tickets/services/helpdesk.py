"""The internal IT helpdesk: any staff member raises a request to the IT queue."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import Category, Queue, Ticket
from .tickets import ticket_create

ERROR_NO_IT_QUEUE = _("No internal IT helpdesk queue is open. Ask an administrator to create one.")


def it_request_create(
    *,
    requester: User,
    subject: str,
    body: str,
    category: Category | None = None,
    priority: int | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Ticket:
    queue = Queue.objects.filter(kind=Queue.Kind.IT, is_active=True).order_by("pk").first()
    if queue is None:
        raise ValidationError(ERROR_NO_IT_QUEUE, code="no_it_queue")
    return ticket_create(
        queue=queue,
        subject=subject,
        body=body,
        channel=Ticket.Channel.INTERNAL,
        requester_user=requester,
        actor=requester,
        category=category,
        priority=priority,
        attachments=attachments,
    )
