"""Each role has a home ("workspace"); apps register panels shown on the workspaces.

A panel is a template plus a function building its context from the request. Later
apps register theirs (an agent's open tickets, HR's pending agreements...) in
AppConfig.ready(), so accounts never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any
    template: str
    context: Callable[[HttpRequest], dict[str, Any]] | None = None
    # Workspaces the panel appears on; empty means all of them.
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels_for_role(role: str) -> list[Panel]:
    return sorted(
        (p for p in _panels.values() if not p.roles or role in p.roles),
        key=lambda p: (p.order, p.key),
    )
