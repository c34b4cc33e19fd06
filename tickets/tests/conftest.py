from __future__ import annotations

import pytest

from tickets import services

from .factories import Desk, desk


@pytest.fixture(autouse=True)
def _fresh_sla_caches():
    services.sla_forget()
    yield
    services.sla_forget()


@pytest.fixture
def helpdesk(db) -> Desk:
    return desk()
