"""Seed a demo: an agency, a demo submitter and reviewer (credentials printed), and the demo drafts
that ship in demo/drafts/ checked by the rule engine and put into the review queue.

    python -m reviewer.demo      # runs `db upgrade` on the configured database, then seeds

Idempotent: users that exist get the demo password again, drafts already loaded are skipped.
The passwords are fixed and printed on purpose: this is for a local demo on 127.0.0.1, never for a
real deployment."""
from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

DEMO_AGENCY = "演示县人民政府办公室"
DEMO_USERS = (("demo-submitter", "submitter", "demo-submit-2024"),
              ("demo-reviewer", "reviewer", "demo-review-2024"),
              ("demo-admin", "admin", "demo-admin-2024"))
# one synthetic draft so the queue shows personal-data findings; the ID is the well-known
# GB 11643 example number and the mobile a test-range number, neither belongs to anyone
SYNTHETIC = ("demo-synthetic-notice.txt", "关于2024年度临时救助对象的公示",
             "关于2024年度临时救助对象的公示\n\n"
             "根据《社会救助暂行办法》，经申请、审核，现将拟救助对象公示如下：\n"
             "张某某，身份证号11010519491231002X，联系电话13800138000，救助金额3000元。\n"
             "李某某，身份证号110105********0018，救助金额2000元。\n"
             "公示期为2024年3月1日至2024年3月7日，如有异议请向县民政局反映。\n")


def drafts_dir() -> Path:
    """demo/drafts/ of the project (next to the package in a checkout)."""
    return Path(__file__).resolve().parent.parent / "demo" / "drafts"


def _load(session: Session, engine, user, uri: str, data: bytes, filename: str, title: str | None = None):
    from .extract import ExtractError, extract
    from .store import review
    from .store.models import Document
    if session.scalar(select(Document).where(Document.agency_id == user.agency_id, Document.uri == uri)):
        return None
    try:
        doc = extract(data, uri, "text/plain" if filename.endswith(".txt") else None)
    except ExtractError as e:
        print(f"跳过 {filename}：{e}", file=sys.stderr)
        return None
    findings = engine.check(doc, suppress=review.whitelist_suppressor(session, user.agency_id))
    return review.submit_draft(session, user, doc, findings, uri=uri, content=data, filename=filename,
                               title=title or doc.title or Path(filename).stem)


def seed(session: Session, directory: Path | None = None, out=print) -> dict[str, str]:
    """Create the demo agency, users and items in `session` (the caller commits); returns
    {user name: password} and prints the credentials and what was loaded."""
    from werkzeug.security import generate_password_hash

    from .engine import Engine
    from .store import accounts
    from .store.models import User
    agency = accounts.get_or_create_agency(session, DEMO_AGENCY)
    creds = {}
    users = {}
    for name, role, password in DEMO_USERS:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            user = accounts.create_user(session, name, role, agency, password)
        else:
            user.password_hash = generate_password_hash(password)
        users[role] = user
        creds[name] = password
    engine = Engine()
    submitter = users["submitter"]
    loaded = []
    directory = directory or drafts_dir()
    files = sorted(directory.glob("*")) if directory.is_dir() else []
    for path in files:
        if path.is_file():
            item = _load(session, engine, submitter, f"draft:demo-{path.stem}", path.read_bytes(), path.name)
            if item is not None:
                loaded.append((path.name, item))
    name, title, text = SYNTHETIC
    item = _load(session, engine, submitter, f"draft:demo-{Path(name).stem}", text.encode("utf-8"), name, title)
    if item is not None:
        loaded.append((name, item))
    out(f"演示单位：{agency.name}")
    for (name, role, _), label in zip(DEMO_USERS, ("信息员", "审核人", "管理员")):
        out(f"  {label}  用户名 {name}  密码 {creds[name]}")
    for filename, item in loaded:
        out(f"  已载入演示文稿 {filename}：条目 #{item.id}，{len(item.findings)} 个问题")
    if not loaded:
        out("  演示文稿此前已载入")
    return creds


def main(argv: list[str] | None = None) -> int:
    from .config import ConfigError
    from .store.db import open_store, session_scope, upgrade
    try:
        _settings, engine, factory = open_store()
    except ConfigError as e:
        print(f"reviewer: 错误：{e}", file=sys.stderr)
        return 2
    upgrade(engine)
    with session_scope(factory) as session:
        seed(session)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
