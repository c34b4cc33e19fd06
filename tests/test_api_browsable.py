"""No API endpoint answers OPTIONS or `Accept: text/html` with a 5xx, whoever asks.

DRF's metadata (OPTIONS) and its browsable API build the view's serializer, queryset and
object for every method the user may call; a view that lacks what they need turns a
harmless request into a 500. This walks every API route the resolver knows, with real
object ids, for a role that may use it, a role that may not, and an anonymous client, so
a new endpoint is covered the day it is added.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role
from accounts.tests.factories import NotificationFactory, UserFactory
from channels.tests.samples import channels_objects
from crm.tests.factories import ContactFactory, OrganisationFactory
from sales.tests.factories import OpportunityFactory
from tickets.tests.factories import desk, open_ticket

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """One object of each kind an API route can name, visible to the authorised user."""

    admin: Any
    outsider: Any
    contact: Any
    queue: Any
    ticket: Any
    notification: Any
    telework: Any = None
    telework_agreement: Any = None
    telework_asset: Any = None
    telework_callup: Any = None
    opportunity: Any = None
    channels: Any = None
    attachment: Any = None

    def phone_call(self) -> Any:
        from django.utils import timezone

        from telephony.models import PhoneCall

        return PhoneCall.objects.get_or_create(
            external_id="browsable-1",
            defaults={"dialled_number": "+33180000001", "offered_at": timezone.now()},
        )[0]

    def campaign(self) -> Any:
        from datetime import timedelta

        from django.utils import timezone

        from campaigns.models import Campaign

        today = timezone.localdate()
        return Campaign.objects.get_or_create(
            name="Browsable",
            defaults={
                "channel": "phone",
                "owner": self.admin,
                "starts_on": today,
                "ends_on": today + timedelta(days=1),
            },
        )[0]

    def segment(self) -> Any:
        from campaigns.models import Segment

        return Segment.objects.get_or_create(
            name="Browsable",
            defaults={
                "rules": {"match": "all", "rules": [{"field": "vip", "op": "is", "value": True}]}
            },
        )[0]


def _api_routes() -> Iterator[tuple[str, str]]:
    """(route, url name) of every pattern under api/."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/"):
                yield route, pattern.name or ""

    yield from walk(get_resolver().url_patterns, "")


ROUTES = sorted(set(_api_routes()))

# The object whose id fills each route's <int:pk>, by URL name prefix. A new route with a
# parameter must say here which object it takes.
OBJECT_FOR: dict[str, Callable[[World], Any]] = {
    "api-organisation": lambda w: w.contact.organisation,
    "api-contact": lambda w: w.contact,
    "api-queue": lambda w: w.queue,
    "api-ticket": lambda w: w.ticket,
    "api-attachment": lambda w: w.attachment,
    "api-notification": lambda w: w.notification,
    "api-telework-policy": lambda w: w.telework.policy,
    "api-telework-agreement": lambda w: w.telework_agreement,
    "api-telework-asset": lambda w: w.telework_asset,
    "api-telework-item": lambda w: w.telework_agreement.onboarding_items.first(),
    "api-telework-callup-answer": lambda w: w.telework_callup,
    "api-telework-callup": lambda w: w.telework_callup.member,
    "api-opportunity": lambda w: w.opportunity,
    "api-telephony-call": lambda w: w.phone_call(),
    "api-campaign": lambda w: w.campaign(),
    "api-segment": lambda w: w.segment(),
    "api-call-list": lambda w: w.campaign(),
    "api-call-outcome": lambda w: _recipient(w),
    "api-bloctel": lambda w: _bloctel(),
    # The world's ticket was opened for a customer: triage scored its first message.
    "api-triage-correct": lambda w: w.ticket.assessments.get(),
    "api-survey": lambda w: _survey(),
    "api-shift": lambda w: _shift(w),
}


def _recipient(w: World) -> Any:
    from campaigns.models import Recipient

    return Recipient.objects.get_or_create(
        campaign=w.campaign(), contact=w.contact, defaults={"status": "targeted"}
    )[0]


def _bloctel() -> Any:
    from campaigns.models import BloctelNumber

    return BloctelNumber.objects.get_or_create(number="+33199000002")[0]


def _shift(w: World) -> Any:
    """A shift on the world's desk team, for an agent of it (the admin reads every shift)."""
    import datetime as dt

    from django.utils import timezone

    from quality.models import Shift

    agent = w.queue.team.members.first()
    start = timezone.now() + dt.timedelta(days=1)
    return Shift.objects.create(
        agent=agent, team=w.queue.team, starts_at=start, ends_at=start + dt.timedelta(hours=8)
    )


