"""Who counts as HR for telework: HR, and administrators (who configure everything and
whose reads of agreements are logged like HR's)."""

from __future__ import annotations

from accounts.roles import Role

TELEWORK_HR = (Role.HR, Role.ADMIN)
EQUIPMENT_ROLES = (Role.IT, Role.HR, Role.ADMIN)
RESERVE_ROLES = (Role.HR, Role.SUPERVISOR, Role.ADMIN)
