"""Telework reads. Permission-aware getters fetch and authorise in one step: HR data is
visible to HR, the employee and their manager only; IT reads equipment, never the
agreement's personal details. Everything else is a 404.

One module per concern; `__init__` re-exports their names, so callers keep writing `from
telework import selectors; selectors.agreement_get_for_user(...)`.

- `agreements`: who may see which agreement, and the employee's own telework page.
- `calendars`: the telework calendars: who works from home on which day.
- `dashboard`: the HR dashboard's figures and lists.
- `equipment`: equipment and onboarding reads (IT sees the equipment, never the
  agreement's personal details).
- `allowance`: allowance exports, what managers and HR have to decide, continuity
  activations, the reserve pool, entities and policies.
"""

from .agreements import (
    Status,
    agreement_get_for_user,
    agreement_list,
    agreement_page_data,
    agreements_visible_to,
    is_hr,
    my_telework,
    reads_for_employee,
)
from .allowance import (
    activations,
    active_policies,
    callup_log,
    declarations_to_decide,
    end_requests_to_decide,
    entity_list,
    exports_for,
    may_see_reserve,
    policies_visible_to,
    purchases_to_decide,
    reserve_list,
)
from .calendars import CalendarRow, default_calendar, employees_for_calendar, team_calendar
from .dashboard import PENDING_STATUSES, hr_dashboard, models_sum
from .equipment import (
    asset_get,
    asset_history,
    asset_list,
    document_may_download,
    it_onboarding_items,
    item_get_for_user,
    may_see_equipment,
)

__all__ = [
    "PENDING_STATUSES",
    "CalendarRow",
    "Status",
    "activations",
    "active_policies",
    "agreement_get_for_user",
    "agreement_list",
    "agreement_page_data",
    "agreements_visible_to",
    "asset_get",
    "asset_history",
    "asset_list",
    "callup_log",
    "declarations_to_decide",
    "default_calendar",
    "document_may_download",
    "employees_for_calendar",
    "end_requests_to_decide",
    "entity_list",
    "exports_for",
    "hr_dashboard",
    "is_hr",
    "it_onboarding_items",
    "item_get_for_user",
    "may_see_equipment",
    "may_see_reserve",
    "models_sum",
    "my_telework",
    "policies_visible_to",
    "purchases_to_decide",
    "reads_for_employee",
    "reserve_list",
    "team_calendar",
]
