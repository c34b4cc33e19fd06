"""The live view: figures, colours, drill-downs matching the figures, actions, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from quality.live.figures import live_view
from quality.models import QueueThreshold
from quality.selectors import supervision_scope
from telephony.models import PhoneCall
from tickets import services as desk
from tickets.models import AgentPresence, Ticket
from tickets.tests.factories import QueueFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor():
    agent = UserFactory(roles=[Role.AGENT], first_name="Alice", last_name="Agent")
    other = UserFactory(roles=[Role.AGENT], first_name="Bruno", last_name="Agent")
    supervisor = UserFactory(roles=[Role.SUPERVISOR, Role.AGENT])
    team = TeamFactory(name="Niveau 1", members=[agent, other, supervisor])
    queue = QueueFactory(name="Support", team=team, agent_open_ticket_cap=3)
    foreign = QueueFactory(name="Ailleurs")
    now = timezone.now()
    past = now - dt.timedelta(hours=2)
    for i in range(3):
        TicketFactory(
            queue=queue,
            sla_next_due_at=past,
            sla_breached_at=past,
            assignee=agent,
            created_at=now - dt.timedelta(hours=5 + i),
        )
    TicketFactory(queue=queue, sla_next_due_at=now + dt.timedelta(minutes=30))
    TicketFactory(queue=queue, status=Ticket.Status.PENDING_CUSTOMER)
    TicketFactory(queue=queue, status=Ticket.Status.RESOLVED, created_at=now - dt.timedelta(days=3))
    TicketFactory(queue=foreign, sla_next_due_at=past, sla_breached_at=past)
    PhoneCall.objects.create(
        external_id="w1",
        dialled_number="+33100000000",
        queue=queue,
        offered_at=now - dt.timedelta(seconds=90),
    )
    PhoneCall.objects.create(
        external_id="t1",
        dialled_number="+33100000000",
        queue=queue,
        offered_at=now,
        agent=agent,
        status=PhoneCall.Status.TALKING,
        caller_number="+33612345678",
    )
    desk.presence_set(user=agent, status=AgentPresence.Status.AVAILABLE)
    desk.presence_set(user=other, status=AgentPresence.Status.AWAY)
    return {
        "agent": agent,
        "other": other,
        "supervisor": supervisor,
        "team": team,
        "queue": queue,
        "foreign": foreign,
    }


def _login(client, user):
    client.force_login(user)


def test_the_figures_per_queue_team_and_agent(floor):
    view = live_view(scope=supervision_scope(user=floor["supervisor"]))
    (row,) = view.queues
    values = {k: c.value for k, c in row.cells.items()}
    assert values["backlog"] == 5
    assert values["unassigned"] == 2
    assert values["pending"] == 1
    assert values["breached"] == 3
    assert values["breaching"] == 1
    assert values["calls_waiting"] == 1
    assert values["longest_wait_s"] >= 90
    assert values["oldest_minutes"] >= 7 * 60 - 1
    assert row.cells["breached"].level == "danger"  # red without any threshold set
    assert view.teams[0].cells["backlog"].value == 5
    agents = {a.user.pk: a for a in view.agents}
    alice = agents[floor["agent"].pk]
    assert (alice.state, alice.load, alice.cap, alice.current_call) == (
        "present",
        3,
        3,
        "+33612345678",
    )
    assert agents[floor["other"].pk].state == "away"


def test_thresholds_colour_the_figures(floor):
    QueueThreshold.objects.create(queue=floor["queue"], metric="backlog", warn_at=4, alert_at=10)
    (row,) = live_view(scope=supervision_scope(user=floor["supervisor"])).queues
    assert row.cells["backlog"].level == "warning"


def test_each_drill_down_lists_exactly_the_tickets_of_its_figure(client, floor):
    _login(client, floor["supervisor"])
    (row,) = live_view(scope=supervision_scope(user=floor["supervisor"])).queues
    for metric in ("backlog", "unassigned", "pending", "breaching", "breached", "new_today"):
        response = client.get(
            reverse("quality:drill"), {"queue": floor["queue"].pk, "metric": metric}
        )
        assert response.status_code == 200
        assert response.context["page"].paginator.count == row.cells[metric].value, metric


def test_the_supervisor_lands_on_the_live_view_and_its_query_count_is_constant(
    client, floor, django_assert_max_num_queries
):
    _login(client, floor["supervisor"])
    assert client.get(reverse("accounts:home"))["Location"] == reverse("quality:live")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("quality:live"))
    assert response.status_code == 200
    for _i in range(5):
        queue = QueueFactory(team=floor["team"])
        TicketFactory.create_batch(3, queue=queue)
        member = UserFactory(roles=[Role.AGENT])
        floor["team"].members.add(member)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("quality:live"), HTTP_HX_REQUEST="true").status_code == 200


def test_the_live_page_refreshes_itself_only_while_visible(client, floor):
    _login(client, floor["supervisor"])
    page = client.get(reverse("quality:live")).content.decode()
    assert "every 5s [document.visibilityState === &#x27;visible&#x27;]" in page or (
        "every 5s [document.visibilityState === 'visible']" in page
    )
    fragment = client.get(reverse("quality:live"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert 'data-metric="breached"' in fragment


def test_a_supervisor_reassigns_in_bulk_and_the_figure_changes(client, floor):
    _login(client, floor["supervisor"])
    breached = list(Ticket.objects.filter(queue=floor["queue"], sla_breached_at__isnull=False))
    response = client.post(
        reverse("quality:reassign"),
        {
            "tickets": [t.pk for t in breached[:2]],
            "assignee": floor["other"].pk,
        },
    )
    assert response.status_code == 302
    assert Ticket.objects.filter(assignee=floor["other"]).count() == 2
    agents = {
        a.user.pk: a for a in live_view(scope=supervision_scope(user=floor["supervisor"])).agents
    }
    assert agents[floor["agent"].pk].load == 1
    assert agents[floor["other"].pk].load == 2


def test_reassigning_refuses_foreign_hostile_and_missing_input(client, floor):
    _login(client, floor["supervisor"])
    foreign = Ticket.objects.get(queue=floor["foreign"])
    outsider = UserFactory(roles=[Role.AGENT])
    for data in (
        {"tickets": [foreign.pk], "assignee": floor["other"].pk},
        {"tickets": ["1 OR 1=1", "<script>"], "assignee": floor["other"].pk},
        {"tickets": [], "assignee": floor["other"].pk},
        {
            "tickets": [Ticket.objects.filter(queue=floor["queue"]).first().pk],
            "assignee": outsider.pk,
        },
        {"tickets": ["9" * 40]},
    ):
        response = client.post(reverse("quality:reassign"), data)
        assert response.status_code == 302
    assert not Ticket.objects.filter(assignee__in=[floor["other"], outsider]).exists()
    assert Ticket.objects.get(pk=foreign.pk).assignee is None


def test_a_supervisor_sets_an_agent_away_but_not_an_outsider(client, floor):
    _login(client, floor["supervisor"])
    client.post(reverse("quality:agent_away"), {"agent": floor["agent"].pk})
    assert AgentPresence.objects.get(user=floor["agent"]).status == "away"
    outsider = UserFactory(roles=[Role.AGENT])
    desk.presence_set(user=outsider, status="available")
    client.post(reverse("quality:agent_away"), {"agent": outsider.pk})
    client.post(reverse("quality:agent_away"), {"agent": "x' OR 1"})
    assert AgentPresence.objects.get(user=outsider).status == "available"


def test_supervisors_see_only_their_teams_queues(floor):
    view = live_view(scope=supervision_scope(user=floor["supervisor"]))
    assert [r.key for r in view.queues] == [floor["queue"].pk]
    admin = UserFactory(roles=[Role.ADMIN])
    assert len(live_view(scope=supervision_scope(user=admin)).queues) == 2


@pytest.mark.parametrize("role", [Role.AGENT, Role.SALES, Role.MARKETING, Role.IT, Role.HR])
def test_other_roles_are_refused_the_live_pages(client, floor, role):
    _login(client, UserFactory(roles=[role]))
    for name in ("quality:live", "quality:drill", "quality:staffing"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("quality:reassign"), {}).status_code == 403
    assert client.post(reverse("quality:agent_away"), {}).status_code == 403


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("quality:live"))
    assert response.status_code == 302
    assert "login" in response["Location"]
