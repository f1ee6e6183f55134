"""Shared plumbing of the store subcommands (db, user, token, audit, report): open the configured
database, run one transaction, and turn store and database errors into one Chinese line."""
from __future__ import annotations

import sys
from contextlib import contextmanager


class CliError(Exception):
    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.message, self.status = message, status


@contextmanager
def transaction():
    """Yield a Session on the configured database; commit on success. Errors become CliError."""
    # imported here, not at module level: every `reviewer` start parses this module's command
    from sqlalchemy.exc import SQLAlchemyError

    from ..config import ConfigError
    from ..masking import mask_all
    from ..store.db import is_schema_missing, open_store
    from ..store.errors import StoreError
    try:
        _settings, engine, factory = open_store()
    except ConfigError as e:
        raise CliError(str(e), 2) from None
    session = factory()
    try:
        yield session
        session.commit()
    except StoreError as e:
        session.rollback()
        raise CliError(e.message) from None
    except SQLAlchemyError as e:
        session.rollback()
        if is_schema_missing(e):
            raise CliError("数据库尚未初始化，请先运行 `reviewer db upgrade`") from None
        # first line only, masked: a driver's message can quote the values it choked on
        raise CliError(f"数据库错误：{mask_all(str(getattr(e, 'orig', e)).splitlines()[0])}") from None
    finally:
        session.close()
        engine.dispose()


def run_guarded(fn, args) -> int:
    try:
        return fn(args) or 0
    except CliError as e:
        print(f"reviewer: 错误：{e.message}", file=sys.stderr)
        return e.status
