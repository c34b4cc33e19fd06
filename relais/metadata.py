"""OPTIONS answers only whom the endpoint's own method would (issue 8).

A module of its own: DRF reads DEFAULT_METADATA_CLASS while it defines APIView, so this
must not import DRF's views at import time (relais.api does).
"""

from __future__ import annotations

from typing import Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request, override_method


def check_options_access(request: Request, view: Any) -> None:
    """OPTIONS needs what the endpoint's own method needs.

    DRF answers OPTIONS with the endpoint's metadata after checking the permission
    classes for the method OPTIONS, so a role the endpoint refuses still read what it
    takes, and an id one may not see answered 200. Here the permission classes are
    checked as for GET (or, on an endpoint without GET, its first write method), and the
    object the URL names is fetched through the view's permission-aware `get_object()`
    (a detail GET without one runs its handler, the answer discarded). A refusal is the
    same 403 or 404 as the method's.
    """
    method = next(
        (m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if hasattr(view, m.lower())),
        None,
    )
    if method is None:
        return
    with override_method(view, request, method) as as_method:
        view.check_permissions(as_method)
        if not view.kwargs:
            if method == "GET" and request.query_params:
                # A list narrowed to an object (?ticket=): GET's own checks of it.
                view.get(as_method, *view.args, **view.kwargs)
            return  # otherwise a list: the permission classes are the rule
        from rest_framework.generics import GenericAPIView

        from relais.api import BaseAPIView

        own_get_object = getattr(type(view), "get_object", None) not in (
            None,
            GenericAPIView.get_object,
            BaseAPIView.get_object,
        )
        if own_get_object:
            view.get_object()
        elif method == "GET":
            view.get(as_method, *view.args, **view.kwargs)


class PermissionCheckedMetadata(SimpleMetadata):
    """The OPTIONS answer of every DRF view (settings: DEFAULT_METADATA_CLASS), given only
    to whom the endpoint's method is (check_options_access)."""

    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        check_options_access(request, view)
        return dict(super().determine_metadata(request, view))
