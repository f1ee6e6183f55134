"""Migrations: an empty database gets every table, on SQLite and PostgreSQL; the migrations and the
models agree; `reviewer db upgrade` works from code (no alembic.ini) and is idempotent."""
from __future__ import annotations

import secrets

import pytest
from sqlalchemy import inspect, text

from reviewer.cli import main
from reviewer.store.db import current_revision, make_engine, upgrade
from reviewer.store.models import Base

HEAD = "0003"
TABLES = {"agencies", "users", "api_tokens", "documents", "document_versions", "items", "findings",
          "whitelist_entries", "sweeps", "audit_log", "audit_head", "data_version"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    """A database with nothing in it (a new SQLite file, or a brand-new PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    base = request.getfixturevalue("pg_schema_url").split("?")[0]
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    schema = "reviewer_mig_" + secrets.token_hex(4)
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_upgrade_on_empty_database_creates_every_table(empty_url):
    engine = make_engine(empty_url)
    try:
        assert not (set(inspect(engine).get_table_names()) & TABLES)
        upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        assert TABLES <= tables
        assert set(Base.metadata.tables) == TABLES
        assert current_revision(engine) == HEAD
        with engine.connect() as c:   # the genesis head of the audit chain is in place
            assert c.execute(text("SELECT hash, count FROM audit_head")).one() == ("0" * 64, 0)
        upgrade(engine)               # running it again changes nothing
        assert current_revision(engine) == HEAD
    finally:
        engine.dispose()


def test_migrations_match_the_models(db_engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_indexes_for_the_queue_exist(db_engine):
    insp = inspect(db_engine)
    names = {i["name"] for i in insp.get_indexes("findings")}
    assert {"ix_findings_queue", "ix_findings_agency_fingerprint", "ix_findings_item"} <= names
    assert "ix_items_queue" in {i["name"] for i in insp.get_indexes("items")}


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x' / 'r.sqlite3'}")   # the folder is created
    with engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_cli_db_upgrade(empty_url, monkeypatch, capsys):
    monkeypatch.setenv("REVIEWER_DATABASE_URL", empty_url)
    assert main(["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert f"数据库已是最新版本（{HEAD}）" in out
    engine = make_engine(empty_url)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()
    assert main(["db", "upgrade"]) == 0


def test_cli_db_upgrade_default_is_sqlite_in_instance_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("REVIEWER_DATABASE_URL", raising=False)
    monkeypatch.delenv("REVIEWER_CONFIG", raising=False)
    monkeypatch.setenv("REVIEWER_INSTANCE_PATH", str(tmp_path / "inst"))
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "inst" / "reviewer.sqlite3").exists()
    assert "reviewer.sqlite3" in capsys.readouterr().out


def test_cli_db_upgrade_unreachable_database_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("REVIEWER_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert main(["db", "upgrade"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("reviewer: 错误：无法升级数据库") and "\n" not in err and "Traceback" not in err


def test_downgrade_and_upgrade_again(empty_url):
    """Each migration step runs both ways (so a later revision can be rolled back safely)."""
    from alembic import command

    from reviewer.store.db import alembic_config
    engine = make_engine(empty_url)
    try:
        upgrade(engine)
        command.downgrade(alembic_config(engine), "0001")
        assert current_revision(engine) == "0001"
        assert "ix_items_queue_all" not in {i["name"] for i in inspect(engine).get_indexes("items")}
        command.downgrade(alembic_config(engine), "base")
        assert not (set(inspect(engine).get_table_names()) & TABLES)
        upgrade(engine)
        assert current_revision(engine) == HEAD
    finally:
        engine.dispose()


def test_cli_config_file(tmp_path, monkeypatch, capsys):
    """`reviewer --config FILE` names the TOML file; its database_url is used."""
    db = tmp_path / "from-toml.sqlite3"
    cfg = tmp_path / "reviewer.toml"
    cfg.write_text(f'database_url = "sqlite:///{db}"\n', encoding="utf-8")
    monkeypatch.delenv("REVIEWER_DATABASE_URL", raising=False)
    monkeypatch.setenv("REVIEWER_CONFIG", "")        # main() sets it; monkeypatch restores it
    assert main(["--config", str(cfg), "db", "upgrade"]) == 0
    assert db.exists() and str(db) in capsys.readouterr().out
    cfg.write_text('upload_limit = "huge"\n', encoding="utf-8")
    assert main(["--config", str(cfg), "db", "upgrade"]) == 2
    assert "upload_limit" in capsys.readouterr().err
