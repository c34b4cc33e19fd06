"""Who works a ticket: assigning by hand, taking, round robin, and the agents' presence
that round robin reads."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.reachability import unreachable_until
from accounts.roles import Role, has_role
from accounts.services import notification_send

from ..models import AgentPresence, Ticket, TicketEvent
from ..permissions import TICKETS_ASSIGNABLE
from ..registry import presence_hooks
from .common import check_open, lock_ticket, record_event, save_ticket

ERROR_ASSIGNEE_OUTSIDE_TEAM = _("%(user)s is not in a team that works the queue “%(queue)s”.")
ERROR_ASSIGNEE_INACTIVE = _("%(user)s cannot take tickets (inactive account or no desk role).")

# Unassigned tickets offered again when an agent becomes available, per change.
AUTO_ASSIGN_WAITING = 20


def check_assignee(ticket: Ticket, assignee: User) -> None:
    """Refuse an assignee who cannot take tickets or is outside the teams of the queue."""
    if not assignee.is_active or not has_role(assignee, *TICKETS_ASSIGNABLE):
        raise ValidationError(
            {"assignee": ERROR_ASSIGNEE_INACTIVE % {"user": assignee}}, code="assignee"
        )
    if has_role(assignee, Role.SUPERVISOR, Role.ADMIN):
        return
    allowed = Q(pk=ticket.queue.team_id) | Q(visible_queues=ticket.queue_id)
    if not assignee.teams.filter(allowed).exists():
        raise ValidationError(
            {"assignee": ERROR_ASSIGNEE_OUTSIDE_TEAM % {"user": assignee, "queue": ticket.queue}},
            code="assignee",
        )


def assign(ticket: Ticket, assignee: User | None, actor: User | None) -> list[str]:
    """Change the assignee in memory (checked, recorded, the new assignee notified); return
    the changed fields. The caller holds the lock and saves."""
    if (assignee.pk if assignee else None) == ticket.assignee_id:
        return []
    if assignee is not None:
        check_assignee(ticket, assignee)
    record_event(
        ticket,
        TicketEvent.Kind.ASSIGNED,
        actor,
        old=str(ticket.assignee) if ticket.assignee_id else "",
        new=str(assignee or ""),
    )
    ticket.assignee = assignee
    if assignee is not None and actor is not None and assignee.pk != actor.pk:
        notification_send(
            recipient=assignee,
            title=gettext("%(actor)s assigned %(number)s to you")
            % {"actor": actor, "number": ticket.number},
            body=ticket.subject,
            url=ticket.get_absolute_url(),
        )
    return ["assignee"]


def ticket_assign(
    *,
    ticket: Ticket,
    assignee: User | None,
    actor: User | None,
    expected_version: int | None = None,
) -> Ticket:
    with transaction.atomic():
        ticket = lock_ticket(ticket, expected_version)
        check_open(ticket)
        changed = assign(ticket, assignee, actor)
        if changed:
            save_ticket(ticket, timezone.now(), changed)
    return ticket


def ticket_take(*, ticket: Ticket, actor: User) -> Ticket:
    return ticket_assign(ticket=ticket, assignee=actor, actor=actor)


def ticket_auto_assign(*, ticket: Ticket) -> User | None:
    """Round robin: the present agent of the ticket's team who waited longest since their
    last assignment and holds fewer open tickets than the queue's cap.

    The team's presence rows are locked, so two tickets created at once go to two agents."""
    team_id = ticket.team_id or ticket.queue.team_id
    with transaction.atomic():
        presences = list(
            AgentPresence.objects.select_for_update(of=("self",))
            .filter(
                status=AgentPresence.Status.AVAILABLE,
                # A subquery, not joins: FOR UPDATE refuses DISTINCT.
                user_id__in=User.objects.filter(
                    is_active=True, teams=team_id, groups__name__in=[Role.AGENT, Role.IT]
                ).values("pk"),
            )
            .select_related("user")
            .order_by(F("last_assigned_at").asc(nulls_first=True), "user_id")
        )
        # Right to disconnect: nobody outside their contact hours gets a ticket.
        held = unreachable_until([p.user_id for p in presences], timezone.now())
        presences = [p for p in presences if p.user_id not in held]
        if not presences:
            return None
        counts = dict(
            Ticket.objects.filter(
                assignee_id__in=[p.user_id for p in presences],
                status__in=Ticket.ACTIVE_STATUSES,
            )
            .values("assignee_id")
            .annotate(n=Count("id"))
            .values_list("assignee_id", "n")
        )
        cap = ticket.queue.agent_open_ticket_cap
        chosen = next((p for p in presences if counts.get(p.user_id, 0) < cap), None)
        if chosen is None:
            return None
        now = timezone.now()
        # Conditional: a second run for the same ticket (a task delivered twice, a person
        # taking it meanwhile) changes nothing and records nothing.
        claimed = Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(
            assignee_id=chosen.user_id, version=F("version") + 1
        )
        if not claimed:
            return None
        AgentPresence.objects.filter(pk=chosen.pk).update(last_assigned_at=now)
        ticket.assignee_id = chosen.user_id
        ticket.refresh_from_db(fields=["version"])
        record_event(ticket, TicketEvent.Kind.ASSIGNED, None, new=str(chosen.user), auto=True)
        return chosen.user


def presence_set(*, user: User, status: str) -> AgentPresence:
    if status not in AgentPresence.Status.values:
        raise ValidationError({"status": _("Unknown presence status.")})
    now = timezone.now()
    with transaction.atomic():
        old = (
            AgentPresence.objects.select_for_update()
            .filter(user=user)
            .values_list("status", flat=True)
            .first()
        )
        presence, _created = AgentPresence.objects.update_or_create(
            user=user, defaults={"status": status, "changed_at": now}
        )
        if old != status:
            for hook in presence_hooks():
                hook(user, old or "", status, now)
    if status == AgentPresence.Status.AVAILABLE:
        auto_assign_waiting(team_ids=list(user.teams.values_list("pk", flat=True)))
    return presence


def auto_assign_queue(ticket_ids: list[int]) -> None:
    """Queue round robin for these tickets once the caller's transaction commits."""
    if not ticket_ids:
        return
    from ..tasks import ticket_auto_assign_task

    transaction.on_commit(lambda: [ticket_auto_assign_task.delay(pk) for pk in ticket_ids])


def auto_assign_waiting(*, team_ids: list[int], limit: int = AUTO_ASSIGN_WAITING) -> int:
    """An agent became available: the oldest unassigned tickets of their teams' round-robin
    queues are offered again (bounded; the task re-checks everything)."""
    if not team_ids:
        return 0
    ids = list(
        Ticket.objects.filter(
            assignee__isnull=True,
            status__in=Ticket.ACTIVE_STATUSES,
            queue__auto_assign=True,
            queue__team__in=team_ids,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    auto_assign_queue(ids)
    return len(ids)
