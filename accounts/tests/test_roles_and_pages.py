from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import ROLE_ORDER, Role
from accounts.workspaces import home_for_roles
from conftest import ALL_ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_logs_in_and_lands_on_its_workspace(client, make_user, password, role):
    user = make_user(role)
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": password}, follow=True
    )
    assert response.status_code == 200
    landing = home_for_roles({role})
    if landing:  # a role whose app registered its own home (supervisor: the live view)
        assert response.redirect_chain[-1][0] == reverse(landing)
        return
    assert response.redirect_chain[-1][0] == reverse("accounts:workspace", kwargs={"role": role})
    assert f'data-testid="workspace-{role}"' in response.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_is_refused_the_workspace_of_another_role(role_client, role):
    client = role_client(role)
    other = next(r for r in ROLE_ORDER if r != role)
    response = client.get(reverse("accounts:workspace", kwargs={"role": other}))
    assert response.status_code == 403
    assert "403" in response.content.decode()


def test_user_with_several_roles_reaches_each_of_them(role_client):
    client = role_client(Role.SUPERVISOR, Role.AGENT)
    for role in (Role.SUPERVISOR, Role.AGENT):
        assert client.get(reverse("accounts:workspace", kwargs={"role": role})).status_code == 200
    assert client.get(reverse("accounts:workspace", kwargs={"role": Role.HR})).status_code == 403


def test_home_sends_a_user_to_their_first_role_in_display_order(role_client):
    client = role_client(Role.HR, Role.AGENT)
    response = client.get(reverse("accounts:home"))
    assert response.url == reverse("accounts:workspace", kwargs={"role": Role.AGENT})


def test_user_without_role_is_told_to_ask_an_administrator(role_client):
    response = role_client().get(reverse("accounts:home"))
    assert response.status_code == 403
    assert "administrat" in response.content.decode()


def test_unknown_workspace_is_a_404(role_client):
    assert role_client(Role.AGENT).get("/workspace/astronaut/").status_code == 404


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("accounts:workspace", kwargs={"role": Role.AGENT}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_superuser_holds_every_role(make_user, client):
    admin = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    for role in ROLE_ORDER:
        assert client.get(reverse("accounts:workspace", kwargs={"role": role})).status_code == 200


def test_navigation_shows_each_role_only_what_it_may_use(role_client):
    agent_page = role_client(Role.AGENT).get(
        reverse("accounts:workspace", kwargs={"role": "agent"})
    )
    admin_page = role_client(Role.ADMIN).get(
        reverse("accounts:workspace", kwargs={"role": "admin"})
    )
    assert reverse("admin:index") not in agent_page.content.decode()
    assert reverse("admin:index") in admin_page.content.decode()
    # An agent's menu offers the agent workspace and not HR's.
    assert reverse("accounts:workspace", kwargs={"role": "hr"}) not in agent_page.content.decode()


def test_workspace_queries_are_bounded(role_client, django_assert_max_num_queries):
    client = role_client(Role.ADMIN, Role.AGENT, Role.HR)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:workspace", kwargs={"role": "admin"}))
    assert response.status_code == 200


def test_admin_site_refuses_every_role_but_admin(role_client):
    for role in ROLE_ORDER:
        client = role_client(role)
        response = client.get(reverse("admin:accounts_user_changelist"))
        if role == Role.ADMIN:
            assert response.status_code == 200
        else:
            assert response.status_code == 302
            assert reverse("admin:login") in response.url


def test_admin_changelists_are_bounded(role_client, make_user, django_assert_max_num_queries):
    from accounts.tests.factories import NotificationFactory, TeamFactory

    client = role_client(Role.ADMIN)
    users = [make_user(Role.AGENT) for _ in range(10)]
    for user in users:
        TeamFactory(lead=user, members=[user])
        NotificationFactory(recipient=user)
    for name in ("accounts_user", "accounts_team", "accounts_notification"):
        with django_assert_max_num_queries(15):
            response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name


def test_admin_creates_a_user_with_a_lowercase_email(role_client, password):
    from accounts.models import User

    client = role_client(Role.ADMIN)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Agent@Relais.Example",
            "first_name": "Zoé",
            "last_name": "Blanc",
            "language": "fr",
            "password1": password,
            "password2": password,
            "usable_password": "true",
            "Team_members-TOTAL_FORMS": "0",
            "Team_members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.filter(email="new.agent@relais.example").exists()


def test_role_groups_hold_the_later_apps_permissions_after_one_migrate():
    # The test database was built by one `migrate`: crm's permissions must be granted.
    from django.contrib.auth.models import Group

    agent = Group.objects.get(name=Role.AGENT)
    admin = Group.objects.get(name=Role.ADMIN)
    assert agent.permissions.filter(codename="view_contact").exists()
    assert admin.permissions.filter(codename="delete_contact").exists()
    assert not Group.objects.get(name=Role.HR).permissions.filter(codename="view_contact").exists()
