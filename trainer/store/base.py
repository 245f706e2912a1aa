"""The store's plumbing: one engine, committed write transactions, dialect-neutral upserts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine

from trainer.store.rows import _utc
from trainer.store.schema import StoreError, describe_error, safe_url


class StoreBase:
    """Reaches one database; every write method of a store commits before it returns."""

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self.url = url

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One committed transaction holding the write lock from its first statement."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    yield conn
        except StoreError:
            raise
        except Exception as exc:
            raise describe_error(exc, self.url) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except StoreError:
            raise
        except Exception as exc:
            raise describe_error(exc, self.url) from exc

    def _insert_ignore(self, conn: Connection, table: Any, values: dict[str, Any]) -> None:
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            conn.execute(pg_insert(table).values(**values).on_conflict_do_nothing())
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            conn.execute(sqlite_insert(table).values(**values).on_conflict_do_nothing())

    def close(self) -> None:
        self.engine.dispose()


def _day(moment: datetime | date) -> datetime:
    if not isinstance(moment, datetime):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return _utc(moment) or moment


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
