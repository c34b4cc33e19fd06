from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.roles import Role
from tickets import services
from tickets.models import Macro, Priority
from tickets.services import ERROR_MACRO_PLACEHOLDER
from tickets.tests.factories import MacroFactory

pytestmark = pytest.mark.django_db

LIST = reverse("tickets:macro_list")
CREATE = reverse("tickets:macro_create")


def fr(text, **params) -> str:
    """A message as the (French-speaking) user reads it in the page, HTML-escaped."""
    with translation.override("fr"):
        return escape(str(text) % params if params else str(text))


def edit_url(macro):
    return reverse("tickets:macro_edit", args=[macro.pk])


def delete_url(macro):
    return reverse("tickets:macro_delete", args=[macro.pk])


def macro_data(**overrides):
    data = {
        "name": "Relance",
        "body": "Bonjour {{ contact.first_name }}, avez-vous pu tester ?",
        "kind": "public",
        "set_status": "pending_customer",
        "set_priority": "",
        "add_tags": "relance, attente",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING, Role.HR])
def test_roles_outside_the_desk_are_refused_macros(role_client, role):
    client = role_client(role)
    macro = MacroFactory(owner=client.user)
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, macro_data()).status_code == 403
    assert client.get(edit_url(macro)).status_code == 403
    assert client.post(delete_url(macro)).status_code == 403
    assert Macro.objects.count() == 1


def test_list_shows_mine_and_my_teams_macros_and_the_placeholders(
    client, helpdesk, django_assert_max_num_queries
):
    for i in range(10):
        MacroFactory(name=f"Perso {i}", owner=helpdesk.agent)
    shared = MacroFactory(name="Partagée équipe", team=helpdesk.team)
    services.macro_save(name="Étiquetée", body="Hello", owner=helpdesk.agent, add_tags=["x"])
    MacroFactory(name="Celle de Bruno", owner=helpdesk.other_agent)
    client.force_login(helpdesk.agent)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    html = response.content.decode()
    assert "Perso 9" in html
    assert "Partagée équipe" in html
    assert "Étiquetée" in html
    assert "Celle de Bruno" not in html
    for name in services.PLACEHOLDERS:
        assert "{{ " + name + " }}" in html
    # A team macro is read-only to an agent.
    assert edit_url(shared) not in html


@pytest.mark.parametrize("role", [Role.AGENT, Role.IT, Role.SUPERVISOR, Role.ADMIN])
def test_desk_staff_create_a_personal_macro(role_client, role):
    client = role_client(role)
    response = client.post(CREATE, macro_data())
    assert response.status_code == 302
    assert response["Location"] == LIST
    macro = Macro.objects.get()
    assert (macro.owner, macro.team, macro.set_status) == (client.user, None, "pending_customer")
    assert sorted(macro.add_tags.values_list("name", flat=True)) == ["attente", "relance"]


def test_unknown_placeholder_is_refused_on_the_form(client, helpdesk):
    client.force_login(helpdesk.agent)
    response = client.post(CREATE, macro_data(body="Bonjour {{ contact.age }}"))
    assert response.status_code == 400
    assert fr(ERROR_MACRO_PLACEHOLDER, name="contact.age") in response.content.decode()
    assert not Macro.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"name": ""}, {"body": ""}, {"kind": "shout"}, {"set_status": "lost"},
     {"set_priority": "7"}, {"name": "x\x00"}, {"name": "x" * 101}],
)  # fmt: skip
def test_bad_macro_input_is_explained_and_nothing_is_written(client, helpdesk, overrides):
    client.force_login(helpdesk.agent)
    response = client.post(CREATE, macro_data(**overrides))
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert not Macro.objects.exists()


def test_agents_cannot_share_a_macro_with_a_team(client, helpdesk):
    client.force_login(helpdesk.agent)
    assert 'name="team"' not in client.get(CREATE).content.decode()
    client.post(CREATE, macro_data(team=helpdesk.team.pk))
    macro = Macro.objects.get()
    assert (macro.owner, macro.team) == (helpdesk.agent, None)


def test_supervisor_shares_a_macro_with_one_of_their_teams(client, helpdesk):
    helpdesk.team.members.add(helpdesk.supervisor)
    client.force_login(helpdesk.supervisor)
    assert 'name="team"' in client.get(CREATE).content.decode()
    client.post(CREATE, macro_data(team=helpdesk.team.pk))
    macro = Macro.objects.get()
    assert (macro.owner, macro.team) == (None, helpdesk.team)
    # The team sees it; its agents may not change it.
    client.force_login(helpdesk.agent)
    assert "Relance" in client.get(LIST).content.decode()
    assert client.get(edit_url(macro)).status_code == 404
    assert client.post(delete_url(macro)).status_code == 404
    assert Macro.objects.filter(pk=macro.pk).exists()


def test_supervisor_cannot_share_with_a_team_they_are_not_in(client, helpdesk):
    helpdesk.other_queue.team.members.add(helpdesk.supervisor)
    client.force_login(helpdesk.supervisor)
    response = client.post(CREATE, macro_data(team=helpdesk.team.pk))
    assert response.status_code == 400
    assert not Macro.objects.exists()


def test_edit_changes_my_macro(client, helpdesk):
    macro = MacroFactory(owner=helpdesk.agent, name="Ancienne")
    client.force_login(helpdesk.agent)
    form = client.get(edit_url(macro))
    assert "Ancienne" in form.content.decode()
    response = client.post(
        edit_url(macro), macro_data(name="Nouvelle", set_priority=Priority.HIGH, add_tags="")
    )
    assert response.status_code == 302
    macro.refresh_from_db()
    assert (macro.name, macro.set_priority) == ("Nouvelle", Priority.HIGH)


def test_edit_with_a_bad_placeholder_keeps_the_macro_unchanged(client, helpdesk):
    macro = MacroFactory(owner=helpdesk.agent, name="Stable")
    client.force_login(helpdesk.agent)
    response = client.post(edit_url(macro), macro_data(name="Cassée", body="{{ ticket.secret }}"))
    assert response.status_code == 400
    assert fr(ERROR_MACRO_PLACEHOLDER, name="ticket.secret") in response.content.decode()
    macro.refresh_from_db()
    assert macro.name == "Stable"


def test_someone_elses_macro_is_a_404(client, helpdesk):
    macro = MacroFactory(owner=helpdesk.other_agent, name="À Bruno")
    client.force_login(helpdesk.agent)
    assert client.get(edit_url(macro)).status_code == 404
    assert client.post(edit_url(macro), macro_data(name="Volée")).status_code == 404
    assert client.post(delete_url(macro)).status_code == 404
    macro.refresh_from_db()
    assert macro.name == "À Bruno"


def test_delete_removes_my_macro_and_only_by_post(client, helpdesk):
    macro = MacroFactory(owner=helpdesk.agent)
    client.force_login(helpdesk.agent)
    assert client.get(delete_url(macro)).status_code == 405
    response = client.post(delete_url(macro))
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not Macro.objects.exists()
