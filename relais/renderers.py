"""Renderers named in settings.REST_FRAMEWORK. Kept apart from relais/api.py: DRF imports
them while it loads its views, so this module must not import DRF's views."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import BrowsableAPIRenderer


class RelaisBrowsableAPIRenderer(BrowsableAPIRenderer):
    """DRF's browsable API, without the filter form for views that filter through
    selectors (it would ask them for a queryset they do not have)."""

    def get_filter_form(self, data: Any, view: Any, request: Any) -> Any:
        if not getattr(view, "filter_backends", None):
            return None
        return super().get_filter_form(data, view, request)
