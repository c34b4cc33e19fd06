"""Stage rules, the "fix service first" warning, feedback to the agent, onboarding,
escalation and reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Notification
from crm.models import Activity
from sales import services
from sales.models import Opportunity, OpportunityEvent, Stage
from sales.registry import ServiceWarning, register_warning_provider
from sales.tests.clock import at, paris
from sales.tests.factories import accepted, flag, floor
from tickets.models import Ticket
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


def _messages(info) -> str:
    return " ".join(info.value.messages)


# --- Stage rules ------------------------------------------------------------------------
def test_transition_table_is_the_one_place_moves_are_decided():
    assert services.transition_allowed(Stage.PROPOSAL, Stage.WON)
    assert not services.transition_allowed(Stage.WON, Stage.NEW)
    assert not services.transition_allowed(Stage.WON, Stage.LOST)
    assert services.transition_allowed(Stage.LOST, Stage.CONTACTED)
    assert services.TRANSITIONS[Stage.WON] == frozenset()


def test_won_cannot_go_back_to_new_and_nothing_is_written():
    f = floor()
    opportunity = accepted(f)
    opportunity = services.opportunity_move(
        opportunity=opportunity, actor=opportunity.owner, stage=Stage.WON
    )
    version = opportunity.version
    with pytest.raises(ValidationError) as info:
        services.opportunity_move(opportunity=opportunity, actor=opportunity.owner, stage=Stage.NEW)
    assert str(
        services.ERROR_TRANSITION % {"old": Stage.WON.label, "new": Stage.NEW.label}
    ) in _messages(info)
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.version) == (Stage.WON, version)


def test_lost_needs_a_reason_from_the_admin_list():
    f = floor()
    opportunity = accepted(f)
    with pytest.raises(ValidationError) as info:
        services.opportunity_move(
            opportunity=opportunity, actor=opportunity.owner, stage=Stage.LOST
        )
    assert str(services.ERROR_LOST_REASON) in _messages(info)
    f.price.is_active = False
    f.price.save()
    with pytest.raises(ValidationError):
        services.opportunity_move(
            opportunity=opportunity, actor=opportunity.owner, stage=Stage.LOST, lost_reason=f.price
        )
    assert Opportunity.objects.get().stage == Stage.NEW


def test_a_handoff_must_be_accepted_before_it_is_worked():
    f = floor()
    opportunity = flag(f)
    with pytest.raises(ValidationError) as info:
        services.opportunity_move(
            opportunity=opportunity, actor=opportunity.owner, stage=Stage.CONTACTED
        )
    assert str(services.ERROR_NOT_ACCEPTED) in _messages(info)


def test_only_the_owner_accepts_and_only_once():
    f = floor()
    opportunity = flag(f)
    other = f.other_rep if opportunity.owner == f.rep else f.rep
    with pytest.raises(ValidationError):
        services.opportunity_accept(opportunity=opportunity, actor=other)
    services.opportunity_accept(opportunity=opportunity, actor=opportunity.owner)
    with pytest.raises(ValidationError) as info:
        services.opportunity_accept(opportunity=opportunity, actor=opportunity.owner)
    assert str(services.ERROR_ALREADY_ACCEPTED) in _messages(info)


def test_a_stale_version_is_refused():
    f = floor()
    opportunity = accepted(f)
    old = opportunity.version
    services.opportunity_update(opportunity=opportunity, actor=opportunity.owner, amount="2000")
    with pytest.raises(services.StaleOpportunityError):
        services.opportunity_move(
            opportunity=opportunity, actor=opportunity.owner, stage=Stage.CONTACTED,
            expected_version=old,
        )  # fmt: skip
    assert Opportunity.objects.get().stage == Stage.NEW


def test_probability_follows_the_stage_unless_set_by_hand():
    f = floor()
    opportunity = accepted(f)
    opportunity = services.opportunity_move(
        opportunity=opportunity, actor=opportunity.owner, stage=Stage.QUALIFIED
    )
    assert opportunity.probability == 40
    opportunity = services.opportunity_update(
        opportunity=opportunity, actor=opportunity.owner, probability=75
    )
    opportunity = services.opportunity_move(
        opportunity=opportunity, actor=opportunity.owner, stage=Stage.PROPOSAL
    )
    assert (opportunity.probability, opportunity.probability_overridden) == (75, True)
    services.stage_probability_set(stage=Stage.PROPOSAL, probability=65)
    opportunity.refresh_from_db()
    assert opportunity.probability == 75
    opportunity = services.opportunity_update(
        opportunity=opportunity, actor=opportunity.owner, probability=None
    )
    assert opportunity.probability == 65
    assert opportunity.weighted_amount == Decimal("780.00")


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("amount", "-5", services.ERROR_AMOUNT_NEGATIVE),
        ("amount", "1e12", services.ERROR_AMOUNT_ABSURD),
        ("amount", "NaN", services.ERROR_AMOUNT_ABSURD),
        ("probability", 101, services.ERROR_PROBABILITY),
        ("next_step", "x" * 201, services.ERROR_NEXT_STEP_TOO_LONG),
    ],
)
def test_bad_edits_are_refused_with_their_message(field, value, error):
    f = floor()
    opportunity = accepted(f)
    with pytest.raises(ValidationError) as info:
        services.opportunity_update(
            opportunity=opportunity, actor=opportunity.owner, **{field: value}
        )
    assert str(error) in _messages(info)


def test_a_close_date_in_1900_is_refused():
    f = floor()
    opportunity = accepted(f)
    with pytest.raises(ValidationError) as info:
        services.opportunity_update(
            opportunity=opportunity,
            actor=opportunity.owner,
            expected_close_date=dt.date(1900, 1, 1),
        )
    assert "expected_close_date" in info.value.message_dict


# --- The service warning ------------------------------------------------------------------
def test_an_open_complaint_blocks_past_contacted_until_acknowledged():
    f = floor()
    complaint = open_ticket(f.desk, queue=f.complaints, contact=f.customer, subject="Coupures")
    opportunity = accepted(f)
    opportunity = services.opportunity_move(
        opportunity=opportunity, actor=opportunity.owner, stage=Stage.CONTACTED
    )
    with pytest.raises(ValidationError) as info:
        services.opportunity_move(
            opportunity=opportunity, actor=opportunity.owner, stage=Stage.QUALIFIED
        )
    assert str(services.ERROR_WARNING_UNACKNOWLEDGED) in _messages(info)
    with pytest.raises(ValidationError) as info:
        services.opportunity_acknowledge_warning(
            opportunity=opportunity, actor=opportunity.owner, comment="   "
        )
    assert str(services.ERROR_ACK_COMMENT) in _messages(info)
    opportunity = services.opportunity_acknowledge_warning(
        opportunity=opportunity, actor=opportunity.owner, comment="Je vois avec le service d'abord"
    )
    assert opportunity.warning_ack_by == opportunity.owner
    assert opportunity.warning_ack_at is not None
    assert opportunity.warning_ack_keys == [f"complaint:{complaint.pk}"]
    opportunity = services.opportunity_move(
        opportunity=opportunity, actor=opportunity.owner, stage=Stage.QUALIFIED
    )
    assert opportunity.stage == Stage.QUALIFIED
    # A new complaint after the acknowledgement asks for a new one.
    open_ticket(f.desk, queue=f.complaints, contact=f.customer, subject="Encore")
    with pytest.raises(ValidationError):
        services.opportunity_move(opportunity=opportunity, actor=opportunity.owner, stage=Stage.WON)


def test_a_resolved_complaint_does_not_warn_and_there_is_nothing_to_acknowledge():
    f = floor()
    complaint = open_ticket(f.desk, queue=f.complaints, contact=f.customer)
    Ticket.objects.filter(pk=complaint.pk).update(status=Ticket.Status.RESOLVED)
    opportunity = accepted(f)
    with pytest.raises(ValidationError) as info:
        services.opportunity_acknowledge_warning(
            opportunity=opportunity, actor=opportunity.owner, comment="ok"
        )
    assert str(services.ERROR_NO_WARNING) in _messages(info)
    services.opportunity_move(opportunity=opportunity, actor=opportunity.owner, stage=Stage.WON)


def test_a_registered_warning_provider_raises_the_warning(monkeypatch):
    from sales import registry

    monkeypatch.setattr(registry, "_warning_providers", {})
    register_warning_provider(
        "surveys", lambda contact: [ServiceWarning(key="survey:1", text="CSAT 1/5 hier")]
    )
    f = floor()
    opportunity = accepted(f)
    with pytest.raises(ValidationError):
        services.opportunity_move(opportunity=opportunity, actor=opportunity.owner, stage=Stage.WON)
    services.opportunity_acknowledge_warning(
        opportunity=opportunity, actor=opportunity.owner, comment="Rappel du client d'abord"
    )
    services.opportunity_move(opportunity=opportunity, actor=opportunity.owner, stage=Stage.WON)


# --- Feedback to the agent --------------------------------------------------------------------
@pytest.mark.parametrize("outcome", [Stage.WON, Stage.LOST])
def test_the_agent_is_told_when_accepted_and_when_won_or_lost(outcome):
    f = floor()
    opportunity = accepted(f)
    services.opportunity_move(
        opportunity=opportunity, actor=opportunity.owner, stage=outcome, lost_reason=f.price
    )
    titles = list(
        Notification.objects.filter(recipient=f.agent)
        .order_by("pk")
        .values_list("title", flat=True)
    )
    reference = opportunity.reference
    assert len(titles) == 2
    assert all(reference in t for t in titles)
    kind = "opportunity_won" if outcome == Stage.WON else "opportunity_lost"
    assert Activity.objects.filter(contact=f.customer, kind=kind).count() == 1


# --- Back to service ---------------------------------------------------------------------------
def test_a_won_opportunity_opens_one_onboarding_ticket_linked_both_ways():
    f = floor()
    opportunity = accepted(f)
    with pytest.raises(ValidationError) as info:
        services.opportunity_open_onboarding(
            opportunity=opportunity, actor=opportunity.owner, queue=f.desk.queue
        )
    assert str(services.ERROR_ONBOARDING_NOT_WON) in _messages(info)
    opportunity = services.opportunity_move(
        opportunity=opportunity, actor=opportunity.owner, stage=Stage.WON
    )
    ticket = services.opportunity_open_onboarding(
        opportunity=opportunity, actor=opportunity.owner, queue=f.desk.queue
    )
    assert ticket.contact == f.customer
    assert ticket.queue == f.desk.queue
    assert "Fibre Pro" in ticket.messages.get().body_text
    assert ticket.onboarding_for.pk == opportunity.pk
    assert Opportunity.objects.get().onboarding_ticket == ticket
    with pytest.raises(ValidationError):
        services.opportunity_open_onboarding(
            opportunity=opportunity, actor=opportunity.owner, queue=f.desk.queue
        )
    assert Ticket.objects.filter(onboarding_for__isnull=False).count() == 1


def test_onboarding_needs_an_open_service_queue():
    f = floor()
    opportunity = accepted(f)
    opportunity = services.opportunity_move(
        opportunity=opportunity, actor=opportunity.owner, stage=Stage.WON
    )
    with pytest.raises(ValidationError):
        services.opportunity_open_onboarding(
            opportunity=opportunity, actor=opportunity.owner, queue=f.desk.it_queue
        )


# --- Escalation and reminders ------------------------------------------------------------------
def test_unaccepted_handoffs_escalate_after_the_delay_in_business_hours():
    f = floor(accept_within_minutes=120)
    with at(paris(2026, 3, 6, 17)):  # Friday 17:00: one business hour left that day
        late = flag(f)
        on_time = flag(f)
    assert late.acceptance_due_at == paris(2026, 3, 9, 10)  # Monday 10:00
    with at(paris(2026, 3, 9, 9, 30)):
        services.opportunity_accept(opportunity=on_time, actor=on_time.owner)
        assert services.handoff_escalation_sweep().claimed == 0
    with at(paris(2026, 3, 9, 10)):
        result = services.handoff_escalation_sweep()
    assert result.claimed == 1
    assert result.notifications == 1
    late.refresh_from_db()
    assert late.escalated_at == paris(2026, 3, 9, 10)
    notification = Notification.objects.filter(recipient=f.lead).get()
    assert late.reference in notification.title
    assert OpportunityEvent.objects.filter(opportunity=late, kind="escalated").count() == 1
    with at(paris(2026, 3, 9, 11)):
        assert services.handoff_escalation_sweep().claimed == 0  # claimed once only


def test_escalation_goes_to_the_policy_contact_when_set():
    f = floor(accept_within_minutes=60)
    f.policy.escalate_to = f.other_rep
    f.policy.save()
    services.rep_availability_set(user=f.other_rep, available=False)
    with at(paris(2026, 3, 2, 9)):
        flag(f)
    with at(paris(2026, 3, 2, 10)):
        services.handoff_escalation_sweep()
    assert Notification.objects.filter(recipient=f.other_rep).count() == 1
    assert not Notification.objects.filter(recipient=f.lead).exists()


def test_next_step_reminders_are_sent_once_when_due():
    f = floor()
    opportunity = accepted(f)
    with at(paris(2026, 3, 2, 9)):
        services.opportunity_update(
            opportunity=opportunity, actor=opportunity.owner, next_step="Envoyer le devis",
            next_step_due_at=paris(2026, 3, 3, 14),
        )  # fmt: skip
    before = Notification.objects.filter(recipient=opportunity.owner).count()
    with at(paris(2026, 3, 3, 13)):
        assert services.next_step_reminder_sweep().claimed == 0
    with at(paris(2026, 3, 3, 14)):
        assert services.next_step_reminder_sweep().claimed == 1
        assert services.next_step_reminder_sweep().claimed == 0
    assert Notification.objects.filter(recipient=opportunity.owner).count() == before + 1
