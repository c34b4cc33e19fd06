from __future__ import annotations

import pytest

from accounts.selectors import team_list_for_user
from accounts.tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_my_teams_counts_every_member_not_only_me():
    me, colleague, other = UserFactory(), UserFactory(), UserFactory()
    TeamFactory(name="Niveau 1", members=[me, colleague, other])
    TeamFactory(name="Niveau 2", members=[me])
    TeamFactory(name="Pas la mienne", members=[colleague])

    teams = list(team_list_for_user(user=me))

    assert [(t.name, t.member_count) for t in teams] == [("Niveau 1", 3), ("Niveau 2", 1)]
