"""`reviewer db upgrade`: create or migrate the database schema (SQLite file or PostgreSQL)."""
from __future__ import annotations

from ._store import CliError, run_guarded


def add_parser(sub) -> None:
    p = sub.add_parser("db", help="数据库管理", description="数据库管理：创建或升级表结构。")
    ds = p.add_subparsers(dest="db_command", metavar="upgrade")
    ds.required = True
    up = ds.add_parser("upgrade", help="创建或升级数据库表结构",
                       description="把数据库（默认实例目录中的 SQLite 文件，或 REVIEWER_DATABASE_URL）升级到最新表结构。")
    up.set_defaults(func=lambda args: run_guarded(run, args))


def run(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from ..config import ConfigError, load_settings
    from ..masking import mask_all
    from ..store.db import current_revision, make_engine, safe_url, upgrade
    try:
        settings = load_settings()
    except ConfigError as e:
        raise CliError(str(e), 2) from None
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        rev = current_revision(engine)
    except SQLAlchemyError as e:
        raise CliError(f"无法升级数据库 {safe_url(settings.database_url)}："
                       f"{mask_all(str(getattr(e, 'orig', e)).splitlines()[0])}") from None
    finally:
        engine.dispose()
    print(f"数据库已是最新版本（{rev}）：{safe_url(settings.database_url)}")
    return 0
