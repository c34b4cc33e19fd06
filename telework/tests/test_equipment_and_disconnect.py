"""Equipment through the IT helpdesk (tickets raised on signature and on the end, their
resolution updates the assets), returns, purchases; the right to disconnect (held
notifications, round robin); the continuity plan on a team with gaps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services as accounts_services
from accounts.selectors import notification_unread_count
from telework import errors, services
from telework.models import Asset, Assignment, ContinuityMember, Purchase
from telework.text import text_hash
from tickets import services as tickets_services
from tickets.models import AgentPresence, Queue, Ticket
from tickets.tests.factories import QueueFactory, calendar

from .factories import RULES_FR, active, signed

pytestmark = pytest.mark.django_db


def test_signature_raises_a_provisioning_ticket_and_its_resolution_delivers(w):
    agreement = signed(w)
    assignments = list(agreement.assignments.select_related("asset", "provisioning_ticket"))
    assert sorted(a.asset.kind for a in assignments) == ["headset", "laptop"]
    ticket = assignments[0].provisioning_ticket
    assert ticket is not None
    assert ticket.queue == w.it_queue
    assert ticket.requester_user == w.agent
    body = ticket.messages.first().body_text
    assert "LAP-0" in body
    assert "Lilas" not in body
    assert {a.asset.state for a in assignments} == {Asset.State.RESERVED}
    tickets_services.ticket_change_status(ticket=ticket, status=Ticket.Status.RESOLVED, actor=w.it)
    states = set(
        Asset.objects.filter(assignments__agreement=agreement).values_list("state", flat=True)
    )
    assert states == {Asset.State.ASSIGNED}
    assert set(agreement.assignments.values_list("status", flat=True)) == {
        Assignment.Status.DELIVERED
    }


def test_gaps_are_listed_in_the_ticket_when_stock_runs_out(w):
    Asset.objects.filter(kind="headset").update(state=Asset.State.RETIRED)
    agreement = signed(w)
    ticket = agreement.assignments.get().provisioning_ticket
    assert (
        "to source" in ticket.messages.first().body_text
        or "acheter" in ticket.messages.first().body_text
    )


def test_the_end_raises_a_recovery_ticket_and_its_resolution_brings_assets_back(w):
    agreement = active(w)
    provisioning = agreement.assignments.first().provisioning_ticket
    tickets_services.ticket_change_status(
        ticket=provisioning, status=Ticket.Status.RESOLVED, actor=w.it
    )
    back = services.earliest_return(agreement)
    services.agreement_end(agreement=agreement, actor=w.agent, return_to_office_on=back, reason="")
    services.agreements_end_due(on=back)
    agreement.refresh_from_db()
    assert agreement.status == "ended"
    recovery = agreement.assignments.first().recovery_ticket
    assert recovery is not None
    assert recovery != provisioning
    assert set(
        Asset.objects.filter(assignments__agreement=agreement).values_list("state", flat=True)
    ) == {Asset.State.RETURN_PENDING}
    laptop = Asset.objects.get(assignments__agreement=agreement, kind="laptop")
    services.asset_return(
        asset=laptop,
        actor=w.it,
        condition="damaged",
        checklist={"power_supply": True},
        notes="Écran fêlé",
    )
    tickets_services.ticket_change_status(
        ticket=recovery, status=Ticket.Status.RESOLVED, actor=w.it
    )
    states = dict(
        Asset.objects.filter(assignments__agreement=agreement).values_list("kind", "state")
    )
    assert states == {"laptop": Asset.State.IN_REPAIR, "headset": Asset.State.TO_INSPECT}


def test_returning_an_asset_never_assigned_is_refused(w):
    asset = Asset.objects.get(serial_number="LAP-2")
    with pytest.raises(ValidationError) as exc:
        services.asset_return(asset=asset, actor=w.it, condition="good")
    assert exc.value.messages == [str(errors.ERROR_NOT_ASSIGNED)]
    asset.refresh_from_db()
    assert asset.state == Asset.State.IN_STOCK


def test_it_rules_are_accepted_with_the_hash_of_the_text_read(w):
    signed(w)
    with pytest.raises(ValidationError):
        services.equipment_acknowledge_rules(employee=w.agent, actor=w.agent, rules_hash="0" * 64)
    with pytest.raises(ValidationError):
        services.equipment_acknowledge_rules(
            employee=w.agent, actor=w.hr, rules_hash=text_hash(RULES_FR)
        )
    assert (
        services.equipment_acknowledge_rules(
            employee=w.agent, actor=w.agent, rules_hash=text_hash(RULES_FR)
        )
        == 2
    )


def test_a_purchase_is_reimbursed_only_if_approved_before(w):
    purchase = services.purchase_request(
        employee=w.agent, actor=w.agent, description="Repose-pieds", estimated_amount="39.90"
    )
    with pytest.raises(ValidationError) as exc:
        services.purchase_claim(
            purchase=purchase, actor=w.agent, purchased_on=timezone.localdate(), amount="39.90"
        )
    assert exc.value.code == "not_approved"
    with pytest.raises(ValidationError):
        services.purchase_decide(purchase=purchase, actor=w.agent, approve=True)
    services.purchase_decide(purchase=purchase, actor=w.manager, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.purchase_claim(
            purchase=purchase,
            actor=w.agent,
            purchased_on=timezone.localdate() - dt.timedelta(days=3),
            amount="39.90",
        )
    assert list(exc.value.message_dict) == ["purchased_on"]
    services.purchase_claim(
        purchase=purchase, actor=w.agent, purchased_on=timezone.localdate(), amount="39.90"
    )
    services.purchase_reimburse(purchase=purchase, actor=w.hr)
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.REIMBURSED
    assert purchase.amount_claimed == Decimal("39.90")


# --- Right to disconnect ------------------------------------------------------------------
def _wednesday() -> dt.date:
    """The next Wednesday (after the agreement's start) whose Thursday is worked too."""
    from telework.dates import WorkCalendar

    calendar = WorkCalendar("FR")
    day = timezone.localdate() + dt.timedelta(days=1)
    while not (
        day.weekday() == 2
        and calendar.is_working_day(day)
        and calendar.is_working_day(day + dt.timedelta(days=1))
    ):
        day += dt.timedelta(days=1)
    return day


def _at(hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(_wednesday(), dt.time(hour)))


def test_notifications_outside_contact_hours_are_held_until_the_next_contact_hour(
    w, django_capture_on_commit_callbacks
):
    active(w)
    with (
        mock.patch("django.utils.timezone.now", return_value=_at(21)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        held = accounts_services.notification_send(
            recipient=w.agent, title="Nouveau ticket", email=True
        )
        urgent = accounts_services.notification_send(
            recipient=w.agent, title="Panne générale", urgent=True, email=True
        )
        other = accounts_services.notification_send(recipient=w.outsider, title="Hors télétravail")
        assert notification_unread_count(user=w.agent) == 1  # only the urgent one shows
        assert accounts_services.notifications_release() == 0
    assert held.deliver_after == _at(9) + dt.timedelta(days=1)
    assert urgent.deliver_after is None
    assert other.deliver_after is None
    assert [m.subject for m in mail.outbox] == ["[Relais] Panne générale"]
    later = _at(9) + dt.timedelta(days=1, minutes=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert accounts_services.notifications_release() == 1
        assert notification_unread_count(user=w.agent) == 2
    held.refresh_from_db()
    assert held.deliver_after is None
    assert [m.subject for m in mail.outbox] == [
        "[Relais] Panne générale",
        "[Relais] Nouveau ticket",
    ]


def test_inside_contact_hours_notifications_go_straight_through(w):
    active(w)
    with mock.patch("django.utils.timezone.now", return_value=_at(11)):
        notification = accounts_services.notification_send(recipient=w.agent, title="Réunion")
    assert notification.deliver_after is None


def test_round_robin_skips_teleworkers_outside_their_contact_hours(w):
    active(w)
    # An internal IT queue: a staff member (HR here) may be its requester.
    queue = QueueFactory(team=w.team, calendar=calendar(), auto_assign=True, kind=Queue.Kind.IT)
    for user in (w.agent, w.outsider):
        AgentPresence.objects.create(user=user, status=AgentPresence.Status.AVAILABLE)
    AgentPresence.objects.filter(user=w.agent).update(last_assigned_at=None)
    AgentPresence.objects.filter(user=w.outsider).update(last_assigned_at=timezone.now())
    with mock.patch("django.utils.timezone.now", return_value=_at(21)):
        ticket = tickets_services.ticket_create(
            queue=queue, subject="Facture", body="Bonjour", requester_user=w.hr
        )
    assert ticket.assignee == w.outsider  # Camille waited longer but is off
    with mock.patch("django.utils.timezone.now", return_value=_at(10)):
        AgentPresence.objects.filter(user=w.outsider).update(last_assigned_at=_at(10))
        second = tickets_services.ticket_create(
            queue=queue, subject="Facture 2", body="Bonjour", requester_user=w.hr
        )
    assert second.assignee == w.agent


# --- Continuity ---------------------------------------------------------------------------
def test_continuity_switches_the_team_and_reports_and_tickets_the_gaps(w):
    equipped = active(w)
    provisioning = equipped.assignments.first().provisioning_ticket
    tickets_services.ticket_change_status(
        ticket=provisioning, status=Ticket.Status.RESOLVED, actor=w.it
    )
    for item in equipped.onboarding_items.filter(owner="it"):
        assert item.done_at is not None
    today = timezone.localdate()
    activation = services.continuity_activate(
        actor=w.hr,
        reason_kind="epidemic",
        reason="Grippe",
        starts_on=today,
        ends_on=today + dt.timedelta(days=14),
        team=w.team,
    )
    members = {m.employee: m for m in ContinuityMember.objects.filter(activation=activation)}
    assert set(members) == {w.agent, w.manager, w.outsider}
    assert members[w.agent].missing_equipment == []
    assert members[w.agent].ticket is None
    assert members[w.outsider].missing_equipment == ["Casque", "Ordinateur portable"] or members[
        w.outsider
    ].missing_equipment == ["Headset", "Laptop"]
    assert members[w.outsider].missing_onboarding
    assert members[w.outsider].ticket is not None
    assert activation.employee_count == 3
    assert activation.gap_count == 2
    assert all(
        m.agreement.status == "active" and m.agreement.kind == "exceptional"
        for m in members.values()
    )


def test_continuity_needs_people_in_scope(w):
    from accounts.tests.factories import TeamFactory

    empty = TeamFactory(name="Vide")
    with pytest.raises(ValidationError) as exc:
        services.continuity_activate(
            actor=w.hr,
            reason_kind="epidemic",
            reason="x",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            team=empty,
        )
    assert exc.value.code == "empty"


def test_reserve_pool_needs_consent_for_former_agents_and_logs_call_ups(w):
    with pytest.raises(ValidationError):
        services.reserve_member_save(actor=w.hr, full_name="Ancienne", category="former_agent")
    member = services.reserve_member_save(
        actor=w.hr,
        full_name="Ancienne",
        category="former_agent",
        consent=True,
        skills=["facturation", "Facturation"],
    )
    assert member.skills == ["facturation"]
    callup = services.callup_create(
        member=member,
        actor=w.manager,
        needed_from=timezone.localdate(),
        needed_until=timezone.localdate(),
        reason="Pic",
    )
    services.callup_answer(callup=callup, actor=w.manager, answer="accepted")
    with pytest.raises(ValidationError):
        services.callup_answer(callup=callup, actor=w.manager, answer="declined")
    services.reserve_consent_withdraw(member=member)
    with pytest.raises(ValidationError):
        services.callup_create(
            member=member,
            actor=w.manager,
            needed_from=timezone.localdate(),
            needed_until=timezone.localdate(),
            reason="Pic",
        )
