from __future__ import annotations

import base64
import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from crm.models import Activity, Tag
from crm.tests.factories import ContactFactory
from tickets import services, timeline
from tickets.api import ERROR_NOT_YOURS
from tickets.models import Attachment, Message, Priority, Ticket, TicketEvent
from tickets.serializers import ERROR_UNKNOWN_QUEUE, ERROR_UNKNOWN_TICKET
from tickets.tests.factories import CategoryFactory, Desk, TicketFactory, open_ticket

pytestmark = pytest.mark.django_db

QUEUES = "/api/v1/queues/"
TICKETS = "/api/v1/tickets/"
WRITTEN_MODELS = [Ticket, Message, TicketEvent, Activity, Attachment, Tag]
OUTPUT_FIELDS = {
    "id", "number", "subject", "status", "priority", "channel", "queue", "contact",
    "requester_user", "organisation", "assignee", "team", "category", "tags", "created_at",
    "updated_at", "first_response_at", "resolved_at", "closed_at", "first_response_due_at",
    "resolution_due_at", "sla_state", "merged_into", "version", "url",
}  # fmt: skip


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN_MODELS}


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ticket_url(ticket: Ticket, suffix: str = "") -> str:
    return f"{TICKETS}{ticket.pk}/{suffix}"


def ids(response: Any) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def agent(helpdesk: Desk) -> APIClient:
    return client_for(helpdesk.agent)


# --- Permissions ------------------------------------------------------------------------
def _endpoints(desk: Desk) -> list[tuple[str, str, dict[str, Any]]]:
    ticket = open_ticket(desk)
    other = open_ticket(desk, subject="Autre")
    return [
        ("get", QUEUES, {}),
        ("get", f"{QUEUES}{desk.queue.pk}/", {}),
        ("get", TICKETS, {}),
        ("post", TICKETS, {"queue": desk.queue.pk, "contact": ContactFactory().pk,
                           "subject": "Panne", "body": "Rien ne marche."}),
        ("get", ticket_url(ticket), {}),
        ("patch", ticket_url(ticket), {"subject": "Nouveau sujet"}),
        ("get", ticket_url(ticket, "messages/"), {}),
        ("post", ticket_url(ticket, "messages/"), {"body": "Bonjour"}),
        ("post", ticket_url(ticket, "assign/"), {"assignee": desk.agent.pk}),
        ("post", ticket_url(ticket, "merge/"), {"target": other.pk}),
    ]  # fmt: skip


ENDPOINT_COUNT = 10


@pytest.mark.parametrize("index", range(ENDPOINT_COUNT))
def test_each_endpoint_answers_401_to_anonymous_clients(helpdesk, api_client, index):
    method, url, payload = _endpoints(helpdesk)[index]
    before = row_counts()
    response = getattr(api_client, method)(url, payload)
    assert response.status_code == 401
    assert row_counts() == before


@pytest.mark.parametrize("role", [Role.HR, Role.SALES, Role.MARKETING])
@pytest.mark.parametrize("index", range(ENDPOINT_COUNT))
def test_each_endpoint_refuses_roles_outside_the_desk_and_writes_nothing(
    helpdesk, role_api_client, role, index
):
    method, url, payload = _endpoints(helpdesk)[index]
    client = role_api_client(role)
    before = row_counts()
    response = getattr(client, method)(url, payload)
    assert response.status_code == 403, response.json()
    assert "detail" in response.json()
    assert row_counts() == before


@pytest.mark.parametrize("index", range(2, ENDPOINT_COUNT))
def test_each_endpoint_serves_the_desk(helpdesk, index):
    method, url, payload = _endpoints(helpdesk)[index]
    # Merging is for supervisors and admins (tickets.permissions.TICKETS_SUPERVISE).
    worker = helpdesk.supervisor if url.endswith("merge/") else helpdesk.agent
    response = getattr(client_for(worker), method)(url, payload)
    assert response.status_code in {200, 201}, response.json()


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", {}),
        ("patch", "", {"subject": "x"}),
        ("get", "messages/", {}),
        ("post", "messages/", {"body": "x"}),
        ("post", "assign/", {"assignee": None}),
    ],
)
def test_an_agent_of_another_team_gets_a_404_and_writes_nothing(helpdesk, method, suffix, payload):
    ticket = open_ticket(helpdesk)
    before = row_counts()
    response = getattr(client_for(helpdesk.outsider), method)(ticket_url(ticket, suffix), payload)
    assert response.status_code == 404
    assert row_counts() == before


