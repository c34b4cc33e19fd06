"""Kinds of timeline rows. crm registers its own; later apps register theirs in ready().

A kind knows its label, its icon and how to link to its source from the source id alone,
so rendering a page of the timeline needs no query per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Activity


@dataclass(frozen=True)
class ActivityKind:
    code: str
    label: Any
    icon: str = "circle"
    # A URL name taking the source id as its only argument; None when there is no page.
    url_name: str | None = None
    # Renders the line in the reader's language from activity.data; None shows the summary.
    describe: Callable[[Activity], str] | None = None

    def text(self, activity: Activity) -> str:
        if self.describe is not None:
            try:
                return self.describe(activity)
            except (KeyError, TypeError, ValueError):
                pass  # data from an older format: the stored summary still reads fine
        return activity.summary

    def url_for(self, source_id: int | None) -> str | None:
        if self.url_name is None or source_id is None:
            return None
        try:
            return reverse(self.url_name, args=[source_id])
        except NoReverseMatch:
            return None


_kinds: dict[str, ActivityKind] = {}


def register_kind(kind: ActivityKind) -> None:
    _kinds[kind.code] = kind


def get_kind(code: str) -> ActivityKind:
    return _kinds.get(code) or ActivityKind(code=code, label=code)


def kinds() -> list[ActivityKind]:
    return sorted(_kinds.values(), key=lambda k: str(k.label))


def is_registered(code: str) -> bool:
    return code in _kinds


class TimelineRow(TypedDict):
    """One line of a timeline as a page shows it: its kind (label, icon), its text in the
    reader's language and the link to its source."""

    activity: Activity
    kind: ActivityKind
    text: str
    url: str | None
    # Other apps' buttons on the line for the reader (crm.registry.ActivityAction).
    actions: NotRequired[list[dict[str, Any]]]


def timeline_rows(activities: Iterable[Activity]) -> list[TimelineRow]:
    """The lines of a page of the timeline (no query: kinds link from the source id)."""
    rows: list[TimelineRow] = []
    for activity in activities:
        kind = get_kind(activity.kind)
        rows.append(
            {
                "activity": activity,
                "kind": kind,
                "text": kind.text(activity),
                "url": kind.url_for(activity.source_id),
            }
        )
    return rows


# crm's own kinds.
CONTACT_CREATED = "contact_created"
ORGANISATION_CREATED = "organisation_created"
NOTE = "note"
CALL = "call"
CONSENT = "consent"
MERGED = "merged"
ERASED = "erased"
IMPORTED = "imported"


def describe_call(activity: Activity) -> str:
    from .models import Call

    data = activity.data
    minutes, seconds = divmod(int(data["duration_seconds"]), 60)
    # One sentence per direction: word order and case differ between languages.
    if data["direction"] == Call.Direction.OUTBOUND:
        sentence = gettext("Outbound call, %(minutes)d min %(seconds)02d s, %(outcome)s")
    else:
        sentence = gettext("Inbound call, %(minutes)d min %(seconds)02d s, %(outcome)s")
    text = sentence % {
        "minutes": minutes,
        "seconds": seconds,
        "outcome": str(Call.Outcome(data["outcome"]).label).lower(),
    }
    return f"{text} · {data['topic']}" if data.get("topic") else text


def describe_consent(activity: Activity) -> str:
    from .models import Consent, ConsentPurpose

    data = activity.data
    return gettext("%(channel)s consent %(status)s (%(source)s)") % {
        "channel": ConsentPurpose(data["channel"]).label,
        "status": str(Consent.Status(data["status"]).label).lower(),
        "source": data["source"],
    }


def describe_merge(activity: Activity) -> str:
    return gettext("Duplicate #%(id)d merged into this contact") % {"id": activity.data["id"]}


def describe_import(activity: Activity) -> str:
    return gettext("Imported from %(file)s") % {"file": activity.data["file"]}


def _static(text: Any) -> Callable[[Activity], str]:
    return lambda activity: str(text)


CRM_KINDS = [
    ActivityKind(CONTACT_CREATED, _("Contact created"), "person-plus",
                 describe=_static(_("Contact created"))),
    ActivityKind(ORGANISATION_CREATED, _("Organisation created"), "building-add",
                 describe=_static(_("Organisation created"))),
    ActivityKind(NOTE, _("Note"), "journal-text"),
    ActivityKind(CALL, _("Call"), "telephone", describe=describe_call),
    ActivityKind(CONSENT, _("Consent"), "shield-check", describe=describe_consent),
    ActivityKind(MERGED, _("Duplicate merged"), "union", describe=describe_merge),
    ActivityKind(ERASED, _("Personal data erased"), "eraser",
                 describe=_static(_("Personal data erased on request"))),
    ActivityKind(IMPORTED, _("Imported"), "upload", describe=describe_import),
]  # fmt: skip
