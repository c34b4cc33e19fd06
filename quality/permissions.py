"""Who sees supervision: supervisors their teams (and the queues those teams own),
admins everything, agents only their own figures, other roles nothing."""

from __future__ import annotations

from accounts.roles import Role

SUPERVISION = (Role.SUPERVISOR, Role.ADMIN)
OWN_FIGURES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
