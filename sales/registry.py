"""What later apps plug into the opportunity page, without sales importing them.

- Service-context panels: boxes in the "service context" column of the opportunity page
  (campaigns adds the last survey answers and the running campaigns that target the
  customer). A panel's context function gets the contact and the request, must run a
  bounded number of queries, and returns {} when it has nothing to show.
- Warning providers: reasons to "fix service first" (campaigns adds "a recent bad survey
  answer"). A provider returns `ServiceWarning`s for a contact; each has a stable `key`
  so that an acknowledgement covers exactly the warnings the rep saw, and a new one asks
  for a new acknowledgement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from crm.models import Contact


@dataclass(frozen=True)
class ServiceContextPanel:
    key: str
    title: Any
    template: str
    context: Callable[[Contact, HttpRequest], dict[str, Any]]
    order: int = 50


@dataclass(frozen=True)
class ServiceWarning:
    key: str  # stable: "complaint:123", "survey:45"
    text: str
    url: str = ""


WarningProvider = Callable[["Contact"], list[ServiceWarning]]

# Shown in place of the survey panel while no app provides one (campaigns comes later).
SURVEY_PANEL_KEY = "surveys"

_panels: dict[str, ServiceContextPanel] = {}
_warning_providers: dict[str, WarningProvider] = {}


def register_service_context_panel(panel: ServiceContextPanel) -> None:
    _panels[panel.key] = panel


def service_context_panels() -> list[ServiceContextPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def has_panel(key: str) -> bool:
    return key in _panels


def register_warning_provider(name: str, provider: WarningProvider) -> None:
    _warning_providers[name] = provider


def warning_providers() -> list[WarningProvider]:
    return list(_warning_providers.values())
