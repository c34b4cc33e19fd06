"""Point Django at the benchmark database before it starts, and create that database."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def configure(database_url: str, **server_options: object) -> None:
    """Set up Django against `database_url`. Must run before anything imports models.

    The bench process loads exactly the settings of the servers it starts
    (`bench.harness.server_env`: production's, DEBUG off, plus the timing middleware), with
    the same secret key: the sessions it writes for the measured users are valid there.
    """
    from .harness import ServerConfig, server_env

    config = ServerConfig(database_url=database_url, **server_options)  # type: ignore[arg-type]
    os.environ.update(server_env(config))
    import django

    django.setup()


def database_name(database_url: str) -> str:
    name = urlsplit(database_url).path.lstrip("/")
    if not name:
        raise SystemExit(f"No database name in {database_url!r}.")
    return name


def ensure_database(database_url: str) -> bool:
    """Create the database named in the URL if it is missing. True if it was created."""
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit("The CRM benchmark runs on PostgreSQL: give a postgres:// URL.")
    name = database_name(database_url)
    maintenance_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True
