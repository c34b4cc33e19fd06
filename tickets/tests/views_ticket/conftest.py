"""Fixtures of tickets.tests.views_ticket: media_root, ticket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from tickets.models import Ticket
from tickets.tests.factories import Desk, open_ticket


@pytest.fixture
def media_root(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


@pytest.fixture
def ticket(helpdesk: Desk) -> Ticket:
    return open_ticket(helpdesk)
