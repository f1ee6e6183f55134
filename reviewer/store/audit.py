"""The append-only audit log: who did what, when and why, as a hash chain.

Each entry's `hash` is sha256 over its canonical fields and the previous entry's hash, and the
single `audit_head` row holds the newest hash and the entry count. An entry edited in place breaks
its own hash; a deleted entry breaks the link of the one after it (or, the newest one, the head).
Appends serialise on the head row (compare-and-swap), so two writers never fork the chain.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..masking import mask_all
from .errors import Conflict
from .models import AuditEntry, AuditHead, User, utcnow

GENESIS = "0" * 64
HASHED_FIELDS = ("at", "actor_id", "actor_name", "actor_role", "agency_id", "action", "object_type",
                 "object_id", "from_state", "to_state", "reason", "detail")


def _canonical(entry: AuditEntry) -> str:
    values = {}
    for name in HASHED_FIELDS:
        v = getattr(entry, name)
        if name == "at":
            v = v.strftime("%Y-%m-%dT%H:%M:%S.%f")
        values[name] = v
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(entry: AuditEntry, prev_hash: str) -> str:
    return hashlib.sha256((_canonical(entry) + "\x1f" + prev_hash).encode("utf-8")).hexdigest()


def record(session: Session, actor: User | None, action: str, object_type: str, object_id=None, *,
           agency_id: int | None = None, from_state: str | None = None, to_state: str | None = None,
           reason: str | None = None, detail: dict | None = None, actor_name: str | None = None) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits or rolls back with the decision).

    `reason` and `detail` are masked: the log never keeps a raw personal number. Concurrent
    writers queue on the head row (or re-read it); Conflict only if that keeps failing."""
    session.flush()
    detail_json = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    for _attempt in range(5):
        # PostgreSQL: the row lock queues concurrent writers instead of failing them;
        # SQLite: the compare-and-swap below catches a writer that slipped in, and we re-read
        head = session.get(AuditHead, 1, populate_existing=True, with_for_update=True)
        if head is None:           # a database created without the migration's genesis row
            head = AuditHead(id=1, hash=GENESIS, count=0)
            session.add(head)
            session.flush()
        entry = AuditEntry(
            at=utcnow(), actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else (actor_name or "system"), actor_role=actor.role if actor else None,
            agency_id=agency_id if agency_id is not None else (actor.agency_id if actor else None),
            action=action, object_type=object_type, object_id=None if object_id is None else str(object_id),
            from_state=from_state, to_state=to_state, reason=mask_all(reason) if reason else reason,
            detail=mask_all(detail_json), prev_hash=head.hash)
        entry.hash = entry_hash(entry, head.hash)
        res = session.execute(update(AuditHead).where(AuditHead.id == 1, AuditHead.hash == head.hash)
                              .values(hash=entry.hash, count=AuditHead.count + 1)
                              .execution_options(synchronize_session=False))
        if res.rowcount == 1:
            break
    else:
        raise Conflict("审计日志正被同时写入，请重试")
    session.add(entry)
    session.flush()
    session.expire(head)
    return entry


@dataclass
class VerifyResult:
    ok: bool
    count: int
    broken_id: int | None = None     # first entry that does not verify (None: the head is off)
    message: str = ""


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the chain from the first entry; report the first entry edited, deleted or reordered."""
    prev = GENESIS
    count = 0
    last_id = None
    while True:
        q = select(AuditEntry).order_by(AuditEntry.id).limit(batch)
        if last_id is not None:
            q = q.where(AuditEntry.id > last_id)
        rows = session.scalars(q).all()
        if not rows:
            break
        for e in rows:
            if e.prev_hash != prev:
                return VerifyResult(False, count, e.id, f"审计日志第 {e.id} 条之前的记录被删除或改动（链接断开）")
            if entry_hash(e, e.prev_hash) != e.hash:
                return VerifyResult(False, count, e.id, f"审计日志第 {e.id} 条的内容被改动（哈希不符）")
            prev = e.hash
            count += 1
            last_id = e.id
    head = session.get(AuditHead, 1, populate_existing=True)
    head_hash, head_count = (head.hash, head.count) if head else (GENESIS, 0)
    if head_hash != prev or head_count != count:
        return VerifyResult(False, count, None,
                            f"审计日志末尾的记录被删除或改动（应有 {head_count} 条，实有 {count} 条）")
    return VerifyResult(True, count, None, f"审计日志完整：共 {count} 条记录，哈希链校验通过")


def entries(session: Session, *, agency_id: int | None = None, object_type: str | None = None,
            object_id=None, limit: int = 100) -> list[AuditEntry]:
    """Newest first; filters for the item page's history and the admin view."""
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if agency_id is not None:
        q = q.where(AuditEntry.agency_id == agency_id)
    if object_type is not None:
        q = q.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        q = q.where(AuditEntry.object_id == str(object_id))
    return list(session.scalars(q))
