from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from .models import BusinessCalendar, Ticket
from .services import (
    calendar_load_public_holidays,
    sla_sweep,
    ticket_auto_assign,
    tickets_auto_close,
)


@shared_task(acks_late=True)
def sla_sweep_task() -> dict[str, int]:
    """Every minute (beat): warn before breaches, escalate breaches."""
    result = sla_sweep()
    return {"warned": result.warned, "breached": result.breached}


@shared_task(acks_late=True)
def tickets_auto_close_task() -> int:
    return tickets_auto_close()


@shared_task(acks_late=True)
def calendars_load_holidays_task() -> int:
    """Keep every calendar's public holidays loaded through next year."""
    through = timezone.now().year + 1
    return sum(
        calendar_load_public_holidays(calendar=calendar, through_year=through)
        for calendar in BusinessCalendar.objects.all()
    )


@shared_task(acks_late=True)
def ticket_auto_assign_task(ticket_id: int) -> Any:
    ticket = Ticket.objects.select_related("queue").filter(pk=ticket_id).first()
    if ticket is None or ticket.assignee_id is not None:
        return None
    user = ticket_auto_assign(ticket=ticket)
    return user.pk if user else None
