"""The board's cards, rendered in Python.

A board shows up to 300 cards; through the template language each cost about twenty
variable lookups, three translation tags and a filter (a third of a millisecond, the
bulk of the page). Here a card is one `format_html` call with the translated words looked
up once per request, and the HTML is the same as the template's was.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..models import Stage
from ..selectors import KanbanCard

CARD = (
    '<li class="card kanban-card mb-2 shadow-sm" data-id="{pk}" data-version="{version}" '
    'data-move-url="{prefix}{pk}/move/" data-testid="card-{pk}">\n'
    '        <div class="card-body p-2 small">\n'
    '          <div class="d-flex gap-1"><a class="fw-semibold me-auto" href="{prefix}{pk}/">'
    '{first_name} {last_name}</a><span class="text-secondary">{reference}</span></div>\n'
    "          <div>{product}</div>\n"
    '          <div class="text-secondary">{amount} € · {probability} %{owner}</div>\n'
    "          {badge}"
    '<form method="post" action="{prefix}{pk}/move/" class="kanban-fallback d-flex gap-1 mt-1">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
    '<input type="hidden" name="version" value="{version}">'
    '<label class="visually-hidden" for="move-{pk}">{move_to}</label>'
    '<select class="form-select form-select-sm" name="stage" id="move-{pk}">{options}</select>'
    '<button type="submit" class="btn btn-sm btn-outline-secondary">{move}</button></form>\n'
    "        </div>\n"
    "      </li>"
)


def cards_html(
    cards: Iterable[KanbanCard], *, prefix: str, csrf: str, options: SafeString
) -> SafeString:
    """One column's cards (`options`: its "move to" menu, built once per column)."""
    words = {"move_to": _("Move to"), "move": _("Move")}
    escalated = format_html('<span class="badge text-bg-danger">{}</span>', _("escalated"))
    to_accept = format_html('<span class="badge text-bg-primary">{}</span>', _("to accept"))
    parts = []
    for o in cards:
        badge: SafeString = mark_safe("")  # constant
        if o.stage == Stage.NEW and not o.accepted_at:
            badge = format_html("<div>{}</div>", escalated if o.escalated_at else to_accept)
        owner: SafeString = mark_safe("")  # constant
        if o.owner_email is not None:
            owner = format_html(" · {}", o.owner_first_name or o.owner_email)
        parts.append(
            format_html(
                CARD,
                pk=o.pk,
                version=o.version,
                prefix=prefix,
                first_name=o.contact_first_name,
                last_name=o.contact_last_name,
                reference=o.reference,
                product=o.product_name or "",
                amount=floatformat(o.amount, 0),
                probability=o.probability,
                owner=owner,
                badge=badge,
                csrf=csrf,
                options=options,
                **words,
            )
        )
    return format_html_join("\n      ", "{}", ((p,) for p in parts))
