from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(acks_late=True)
def sla_sweep_task() -> dict[str, int]:
    """Every minute (beat): warn before breaches, escalate breaches."""
    from .services import sla_sweep

    result = sla_sweep()
    return {"warned": result.warned, "breached": result.breached}


@shared_task(acks_late=True)
def tickets_auto_close_task() -> int:
    from .services import tickets_auto_close

    return tickets_auto_close()


@shared_task(acks_late=True)
def calendars_load_holidays_task() -> int:
    """Keep every calendar's public holidays loaded through next year."""
    from django.utils import timezone

    from .models import BusinessCalendar
    from .services import calendar_load_public_holidays

    through = timezone.now().year + 1
    return sum(
        calendar_load_public_holidays(calendar=calendar, through_year=through)
        for calendar in BusinessCalendar.objects.all()
    )


@shared_task(acks_late=True)
def ticket_auto_assign_task(ticket_id: int) -> Any:
    from .models import Ticket
    from .services import ticket_auto_assign

    ticket = Ticket.objects.select_related("queue").filter(pk=ticket_id).first()
    if ticket is None or ticket.assignee_id is not None:
        return None
    user = ticket_auto_assign(ticket=ticket)
    return user.pk if user else None
