"""SLA clocks on business time.

- `tickets.sla.schedule`: pure business-time arithmetic (`Schedule.add`, `Schedule.between`);
  no database, property-tested. Re-exported here: `from tickets.sla import Schedule`.
- `tickets.sla.cache`: the per-process cache of schedules and policies, with one
  invalidation, `forget()`. Not imported here, so that the pure part can be imported
  before Django is set up (the benchmark's row builder does).

The writes that use them (recomputing a ticket's deadlines, the sweep) are services:
`tickets.services.sla`.
"""

from __future__ import annotations

from .schedule import MAX_DAYS, Schedule

__all__ = ["MAX_DAYS", "Schedule"]
