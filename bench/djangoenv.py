"""Point Django at the benchmark database before it starts, and create that database."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def configure(database_url: str) -> None:
    """Set up Django against `database_url`. Must run before anything imports models.

    The settings module reads its configuration from the environment at import time:
    DJANGO_DEBUG=1 gives the development secret key and plain static files (no manifest
    to build); `bench.crm_measure` then turns DEBUG off before serving any request.
    """
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    # Keep the benchmark's var/ files (file cache...) apart from a developer's.
    os.environ.setdefault("RELAIS_VAR_DIR", "var/bench")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
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
