"""Who may do what with opportunities (issue 12, "Permissions").

- Flag: whoever talks to customers (agents, supervisors, reps, admins); an agent reads the
  opportunities they flagged.
- Sales reps see the opportunities routed to them and to their sales teams; the lead of
  a sales team (accounts.Team kind "sales", `lead`) sees all of sales, as admins do.
- Supervisors and marketing read aggregates (handoff KPIs, forecast) only.
- HR and IT see nothing.
"""

from __future__ import annotations

from accounts.roles import Role

SALES_FLAG = (Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.ADMIN)
# Everyone who may open a page of the sales app at all (rows are then filtered).
SALES_READ = (Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.ADMIN)
SALES_WORK = (Role.SALES, Role.ADMIN)
# Aggregates: handoff KPIs and the forecast.
SALES_AGGREGATES = (Role.SUPERVISOR, Role.SALES, Role.MARKETING, Role.ADMIN)
