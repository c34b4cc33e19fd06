"""Supervision KPIs, computed as ../shared/DOMAIN.md defines them.

- `facts`: the per-ticket business-time facts (first response, resolution with pauses
  excluded, SLA outcomes), refreshed after every ticket change and rebuildable per day.
- `formulas`: each KPI's id, label and human formula.
- `engine`: the KPIs over a period, per queue/team/agent/channel/day/week, in SQL over
  the facts, the tickets and the calls.
- `percentiles`: median and p90 grouped as the engine asks (the aggregate and the
  interpolation are `relais.percentiles`, shared with sales: percentile_cont on PostgreSQL,
  the same interpolation in Python elsewhere).
"""
