"""Who may do what on the service desk. Which tickets a user sees is decided per queue
(see selectors.visible_queue_ids): a queue's own team, the teams it is shared with,
supervisors and admins."""

from __future__ import annotations

from accounts.roles import Role

# Work tickets in the inbox (IT works the internal helpdesk queue).
TICKETS_WORK = (Role.AGENT, Role.SUPERVISOR, Role.IT, Role.ADMIN)
# See every queue, reassign across teams, merge.
TICKETS_SUPERVISE = (Role.SUPERVISOR, Role.ADMIN)
# Whom a ticket may be assigned to (besides belonging to a team that sees the queue).
TICKETS_ASSIGNABLE = (Role.AGENT, Role.SUPERVISOR, Role.IT, Role.ADMIN)
