"""The data version: a counter that every writing transaction bumps just before it commits.

Readers that cache what they computed from the database (the web layer's queue pages and API
lists) read the counter FIRST, then the data, and keep the result under that counter value. A
write bumps the counter in its own transaction, so it becomes visible together with the data:
a reader that still sees the old counter may have read old or new data (either is kept under the
old value, which no later reader will match once it sees the new one); a reader that sees the new
counter reads the new data. Correct across processes and hosts, with one primary-key read.

install(factory) hooks a sessionmaker: any ORM flush with changes, or any INSERT/UPDATE/DELETE run
through the session, marks the session; before_commit adds the bump. The row lock is held only
from that UPDATE to the commit, so writers serialise for a moment, not for their whole transaction.
"""
from __future__ import annotations

from sqlalchemy import DDL, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from .models import DataVersion

_FLAG = "reviewer.wrote"
_BUMP = text("UPDATE data_version SET n = n + 1 WHERE id = 1")
_FIRST_ROW = "INSERT INTO data_version (id, n) VALUES (1, 0)"
_INSERT = text(_FIRST_ROW)
_READ = text("SELECT n FROM data_version WHERE id = 1")

# a database made with metadata.create_all (not the migrations) gets its row too
event.listen(DataVersion.__table__, "after_create", DDL(_FIRST_ROW))


def _after_flush(session: Session, _ctx) -> None:
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        session.info[_FLAG] = True


def _do_orm_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_FLAG] = True


def _before_commit(session: Session) -> None:
    session.flush()                  # the commit's own flush comes after this event: do it now
    if session.info.pop(_FLAG, False):
        # through the Connection, not session.execute: that would mark the session again
        session.connection().execute(_BUMP)


def _after_rollback(session: Session) -> None:
    session.info.pop(_FLAG, None)


def install(factory: sessionmaker) -> sessionmaker:
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _do_orm_execute)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_rollback", _after_rollback)
    return factory


def current(bind: Engine | Connection | Session) -> int | None:
    """The counter now (None if the database has no such row: then nothing may be cached).

    With an Engine, a missing row (a database emptied by TRUNCATE, as the tests do) is put back."""
    if isinstance(bind, Engine):
        with bind.connect() as c:
            n = c.execute(_READ).scalar()
        if n is None:
            from sqlalchemy.exc import IntegrityError
            try:
                with bind.begin() as c:
                    c.execute(_INSERT)
            except IntegrityError:       # another process put it back first
                pass
            with bind.connect() as c:
                n = c.execute(_READ).scalar()
        return n
    return bind.execute(_READ).scalar()
