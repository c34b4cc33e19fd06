"""`fixed_join_order()`: run a few wide, hot queries with PostgreSQL's join search off.

The inbox page query joins the ticket to six tables (queue, customer, organisation,
requester, assignee, SLA policy) and the ticket page's to ten; every join is a
LEFT JOIN on a primary key, and the best plan is the order Django writes them in
(the ticket first, by the index the filter and sort choose, then one index lookup per
join). PostgreSQL still searches the join orders: measured on the 100,000-ticket peer
data set, planning took 8.8 ms for the inbox rows query (executing it 1.7 ms) and 3.2
ms for the ticket's (executing 0.6 ms). With `join_collapse_limit = 1` for that one
query, planning takes 0.7 and 0.6 ms and the plan is the same (docs/benchmarks.md,
"Phase 3"). Sub-selects are still flattened (`from_collapse_limit` is left alone).

The setting is the connection's for the duration of the block, then RESET (to the
server's or the role's default): two short statements, counted by the query-count
guards on PostgreSQL. Inside a transaction that fails, PostgreSQL undoes the SET itself
on rollback. Nothing on other databases.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connections
from django.db.transaction import TransactionManagementError


@contextmanager
def fixed_join_order(using: str = "default") -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET join_collapse_limit = 1")
    try:
        yield
    except BaseException:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET join_collapse_limit")
        except (DatabaseError, TransactionManagementError):
            pass  # an aborted transaction: its rollback undoes the SET
        raise
    with connection.cursor() as cursor:
        cursor.execute("RESET join_collapse_limit")
