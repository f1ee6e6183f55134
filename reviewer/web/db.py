"""One SQLAlchemy engine per app (from reviewer.store.db), one session per request."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from ..store.db import make_engine, make_sessionmaker


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    engine = app.config.get("DB_ENGINE")
    if engine is None:
        kwargs = {} if url.startswith("sqlite") else {"pool_size": 20, "max_overflow": 40}
        engine = make_engine(url, **kwargs)
    app.extensions["reviewer.engine"] = engine
    app.extensions["reviewer.db"] = make_sessionmaker(engine)
    app.teardown_appcontext(_close)


def session_factory(app: Flask | None = None) -> sessionmaker:
    return (app or current_app).extensions["reviewer.db"]


def session() -> Session:
    """The request's session; views commit explicitly after a successful change."""
    if "db" not in g:
        g.db = session_factory()()
    return g.db


def _close(exc):
    s = g.pop("db", None)
    if s is not None:
        if exc is not None:
            s.rollback()
        s.close()
