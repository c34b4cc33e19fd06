"""relais.db_hints.fixed_join_order: the setting holds inside the block only, also when
the block fails (issue 10)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from relais.db_hints import fixed_join_order

pytestmark = pytest.mark.django_db


def _limit() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return str(cursor.fetchone()[0])


def test_the_join_order_is_fixed_inside_the_block_only():
    before = _limit()
    with fixed_join_order():
        inside = _limit()
    assert _limit() == before
    if connection.vendor == "postgresql":
        assert (before, inside) == ("8", "1")
    else:
        assert inside is None  # nothing to set on SQLite


def test_an_error_inside_the_block_leaves_the_default():
    before = _limit()
    with pytest.raises(ValueError, match="boom"), fixed_join_order():
        raise ValueError("boom")
    assert _limit() == before


def test_a_failed_transaction_leaves_the_default():
    before = _limit()
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        fixed_join_order(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT * FROM no_such_table")
    assert _limit() == before
