"""What later apps plug into the shared record, without crm importing them.

- Customer panels: boxes on the side of the contact page (open tickets, opportunities,
  active campaigns...). A panel's context function gets the contact and the request and
  must run a bounded number of queries.
- Merge hooks: move the app's rows from a duplicate contact to the survivor.
- Erase hooks: remove or anonymise the app's personal data about a contact.
- Export hooks: add the app's data to a contact's GDPR export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Contact


@dataclass(frozen=True)
class CustomerPanel:
    key: str
    title: Any
    template: str
    context: Callable[[Contact, HttpRequest], dict[str, Any]]
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


MergeHook = Callable[["Contact", "Contact"], None]
EraseHook = Callable[["Contact"], None]
ExportHook = Callable[["Contact"], dict[str, Any]]

_panels: dict[str, CustomerPanel] = {}
_merge_hooks: dict[str, MergeHook] = {}
_erase_hooks: dict[str, EraseHook] = {}
_export_hooks: dict[str, ExportHook] = {}


def register_customer_panel(panel: CustomerPanel) -> None:
    _panels[panel.key] = panel


def customer_panels() -> list[CustomerPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def register_merge_hook(name: str, hook: MergeHook) -> None:
    _merge_hooks[name] = hook


def merge_hooks() -> list[MergeHook]:
    return list(_merge_hooks.values())


def register_erase_hook(name: str, hook: EraseHook) -> None:
    _erase_hooks[name] = hook


def erase_hooks() -> list[EraseHook]:
    return list(_erase_hooks.values())


def register_export_hook(name: str, hook: ExportHook) -> None:
    _export_hooks[name] = hook


def export_hooks() -> dict[str, ExportHook]:
    return dict(_export_hooks)
