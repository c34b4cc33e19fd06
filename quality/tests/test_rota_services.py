"""The rota's rules, written once in quality.services.rota."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from quality import services
from quality.models import Shift

from .rota_world import PARIS, at, build_rota

pytestmark = pytest.mark.django_db


@pytest.fixture
def rota():
    return build_rota()


def _shift(rota, start, end, **kw):
    values = {"actor": rota.supervisor, "agent": rota.agent, "team": rota.team}
    values.update(kw)
    return services.shift_create(starts_at=start, ends_at=end, **values)


def _refused(rota, field, message, **kw):
    before = Shift.objects.count()
    with pytest.raises(ValidationError) as exc:
        _shift(rota, **kw)
    assert message in exc.value.message_dict[field][0]
    assert Shift.objects.count() == before


def test_a_supervisor_schedules_an_agent_of_their_team(rota):
    shift = _shift(rota, at(16, 9), at(16, 17), queue=rota.queue, break_minutes=60)
    assert (shift.agent, shift.team, shift.queue, shift.created_by) == (
        rota.agent,
        rota.team,
        rota.queue,
        rota.supervisor,
    )
    assert shift.length_minutes == 480


def test_an_overlapping_shift_of_the_same_agent_is_refused_but_back_to_back_is_fine(rota):
    _shift(rota, at(16, 9), at(16, 13))
    with translation.override("en"):
        _refused(
            rota,
            "starts_at",
            "already has a shift from 16/11 09:00",
            start=at(16, 12),
            end=at(16, 14),
        )
    _refused(rota, "starts_at", str(services.ERROR_OVERLAP)[:20], start=at(16, 8), end=at(16, 18))
    _shift(rota, at(16, 13), at(16, 17))  # starts when the other ends
    _shift(rota, at(16, 9), at(16, 13), agent=rota.agent2)  # another agent
    assert Shift.objects.count() == 3


@pytest.mark.parametrize(
    ("start", "end", "brk", "field", "message"),
    [
        (at(16, 10), at(16, 9), 0, "ends_at", services.ERROR_ENDS_BEFORE),
        (at(16, 10), at(16, 10), 0, "ends_at", services.ERROR_ENDS_BEFORE),
        (at(16, 6), at(16, 22, 1), 0, "ends_at", "16"),
        (at(16, 9), at(16, 10), 60, "break_minutes", services.ERROR_BREAK),
    ],
)
def test_bad_times_and_oversized_shifts_are_refused(rota, start, end, brk, field, message):
    _refused(rota, field, str(message), start=start, end=end, break_minutes=brk)


def test_sixteen_hours_exactly_is_allowed(rota):
    assert _shift(rota, at(16, 6), at(16, 22)).length_minutes == 16 * 60


def test_the_queue_must_be_the_teams_and_the_agent_a_member(rota):
    _refused(
        rota,
        "queue",
        str(services.ERROR_QUEUE_TEAM),
        start=at(16, 9),
        end=at(16, 12),
        queue=rota.other_queue,
    )
    _refused(
        rota,
        "agent",
        str(services.ERROR_NOT_MEMBER),
        start=at(16, 9),
        end=at(16, 12),
        agent=rota.other_agent,
    )
    rota.agent.is_active = False
    rota.agent.save()
    _refused(rota, "agent", str(services.ERROR_NOT_MEMBER), start=at(16, 9), end=at(16, 12))


def test_a_supervisor_of_another_team_and_an_agent_may_not_schedule(rota):
    _refused(rota, "team", "", start=at(16, 9), end=at(16, 12), actor=rota.other_supervisor)
    with pytest.raises(PermissionDenied):
        _shift(rota, at(16, 9), at(16, 12), actor=rota.agent)
    assert _shift(rota, at(16, 9), at(16, 12), actor=rota.admin).pk


def test_moving_a_shift_checks_overlaps_with_the_others_only(rota):
    first = _shift(rota, at(16, 9), at(16, 12))
    second = _shift(rota, at(16, 14), at(16, 18))
    services.shift_update(actor=rota.supervisor, shift=first, ends_at=at(16, 13))
    with pytest.raises(ValidationError):
        services.shift_update(actor=rota.supervisor, shift=second, starts_at=at(16, 12))
    second.refresh_from_db()
    assert second.starts_at == at(16, 14)
    with pytest.raises(ValidationError):
        services.shift_update(actor=rota.other_supervisor, shift=second, ends_at=at(16, 19))
    services.shift_delete(actor=rota.supervisor, shift=second)
    assert list(Shift.objects.all()) == [first]


def test_copying_last_week_skips_overlaps_and_former_members(rota):
    _shift(rota, at(9, 9), at(9, 17), break_minutes=45, queue=rota.queue)
    _shift(rota, at(10, 9), at(10, 17))
    _shift(rota, at(9, 9), at(9, 17), agent=rota.agent2)
    _shift(rota, at(17, 8), at(17, 10))  # already there on Tuesday: the copy would overlap
    services.shift_create(
        actor=rota.other_supervisor,
        agent=rota.other_agent,
        team=rota.other_team,
        starts_at=at(9, 9),
        ends_at=at(9, 17),
    )
    rota.team.members.remove(rota.agent2)
    copied, skipped = services.shifts_copy_week(actor=rota.supervisor, week_start=at(18, 0).date())
    assert (copied, skipped) == (1, 2)
    new = Shift.objects.get(starts_at=at(16, 9))
    assert (new.ends_at, new.break_minutes, new.queue) == (at(16, 17), 45, rota.queue)
    assert not Shift.objects.filter(agent=rota.other_agent, starts_at__gte=at(16, 0)).exists()
    assert services.shifts_copy_week(actor=rota.supervisor, week_start=at(16, 0).date()) == (0, 3)


def test_copying_keeps_the_wall_clock_across_a_time_change(rota):
    # Sunday 25 October 2026: Paris leaves summer time.
    _shift(rota, at(16, 9) - dt.timedelta(weeks=4), at(16, 17) - dt.timedelta(weeks=4))
    services.shifts_copy_week(actor=rota.supervisor, week_start=dt.date(2026, 10, 26))
    copied = Shift.objects.order_by("-starts_at").first()
    assert copied.starts_at == dt.datetime(2026, 10, 26, 9, tzinfo=PARIS)  # UTC+1 now


def test_the_admin_checks_and_saves_through_the_rota_services(client, rota):
    from accounts.tests.factories import UserFactory

    admin_user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    first = _shift(rota, at(16, 9), at(16, 13))
    data = {
        "agent": rota.agent.pk,
        "team": rota.team.pk,
        "queue": "",
        "starts_at_0": "16/11/2026",
        "starts_at_1": "12:00",
        "ends_at_0": "16/11/2026",
        "ends_at_1": "15:00",
        "break_minutes": "0",
    }
    refused = client.post("/admin/quality/shift/add/", data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["starts_at"]
    assert Shift.objects.count() == 1
    data.update(starts_at_1="13:00", ends_at_1="17:00")
    saved = client.post("/admin/quality/shift/add/", data)
    assert saved.status_code == 302
    new = Shift.objects.exclude(pk=first.pk).get()
    assert (new.starts_at, new.created_by) == (at(16, 13), admin_user)
    data.update(break_minutes="300")
    changed = client.post(f"/admin/quality/shift/{new.pk}/change/", data)
    assert changed.context["adminform"].form.errors["break_minutes"]
    assert client.post(f"/admin/quality/shift/{new.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(Shift.objects.all()) == [first]
