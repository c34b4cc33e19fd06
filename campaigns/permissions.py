"""Who may do what in campaigns."""

from __future__ import annotations

from accounts.roles import Role

# Build segments, campaigns, numbers; start, cancel, read every result.
CAMPAIGNS_MANAGE = (Role.MARKETING, Role.ADMIN)
# Read the briefs and work the call lists.
CAMPAIGNS_CALL = (Role.AGENT, Role.SUPERVISOR, Role.MARKETING, Role.ADMIN)
# The surge warning per queue.
CAMPAIGNS_SURGE = (Role.SUPERVISOR, Role.MARKETING, Role.ADMIN)
# Results (sales read the attributed opportunities there).
CAMPAIGNS_RESULTS = (Role.MARKETING, Role.ADMIN, Role.SALES, Role.SUPERVISOR)
