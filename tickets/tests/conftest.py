from __future__ import annotations

import pytest

from .factories import Desk, desk


@pytest.fixture
def helpdesk(db) -> Desk:
    return desk()
