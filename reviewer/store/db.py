"""Engine, sessions and migrations for SQLite (default) and PostgreSQL.

    engine = make_engine(settings.database_url)
    upgrade(engine)                        # what `reviewer db upgrade` runs
    Session = make_sessionmaker(engine)
    with session_scope(Session) as s: ...  # commits, or rolls back on an exception

A PostgreSQL schema other than `public` is chosen in the URL itself, which psycopg2 passes on:
`postgresql://u@h/db?options=-csearch_path%3Dmyschema`.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


def normalize_url(url):
    """A plain `postgresql://` URL means psycopg2 (the driver the project depends on); SQLAlchemy
    2.1 would otherwise pick psycopg 3."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg2")
    return u


def make_engine(url: str, **kwargs) -> Engine:
    """An Engine for `url`. SQLite: the folder is created, WAL journal, foreign keys on and a busy
    timeout (the web server and a sweep write at the same time). PostgreSQL: pre-ping pooled
    connections."""
    u = normalize_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:" and not u.database.startswith("file:"):
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {}).setdefault("check_same_thread", False)
        kwargs["connect_args"].setdefault("timeout", 30)
        engine = create_engine(u, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            # pysqlite's own transaction handling issues BEGIN lazily; leave it, set pragmas only
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if u.database and u.database != ":memory:":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(u, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    # objects stay readable after commit: the web layer renders them after the transaction
    from . import version
    # every writing transaction bumps the data version (what the web layer's caches check)
    return version.install(sessionmaker(bind=engine, expire_on_commit=False))


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine_or_url: Engine | str):
    """An Alembic Config built in code (no alembic.ini), so migrations run from an installed wheel."""
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if isinstance(engine_or_url, Engine):
        cfg.attributes["engine"] = engine_or_url
        cfg.set_main_option("sqlalchemy.url", engine_or_url.url.render_as_string(hide_password=False)
                            .replace("%", "%%"))
    else:
        cfg.set_main_option("sqlalchemy.url", engine_or_url.replace("%", "%%"))
    return cfg


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (idempotent)."""
    from alembic import command
    command.upgrade(alembic_config(engine_or_url), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def open_store(config_file: str | None = None):
    """(settings, engine, sessionmaker) from the configuration (see reviewer.config)."""
    from ..config import load_settings
    settings = load_settings(config_file)
    engine = make_engine(settings.database_url)
    return settings, engine, make_sessionmaker(engine)


def safe_url(url) -> str:
    """The URL for messages: password hidden."""
    return normalize_url(str(url) if not isinstance(url, str) else url).render_as_string(hide_password=True)


def is_schema_missing(exc: BaseException) -> bool:
    """True when a database error means the tables do not exist yet (no `reviewer db upgrade`)."""
    msg = str(getattr(exc, "orig", exc)).lower()
    return "no such table" in msg or ("relation" in msg and "does not exist" in msg)
