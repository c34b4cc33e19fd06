"""What later apps plug into the shared record, without crm importing them.

- Customer panels: boxes on the side of the contact page (open tickets, opportunities,
  active campaigns...). A panel's context function gets the contact and the request and
  must run a bounded number of queries.
- Merge hooks: move the app's rows from a duplicate contact to the survivor.
- Personal data: per model, the fields that may hold a contact's personal data and how
  erasure scrubs them (`PersonalData`, read by `crm.erasure`; docs/privacy.md).
- Erase hooks: the escape hatch for what a declaration cannot say (run by `crm.erasure`
  after the declarations, in the same transaction).
- Export hooks: add the app's data to a contact's GDPR export.
- Contact actions: buttons on the contact page ("Flag an opportunity"...) that open the
  app's dialog; activity actions: the same on each timeline row of one kind (a call).
  Their URL is built from the id alone, so a timeline page costs no extra query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from accounts.http import AuthenticatedHttpRequest

    from .models import Contact


@dataclass(frozen=True)
class CustomerPanel:
    key: str
    title: Any
    template: str
    context: Callable[[Contact, AuthenticatedHttpRequest], dict[str, Any]]
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


@dataclass(frozen=True)
class ContactAction:
    """A button on the contact page: `url_name` takes no argument; the contact's id goes in
    the query string as `?contact=<id>`. With `dialog`, htmx loads it into the page's
    dialog; the link still works without JavaScript."""

    key: str
    label: Any
    url_name: str
    icon: str = "plus-lg"
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50
    dialog: bool = True

    def url_for(self, contact_id: int) -> str:
        return f"{reverse(self.url_name)}?contact={contact_id}"


@dataclass(frozen=True)
class ActivityAction:
    """A link on every timeline row of `kind` (e.g. "call"): `?<param>=<source id>`."""

    key: str
    kind: str
    label: Any
    url_name: str
    param: str
    icon: str = "plus-lg"
    roles: frozenset[str] = field(default_factory=frozenset)
    dialog: bool = True

    def url_for(self, source_id: int) -> str:
        return f"{reverse(self.url_name)}?{self.param}={source_id}"


@dataclass(frozen=True)
class PersonalData:
    """Where one model holds a contact's personal data, and how erasure scrubs it.

    - `model`: "app_label.ModelName".
    - `contact_path`: ORM path from the model to the erased `Contact` ("ticket__contact",
      "message__ticket__contact"); "" for Contact itself; None for rows with no link to
      the contact (notifications, webhook payloads): those rows are found by the
      identifiers their `scrub_text` / `json` fields contain.
    - `scrub_text`: free-text fields; each known identifier of the contact (emails,
      phones in every format, distinctive names) is replaced by a neutral marker.
    - `blank`: fields that are only personal: emptied ("" / None / {} / [] / b""); a file
      field's file is deleted from storage once the transaction commits.
    - `replace`: free text that is the person's own words whatever it says (a ticket
      subject, a note): replaced whole by the marker when not empty (one UPDATE).
    - `json`: JSON fields scrubbed recursively (every string value, as `scrub_text`).
    - `redact_keys`: keys of those JSON fields whose values are the person's own words
      (a subject, an excerpt): replaced by the marker whatever they say.
    - `delete`: the rows go (their file fields' files too) rather than being scrubbed.
    """

    model: str
    contact_path: str | None
    scrub_text: tuple[str, ...] = ()
    blank: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()
    json: tuple[str, ...] = ()
    redact_keys: tuple[str, ...] = ()
    delete: bool = False

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.model.lower(), self.contact_path)


MergeHook = Callable[["Contact", "Contact"], None]
EraseHook = Callable[["Contact"], None]
ExportHook = Callable[["Contact"], dict[str, Any]]

_panels: dict[str, CustomerPanel] = {}
_merge_hooks: dict[str, MergeHook] = {}
_erase_hooks: dict[str, EraseHook] = {}
_personal_data: dict[tuple[str, str | None], PersonalData] = {}
_export_hooks: dict[str, ExportHook] = {}
_contact_actions: dict[str, ContactAction] = {}
_activity_actions: dict[str, ActivityAction] = {}


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


def register_personal_data(*declarations: PersonalData) -> None:
    """Declare where a model holds a contact's personal data (one declaration per model
    and contact path; registering the same pair again replaces it)."""
    for declaration in declarations:
        if not (
            declaration.scrub_text
            or declaration.blank
            or declaration.replace
            or declaration.json
            or declaration.delete
        ):
            raise ValueError(f"{declaration.model}: nothing to scrub, blank or delete")
        if declaration.redact_keys and not declaration.json:
            raise ValueError(f"{declaration.model}: redact_keys needs json fields")
        _personal_data[declaration.key] = declaration


def personal_data() -> list[PersonalData]:
    return list(_personal_data.values())


def register_export_hook(name: str, hook: ExportHook) -> None:
    """`hook(contact)` returns this app's part of the GDPR export: a dict of top-level
    sections ({"tickets": [...]}) merged into the export as they are. A section name that
    another part already uses is refused (crm.services.contact_export_data), so no app can
    nest its data under its own name again."""
    _export_hooks[name] = hook


def export_hooks() -> dict[str, ExportHook]:
    return dict(_export_hooks)


def register_contact_action(action: ContactAction) -> None:
    _contact_actions[action.key] = action


def contact_actions() -> list[ContactAction]:
    return sorted(_contact_actions.values(), key=lambda a: (a.order, a.key))


def register_activity_action(action: ActivityAction) -> None:
    _activity_actions[action.key] = action


def activity_actions() -> list[ActivityAction]:
    return sorted(_activity_actions.values(), key=lambda a: a.key)


# --- The header search's other sections --------------------------------------------------


@dataclass(frozen=True)
class SearchSection:
    """A section of the header search's results below the customers (the desk's tickets by
    number and subject). `results(query, request)` returns at most a few rows in a
    bounded number of queries; `template` renders them (`rows` and `q` in its context)."""

    key: str
    title: Any
    template: str
    results: Callable[[str, AuthenticatedHttpRequest], list[Any]]
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


_search_sections: dict[str, SearchSection] = {}


def register_search_section(section: SearchSection) -> None:
    _search_sections[section.key] = section


def search_sections() -> list[SearchSection]:
    return sorted(_search_sections.values(), key=lambda s: s.order)
