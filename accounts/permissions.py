"""DRF permission classes built on roles."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .roles import has_role


class HasRole(BasePermission):
    """Use as `HasRole.of(Role.HR, Role.ADMIN)` in a view's permission_classes."""

    roles: tuple[str, ...] = ()

    @classmethod
    def of(cls, *roles: str) -> type[HasRole]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": tuple(roles)})

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and has_role(
            request.user, *self.roles
        )
