"""Every write of campaigns, one module per concern:

- `segments`: save and delete segments (rules checked first);
- `lifecycle`: campaigns, the transition table, the start and its audience snapshot;
- `sending`: batched, idempotent email sends and the stale sweep;
- `delivery`: bounces, the provider's tracking events, the one-click unsubscribe;
- `tracking`: tracking numbers and codes, attribution of calls and tickets;
- `calls`: the phone campaign's call list (under the telemarketing rules);
- `bloctel`: the Bloctel opt-out list (CSV import, one number at a time);
- `privacy`: GDPR erase, export and merge hooks.
"""

from .bloctel import bloctel_import, bloctel_number_add, bloctel_number_remove
from .calls import call_outcome_record
from .delivery import delivery_event_record, on_bounce, tracking_event_receive, unsubscribe
from .lifecycle import (
    TRANSITIONS,
    campaign_create,
    campaign_start,
    campaign_transition,
    campaign_update,
    campaigns_start_due,
    exclusion_for,
    expected_volume_set,
)
from .privacy import contact_erase_hook, contact_export_hook, contact_merge_hook
from .segments import segment_create, segment_delete, segment_update
from .sending import (
    campaign_send_done,
    campaign_test_send,
    claim_batch,
    send_batch,
    sending_resume_stale,
)
from .tracking import (
    call_attribute,
    normalise_number,
    on_customer_message,
    ticket_attribute,
    tracking_number_save,
)

__all__ = [
    "TRANSITIONS",
    "bloctel_import",
    "bloctel_number_add",
    "bloctel_number_remove",
    "call_attribute",
    "call_outcome_record",
    "campaign_create",
    "campaign_send_done",
    "campaign_start",
    "campaign_test_send",
    "campaign_transition",
    "campaign_update",
    "campaigns_start_due",
    "claim_batch",
    "contact_erase_hook",
    "contact_export_hook",
    "contact_merge_hook",
    "delivery_event_record",
    "exclusion_for",
    "expected_volume_set",
    "normalise_number",
    "on_bounce",
    "on_customer_message",
    "segment_create",
    "segment_delete",
    "segment_update",
    "send_batch",
    "sending_resume_stale",
    "ticket_attribute",
    "tracking_event_receive",
    "tracking_number_save",
    "unsubscribe",
]
