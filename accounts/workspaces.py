"""Each role has a home ("workspace"); apps register panels shown on the workspaces.

A panel is a template plus a function building its context from the request. Later
apps register theirs (an agent's open tickets, HR's pending agreements...) in
AppConfig.ready(), so accounts never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .http import AuthenticatedHttpRequest


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any
    template: str
    # Called with the request of the signed-in user whose workspace is shown.
    context: Callable[[AuthenticatedHttpRequest], dict[str, Any]] | None = None
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


# Role -> (priority, URL name): a page that replaces the role's workspace as the landing
# page after login. The highest priority among the user's roles wins (supervision makes
# the live view a supervisor's home even when they are an agent too).
_homes: dict[str, tuple[int, str]] = {}


def register_home(role: str, url_name: str, *, priority: int = 0) -> None:
    _homes[str(role)] = (priority, url_name)


def home_for_roles(roles: frozenset[str] | set[str]) -> str | None:
    found = [_homes[r] for r in roles if r in _homes]
    return max(found)[1] if found else None
