"""Freeze "now" at a Paris wall-clock time (the services read django.utils.timezone.now
at call time)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

PARIS = ZoneInfo("Europe/Paris")


def at(monkeypatch: Any, *parts: int) -> datetime:
    moment = datetime(*parts, tzinfo=PARIS)  # type: ignore[misc]
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment
