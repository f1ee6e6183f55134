"""The audit log is a hash chain: editing or deleting any entry (via SQL, behind the app's back)
is detected by verify() and by `reviewer audit verify`."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from reviewer.cli import main
from reviewer.store import accounts, audit
from reviewer.store.models import AuditEntry

from .helpers import ID_NUMBER


@pytest.fixture
def chain(db_session):
    """Five entries (user creations, token, two free-form) committed."""
    u = accounts.create_user(db_session, "alice", "reviewer", "甲单位", "password1")
    accounts.create_user(db_session, "bob", "submitter", "甲单位", "password2")
    accounts.create_token(db_session, u)
    audit.record(db_session, u, "item.approve", "item", 7, from_state="pending", to_state="approved", reason="符合要求")
    audit.record(db_session, u, "finding.dismiss", "finding", 9, reason=f"号码 {ID_NUMBER} 是样例")
    db_session.commit()
    return db_session


def ids(s):
    return s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()


def test_intact_chain_verifies(chain):
    r = audit.verify(chain)
    assert r.ok and r.count == 5 and r.broken_id is None
    assert "完整" in r.message
    entries = chain.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:]))
    assert entries[3].actor_name == "alice" and entries[3].to_state == "approved" and entries[3].reason == "符合要求"


def test_audit_never_keeps_a_raw_id_number(chain):
    e = chain.scalars(select(AuditEntry).where(AuditEntry.action == "finding.dismiss")).one()
    assert ID_NUMBER not in e.reason and "110105********002X" in e.reason


def test_edited_entry_is_detected(chain):
    target = ids(chain)[2]
    chain.execute(text("UPDATE audit_log SET reason = 'changed' WHERE id = :i"), {"i": target})
    chain.commit()
    chain.expire_all()
    r = audit.verify(chain)
    assert not r.ok and r.broken_id == target and "被改动" in r.message


def test_edited_entry_with_recomputed_hash_breaks_the_next_link(chain):
    first, second = ids(chain)[:2]
    e = chain.get(AuditEntry, first)
    chain.execute(text("UPDATE audit_log SET action = 'forged', hash = :h WHERE id = :i"),
                  {"h": "f" * 64, "i": first})
    chain.commit()
    chain.expire_all()
    r = audit.verify(chain)
    assert not r.ok and r.broken_id == first
    assert e is not None


def test_deleted_entry_is_detected(chain):
    all_ids = ids(chain)
    chain.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": all_ids[1]})
    chain.commit()
    r = audit.verify(chain)
    assert not r.ok and r.broken_id == all_ids[2] and "删除" in r.message


def test_deleting_the_newest_entry_is_detected(chain):
    chain.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": ids(chain)[-1]})
    chain.commit()
    r = audit.verify(chain)
    assert not r.ok and r.broken_id is None and "末尾" in r.message


def test_appends_continue_the_chain_after_a_commit(chain, db_sessionmaker):
    with db_sessionmaker() as other:       # a second connection appends after the first
        audit.record(other, None, "sweep.finish", "sweep", 1, actor_name="sweeper")
        other.commit()
    chain.expire_all()
    assert audit.verify(chain).ok and audit.verify(chain).count == 6


def test_concurrent_writers_keep_one_linear_chain(db_sessionmaker):
    """Writers on separate connections append at the same time: every entry lands, none forks."""
    import threading
    errors = []

    def writer(n):
        try:
            for k in range(15):
                with db_sessionmaker() as s:
                    audit.record(s, None, "test.append", "t", f"{n}-{k}", actor_name=f"w{n}")
                    s.commit()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db_sessionmaker() as s:
        r = audit.verify(s)
        assert r.ok and r.count == 45


def test_a_writer_that_read_a_stale_head_retries(db_url, db_sessionmaker, monkeypatch):
    """SQLite has no row lock to queue on: a writer whose head went stale re-reads it (its failed
    compare-and-swap already holds the write lock, so the second try wins)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL queues writers on the head row lock (see the threaded test)")
    orig = audit.entry_hash
    raced = []

    def racing(entry, prev):
        # between this writer reading the head and swapping it, another writer commits
        if not raced:
            raced.append(True)
            with db_sessionmaker() as c:
                audit.record(c, None, "y", "t", 1)
                c.commit()
        return orig(entry, prev)
    monkeypatch.setattr(audit, "entry_hash", racing)
    with db_sessionmaker() as b:
        entry = audit.record(b, None, "z", "t", 2)
        b.commit()
        monkeypatch.setattr(audit, "entry_hash", orig)
        assert raced and entry.prev_hash != audit.GENESIS
        r = audit.verify(b)
        assert r.ok and r.count == 2


def test_cli_audit_verify(chain, db_url, monkeypatch, capsys):
    monkeypatch.setenv("REVIEWER_DATABASE_URL", db_url)
    assert main(["audit", "verify"]) == 0
    assert "审计日志完整：共 5 条记录" in capsys.readouterr().out
    target = ids(chain)[3]
    chain.execute(text("UPDATE audit_log SET actor_name = 'mallory' WHERE id = :i"), {"i": target})
    chain.commit()
    assert main(["audit", "verify"]) == 1
    assert f"第 {target} 条" in capsys.readouterr().out
