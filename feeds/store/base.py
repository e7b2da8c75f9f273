"""What every part of the store shares: the engine, write transactions, and the
error boundary every public method stands behind."""

from __future__ import annotations

import functools
import inspect
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from feeds.store.database import WRITE, reason, transient
from sources.errors import StoreError

SAVE_ATTEMPTS = 5
"""A batch that meets a deadlock or a serialization failure is written again, this often."""

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="Base")


class Base:
    """The engine and the name of the store (its URL without a password)."""

    def __init__(self, engine: Engine, name: str | None = None) -> None:
        self.engine = engine
        self.name = name or engine.url.render_as_string(hide_password=True)

    @contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """The error boundary: database and file errors become one StoreError."""
        try:
            yield
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"cannot {doing} {self.name}: {reason(exc)}") from exc

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction. On SQLite it holds the write lock from its start
        (``BEGIN IMMEDIATE``), so what it reads stays true until it commits."""
        from feeds.store import changes  # it reads the store with this class

        with self.engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                changes.begin(conn)
                yield conn
                changes.flush(conn)  # the feeds the transaction changed

    def _retrying(self, write: Callable[[Connection], R]) -> R:
        """Run ``write`` in a write transaction; again, a bounded number of times, when
        the database chose it as the victim of a deadlock or serialization failure."""
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                with self._write() as conn:
                    return write(conn)
            except DBAPIError as exc:
                if attempt == SAVE_ATTEMPTS or not transient(exc):
                    raise
                time.sleep(random.uniform(0, 0.05 * attempt))
        raise AssertionError("unreachable")

    def _all(self, query: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(query))


def boundary(
    what: str,
) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], R]]:
    """Translate database and file errors of a public Store method into one StoreError
    naming the database; ``what`` (formatted with the call's arguments) says what was
    being done. Generators are guarded while they run."""

    def wrap(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        signature = inspect.signature(method)

        def doing(store: S, args: Any, kwargs: Any) -> str:
            return what.format(**signature.bind(store, *args, **kwargs).arguments)

        if inspect.isgeneratorfunction(method):

            @functools.wraps(method)
            def generate(store: S, *args: P.args, **kwargs: P.kwargs) -> Any:
                with store.errors(doing(store, args, kwargs)):
                    yield from cast(Iterator[Any], method(store, *args, **kwargs))

            return cast("Callable[Concatenate[S, P], R]", generate)

        @functools.wraps(method)
        def call(store: S, *args: P.args, **kwargs: P.kwargs) -> R:
            with store.errors(doing(store, args, kwargs)):
                return method(store, *args, **kwargs)

        return cast("Callable[Concatenate[S, P], R]", call)

    return wrap
