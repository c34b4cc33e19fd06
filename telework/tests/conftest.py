from __future__ import annotations

import pytest

from .factories import World, world


@pytest.fixture
def w(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    return world()
