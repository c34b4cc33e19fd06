"""The navigation bar: apps register entries; each user sees the ones their roles allow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .roles import has_role


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    icon: str = "circle"
    # Empty means every signed-in staff member.
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


_items: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    _items[item.key] = item


def nav_items_for(user: Any) -> list[NavItem]:
    return sorted(
        (item for item in _items.values() if not item.roles or has_role(user, *item.roles)),
        key=lambda item: (item.order, item.key),
    )


@dataclass(frozen=True)
class HeaderSearch:
    """The search box in the header (crm registers it: one box finds every customer)."""

    url_name: str
    placeholder: Any
    roles: frozenset[str] = field(default_factory=frozenset)


_header_search: list[HeaderSearch] = []


def register_header_search(search: HeaderSearch) -> None:
    _header_search[:] = [search]


def header_search_for(user: Any) -> HeaderSearch | None:
    for search in _header_search:
        if not search.roles or has_role(user, *search.roles):
            return search
    return None


@dataclass(frozen=True)
class LayoutInclude:
    """A template every page includes for the users holding `roles` (telephony's screen
    pop polls from here, so a call reaches the agent on whatever page they are)."""

    key: str
    template: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


_layout_includes: dict[str, LayoutInclude] = {}


def register_layout_include(include: LayoutInclude) -> None:
    _layout_includes[include.key] = include


def layout_includes_for(user: Any) -> list[LayoutInclude]:
    return sorted(
        (i for i in _layout_includes.values() if not i.roles or has_role(user, *i.roles)),
        key=lambda i: (i.order, i.key),
    )
