"""Lookup for softphones, and the screen pop the agent's browser polls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from crm.models import Activity, Contact
from crm.tests.factories import ContactFactory
from telephony.models import PhoneCall
from telephony.services import ERROR_NO_CUSTOMER, call_close_pop, wrapup_sweep
from telephony.timeline import PHONE_CALL
from tickets.models import Ticket
from tickets.tests.factories import open_ticket

from .conftest import CUSTOMER_MOBILE, first

pytestmark = pytest.mark.django_db

FORMATS = [
    "+33612345678", "0612345678", "06 12 34 56 78", "06.12.34.56.78",
    "+33 (0)6 12 34 56 78", "0033612345678", "33612345678", "tel:+33-6-12-34-56-78",
    "sip:+33612345678@pbx.example;user=phone",
]  # fmt: skip


# --- Lookup -------------------------------------------------------------------------------
@pytest.mark.parametrize("number", FORMATS)
def test_lookup_finds_the_customer_in_any_format(role_api_client, customer, number):
    client = role_api_client(Role.AGENT)
    response = client.post("/api/v1/telephony/lookup/", {"number": number}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == CUSTOMER_MOBILE
    assert [m["id"] for m in data["matches"]] == [customer.pk]
    assert data["matches"][0]["open_tickets"] == 0


@pytest.mark.parametrize("number", FORMATS[:4])
def test_event_matches_the_caller_in_any_format(phone, customer, number):
    assert phone.event("queued", **first(number)).status_code == 201
    assert PhoneCall.objects.get().contact == customer


def test_lookup_ignores_merged_and_erased_customers(role_api_client, customer):
    gone = ContactFactory(phones=[CUSTOMER_MOBILE])
    Contact.objects.filter(pk=gone.pk).update(erased_at=timezone.now())
    client = role_api_client(Role.AGENT)
    data = client.post("/api/v1/telephony/lookup/", {"number": "0612345678"}, format="json").json()
    assert [m["id"] for m in data["matches"]] == [customer.pk]


def test_lookup_counts_open_tickets_in_constant_queries(
    phone, customer, role_api_client, django_assert_max_num_queries
):
    for _ in range(3):
        open_ticket(phone.desk, contact=customer)
        ContactFactory(phones=[CUSTOMER_MOBILE])
    client = role_api_client(Role.AGENT)
    with django_assert_max_num_queries(4):
        data = client.post("/api/v1/telephony/lookup/", {"number": CUSTOMER_MOBILE}).json()
    assert data["count"] == 4
    assert {m["open_tickets"] for m in data["matches"]} == {0, 3}


@pytest.mark.parametrize("number", ["", "abc", "12", "0" * 65, "06 12 34 56 7x", None])
def test_lookup_refuses_what_is_not_a_number(role_api_client, number):
    client = role_api_client(Role.AGENT)
    response = client.post("/api/v1/telephony/lookup/", {"number": number}, format="json")
    assert response.status_code == 400
    assert "number" in response.json()


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING, Role.HR, Role.IT])
def test_lookup_is_refused_to_other_roles(role_api_client, role):
    client = role_api_client(role)
    response = client.post("/api/v1/telephony/lookup/", {"number": CUSTOMER_MOBILE})
    assert response.status_code == 403


def test_integration_may_look_up(phone, customer):
    response = phone.client.post("/api/v1/telephony/lookup/", {"number": CUSTOMER_MOBILE})
    assert response.status_code == 200


# --- Calls API ------------------------------------------------------------------------------
def test_calls_api_shows_agents_their_own_calls_and_supervisors_all(
    phone, ring, customer, role_api_client, django_assert_max_num_queries
):
    ring("call-1")
    ring("call-2")
    agent_client = role_api_client(Role.AGENT)
    assert agent_client.get("/api/v1/telephony/calls/").json()["count"] == 0
    own = Client()
    own.force_login(phone.agent)
    supervisor = role_api_client(Role.SUPERVISOR)
    with django_assert_max_num_queries(6):
        data = supervisor.get("/api/v1/telephony/calls/").json()
    assert data["count"] == 2
    call_id = data["results"][0]["id"]
    assert agent_client.get(f"/api/v1/telephony/calls/{call_id}/").status_code == 404
    assert (
        supervisor.get(f"/api/v1/telephony/calls/{call_id}/").json()["caller_number"]
        == CUSTOMER_MOBILE
    )
    assert supervisor.get("/api/v1/telephony/calls/?since=yesterday").status_code == 400


@pytest.mark.parametrize("role", [Role.SALES, Role.HR, Role.INTEGRATION])
def test_calls_api_is_refused_to_other_roles(role_api_client, role):
    assert role_api_client(role).get("/api/v1/telephony/calls/").status_code == 403


# --- Screen pop --------------------------------------------------------------------------
@pytest.fixture
def agent_browser(phone) -> Client:
    client = Client()
    client.force_login(phone.agent)
    return client


def test_pop_shows_the_caller_their_tickets_and_history_then_204_while_unchanged(
    phone, ring, customer, agent_browser, django_assert_max_num_queries
):
    ticket = open_ticket(phone.desk, contact=customer, subject="Facture de mars")
    assert agent_browser.get("/telephony/pop/", {"state": ""}).status_code == 200
    ring()
    with django_assert_max_num_queries(12):
        response = agent_browser.get("/telephony/pop/", {"state": "none"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Julie Lefèvre" in html
    assert ticket.number in html
    assert customer.get_absolute_url() in html
    call = PhoneCall.objects.get()
    state = f"{call.pk}-{call.updated_at.timestamp():.6f}"
    assert f'value="{state}"' in html
    with django_assert_max_num_queries(4):
        again = agent_browser.get("/telephony/pop/", {"state": state})
    assert again.status_code == 204


def test_pop_is_included_in_every_page_for_desk_staff_only(phone, agent_browser, role_client):
    assert (
        b'id="screen-pop"' in agent_browser.get("/").content
        or b'id="screen-pop"' in agent_browser.get("/workspace/agent/").content
    )
    hr = role_client(Role.HR)
    assert b'id="screen-pop"' not in hr.get("/workspace/hr/").content


def test_another_agents_pop_shows_nothing_and_their_call_is_not_reachable(
    phone, ring, customer, role_client
):
    ring()
    other = role_client(Role.AGENT)
    response = other.get("/telephony/pop/", {"state": "x"})
    assert b"screen-pop-card" not in response.content
    call = PhoneCall.objects.get()
    assert other.post(f"/telephony/calls/{call.pk}/close/").status_code == 404
    assert other.get(f"/telephony/calls/{call.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.HR, Role.SALES, Role.MARKETING])
def test_pop_and_call_pages_are_refused_to_other_roles(role_client, role):
    client = role_client(role)
    assert client.get("/telephony/pop/").status_code == 403
    assert client.get("/telephony/calls/").status_code == 403


def test_ticket_from_the_call_is_linked_and_on_the_timeline(phone, ring, customer, agent_browser):
    ring()
    call = PhoneCall.objects.get()
    phone.event("answered", seconds=8, agent_extension="201")
    response = agent_browser.post(
        f"/telephony/calls/{call.pk}/ticket/",
        {
            "subject": "Facture contestée",
            "note": "Conteste 30 € de frais.",
            "queue": phone.desk.queue.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert response["HX-Redirect"] == ticket.get_absolute_url()
    assert (ticket.channel, ticket.contact, ticket.assignee) == (
        Ticket.Channel.PHONE,
        customer,
        phone.agent,
    )
    phone.event("ended", seconds=128)
    call.refresh_from_db()
    assert call.ticket == ticket
    row = Activity.objects.get(kind=PHONE_CALL)
    assert row.data["ticket_number"] == ticket.number
    assert ticket.number in row.summary
    assert "2 min 08 s" in row.summary


def test_linking_after_the_end_updates_the_timeline_row(phone, ring, customer, agent_browser):
    ticket = open_ticket(phone.desk, contact=customer)
    ring()
    phone.event("answered", seconds=8, agent_extension="201")
    phone.event("ended", seconds=70)
    call = PhoneCall.objects.get()
    response = agent_browser.post(f"/telephony/calls/{call.pk}/link/", {"id": ticket.pk})
    assert response.status_code == 302
    assert Activity.objects.get(kind=PHONE_CALL).data["ticket_number"] == ticket.number


def test_ticket_of_another_customer_cannot_be_linked(phone, ring, customer, agent_browser):
    other = open_ticket(phone.desk)
    ring()
    call = PhoneCall.objects.get()
    agent_browser.post(f"/telephony/calls/{call.pk}/link/", {"id": other.pk})
    call.refresh_from_db()
    assert call.ticket is None


def test_ticket_form_errors_are_shown_and_nothing_is_written(phone, ring, customer, agent_browser):
    ring()
    call = PhoneCall.objects.get()
    response = agent_browser.post(
        f"/telephony/calls/{call.pk}/ticket/",
        {"subject": "", "note": "x" * 30_000, "queue": 999999},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert Ticket.objects.count() == 0


def test_unknown_caller_becomes_a_customer_with_the_number(phone, ring, agent_browser):
    ring(caller="+33698765432")
    call = PhoneCall.objects.get()
    html = agent_browser.get("/telephony/pop/", {"state": ""}).content.decode()
    assert 'data-testid="pop-unknown"' in html
    response = agent_browser.post(
        f"/telephony/calls/{call.pk}/ticket/",
        {"subject": "Question", "note": "Question", "queue": phone.desk.queue.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert escape(str(ERROR_NO_CUSTOMER)) in response.content.decode()
    response = agent_browser.post(
        f"/telephony/calls/{call.pk}/contact/",
        {"first_name": "Paul", "last_name": "Nouveau"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.contact.last_name == "Nouveau"
    assert call.contact.phones.get().number.as_e164 == "+33698765432"


def test_shared_number_the_agent_picks_the_caller(phone, ring, customer, agent_browser):
    twin = ContactFactory(phones=[CUSTOMER_MOBILE])
    ring()
    call = PhoneCall.objects.get()
    html = agent_browser.get("/telephony/pop/", {"state": ""}).content.decode()
    assert str(twin) in html
    agent_browser.post(f"/telephony/calls/{call.pk}/attach/", {"id": twin.pk})
    call.refresh_from_db()
    assert call.contact == twin
    assert agent_browser.post(f"/telephony/calls/{call.pk}/attach/", {"id": "x"}).status_code == 400


def test_closing_the_pop_ends_after_call_work(phone, ring, customer, agent_browser):
    ring()
    phone.event("answered", seconds=8, agent_extension="201")
    phone.event("ended", seconds=68)
    call = PhoneCall.objects.get()
    assert call.status == PhoneCall.Status.WRAP_UP
    agent_browser.post(f"/telephony/calls/{call.pk}/close/")
    call.refresh_from_db()
    assert call.status == PhoneCall.Status.ENDED
    assert call.after_call_seconds > 0
    assert call.pop_closed_at is not None
    assert (
        agent_browser.get("/telephony/pop/", {"state": ""}).content.count(b"screen-pop-card") == 0
    )


def test_wrapup_sweep_ends_forgotten_after_call_work_at_the_limit(phone, ring, customer, settings):
    settings.TELEPHONY_WRAPUP_MAX_SECONDS = 120
    ring()
    phone.event("answered", seconds=8, agent_extension="201")
    phone.event("ended", seconds=68)
    assert wrapup_sweep(now=timezone.now() + dt.timedelta(hours=1)) == 1
    call = PhoneCall.objects.get()
    assert (call.status, call.after_call_seconds) == (PhoneCall.Status.ENDED, 120)
    assert wrapup_sweep() == 0


def test_call_pages_render_for_the_agent(
    phone, ring, customer, agent_browser, django_assert_max_num_queries
):
    ring()
    call = PhoneCall.objects.get()
    assert agent_browser.get(f"/telephony/calls/{call.pk}/").status_code == 200
    for n in range(3):
        ring(f"more-{n}")
    with django_assert_max_num_queries(12):
        response = agent_browser.get("/telephony/calls/")
    assert response.status_code == 200
    assert agent_browser.get("/telephony/calls/?page=999").status_code == 200


def test_erasing_the_customer_blanks_numbers_on_calls_and_events(phone, ring, customer):
    from crm.services import contact_erase

    ring()
    call_close_pop(call=PhoneCall.objects.get(), actor=phone.agent)
    contact_erase(contact=customer, actor=None, confirmation=customer.full_name)
    call = PhoneCall.objects.get()
    assert call.caller_number == ""
    assert all(e.payload == {} for e in call.events.all())


@pytest.mark.parametrize("action", ["ticket", "contact", "attach", "link", "close"])
def test_every_pop_action_is_refused_to_other_agents_and_other_roles(
    phone, ring, customer, role_client, action
):
    ring()
    call = PhoneCall.objects.get()
    before = (call.contact_id, call.ticket_id, call.pop_closed_at)
    url = f"/telephony/calls/{call.pk}/{action}/"
    data = {"id": customer.pk, "subject": "x", "note": "x", "last_name": "x",
            "queue": phone.desk.queue.pk}  # fmt: skip
    assert role_client(Role.AGENT).post(url, data).status_code == 404
    assert role_client(Role.HR).post(url, data).status_code == 403
    assert role_client(Role.SALES).post(url, data).status_code == 403
    call.refresh_from_db()
    assert (call.contact_id, call.ticket_id, call.pop_closed_at) == before
    assert Ticket.objects.count() == 0


def test_supervisor_may_act_on_an_agents_call(phone, ring, customer, role_client):
    ring()
    call = PhoneCall.objects.get()
    supervisor = role_client(Role.SUPERVISOR)
    assert supervisor.get(f"/telephony/calls/{call.pk}/").status_code == 200
    assert supervisor.post(f"/telephony/calls/{call.pk}/close/").status_code == 302
