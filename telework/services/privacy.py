"""HR reads of agreements are logged (the employee sees who read theirs, and when)."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import User
from accounts.roles import has_role

from ..models import Agreement, ReadLog
from ..permissions import TELEWORK_HR


def reads_logged(*, reader: User, agreements: Iterable[Agreement | int], channel: str) -> int:
    """Log a read by HR (admins too) of each agreement that is not their own."""
    if not (has_role(reader, *TELEWORK_HR)):
        return 0
    ids = {a if isinstance(a, int) else a.pk for a in agreements}
    own = (
        set(Agreement.objects.filter(pk__in=ids, employee=reader).values_list("pk", flat=True))
        if ids
        else set()
    )
    rows = [ReadLog(agreement_id=pk, reader=reader, channel=channel) for pk in sorted(ids - own)]
    ReadLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
