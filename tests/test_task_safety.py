"""Tasks are safe to run twice and after a kill (issue 8 item 7): claim, then act, then
record. Notification emails go through a real worker and a real SMTP server."""

from __future__ import annotations

import datetime as dt
import threading
from smtplib import SMTPException
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Notification
from accounts.roles import Role
from accounts.tasks import notification_email_task
from crm.tests.factories import ContactFactory
from tickets import services
from tickets.models import AgentPresence, Ticket, TicketEvent
from tickets.tests.factories import desk, open_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _notification(user: Any, **fields: Any) -> Notification:
    return Notification.objects.create(
        recipient=user, title="SLA", body="T-1", send_email=True, **fields
    )


# --- notification_email_deliver -------------------------------------------------------
@pytest.mark.integration
def test_a_notification_queued_twice_is_emailed_once_by_a_real_worker(
    celery_worker_process: Any,
    smtp_server: Any,
    make_user: Any,
) -> None:
    worker = celery_worker_process
    worker.stop()
    worker.start(env={"EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}"})
    user = make_user(Role.AGENT)
    notification = _notification(user)
    notification_email_task.delay(notification.pk)
    notification_email_task.delay(notification.pk)
    worker.wait_for(
        lambda: Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists(),
        timeout=60,
        what="the notification email",
    )
    smtp_server.wait_for(1)
    # The second task found the record (the solo pool runs them one after the other):
    # nothing more is sent.
    worker.wait_for(
        lambda: worker.log().count("succeeded") >= 2, timeout=60, what="the second task"
    )
    assert len(smtp_server.messages) == 1


def test_a_second_run_sends_nothing_and_no_lock_is_held_over_smtp(
    smtp_server: Any,
    make_user: Any,
    settings: Any,
) -> None:
    notification = _notification(make_user(Role.AGENT))
    seen_during_send: list[Any] = []
    original = account_services.send_mail

    def spy(**kwargs: Any) -> int:
        # The claim is committed before SMTP: another connection sees it, no lock waits.
        seen_during_send.append(
            Notification.objects.filter(pk=notification.pk)
            .values_list("email_claimed_at", flat=True)
            .get()
        )
        return original(**kwargs)

    account_services.send_mail = spy  # type: ignore[assignment]
    try:
        assert account_services.notification_email_deliver(notification_id=notification.pk)
    finally:
        account_services.send_mail = original  # type: ignore[assignment]
    assert seen_during_send[0] is not None
    assert account_services.notification_email_deliver(notification_id=notification.pk) is False
    assert len(smtp_server.wait_for(1)) == 1
    assert settings.EMAIL_TIMEOUT


def test_a_fresh_claim_makes_a_second_run_wait_and_an_expired_one_is_made_good(
    smtp_server: Any,
    make_user: Any,
    settings: Any,
) -> None:
    user = make_user(Role.AGENT)
    # Another run is sending right now: this one sends nothing and asks to retry later.
    busy = _notification(user, email_claimed_at=timezone.now())
    with pytest.raises(account_services.NotificationEmailBusy):
        account_services.notification_email_deliver(notification_id=busy.pk)
    # A worker was killed mid-send long ago: the claim expired, the email goes (at least once).
    lost = _notification(
        user,
        email_claimed_at=timezone.now()
        - dt.timedelta(seconds=settings.NOTIFICATION_EMAIL_CLAIM_SECONDS + 1),
    )
    assert account_services.notification_email_deliver(notification_id=lost.pk)
    assert len(smtp_server.wait_for(1)) == 1


def test_an_smtp_failure_releases_the_claim_for_the_retry(
    smtp_server: Any,
    make_user: Any,
) -> None:
    notification = _notification(make_user(Role.AGENT))
    smtp_server.fail_next = 1
    with pytest.raises(SMTPException):
        account_services.notification_email_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert (notification.email_claimed_at, notification.emailed_at) == (None, None)
    assert account_services.notification_email_deliver(notification_id=notification.pk)


