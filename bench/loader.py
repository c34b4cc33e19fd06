"""Writes `bench.crm_rows.Table`s: PostgreSQL COPY when available, bulk_create elsewhere.

Columns the builder does not give (a field added to a model after this was written) are
filled with the field's default, so the loader keeps working as the models grow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, models

from .crm_rows import Table

BULK_CREATE_BATCH = 500


class Loader:
    def __init__(self, using: str = "default", *, use_copy: bool | None = None) -> None:
        self.connection = connections[using]
        self.using = using
        is_postgresql = self.connection.vendor == "postgresql"
        self.use_copy = is_postgresql if use_copy is None else use_copy and is_postgresql

    def load(self, table: Table) -> int:
        if not table.rows:
            return 0
        model = apps.get_model(table.model)
        columns, fill = self._complete_columns(model, table.columns)
        if self.use_copy:
            self._copy(model, columns, table.rows, fill)
        else:
            self._bulk_create(model, columns, table.rows, fill)
        return len(table.rows)

    def load_all(self, tables: Iterable[Table]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for table in tables:
            counts[table.model] = counts.get(table.model, 0) + self.load(table)
        return counts

    def reset_sequences(self, model_labels: Sequence[str]) -> None:
        """Point each id sequence past the explicit ids we wrote (no-op on SQLite)."""
        model_list = [apps.get_model(label) for label in model_labels]
        statements = self.connection.ops.sequence_reset_sql(no_style(), model_list)
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    # --- internals ----------------------------------------------------------------------
    def _complete_columns(
        self, model: type[models.Model], columns: Sequence[str]
    ) -> tuple[list[str], tuple[Any, ...]]:
        given = set(columns)
        missing = [
            f for f in model._meta.concrete_fields if f.attname not in given and not f.primary_key
        ]
        if self.use_copy:
            fill = tuple(f.get_db_prep_save(f.get_default(), self.connection) for f in missing)
        else:
            fill = tuple(f.get_default() for f in missing)
        return [*columns, *(f.attname for f in missing)], fill

    def _copy(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
        fill: tuple[Any, ...],
    ) -> None:
        quote = self.connection.ops.quote_name
        db_columns = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
        statement = f"COPY {quote(model._meta.db_table)} ({db_columns}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.copy(statement) as copy:
            if fill:
                for row in rows:
                    copy.write_row(row + fill)
            else:
                for row in rows:
                    copy.write_row(row)

    def _bulk_create(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
        fill: tuple[Any, ...],
    ) -> None:
        objects = [model(**dict(zip(columns, row + fill, strict=True))) for row in rows]
        model._default_manager.using(self.using).bulk_create(objects, batch_size=BULK_CREATE_BATCH)


# --- PostgreSQL bulk-load helpers (used by the full-size generator only) ---------------
@contextmanager
def postgres_indexes_dropped(connection: Any, tables: Sequence[str]) -> Any:
    """Drop the secondary indexes of `tables` and rebuild them on exit.

    Building an index once over loaded rows is several times faster than maintaining it
    row by row during COPY. Indexes that back a constraint (primary keys, unique
    constraints) stay. Meant to run inside the loading transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s)
              AND t.relnamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [list(tables)],
        )
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {name}")
    yield [name for name, _ in definitions]
    with connection.cursor() as cursor:
        for _name, definition in definitions:
            cursor.execute(definition)
