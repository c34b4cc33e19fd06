"""The campaigns app's models, one module per concern:

- `campaigns`: segments, campaigns, recipients (the audience snapshot, the sends and the
  call list in one row per contact), suppressions, delivery events, tracking numbers and
  what was attributed;
- `telemarketing`: the French telemarketing rules' settings, every call attempt and the
  Bloctel opt-out list.
"""

from .campaigns import (
    Attribution,
    Campaign,
    DeliveryEvent,
    ExpectedVolume,
    Recipient,
    RegulatedQueue,
    Segment,
    Suppression,
    TrackingNumber,
)
from .telemarketing import BloctelNumber, CallAttempt, TelemarketingSettings

__all__ = [
    "Attribution",
    "BloctelNumber",
    "CallAttempt",
    "Campaign",
    "DeliveryEvent",
    "ExpectedVolume",
    "Recipient",
    "RegulatedQueue",
    "Segment",
    "Suppression",
    "TelemarketingSettings",
    "TrackingNumber",
]
