"""`{% fast_result_list cl %}`: Django's `{% result_list cl %}` with the rows rendered by
`relais.admin_rows` (issue 10); the same template, overridable per app and model."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.base import InclusionAdminNode

from relais import admin_rows

register = template.Library()


def fast_result_list(cl: Any) -> dict[str, Any]:
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(admin_list.result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": list(admin_rows.results(cl)),
    }


@register.tag(name="fast_result_list")
def fast_result_list_tag(parser: Any, token: Any) -> InclusionAdminNode:
    return InclusionAdminNode(
        parser,
        token,
        func=fast_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
