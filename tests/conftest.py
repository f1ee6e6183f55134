"""Shared fixtures. Owners append their own sections; do not rewrite others' parts.

== store (data layer) ==
`db_url` is parametrized over ["sqlite", "postgresql"]: a migrated, empty database for each test.
PostgreSQL uses the local server (REVIEWER_TEST_PG_URL, default
postgresql://postgres@127.0.0.1:5432/test) with a fresh schema per test run (search_path given in
the URL, so any engine made from `db_url` lands in it); the schema is dropped at the end. When the
server is unreachable the postgresql cases skip, unless the environment variable CI is set: then
they fail.
"""
from __future__ import annotations

import os
import secrets

import pytest

PG_URL = os.environ.get("REVIEWER_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
DB_KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _pg_unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required when CI is set: {reason}")
    pytest.skip(f"PostgreSQL unavailable: {reason}")


@pytest.fixture(scope="session")
def pg_schema_url():
    """A PostgreSQL URL whose search_path is a fresh schema, migrated once for the whole run."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from reviewer.store.db import make_engine, upgrade
    schema = "reviewer_test_" + secrets.token_hex(4)
    try:
        admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as e:
        _pg_unavailable(str(e).splitlines()[0])
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _truncate_all(engine) -> None:
    from sqlalchemy import text

    from reviewer.store.models import Base
    names = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as c:
        c.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
        c.execute(text("INSERT INTO audit_head (id, hash, count) VALUES (1, :h, 0)"), {"h": "0" * 64})


@pytest.fixture(params=DB_KINDS)
def db_url(request, tmp_path):
    """The URL of an empty, migrated database (SQLite file or PostgreSQL schema)."""
    if request.param == "sqlite":
        from reviewer.store.db import make_engine, upgrade
        url = f"sqlite:///{tmp_path / 'reviewer.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("pg_schema_url")
    from reviewer.store.db import make_engine
    engine = make_engine(url)
    _truncate_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def db_engine(db_url):
    from reviewer.store.db import make_engine
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db_sessionmaker(db_engine):
    from reviewer.store.db import make_sessionmaker
    return make_sessionmaker(db_engine)


@pytest.fixture
def db_session(db_sessionmaker):
    """A Session on the test database; rolled back and closed at the end."""
    session = db_sessionmaker()
    yield session
    session.rollback()
    session.close()

# == end of store section ==

# == web (service) section ==
# `web_app` is the Flask app on `db_url` (so every service test runs on SQLite and PostgreSQL),
# with two agencies and their users; `web_users` has their names, passwords and API tokens.

WEB_PASSWORD = "correct-horse-1"


@pytest.fixture
def web_app(db_url, tmp_path):
    from reviewer.store import accounts
    from reviewer.store.db import make_engine, make_sessionmaker, session_scope
    from reviewer.web import create_app

    engine = make_engine(db_url)
    tokens = {}
    with session_scope(make_sessionmaker(engine)) as s:
        for name, role, agency in (("sub_a", "submitter", "甲局"), ("rev_a", "reviewer", "甲局"),
                                   ("rev_a2", "reviewer", "甲局"), ("sub_b", "submitter", "乙局"),
                                   ("rev_b", "reviewer", "乙局"), ("admin", "admin", "甲局")):
            user = accounts.create_user(s, name, role, agency, password=WEB_PASSWORD)
            tokens[name] = accounts.create_token(s, user)
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "DB_ENGINE": engine, "SECRET_KEY": "test-secret",
                      "INSTANCE_PATH": str(tmp_path / "instance"), "BROKER_URL": None,
                      "ALLOWED_NETWORKS": []})
    app.config["TEST_TOKENS"] = tokens
    yield app
    for t in app.extensions.get("reviewer.sweep_threads", {}).values():
        t.join(timeout=60)
    engine.dispose()


@pytest.fixture
def web_tokens(web_app):
    return web_app.config["TEST_TOKENS"]
# == end of web section ==