# --- SLA notifications follow the email preference ------------------------------------
def test_sla_warnings_are_emailed_to_those_who_want_it(smtp_server: Any) -> None:
    d = desk()
    d.other_agent.notification_emails = False
    d.other_agent.save()
    for agent in (d.agent, d.other_agent):
        ticket = open_ticket(d, contact=ContactFactory(), assignee=agent)
        due = timezone.now() + dt.timedelta(minutes=10)
        Ticket.objects.filter(pk=ticket.pk).update(
            sla_next_due_at=due, sla_warn_at=due - dt.timedelta(minutes=30)
        )
    assert services.sla_sweep().warned == 2
    wants, does_not = (Notification.objects.get(recipient=u) for u in (d.agent, d.other_agent))
    assert (wants.send_email, does_not.send_email) == (True, False)
    received = smtp_server.wait_for(1)
    assert len(received) == 1
    wants.refresh_from_db()
    assert wants.emailed_at is not None


# --- tickets_auto_close ---------------------------------------------------------------
def _resolved_long_ago(d: Any, count: int) -> list[int]:
    tickets = [open_ticket(d) for _ in range(count)]
    ids = [t.pk for t in tickets]
    Ticket.objects.filter(pk__in=ids).update(
        status=Ticket.Status.RESOLVED, resolved_at=timezone.now() - dt.timedelta(days=60)
    )
    return ids


def _close_events(ids: list[int]) -> int:
    return TicketEvent.objects.filter(
        ticket__in=ids, kind=TicketEvent.Kind.STATUS, data__new=Ticket.Status.CLOSED
    ).count()


def test_auto_close_run_twice_writes_one_closed_event_per_ticket() -> None:
    ids = _resolved_long_ago(desk(), 3)
    assert services.tickets_auto_close() == 3
    assert services.tickets_auto_close() == 0
    assert _close_events(ids) == 3


def test_overlapping_auto_close_runs_do_not_duplicate_events() -> None:
    ids = _resolved_long_ago(desk(), 5)
    counts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait(timeout=30)
            counts.append(services.tickets_auto_close())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    else:
        # SQLite serialises writers (one connection per test database here): the runs
        # follow each other, and the second must still write nothing.
        counts.append(services.tickets_auto_close())
        counts.append(services.tickets_auto_close())
    assert not errors, errors
    assert sum(counts) == 5
    assert _close_events(ids) == 5


# --- ticket_auto_assign_task ----------------------------------------------------------
def test_a_ticket_moved_into_a_round_robin_queue_is_assigned_by_the_task() -> None:
    d = desk()
    d.other_queue.auto_assign = True
    d.other_queue.save()
    services.presence_set(user=d.outsider, status=AgentPresence.Status.AVAILABLE)
    ticket = open_ticket(d)
    assert ticket.assignee_id is None
    ticket = services.ticket_update(ticket=ticket, actor=d.agent, queue=d.other_queue)
    ticket.refresh_from_db()
    assert ticket.assignee_id == d.outsider.pk  # the task ran after commit (eager here)


def test_an_agent_becoming_available_picks_up_the_waiting_tickets() -> None:
    d = desk()
    d.queue.auto_assign = True
    d.queue.save()
    waiting = open_ticket(d)
    assert waiting.assignee_id is None  # nobody present
    services.presence_set(user=d.agent, status=AgentPresence.Status.AVAILABLE)
    waiting.refresh_from_db()
    assert waiting.assignee_id == d.agent.pk


def test_auto_assign_run_twice_assigns_once() -> None:
    d = desk()
    d.queue.auto_assign = True
    d.queue.save()
    ticket = open_ticket(d)
    services.presence_set(user=d.agent, status=AgentPresence.Status.AVAILABLE)
    services.presence_set(user=d.other_agent, status=AgentPresence.Status.AVAILABLE)
    ticket.refresh_from_db()
    first = ticket.assignee_id
    stale = Ticket.objects.get(pk=ticket.pk)
    stale.assignee_id = None  # a second delivery that read the row before the first wrote
    assert services.ticket_auto_assign(ticket=stale) is None
    ticket.refresh_from_db()
    assert ticket.assignee_id == first
    assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).count() == 1
