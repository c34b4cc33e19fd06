from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PEOPLE
from accounts.models import Team, User
from accounts.roles import has_role

pytestmark = pytest.mark.django_db


def test_seed_demo_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_creates_one_login_per_role_with_the_demo_password(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--seed", "7")
    for local, _first, _last, roles in DEMO_PEOPLE:
        user = User.objects.get(email=f"{local}@relais.example")
        assert user.check_password("relais-demo")
        assert has_role(user, *roles)
    assert User.objects.get(email="admin@relais.example").is_superuser
    assert Team.objects.count() == 6


def test_seed_demo_is_idempotent_and_deterministic(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", "--seed", "3")
    first = list(User.objects.order_by("email").values_list("email", "language"))
    call_command("seed_demo", "--force", "--seed", "3")
    assert list(User.objects.order_by("email").values_list("email", "language")) == first


def test_if_empty_leaves_an_existing_database_alone(settings, make_user):
    settings.DEBUG = True
    make_user()
    call_command("seed_demo", "--if-empty")
    assert User.objects.count() == 1


def test_on_a_demo_customers_timeline_contact_created_comes_first(settings):
    """Issue 9: the demo showed "contact created" after that contact's tickets."""
    from django.db.models import Min, OuterRef, Subquery

    from crm import timeline
    from crm.models import Activity, Contact
    from tickets.models import Ticket

    settings.DEBUG = True
    call_command("seed_demo", "--seed", "7")
    created = Activity.objects.filter(contact=OuterRef("pk"), kind=timeline.CONTACT_CREATED)
    contacts = Contact.objects.annotate(
        created_event=Subquery(created.values("occurred_at")[:1]),
        first_other=Min("activities__occurred_at"),
    )
    late = [
        c.pk
        for c in contacts
        if c.created_event is None
        or c.first_other < c.created_event
        or abs((c.created_at - c.created_event).total_seconds()) > 1
    ]
    assert late == []
    # The timeline has the tickets in it (what the issue saw).
    assert Activity.objects.filter(kind__startswith="ticket_", contact__isnull=False).exists()
    assert Ticket.objects.filter(contact__isnull=False).exists()
