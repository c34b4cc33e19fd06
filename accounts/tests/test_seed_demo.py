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
