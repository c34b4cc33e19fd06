"""The platform's events: signature, idempotency, derivation of the call, bad input."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from crm.models import Activity, Call
from crm.tests.factories import ContactFactory
from telephony import hooks, signing
from telephony.models import CallEvent, PhoneCall
from telephony.services import (
    ERROR_AGENT_REQUIRED,
    ERROR_DUPLICATE,
    ERROR_FIRST_EVENT_NUMBERS,
    ERROR_UNKNOWN_AGENT,
)
from telephony.timeline import PHONE_CALL

from .conftest import CUSTOMER_MOBILE, LINE, first

pytestmark = pytest.mark.django_db


def _nothing_written() -> None:
    assert PhoneCall.objects.count() == 0
    assert CallEvent.objects.count() == 0


# --- Signature and authentication -------------------------------------------------------
def test_event_without_signature_is_refused(phone):
    response = phone.post({"event": "queued"}, headers={})
    assert response.status_code == 401
    assert response.json()["detail"] == str(signing.ERROR_MISSING)
    _nothing_written()


def test_event_signed_with_another_secret_is_refused(phone):
    response = phone.post({"event": "queued", "call_id": "x"}, secret="guessed")
    assert response.status_code == 401
    assert response.json()["detail"] == str(signing.ERROR_BAD_SIGNATURE)
    _nothing_written()


def test_event_signed_with_the_previous_secret_is_accepted_during_rotation(phone, customer):
    phone.event("queued", seconds=0, **first())  # warm-up with the current secret
    body = phone.client  # noqa: F841
    response = phone.post(
        {"event": "ringing", "call_id": "call-1", "agent_extension": "201",
         "occurred_at": "2099-01-01T00:00:00Z"},
        secret="old-rotated-secret",
    )  # fmt: skip
    assert response.status_code == 400  # signature fine; the future date is what fails


def test_tampered_body_is_refused(phone):
    body = b'{"event": "queued", "call_id": "a"}'
    headers = signing.sign(body, "test-telephony-secret")
    response = phone.post(None, raw=body.replace(b'"a"', b'"b"'), headers=headers)
    assert response.status_code == 401
    _nothing_written()


def test_replayed_old_request_is_refused_on_its_timestamp(phone, customer):
    response = phone.post(
        {"event": "queued", "call_id": "c", **first()}, timestamp=int(time.time()) - 3600
    )
    assert response.status_code == 401
    assert "replayed" in response.json()["detail"] or "rejou" in response.json()["detail"]
    _nothing_written()


@pytest.mark.parametrize("stamp", ["abc", "-5", "1e9", "٣٣٣", "9" * 30])
def test_malformed_timestamp_is_refused(phone, stamp):
    body = b"{}"
    headers = {signing.TIMESTAMP_HEADER: stamp, signing.SIGNATURE_HEADER: "v1=00"}
    assert phone.post(None, raw=body, headers=headers).status_code == 401


def test_events_are_refused_when_no_secret_is_configured(phone, settings):
    settings.TELEPHONY_WEBHOOK_SECRETS = []
    response = phone.event("queued", **first())
    assert response.status_code == 401
    assert response.json()["detail"] == str(signing.ERROR_NOT_CONFIGURED)


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.HR])
def test_people_cannot_post_platform_events(phone, role_api_client, role):
    client = role_api_client(role)
    phone.client = client
    assert phone.event("queued", **first()).status_code == 403
    _nothing_written()


def test_anonymous_cannot_post_platform_events(phone, api_client):
    phone.client = api_client
    assert phone.event("queued", **first()).status_code in (401, 403)
    _nothing_written()


# --- A whole call -----------------------------------------------------------------------
def test_answered_call_records_times_durations_and_the_customer_record(
    phone, customer, django_capture_on_commit_callbacks
):
    ended = []
    hooks.register_call_ended_hook("test", ended.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            phone.event(
                "queued", seconds=0, **first("06 12 34 56 78", "01 80 00 00 01")
            ).status_code
            == 201
        )
        assert phone.event("ringing", seconds=20, agent_extension="201").status_code == 201
        assert phone.event("answered", seconds=25, agent_extension="201").status_code == 201
        assert phone.event("hold", seconds=60, sequence=1).status_code == 201
        assert phone.event("unhold", seconds=90, sequence=2).status_code == 201
        assert phone.event("hold", seconds=100, sequence=3).status_code == 201
        assert phone.event("unhold", seconds=110, sequence=4).status_code == 201
        response = phone.event("ended", seconds=205, reason="caller_hangup")
        assert response.status_code == 201
        assert phone.event("wrapup_end", seconds=265).status_code == 201
    hooks._call_ended.pop("test")
    call = PhoneCall.objects.get()
    assert call.caller_number == CUSTOMER_MOBILE
    assert call.dialled_number == LINE
    assert call.queue == phone.desk.queue
    assert call.contact == customer
    assert call.agent == phone.agent
    assert call.status == PhoneCall.Status.ENDED
    assert call.outcome == PhoneCall.Outcome.ANSWERED
    assert call.wait_seconds == 25
    assert call.hold_seconds == 40
    assert call.talk_seconds == 180 - 40
    assert call.after_call_seconds == 60
    assert call.duration_seconds == 205
    assert call.handling_seconds == 140 + 40 + 60
    assert ended == [call.pk]  # once, although two events came after the end
    logged = Call.objects.get()
    assert (logged.contact, logged.duration_seconds, logged.talk_seconds) == (customer, 205, 140)
    assert logged.after_call_seconds == 60
    assert call.logged_call == logged
    row = Activity.objects.get(kind=PHONE_CALL)
    assert row.contact == customer
    assert row.data["duration_seconds"] == 205
    assert "3 min 25 s" in row.summary
    assert CallEvent.objects.count() == 9


def test_same_event_twice_is_refused_and_written_once(phone, customer):
    phone.event("queued", **first())
    response = phone.event("queued", **first())
    assert response.status_code == 409
    assert response.json()["detail"] == str(ERROR_DUPLICATE)
    assert CallEvent.objects.count() == 1
    phone.event("ringing", seconds=5, agent_extension="201")
    phone.event("answered", seconds=8, agent_extension="201")
    phone.event("ended", seconds=60)
    assert phone.event("ended", seconds=60).status_code == 409
    assert Call.objects.count() == 1
    assert Activity.objects.filter(kind=PHONE_CALL).count() == 1


def test_repeated_hold_without_sequence_is_told_apart_by_time(phone, customer):
    phone.event("queued", **first())
    phone.event("answered", seconds=5, agent_extension="201")
    assert phone.event("hold", seconds=10).status_code == 201
    assert phone.event("unhold", seconds=20).status_code == 201
    assert phone.event("hold", seconds=30).status_code == 201
    assert phone.event("hold", seconds=30).status_code == 409  # a retry of the same one
    phone.event("unhold", seconds=35)
    phone.event("ended", seconds=40)
    assert PhoneCall.objects.get().hold_seconds == 15


def test_events_out_of_order_give_the_same_call(phone, customer):
    phone.event("answered", seconds=30, agent_extension="201", **first())
    phone.event("queued", seconds=0, **first())
    phone.event("ended", seconds=90)
    phone.event("ringing", seconds=25, agent_extension="201")  # late, but before the end
    call = PhoneCall.objects.get()
    assert call.offered_at < call.ringing_at < call.answered_at
    assert (call.wait_seconds, call.talk_seconds) == (30, 60)
    assert call.status == PhoneCall.Status.WRAP_UP


def test_caller_who_hangs_up_in_the_queue_is_an_abandoned_call(phone, customer):
    phone.event("queued", **first())
    phone.event("ended", seconds=4, reason="caller_hangup")
    call = PhoneCall.objects.get()
    assert call.outcome == PhoneCall.Outcome.ABANDONED
    assert call.wait_seconds == 4
    assert call.agent is None
    assert Call.objects.get().outcome == Call.Outcome.ABANDONED


def test_withheld_number_is_stored_empty_and_matches_nobody(phone, customer):
    assert phone.event("queued", **first("anonymous")).status_code == 201
    call = PhoneCall.objects.get()
    assert (call.caller_number, call.contact, call.match_count) == ("", None, 0)


def test_number_shared_by_two_customers_is_left_for_the_agent_to_choose(phone, customer):
    ContactFactory(phones=[CUSTOMER_MOBILE])
    phone.event("queued", **first())
    call = PhoneCall.objects.get()
    assert call.contact is None
    assert call.match_count == 2


def test_agent_by_login(phone, customer):
    phone.event("queued", **first())
    assert (
        phone.event("ringing", seconds=3, agent_login=phone.agent.email.upper()).status_code == 201
    )
    assert PhoneCall.objects.get().agent == phone.agent


# --- Bad input ---------------------------------------------------------------------------
def test_unknown_agent_is_refused_and_nothing_is_written(phone, customer):
    response = phone.event("ringing", agent_extension="999", **first())
    assert response.status_code == 400
    assert response.json()["agent"] == [str(ERROR_UNKNOWN_AGENT)]
    _nothing_written()


def test_inactive_agent_is_unknown(phone, customer):
    phone.agent.is_active = False
    phone.agent.save()
    assert phone.event("ringing", agent_extension="201", **first()).status_code == 400
    _nothing_written()


def test_ringing_needs_an_agent(phone, customer):
    response = phone.event("ringing", **first())
    assert response.status_code == 400
    assert response.json()["agent"] == [str(ERROR_AGENT_REQUIRED)]
    _nothing_written()


def test_first_event_needs_the_numbers(phone):
    response = phone.event("queued")
    assert response.status_code == 400
    assert response.json()["detail"] == [str(ERROR_FIRST_EVENT_NUMBERS)]
    _nothing_written()


@pytest.mark.parametrize(
    "number",
    ["12", "not a number", "+33 6 12 34 56 78 99 99", "0612<script>", "0" * 64, "+999999999",
     "06-12-34-56-7a", "\x00612345678", "1" * 200],
)  # fmt: skip
def test_garbage_numbers_are_refused(phone, number):
    response = phone.event("queued", **first(caller=number))
    assert response.status_code == 400
    assert "caller" in response.json()
    response = phone.event("queued", **first(dialled=number))
    assert response.status_code == 400
    _nothing_written()


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "text",
        {"event": "exploded", "call_id": "a", "occurred_at": "2026-01-01T00:00:00Z"},
        {"event": "queued", "call_id": "a b c", "occurred_at": "2026-01-01T00:00:00Z"},
        {"event": "queued", "call_id": "x" * 101, "occurred_at": "2026-01-01T00:00:00Z"},
        {"event": "queued", "call_id": "a", "occurred_at": "yesterday"},
        {"event": "queued", "call_id": "a", "occurred_at": "2099-01-01T00:00:00Z"},
        {"event": "queued", "call_id": "a", "occurred_at": "2001-01-01T00:00:00Z"},
        {"event": "hold", "call_id": "a", "occurred_at": "2026-01-01T00:00:00Z", "sequence": -1},
        {"event": "queued", "call_id": "a\x00", "occurred_at": "2026-01-01T00:00:00Z"},
    ],
)
def test_malformed_events_get_a_clear_400(phone, payload):
    response = phone.post(payload)
    assert response.status_code == 400
    assert response.json()
    _nothing_written()


def test_body_that_is_not_json_is_refused(phone):
    assert phone.post(None, raw=b"\xff\xfe not json").status_code == 400


def test_oversized_event_is_refused(phone, customer):
    payload = {"event": "queued", "call_id": "a", "junk": "x" * 20_000, **first()}
    assert phone.post(payload).status_code == 413
    _nothing_written()


def test_event_after_the_end_is_refused(phone, customer):
    phone.event("queued", **first())
    phone.event("ended", seconds=10)
    response = phone.event("answered", seconds=20, agent_extension="201")
    assert response.status_code == 400
    assert PhoneCall.objects.get().answered_at is None


def test_an_event_is_a_bounded_number_of_queries(phone, customer):
    phone.event("queued", **first())
    with CaptureQueriesContext(connection) as queries:
        assert phone.event("ringing", seconds=5, agent_extension="201").status_code == 201
    assert len(queries) <= 16


def test_the_end_of_a_call_is_announced_once_as_a_call_ended_event_without_numbers(
    phone, customer, django_capture_on_commit_callbacks
):
    from relais import events

    heard: list[tuple[str, dict]] = []
    events.subscribe("test", lambda code, payload: heard.append((code, payload)))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            phone.event("queued", seconds=0, **first())
            phone.event("answered", seconds=10, agent_extension="201")
            phone.event("ended", seconds=70, reason="caller_hangup")
            phone.event("wrapup_end", seconds=90)
    finally:
        events._subscribers.pop("test")
    ended = [payload for code, payload in heard if code == "call.ended"]
    call = PhoneCall.objects.get()
    assert len(ended) == 1  # not again for the after-call work
    assert ended[0]["call"]["id"] == call.pk
    assert ended[0]["call"]["contact_id"] == customer.pk
    assert ended[0]["call"]["agent_id"] == phone.agent.pk
    assert ended[0]["call"]["talk_seconds"] == 60
    assert "call.ended" in dict(events.event_choices())
    flat = repr(ended[0])
    assert CUSTOMER_MOBILE not in flat
    assert LINE not in flat


def test_a_signed_event_with_an_unknown_field_is_refused_and_names_it(phone):
    """The generic unknown-field test (tests/test_api_contract.py) cannot sign: the
    signed body's keys are checked once the signature holds."""
    response = phone.event("queued", **first(), calller="+33612345678")
    assert response.status_code == 400
    assert "calller" in response.json()
    _nothing_written()
