"""Shared pieces for the apps' Django admins.

`FastChangelistMixin` (issue 10): the changelist's action checkbox, rendered by
`ModelAdmin.action_checkbox` through a `CheckboxInput` and the form renderer's template
once per row (a quarter of a 100-row changelist), written as the same HTML with one
`format_html`; with `CappedCountPaginator` and no full count, a changelist of millions
of rows costs what a small one does. `tests/test_admin_helpers.py` compares the HTML.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import helpers
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


class FastChangelistMixin:
    # The rows through relais.admin_rows (the same HTML as Django's, a third of the cost).
    change_list_template = "admin/relais/fast_change_list.html"

    def action_checkbox(self, obj: Any) -> SafeString:
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


ADMIN_COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most ADMIN_COUNT_CAP rows (an index scan stopping there), not the table."""

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        return int(qs.order_by().values("pk")[:ADMIN_COUNT_CAP].count())
