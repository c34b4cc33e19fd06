"""The rota page and its htmx form, per role."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from quality import services
from quality.models import Shift

from .rota_world import at, build_rota

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def rota():
    r = build_rota()
    r.shift = services.shift_create(
        actor=r.supervisor, agent=r.agent, team=r.team, starts_at=at(16, 9), ends_at=at(16, 17)
    )
    r.shift2 = services.shift_create(
        actor=r.supervisor, agent=r.agent2, team=r.team, starts_at=at(17, 9), ends_at=at(17, 17)
    )
    r.other_shift = services.shift_create(
        actor=r.admin,
        agent=r.other_agent,
        team=r.other_team,
        starts_at=at(16, 9),
        ends_at=at(16, 17),
    )
    return r


def _form(rota, **kw):
    data = {
        "agent": rota.agent.pk,
        "team": rota.team.pk,
        "queue": "",
        "starts_at": "2026-11-18T09:00",
        "ends_at": "2026-11-18T17:30",
        "break_minutes": "45",
        "week": "2026-11-16",
    }
    data.update(kw)
    return data


def test_a_supervisor_sees_their_teams_week(client, rota, django_assert_max_num_queries):
    client.force_login(rota.supervisor)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("quality:rota"), {"week": "2026-11-18"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-shift="{rota.shift.pk}"' in html
    assert f'data-shift="{rota.shift2.pk}"' in html
    assert f'data-shift="{rota.other_shift.pk}"' not in html
    assert 'data-testid="shift-form"' in html


def test_the_page_makes_the_same_queries_whatever_the_shifts(
    client, rota, django_assert_num_queries
):
    client.force_login(rota.supervisor)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("quality:rota"), {"week": "2026-11-16"})
    for day in (18, 19, 20):
        for agent in (rota.agent, rota.agent2):
            services.shift_create(
                actor=rota.supervisor,
                agent=agent,
                team=rota.team,
                queue=rota.queue,
                starts_at=at(day, 9),
                ends_at=at(day, 17),
            )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("quality:rota"), {"week": "2026-11-16"})


def test_an_agent_sees_only_their_own_shifts_read_only(client, rota):
    client.force_login(rota.agent)
    page = client.get(reverse("quality:rota"), {"week": "2026-11-16"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-shift="{rota.shift.pk}"' in html
    assert f'data-shift="{rota.shift2.pk}"' not in html
    assert 'data-testid="shift-form"' not in html
    assert client.get(reverse("quality:shift_new")).status_code == 403
    assert client.post(reverse("quality:shift_new"), _form(rota)).status_code == 403
    assert client.post(reverse("quality:shift_delete", args=[rota.shift.pk])).status_code == 403
    assert client.post(reverse("quality:rota_copy"), {"week": "2026-11-23"}).status_code == 403
    assert Shift.objects.count() == 3


@pytest.mark.parametrize("role", [Role.SALES, Role.MARKETING, Role.IT, Role.HR])
def test_other_roles_are_refused_the_rota(client, rota, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("quality:rota")).status_code == 403
    assert client.get(reverse("quality:shift_edit", args=[rota.shift.pk])).status_code == 403


def test_a_supervisor_of_another_team_cannot_touch_this_teams_shifts(client, rota):
    client.force_login(rota.other_supervisor)
    assert client.get(reverse("quality:shift_edit", args=[rota.shift.pk])).status_code == 404
    assert client.post(reverse("quality:shift_delete", args=[rota.shift.pk])).status_code == 404
    response = client.post(reverse("quality:shift_new"), _form(rota))
    assert response.status_code == 400
    assert response.context["form"].errors  # this team is not a choice of theirs
    assert Shift.objects.count() == 3


def test_adding_a_shift_with_htmx_swaps_the_week_in(client, rota):
    client.force_login(rota.supervisor)
    form = client.get(reverse("quality:shift_new"), {"week": "2026-11-16"}, **HTMX)
    assert form.status_code == 200
    response = client.post(reverse("quality:shift_new"), _form(rota), **HTMX)
    assert response.status_code == 200
    shift = Shift.objects.get(starts_at=at(18, 9))
    assert (shift.ends_at, shift.break_minutes) == (at(18, 17, 30), 45)
    assert f'data-shift="{shift.pk}"' in response.content.decode()
    assert "Créneau ajouté." in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": "2026-11-16T12:00", "ends_at": "2026-11-16T14:00"}, "starts_at"),
        ({"ends_at": "2026-11-18T08:00"}, "ends_at"),
        ({"ends_at": "2026-11-19T09:00"}, "ends_at"),
        ({"break_minutes": "600"}, "break_minutes"),
        ({"starts_at": "demain"}, "starts_at"),
        ({"agent": str(10**15)}, "agent"),
        ({"agent": ""}, "agent"),
        ({"queue": "<script>"}, "queue"),
        ({"break_minutes": "-1"}, "break_minutes"),
    ],
)
def test_bad_input_on_the_form_is_refused_and_writes_nothing(client, rota, changes, field):
    client.force_login(rota.supervisor)
    response = client.post(reverse("quality:shift_new"), _form(rota, **changes), **HTMX)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert Shift.objects.count() == 3
    plain = client.post(reverse("quality:shift_new"), _form(rota, **changes))
    assert plain.status_code == 400


def test_odd_weeks_and_teams_in_the_query_string_fall_back_to_this_week(client, rota):
    client.force_login(rota.supervisor)
    for params in (
        {"week": "9999-12-31"},
        {"week": "0001-01-01"},
        {"week": "<b>"},
        {"team": "9" * 30},
        {"week": "2026-02-30"},
    ):
        assert client.get(reverse("quality:rota"), params).status_code == 200
    staffing = client.get(reverse("quality:staffing"), {"week": "9999-12-31"})
    assert staffing.status_code == 200
    far = client.post(reverse("quality:rota_copy"), {"week": "9999-12-31"}, **HTMX)
    assert far.status_code == 422
    assert Shift.objects.count() == 3


def test_changing_and_removing_a_shift(client, rota):
    client.force_login(rota.supervisor)
    url = reverse("quality:shift_edit", args=[rota.shift.pk])
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert form.context["editing"] == rota.shift
    response = client.post(
        url,
        _form(rota, starts_at="2026-11-16T10:00", ends_at="2026-11-16T18:00", break_minutes="0"),
    )
    assert response.status_code == 302
    rota.shift.refresh_from_db()
    assert rota.shift.starts_at == at(16, 10)
    gone = client.post(reverse("quality:shift_delete", args=[rota.shift.pk]), **HTMX)
    assert gone.status_code == 200
    assert not Shift.objects.filter(pk=rota.shift.pk).exists()


def test_copy_last_week_from_the_page(client, rota):
    client.force_login(rota.supervisor)
    response = client.post(reverse("quality:rota_copy"), {"week": "2026-11-23"}, **HTMX)
    assert response.status_code == 200
    assert Shift.objects.filter(starts_at__gte=at(23, 0)).count() == 2  # not the other team's
    bad = client.post(reverse("quality:rota_copy"), {"week": "nope"}, **HTMX)
    assert bad.status_code == 422
    other = client.post(
        reverse("quality:rota_copy"), {"week": "2026-11-23", "team": rota.other_team.pk}, **HTMX
    )
    assert other.status_code == 422
    assert Shift.objects.count() == 5