def _survey() -> Any:
    from surveys.models import Survey

    return Survey.objects.get_or_create(name="Browsable NPS", kind="nps")[0]


def _url(route: str, name: str, world: World) -> str:
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if not params:
        return "/" + route
    assert params == ["pk"], f"{route}: teach this test the parameters {params}"
    if name in world.channels:
        return reverse(name, kwargs={"pk": world.channels[name].pk})
    source = next((get for prefix, get in OBJECT_FOR.items() if name.startswith(prefix)), None)
    assert source is not None, f"{route} ({name}): add its object to OBJECT_FOR"
    return reverse(name, kwargs={"pk": source(world).pk})


@pytest.fixture
def world() -> World:
    helpdesk = desk()
    admin = UserFactory(roles=[Role.ADMIN])
    contact = ContactFactory(organisation=OrganisationFactory())
    ticket = open_ticket(helpdesk, contact=contact)
    return World(
        admin=admin,
        # HR works on staff: no customer record, no desk.
        outsider=UserFactory(roles=[Role.HR]),
        contact=contact,
        queue=helpdesk.queue,
        ticket=ticket,
        notification=NotificationFactory(recipient=admin),
        **_telework(),
        # Routed to the admin: accepting is its rep's alone.
        opportunity=OpportunityFactory(contact=contact, owner=admin),
        channels=channels_objects(queue=helpdesk.queue, ticket=ticket),
        attachment=_attachment(ticket, helpdesk.agent),
    )


def _attachment(ticket: Any, author: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tickets import services
    from tickets.models import Attachment

    services.ticket_reply(
        ticket=ticket,
        author=author,
        body="Ci-joint",
        attachments=[SimpleUploadedFile("notice.txt", b"bonjour", content_type="text/plain")],
    )
    return Attachment.objects.filter(message__ticket=ticket).get()


def _telework() -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from telework import services as telework_services
    from telework.tests.factories import request, world

    tw = world()
    agreement = request(tw)
    telework_services.agreement_approve(agreement=agreement, actor=tw.manager)
    telework_services.agreement_validate(agreement=agreement, actor=tw.hr)
    member = telework_services.reserve_member_save(
        actor=tw.hr, full_name="Sandrine Morel", category="volunteer"
    )
    today = timezone.localdate()
    callup = telework_services.callup_create(
        member=member,
        actor=tw.hr,
        needed_from=today,
        needed_until=today + dt.timedelta(days=1),
        reason="Pic d'appels",
    )
    return {
        "telework": tw,
        "telework_agreement": agreement,
        "telework_asset": telework_services.asset_save(
            kind="screen", label="Dell", serial_number="SCR-1"
        ),
        "telework_callup": callup,
    }


def _clients(world: World) -> dict[str, Client]:
    # A view that raises is answered 500, as in production, instead of raising in the test.
    clients = {
        who: Client(raise_request_exception=False)
        for who in ("authorised", "unauthorised", "anonymous")
    }
    clients["authorised"].force_login(world.admin)
    clients["unauthorised"].force_login(world.outsider)
    return clients


@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[route for route, _ in ROUTES])
def test_options_and_browsable_html_never_answer_5xx(route, name, world):
    url = _url(route, name, world)
    failures = []
    for who, client in _clients(world).items():
        options = client.options(url)
        html = client.get(url, HTTP_ACCEPT="text/html")
        for what, response in (("OPTIONS", options), ("GET text/html", html)):
            if response.status_code >= 500:
                failures.append(f"{who} {what}: {response.status_code}")
        if who == "authorised" and options.status_code != 200:
            failures.append(f"{who} OPTIONS: {options.status_code}, expected 200")
    assert failures == [], url


def test_every_api_route_is_walked():
    names = {name for _, name in ROUTES}
    assert {"api-contacts", "api-tickets", "api-ticket-messages", "api-me"} <= names


def test_options_describes_the_body_of_each_method_the_user_may_call(world):
    client = Client()
    client.force_login(world.admin)
    tickets = client.options(reverse("api-tickets")).json()
    assert "subject" in tickets["actions"]["POST"]
    contact = client.options(reverse("api-contact-detail", kwargs={"pk": world.contact.pk}))
    assert "first_name" in contact.json()["actions"]["PUT"]
    client.force_login(world.outsider)
    assert client.options(reverse("api-tickets")).status_code == 403