def test_an_agent_may_not_merge_tickets_as_on_the_pages(helpdesk, agent):
    source, target = open_ticket(helpdesk), open_ticket(helpdesk, subject="Cible")
    before = row_counts()
    response = agent.post(ticket_url(source, "merge/"), {"target": target.pk})
    assert response.status_code == 403
    assert row_counts() == before
    assert agent.options(ticket_url(source, "merge/")).status_code == 403


def test_unknown_tickets_are_a_json_404(agent):
    response = agent.get(f"{TICKETS}999999/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_queues_are_listed_per_team(helpdesk):
    response = client_for(helpdesk.agent).get(QUEUES)
    assert response.status_code == 200
    assert [q["id"] for q in response.json()["results"]] == [helpdesk.queue.pk]
    assert response.json()["results"][0]["team"] == {
        "id": helpdesk.team.pk,
        "name": helpdesk.team.name,
    }
    assert response.json()["results"][0]["default_priority"] == "normal"
    everything = client_for(helpdesk.supervisor).get(QUEUES).json()["results"]
    assert {q["id"] for q in everything} == {
        helpdesk.queue.pk,
        helpdesk.other_queue.pk,
        helpdesk.it_queue.pk,
    }
    it_only = client_for(helpdesk.it_agent).get(QUEUES).json()["results"]
    assert [q["id"] for q in it_only] == [helpdesk.it_queue.pk]


def test_a_queue_of_another_team_is_a_404(helpdesk):
    agent = client_for(helpdesk.agent)
    assert agent.get(f"{QUEUES}{helpdesk.other_queue.pk}/").status_code == 404
    response = agent.get(f"{QUEUES}{helpdesk.queue.pk}/")
    assert response.status_code == 200
    assert response.json()["name"] == helpdesk.queue.name


def test_a_queue_shared_with_a_team_is_listed_for_its_members(helpdesk):
    helpdesk.other_queue.visible_to.add(helpdesk.team)
    response = client_for(helpdesk.agent).get(QUEUES)
    assert {q["id"] for q in response.json()["results"]} == {
        helpdesk.queue.pk,
        helpdesk.other_queue.pk,
    }


# --- Staff requesters of internal IT requests --------------------------------------------
@pytest.fixture
def it_request(helpdesk: Desk) -> tuple[Any, Ticket]:
    requester = UserFactory(roles=[Role.HR])
    ticket = services.it_request_create(
        requester=requester, subject="Écran noir", body="Mon écran reste noir."
    )
    services.ticket_reply(
        ticket=ticket, author=helpdesk.it_agent, body="Note interne", kind=Message.Kind.NOTE
    )
    services.ticket_reply(ticket=ticket, author=helpdesk.it_agent, body="Redémarrez-le ?")
    return requester, ticket


def test_the_requester_of_an_it_request_reads_it_and_its_public_messages_only(it_request):
    requester, ticket = it_request
    client = client_for(requester)
    response = client.get(ticket_url(ticket))
    assert response.status_code == 200
    assert response.json()["requester_user"]["id"] == requester.pk
    response = client.get(ticket_url(ticket, "messages/"))
    assert response.status_code == 200
    kinds = [m["kind"] for m in response.json()["results"]]
    assert kinds == ["public", "public"]


def test_the_it_desk_sees_internal_notes(helpdesk, it_request):
    _requester, ticket = it_request
    response = client_for(helpdesk.it_agent).get(ticket_url(ticket, "messages/"))
    assert [m["kind"] for m in response.json()["results"]] == ["public", "note", "public"]


def test_the_requester_answers_as_the_customer_would(it_request):
    requester, ticket = it_request
    services.ticket_change_status(ticket=ticket, status="pending_customer", actor=None)
    response = client_for(requester).post(ticket_url(ticket, "messages/"), {"body": "Toujours"})
    assert response.status_code == 201, response.json()
    assert response.json()["direction"] == "in"
    assert response.json()["author"]["id"] == requester.pk
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_the_requester_cannot_write_notes_nor_change_the_ticket(it_request):
    requester, ticket = it_request
    client = client_for(requester)
    before = row_counts()
    response = client.post(ticket_url(ticket, "messages/"), {"body": "x", "kind": "note"})
    assert response.status_code == 403
    response = client.post(ticket_url(ticket, "messages/"), {"body": "x", "status": "resolved"})
    assert response.status_code == 400
    assert client.patch(ticket_url(ticket), {"subject": "x"}).status_code == 403
    assert client.post(ticket_url(ticket, "assign/"), {"assignee": None}).status_code == 403
    assert client.get(TICKETS).status_code == 403
    assert row_counts() == before


def test_other_staff_cannot_read_someone_elses_request(it_request, role_api_client):
    _requester, ticket = it_request
    response = role_api_client(Role.HR).get(ticket_url(ticket))
    assert response.status_code == 403


def test_a_desk_agent_who_raised_an_it_request_follows_it_but_cannot_work_it(helpdesk):
    ticket = services.it_request_create(requester=helpdesk.agent, subject="VPN", body="KO")
    client = client_for(helpdesk.agent)
    assert client.get(ticket_url(ticket)).status_code == 200
    response = client.patch(ticket_url(ticket), {"priority": "urgent"})
    assert response.status_code == 403
    assert response.json()["detail"] == str(ERROR_NOT_YOURS)


# --- Ticket list ------------------------------------------------------------------------
def test_the_list_shows_every_status_by_default_with_the_documented_fields(helpdesk, agent):
    open_one = open_ticket(helpdesk, tags=["box", "fibre"], assignee=helpdesk.agent)
    closed = TicketFactory(queue=helpdesk.queue, status=Ticket.Status.CLOSED)
    TicketFactory(queue=helpdesk.other_queue)  # another team's: never listed
    response = agent.get(TICKETS)
    assert response.status_code == 200
    assert set(ids(response)) == {open_one.pk, closed.pk}
    row = next(r for r in response.json()["results"] if r["id"] == open_one.pk)
    assert set(row) == OUTPUT_FIELDS
    assert row["number"] == open_one.number
    assert row["priority"] == "normal"
    assert row["status"] == "new"
    assert row["tags"] == ["box", "fibre"]
    assert row["queue"] == {"id": helpdesk.queue.pk, "name": helpdesk.queue.name}
    assert row["assignee"] == {"id": helpdesk.agent.pk, "name": helpdesk.agent.get_full_name()}
    assert row["contact"]["id"] == open_one.contact_id
    assert row["team"] == helpdesk.team.pk
    assert row["sla_state"] == "ok"
    assert row["first_response_due_at"] is not None
    assert row["url"] == f"http://testserver{open_one.get_absolute_url()}"
    assert "next" in response.json()
    assert "count" not in response.json()


def _list(client: APIClient, **params: Any) -> set[int]:
    response = client.get(TICKETS, params)
    assert response.status_code == 200, response.json()
    return set(ids(response))


def test_the_list_filters_by_status(helpdesk, agent):
    new = TicketFactory(queue=helpdesk.queue, status=Ticket.Status.NEW)
    pending = TicketFactory(queue=helpdesk.queue, status=Ticket.Status.PENDING_CUSTOMER)
    resolved = TicketFactory(queue=helpdesk.queue, status=Ticket.Status.RESOLVED)
    assert _list(agent, status="resolved") == {resolved.pk}
    assert _list(agent, status="active") == {new.pk, pending.pk}
    assert _list(agent, status="all") == {new.pk, pending.pk, resolved.pk}


def test_the_list_filters_by_queue(helpdesk, agent):
    helpdesk.other_queue.visible_to.add(helpdesk.team)
    mine = TicketFactory(queue=helpdesk.queue)
    shared = TicketFactory(queue=helpdesk.other_queue)
    assert _list(agent, queue=helpdesk.other_queue.pk) == {shared.pk}
    assert _list(agent, queue=helpdesk.queue.pk) == {mine.pk}
    # A queue the agent cannot see lists nothing rather than its tickets.
    TicketFactory(queue=helpdesk.it_queue)
    assert _list(agent, queue=helpdesk.it_queue.pk) == set()


def test_the_list_filters_by_assignee_id_me_and_none(helpdesk, agent):
    mine = TicketFactory(queue=helpdesk.queue, assignee=helpdesk.agent)
    theirs = TicketFactory(queue=helpdesk.queue, assignee=helpdesk.other_agent)
    nobody = TicketFactory(queue=helpdesk.queue, assignee=None)
    assert _list(agent, assignee="me") == {mine.pk}
    assert _list(agent, assignee=str(helpdesk.other_agent.pk)) == {theirs.pk}
    assert _list(agent, assignee="none") == {nobody.pk}
    assert agent.get(TICKETS, {"assignee": "someone"}).status_code == 400


def test_the_list_filters_by_priority_and_channel(helpdesk, agent):
    urgent = TicketFactory(queue=helpdesk.queue, priority=Priority.URGENT)
    phone = TicketFactory(queue=helpdesk.queue, channel=Ticket.Channel.PHONE)
    assert _list(agent, priority="urgent") == {urgent.pk}
    assert _list(agent, channel="phone") == {phone.pk}
    assert agent.get(TICKETS, {"priority": "4"}).status_code == 400
    assert agent.get(TICKETS, {"channel": "pigeon"}).status_code == 400


def test_the_list_filters_breaching_tickets(helpdesk, agent):
    now = timezone.now()
    late = TicketFactory(queue=helpdesk.queue, sla_next_due_at=now - dt.timedelta(minutes=5))
    soon = TicketFactory(queue=helpdesk.queue, sla_next_due_at=now + dt.timedelta(minutes=30))
    later = TicketFactory(queue=helpdesk.queue, sla_next_due_at=now + dt.timedelta(days=2))
    paused = TicketFactory(queue=helpdesk.queue, sla_next_due_at=None)
    # Issue 9: "breaching" is within the next hour and not passed; passed is "breached".
    response = agent.get(TICKETS, {"breaching": "true"})
    assert ids(response) == [soon.pk]
    assert _list(agent, view="breaching") == {soon.pk}
    assert _list(agent, breaching="false") == {late.pk, later.pk, paused.pk}
    assert ids(agent.get(TICKETS, {"breached": "true"})) == [late.pk]
    assert _list(agent, view="breached") == {late.pk}
    assert _list(agent, breached="false") == {soon.pk, later.pk, paused.pk}


def test_the_list_searches_by_number_and_subject(helpdesk, agent):
    box = TicketFactory(queue=helpdesk.queue, subject="Box en panne")
    invoice = TicketFactory(queue=helpdesk.queue, subject="Facture erronée")
    assert _list(agent, search="facture") == {invoice.pk}
    assert _list(agent, search=box.number) == {box.pk}
    assert _list(agent, search=f"#{invoice.pk}") == {invoice.pk}


def test_the_list_views(helpdesk, agent):
    mine = TicketFactory(queue=helpdesk.queue, assignee=helpdesk.agent)
    nobody = TicketFactory(queue=helpdesk.queue)
    assert _list(agent, view="mine") == {mine.pk}
    assert _list(agent, view="unassigned") == {nobody.pk}
    assert _list(agent, view="team") == {mine.pk, nobody.pk}


def test_the_list_pages_with_a_cursor_without_gaps_or_repeats(helpdesk, agent):
    same_time = timezone.now()
    tickets = [
        TicketFactory(queue=helpdesk.queue, updated_at=same_time, priority=1 + n % 4)
        for n in range(7)
    ]
    for ordering in ["updated", "-updated", "priority", "created", "due"]:
        seen: list[int] = []
        url: str | None = f"{TICKETS}?page_size=3&ordering={ordering}"
        while url:
            response = agent.get(url)
            assert response.status_code == 200
            seen += ids(response)
            url = response.json()["next"]
        assert sorted(seen) == sorted(t.pk for t in tickets), ordering
        assert len(seen) == len(set(seen))
    # Back from the last page.
    first = agent.get(f"{TICKETS}?page_size=3&ordering=priority").json()
    second = agent.get(first["next"]).json()
    assert agent.get(second["previous"]).json()["results"] == first["results"]


def test_a_forged_cursor_is_refused(agent):
    for position in ['["x"]', '["x",1]', "not json", "[1,2,3]"]:
        cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
        response = agent.get(TICKETS, {"cursor": cursor})
        assert response.status_code == 404, position


def _many(desk: Desk, count: int) -> None:
    users = UserFactory.create_batch(3, roles=[Role.AGENT])
    desk.team.members.add(*users)
    category = CategoryFactory()
    now = timezone.now()
    for n in range(count):
        ticket = TicketFactory(
            queue=desk.queue,
            assignee=users[n % 3],
            category=category,
            sla_policy=desk.queue.sla_policies.first(),
            sla_next_due_at=now + dt.timedelta(minutes=10 + n),
            # One requester each (tickets_ticket_one_requester): both kinds, to count
            # the queries of both relations.
            contact=ContactFactory() if n % 2 else None,
            requester_user=None if n % 2 else users[(n + 1) % 3],
        )
        ticket.tags.set(Tag.objects.get_or_create(name=f"t{n}")[0:1])
        if n % 5 == 0:
            TicketFactory(queue=desk.queue, merged_into=ticket, status=Ticket.Status.CLOSED)


@pytest.mark.parametrize("count", [5, 60])
def test_the_list_costs_the_same_queries_for_5_or_60_tickets(
    helpdesk, django_assert_max_num_queries, count
):
    _many(helpdesk, count)
    client = client_for(helpdesk.agent)
    with django_assert_max_num_queries(5):
        response = client.get(TICKETS, {"page_size": 100, "ordering": "priority"})
    assert response.status_code == 200
    assert len(response.json()["results"]) >= count


# --- Create -----------------------------------------------------------------------------
def _create_payload(desk: Desk, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "queue": desk.queue.pk,
        "contact": ContactFactory().pk,
        "subject": "Plus d'internet",
        "body": "Depuis hier **soir**.",
        "channel": "phone",
        "priority": "high",
        "tags": ["fibre"],
    }
    payload.update(fields)
    return {k: v for k, v in payload.items() if v is not ...}


def test_creating_a_ticket_goes_through_the_service(helpdesk, agent):
    category = CategoryFactory()
    payload = _create_payload(helpdesk, category=category.pk, assignee=helpdesk.other_agent.pk)
    response = agent.post(TICKETS, payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert body["priority"] == "high"
    assert body["channel"] == "phone"
    assert body["tags"] == ["fibre"]
    assert body["category"] == {"id": category.pk, "name": category.name}
    assert body["assignee"]["id"] == helpdesk.other_agent.pk
    assert body["version"] == ticket.version
    assert ticket.priority == Priority.HIGH
    assert ticket.first_response_due_at is not None
    message = ticket.messages.get()
    assert message.body_html == "<p>Depuis hier <strong>soir</strong>.</p>"
    assert Activity.objects.filter(
        contact_id=payload["contact"], kind=timeline.TICKET_CREATED, actor=helpdesk.agent
    ).exists()
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.CREATED).exists()


def test_creating_an_internal_request_for_a_staff_member(helpdesk):
    requester = UserFactory(roles=[Role.HR])
    payload = _create_payload(
        helpdesk, queue=helpdesk.it_queue.pk, contact=..., requester_user=requester.pk
    )
    response = client_for(helpdesk.it_agent).post(TICKETS, payload)
    assert response.status_code == 201, response.json()
    assert response.json()["requester_user"]["id"] == requester.pk
    assert response.json()["contact"] is None


def test_a_script_in_the_body_is_stored_sanitised(helpdesk, agent):
    response = agent.post(
        TICKETS,
        _create_payload(
            helpdesk, body="<p>Bonjour</p><script>alert(1)</script>", body_format="html"
        ),
    )
    assert response.status_code == 201
    message = Message.objects.get(ticket_id=response.json()["id"])
    assert "<script" not in message.body_html
    assert message.body_html == "<p>Bonjour</p>"


def test_creating_a_ticket_costs_a_bounded_number_of_queries(
    helpdesk, agent, django_assert_max_num_queries
):
    agent.post(TICKETS, _create_payload(helpdesk))  # warms the SLA caches, as a server has
    payload = _create_payload(helpdesk, tags=...)
    # Queue, contact, ticket, message, event, timeline row (+ savepoint) and nothing per field;
    # then the customer-message hooks (triage: a savepoint and its score row; campaigns:
    # the attribution check and the codes to look for).
    with django_assert_max_num_queries(15):
        response = agent.post(TICKETS, payload)
    assert response.status_code == 201
    assert response.json()["tags"] == []


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"subject": ...}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"body": ...}, "body"),
        ({"body": "  \n "}, "body"),
        ({"queue": 999999}, "queue"),
        ({"queue": "other"}, "queue"),
        ({"priority": "extreme"}, "priority"),
        ({"priority": 2}, "priority"),
        ({"body": "x" * 200_000}, "body"),
        ({"subject": "Panne\x00"}, "subject"),
        ({"body": "Bonjour\x00"}, "body"),
        ({"contact": ...}, "contact"),
        ({"channel": "pigeon"}, "channel"),
        ({"contact": 999999}, "contact"),
        ({"tags": [f"t{n}" for n in range(30)]}, "tags"),
        ({"assignee": "outsider"}, "assignee"),
    ],
)
def test_bad_input_to_create_is_a_400_and_writes_nothing(helpdesk, agent, fields, error_field):
    replacements = {"other": helpdesk.other_queue.pk, "outsider": helpdesk.outsider.pk}
    fields = {k: replacements.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    before = row_counts()
    response = agent.post(TICKETS, _create_payload(helpdesk, **fields))
    assert response.status_code == 400, response.json()
    assert error_field in response.json(), response.json()
    assert row_counts() == before


def test_an_invisible_queue_is_refused_like_an_unknown_one(helpdesk, agent):
    response = agent.post(TICKETS, _create_payload(helpdesk, queue=helpdesk.other_queue.pk))
    assert response.json()["queue"] == [str(ERROR_UNKNOWN_QUEUE)]


def test_a_ticket_needs_a_customer_or_a_staff_requester(helpdesk, agent):
    response = agent.post(TICKETS, _create_payload(helpdesk, contact=...))
    assert response.json()["contact"] == [str(services.ERROR_REQUESTER_REQUIRED)]


# --- Retrieve and update ----------------------------------------------------------------
def test_retrieving_a_ticket(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    response = agent.get(ticket_url(ticket))
    assert response.status_code == 200
    assert set(response.json()) == OUTPUT_FIELDS
    assert response.json()["number"] == ticket.number


def test_patching_a_ticket_goes_through_the_service(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    response = agent.patch(
        ticket_url(ticket),
        {"subject": "Box HS", "priority": "urgent", "tags": ["vip"], "status": "open",
         "version": ticket.version},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["subject"] == "Box HS"
    assert body["priority"] == "urgent"
    assert body["status"] == "open"
    assert body["tags"] == ["vip"]
    assert body["version"] > ticket.version
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.PRIORITY).exists()


def test_patching_with_a_stale_version_is_a_409_and_writes_nothing(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    services.ticket_update(ticket=ticket, actor=helpdesk.other_agent, subject="Changé")
    response = agent.patch(ticket_url(ticket), {"subject": "Mien", "version": 1})
    assert response.status_code == 409
    assert response.json()["detail"] == str(services.ERROR_STALE)
    ticket.refresh_from_db()
    assert ticket.subject == "Changé"


def test_an_invalid_transition_is_a_400(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    response = agent.patch(ticket_url(ticket), {"status": "closed"})
    assert response.status_code == 400
    assert "status" in response.json()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW


def test_a_closed_ticket_cannot_be_patched(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    services.ticket_change_status(ticket=ticket, status="resolved", actor=None)
    services.ticket_change_status(ticket=ticket, status="closed", actor=None)
    response = agent.patch(ticket_url(ticket), {"subject": "x"})
    assert response.status_code == 400
    assert response.json()["detail"] == [str(services.ERROR_CLOSED)]


def test_moving_a_ticket_to_an_invisible_queue_is_refused(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    response = agent.patch(ticket_url(ticket), {"queue": helpdesk.other_queue.pk})
    assert response.status_code == 400
    assert response.json()["queue"] == [str(ERROR_UNKNOWN_QUEUE)]


# --- Messages ---------------------------------------------------------------------------
def test_messages_are_listed_oldest_first_with_notes_for_the_desk(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    services.ticket_reply(ticket=ticket, author=helpdesk.agent, body="Note", kind="note")
    services.ticket_reply(ticket=ticket, author=helpdesk.agent, body="Réponse")
    response = agent.get(ticket_url(ticket, "messages/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(m["kind"], m["direction"]) for m in rows] == [
        ("public", "in"),
        ("note", "out"),
        ("public", "out"),
    ]
    assert rows[2]["author"]["id"] == helpdesk.agent.pk
    assert rows[0]["author_contact"]["id"] == ticket.contact_id


def test_the_messages_list_costs_the_same_for_3_or_30_messages(
    helpdesk, agent, django_assert_max_num_queries
):
    small, big = open_ticket(helpdesk), open_ticket(helpdesk)
    for n in range(29):
        services.ticket_reply(ticket=big, author=helpdesk.agent, body=f"R{n}", kind="note")
    for ticket in (small, big):
        with django_assert_max_num_queries(6):
            response = agent.get(ticket_url(ticket, "messages/"))
        assert response.status_code == 200


def test_posting_a_reply(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    response = agent.post(
        ticket_url(ticket, "messages/"), {"body": "C'est *réparé*.", "status": "resolved"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["body_html"] == "<p>C'est <em>réparé</em>.</p>"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.first_response_at is not None
    assert Activity.objects.filter(contact=ticket.contact, kind=timeline.TICKET_REPLIED).exists()


def test_posting_on_a_closed_ticket_is_a_400(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    services.ticket_change_status(ticket=ticket, status="resolved", actor=None)
    services.ticket_change_status(ticket=ticket, status="closed", actor=None)
    before = row_counts()
    response = agent.post(ticket_url(ticket, "messages/"), {"body": "Encore"})
    assert response.status_code == 400
    assert response.json()["detail"] == [str(services.ERROR_CLOSED)]
    assert row_counts() == before


def test_a_reply_written_over_someone_elses_is_a_409(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    seen = ticket.messages.get().pk
    meanwhile = services.ticket_reply(ticket=ticket, author=helpdesk.other_agent, body="Fait")
    before = row_counts()
    response = agent.post(
        ticket_url(ticket, "messages/"), {"body": "Je regarde", "last_seen_message_id": seen}
    )
    assert response.status_code == 409
    assert response.json()["message_id"] == meanwhile.pk
    assert helpdesk.other_agent.get_full_name() in response.json()["detail"]
    assert row_counts() == before


@pytest.mark.parametrize(("field", "value"), [("body", ""), ("kind", "shout"), ("status", "x")])
def test_bad_message_input_is_a_400(helpdesk, agent, field, value):
    ticket = open_ticket(helpdesk)
    before = row_counts()
    response = agent.post(ticket_url(ticket, "messages/"), {"body": "ok", field: value})
    assert response.status_code == 400
    assert field in response.json()
    assert row_counts() == before


def test_attachments_are_stored_with_the_reply(helpdesk, agent, tmp_path):
    ticket = open_ticket(helpdesk)
    upload = SimpleUploadedFile("notes.txt", b"bonjour", content_type="text/plain")
    with override_settings(MEDIA_ROOT=tmp_path):
        response = agent.post(
            ticket_url(ticket, "messages/"),
            {"body": "Ci-joint", "attachments": [upload]},
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    [attachment] = response.json()["attachments"]
    assert attachment["filename"] == "notes.txt"
    assert attachment["content_type"] == "text/plain"
    assert attachment["size"] == 7


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("big.txt", b"x" * 2048),  # over the limit set below
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
    ],
)
def test_refused_attachments_are_a_400_and_write_nothing(helpdesk, agent, tmp_path, name, content):
    ticket = open_ticket(helpdesk)
    before = row_counts()
    upload = SimpleUploadedFile(name, content)
    with override_settings(MEDIA_ROOT=tmp_path, TICKETS_ATTACHMENT_MAX_BYTES=1024):
        response = agent.post(
            ticket_url(ticket, "messages/"),
            {"body": "Ci-joint", "attachments": [upload]},
            format="multipart",
        )
    assert response.status_code == 400
    assert "attachments" in response.json()
    assert name in response.json()["attachments"][0]
    assert row_counts() == before
    assert not list(tmp_path.rglob("*.*"))


# --- Assign and merge -------------------------------------------------------------------
def test_assigning_and_unassigning(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    response = agent.post(ticket_url(ticket, "assign/"), {"assignee": helpdesk.other_agent.pk})
    assert response.status_code == 200, response.json()
    assert response.json()["assignee"]["id"] == helpdesk.other_agent.pk
    response = agent.post(ticket_url(ticket, "assign/"), {"assignee": None}, format="json")
    assert response.status_code == 200
    assert response.json()["assignee"] is None


def test_assigning_outside_the_team_is_a_400_with_the_services_message(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    response = agent.post(ticket_url(ticket, "assign/"), {"assignee": helpdesk.outsider.pk})
    assert response.status_code == 400
    expected = services.ERROR_ASSIGNEE_OUTSIDE_TEAM % {
        "user": helpdesk.outsider,
        "queue": helpdesk.queue,
    }
    assert response.json()["assignee"] == [expected]
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_assigning_with_a_stale_version_is_a_409(helpdesk, agent):
    ticket = open_ticket(helpdesk)
    services.ticket_update(ticket=ticket, actor=None, subject="Changé")
    response = agent.post(
        ticket_url(ticket, "assign/"), {"assignee": helpdesk.agent.pk, "version": 1}
    )
    assert response.status_code == 409


def test_merging_a_ticket_into_another(helpdesk, agent):
    agent = client_for(helpdesk.supervisor)  # merging is a supervisor's
    source, target = open_ticket(helpdesk), open_ticket(helpdesk, subject="Cible")
    response = agent.post(ticket_url(source, "merge/"), {"target": target.pk})
    assert response.status_code == 200, response.json()
    assert response.json()["id"] == target.pk
    source.refresh_from_db()
    assert source.status == Ticket.Status.CLOSED
    assert source.merged_into == target
    merged = agent.get(ticket_url(source)).json()
    assert merged["merged_into"] == target.number


def test_merging_a_ticket_into_itself_is_a_400(helpdesk, agent):
    agent = client_for(helpdesk.supervisor)  # merging is a supervisor's
    ticket = open_ticket(helpdesk)
    before = row_counts()
    response = agent.post(ticket_url(ticket, "merge/"), {"target": ticket.pk})
    assert response.status_code == 400
    assert response.json()["detail"] == [str(services.ERROR_MERGE_SELF)]
    assert row_counts() == before


def test_merging_into_an_unknown_ticket_is_a_400(helpdesk):
    # Supervisors, who merge, see every queue: an id nobody has is the case left.
    supervisor = client_for(helpdesk.supervisor)
    ticket = open_ticket(helpdesk)
    response = supervisor.post(ticket_url(ticket, "merge/"), {"target": 99_999_999})
    assert response.status_code == 400
    assert response.json()["target"] == [str(ERROR_UNKNOWN_TICKET)]


# --- Schema -----------------------------------------------------------------------------
def test_the_schema_documents_the_ticket_endpoints(admin_client):
    # The schema needs a login unless RELAIS_API_DOCS_PUBLIC (tests/test_api_docs_access.py).
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (
        "/api/v1/queues/",
        "/api/v1/queues/{id}/",
        "/api/v1/tickets/",
        "/api/v1/tickets/{id}/",
        "/api/v1/tickets/{id}/messages/",
        "/api/v1/tickets/{id}/assign/",
        "/api/v1/tickets/{id}/merge/",
    ):
        assert path in schema["paths"], path
    listed = {p["name"] for p in schema["paths"]["/api/v1/tickets/"]["get"]["parameters"]}
    assert {"status", "queue", "assignee", "priority", "channel", "breaching", "view",
            "search", "ordering", "cursor", "page_size"} <= listed  # fmt: skip
    assert "409" in schema["paths"]["/api/v1/tickets/{id}/"]["patch"]["responses"]
    assert "409" in schema["paths"]["/api/v1/tickets/{id}/messages/"]["post"]["responses"]
