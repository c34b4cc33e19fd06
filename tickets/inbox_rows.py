"""The inbox's ticket rows as HTML, built in Python (issue 10): the `<tr>` the results
partial of `templates/tickets/inbox.html` rendered per row, with the template engine's
own functions (`render_value_in_context` for every value, the `date`, `timeuntil` and
`naturaltime` filters, the same msgids), without the engine's per-variable lookups and
tag dispatch, which were half of the rows' Python time. The change URL is reversed once.

`tickets/tests/test_inbox_rows.py` renders the rows both ways (the template loop kept
there as the reference) and compares them byte for byte: customers with and without an
organisation, staff requesters, tags, every SLA state, hostile text, both languages.
Call after `badges.attach_badges` (it reads `badge_*` and `sla_state_now`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import timeuntil_filter
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext

from .models import Ticket

BADGE = "badge text-bg-light border fw-normal"
PK = "987654321"  # in the reversed URL, replaced by each row's id


def _date(value: Any, fmt: str, context: Context) -> str:
    """`{{ value|date:fmt }}` (the filter expects local time)."""
    return str(render_value_in_context(date_filter(template_localtime(value), fmt), context))


def row_html(ticket: Any, url: str, context: Context) -> SafeString:
    def v(value: Any) -> str:
        return str(render_value_in_context(value, context))

    pk = v(ticket.pk)
    number = v(ticket.number)
    select = gettext("Select %(number)s") % {"number": number}
    tags = "".join(f' <span class="{BADGE}">{v(tag.name)}</span>' for tag in ticket.tags.all())
    if ticket.contact:
        who = v(ticket.contact)
        if ticket.organisation:
            who += f' <span class="small text-secondary">· {v(ticket.organisation)}</span>'
    elif ticket.requester_user:
        staff = conditional_escape(gettext("staff"))
        who = f'{v(ticket.requester_user)} <span class="{BADGE}">{staff}</span>'
    else:
        who = ""
    if ticket.assignee:
        assignee = v(ticket.assignee)
    else:
        assignee = (
            f'<span class="text-secondary">{conditional_escape(gettext("Unassigned"))}</span>'
        )
    due = ticket.sla_next_due_at
    state = ticket.sla_state_now
    sla = ""
    if state == "breached":
        if due:
            sla = (
                f'<span class="small text-danger"> <time datetime="{_date(due, "c", context)}">'
                f"{_date(due, 'SHORT_DATETIME_FORMAT', context)}</time></span>"
            )
    elif state == "soon":
        delay = gettext("in %(delay)s") % {"delay": v(timeuntil_filter(due))}
        sla = (
            f'<span class="small"> <time datetime="{_date(due, "c", context)}" '
            f'title="{_date(due, "DATETIME_FORMAT", context)}">{delay}</time></span>'
        )
    elif state == "ok":
        sla = (
            f'<span class="small text-secondary"> <time datetime="{_date(due, "c", context)}">'
            f"{_date(due, 'SHORT_DATETIME_FORMAT', context)}</time></span>"
        )
    updated = ticket.updated_at
    subject = v(ticket.subject)
    href = url.replace(PK, str(ticket.pk))
    return mark_safe(  # noqa: S308 - every value escaped by render_value_in_context
        f'<tr class="ticket-row" data-ticket-id="{pk}">\n'
        f'        <td><input type="checkbox" class="form-check-input ticket-select" name="ids" '
        f'value="{pk}" form="bulk-form" aria-label="{select}"></td>\n'
        f'        <td class="text-nowrap small"><a href="{href}" class="link-secondary">'
        f"{number}</a></td>\n"
        f'        <td class="ticket-subject-cell"><div class="d-flex align-items-center gap-1">'
        f'<a href="{href}" class="ticket-link ticket-subject fw-semibold text-decoration-none" '
        f'title="{subject}">{subject}</a>{tags}</div></td>\n'
        f'        <td class="ticket-customer">{who}</td>\n'
        f'        <td class="small">{v(ticket.queue)}</td>\n'
        f"        <td>{v(ticket.badge_status)}</td>\n"
        f"        <td>{v(ticket.badge_priority)}</td>\n"
        f'        <td class="small">{assignee}</td>\n'
        f"        <td>{v(ticket.badge_sla)}{sla}</td>\n"
        f'        <td class="small text-nowrap"><time datetime="{_date(updated, "c", context)}" '
        f'title="{_date(updated, "DATETIME_FORMAT", context)}">'
        f"{v(naturaltime(updated))}</time></td>\n"
        f"      </tr>"
    )


def attach_row_html(tickets: Iterable[Ticket]) -> None:
    """Set `row_html` on each ticket of an inbox page."""
    url = reverse("tickets:detail", args=[int(PK)])
    context = Context()
    for ticket in tickets:
        ticket.row_html = row_html(ticket, url, context)  # type: ignore[attr-defined]
