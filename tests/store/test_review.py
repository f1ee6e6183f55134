"""The review flows on a real database: submit, resubmit, the queue, decisions and their rules."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from reviewer.document import Document
from reviewer.engine import Engine
from reviewer.store import accounts, audit, review
from reviewer.store.errors import Conflict, Forbidden, Invalid, NotFound
from reviewer.store.models import AuditEntry, DocumentVersion, Finding, Item, WhitelistEntry

from .helpers import ID_NUMBER, MOBILE, doc, finding

TEXT = (f"关于救助对象的公示\n张某某，身份证号{ID_NUMBER}，救助金额3000元，家庭住址略。\n"
        f"联系人李某某，联系电话{MOBILE}，工作日可拨打。\n公示期七天。")


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.fixture
def people(db_session):
    s = db_session
    p = {
        "sub": accounts.create_user(s, "sub", "submitter", "甲单位"),
        "rev": accounts.create_user(s, "rev", "reviewer", "甲单位"),
        "rev2": accounts.create_user(s, "rev2", "reviewer", "甲单位"),
        "other": accounts.create_user(s, "other", "reviewer", "乙单位"),
        "admin": accounts.create_user(s, "admin", "admin", "市政务公开办"),
    }
    s.commit()
    return p


def submit(s, user, engine, text=TEXT, uri=None, document_id=None, **kw) -> Item:
    uri = uri or review.draft_uri(s, user, document_id)
    d = Document(uri=uri, kind="text", text=text, title=kw.pop("title", "救助公示"))
    found = engine.check(d, suppress=review.whitelist_suppressor(s, user.agency_id))
    item = review.submit_draft(s, user, d, found, uri=uri, document_id=document_id, **kw)
    s.commit()
    return item


def by_rule(item, rule) -> Finding:
    return next(f for f in item.findings if f.rule == rule)


# --- submission ---------------------------------------------------------------------------------

def test_submit_draft_creates_pending_item_with_findings_and_snapshot(db_session, people, engine):
    item = submit(db_session, people["sub"], engine, content=TEXT.encode(), filename="公示.txt",
                  content_type="text/plain")
    assert item.status == "pending" and item.version >= 1
    assert {f.rule for f in item.findings} >= {"privacy.id-card", "privacy.mobile"}
    assert all(f.status == "open" for f in item.findings)
    assert item.severity_rank == 3 and item.open_count == len(item.findings)
    assert item.uri.startswith("draft:") and all(f.uri == item.uri for f in item.findings)
    v = db_session.get(DocumentVersion, item.document_version_id)
    assert v.number == 1 and v.text == TEXT and v.content == TEXT.encode() and v.filename == "公示.txt"
    f = by_rule(item, "privacy.id-card")
    assert TEXT[f.start:f.end] == ID_NUMBER            # offsets point into the snapshot
    d = f.to_dict()                                       # lists never carry the raw number
    assert ID_NUMBER not in d["text"] and ID_NUMBER not in d["excerpt"] and d["status"] == "open"
    assert set(d) >= set(Finding.CONTRACT_FIELDS)
    e = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "item.submit")).one()
    assert e.actor_name == "sub" and e.object_id == str(item.id)


def test_findings_checked_under_another_uri_are_rekeyed_to_the_document(db_session, people):
    d = doc(TEXT, uri="upload.txt")
    item = review.submit_draft(db_session, people["sub"], d, [finding(d, ID_NUMBER)])
    assert item.uri.startswith("draft:")
    f = item.findings[0]
    assert f.uri == item.uri
    again = doc(TEXT, uri=item.uri)
    assert f.fingerprint == finding(again, ID_NUMBER).fingerprint


def test_resubmission_is_a_new_version_and_fixed_findings_are_marked(db_session, people, engine):
    s = db_session
    first = submit(s, people["sub"], engine)
    mob = by_rule(first, "privacy.mobile")
    review.decide(s, people["rev"], first.id, "confirm", mob.id, "必须删除号码")
    s.commit()
    text2 = TEXT.replace(f"身份证号{ID_NUMBER}，", "")       # the ID number removed, the mobile kept
    assert text2 != TEXT
    second = submit(s, people["sub"], engine, text=text2, document_id=first.document_id)
    s.refresh(first)
    assert second.document_id == first.document_id and second.id != first.id
    assert second.document_version.number == 2
    assert first.superseded_by_id == second.id
    assert by_rule(first, "privacy.id-card").status == "fixed"
    assert by_rule(first, "privacy.mobile").status == "confirmed"     # the old row keeps its state
    carried = by_rule(second, "privacy.mobile")
    assert carried.status == "confirmed" and carried.comment == "必须删除号码"
    assert not [f for f in second.findings if f.rule == "privacy.id-card"]
    # the superseded version leaves the queue, and cannot be decided any more
    page = review.list_items(s, people["rev"], status="pending")
    assert [i.id for i in page.items] == [second.id]
    with pytest.raises(Conflict, match="新版本"):
        review.decide(s, people["rev"], first.id, "reject", comment="x")
    diff = review.item_diff(s, people["rev"], second.id)
    assert diff["previous_item_id"] == first.id and diff["previous_version"] == 1 and diff["version"] == 2
    assert diff["persisting"] == [carried.id] and diff["new"] == []
    assert diff["resolved"] == [f.id for f in first.findings if f.rule != "privacy.mobile"]
    assert any(line.startswith("-") and "身份证号" in line for line in diff["lines"])


def test_resubmission_by_uri(db_session, people, engine):
    first = submit(db_session, people["sub"], engine, uri="draft:notice-7")
    second = submit(db_session, people["sub"], engine, uri="draft:notice-7")
    assert second.document_id == first.document_id and second.document_version.number == 2
    # same text: every finding persists, nothing fixed
    assert {f.fingerprint for f in second.findings} == {f.fingerprint for f in first.findings}
    db_session.refresh(first)
    assert all(f.status == "open" for f in first.findings)


def test_dismissed_fingerprint_is_not_raised_again(db_session, people, engine):
    s = db_session
    first = submit(s, people["sub"], engine)
    idf = by_rule(first, "privacy.id-card")
    review.decide(s, people["rev"], first.id, "dismiss", idf.id, "样例号码")
    s.commit()
    second = submit(s, people["sub"], engine, document_id=first.document_id)
    assert "privacy.id-card" not in {f.rule for f in second.findings}
    assert "privacy.mobile" in {f.rule for f in second.findings}


def test_resubmitting_into_another_agencys_document_is_forbidden(db_session, people, engine):
    first = submit(db_session, people["sub"], engine)
    with pytest.raises(Forbidden):
        submit(db_session, people["other"], engine, document_id=first.document_id)
    with pytest.raises(NotFound):
        review.draft_uri(db_session, people["sub"], 999999)


# --- whitelist ------------------------------------------------------------------------------------

def test_dismiss_and_whitelist_suppresses_the_text_for_the_agency(db_session, people, engine):
    s = db_session
    item = submit(s, people["sub"], engine)
    idf = by_rule(item, "privacy.id-card")
    review.decide(s, people["rev"], item.id, "dismiss", idf.id, "国家标准中的样例号码", whitelist=True)
    s.commit()
    entry = s.scalars(select(WhitelistEntry)).one()
    assert entry.rule == "privacy.id-card" and entry.created_by_id == people["rev"].id
    assert entry.reason == "国家标准中的样例号码" and ID_NUMBER not in entry.text
    # a different document of the same agency: the same number no longer raises that rule
    other_text = f"另一份文件，附件中引用号码{ID_NUMBER}作为示例。"
    new = submit(s, people["sub"], engine, text=other_text)
    assert "privacy.id-card" not in {f.rule for f in new.findings}
    suppress = review.whitelist_suppressor(s, people["sub"].agency_id)
    raw = Engine().check(Document(uri="x", kind="text", text=other_text))
    assert [f.rule for f in raw if suppress(f)] == ["privacy.id-card"]
    # another agency still gets it
    other = submit(s, people["other"], engine, text=other_text)
    assert "privacy.id-card" in {f.rule for f in other.findings}
    actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "whitelist.add" in actions and "finding.dismiss" in actions
    assert [e.id for e in review.list_whitelist(s, people["rev"])] == [entry.id]
    assert review.list_whitelist(s, people["other"]) == []
    with pytest.raises(Forbidden):
        review.remove_whitelist(s, people["other"], entry.id)
    review.remove_whitelist(s, people["rev"], entry.id, "误加")
    assert review.whitelist_suppressor(s, people["sub"].agency_id)(raw[0]) is False


def test_whitelist_only_with_dismiss(db_session, people, engine):
    item = submit(db_session, people["sub"], engine)
    with pytest.raises(Invalid):
        review.decide(db_session, people["rev"], item.id, "confirm", item.findings[0].id, whitelist=True)


# --- decisions and sign-off rules -------------------------------------------------------------------

def test_agency_isolation(db_session, people, engine):
    s = db_session
    item = submit(s, people["sub"], engine)
    with pytest.raises(Forbidden):
        review.get_item(s, people["other"], item.id)
    with pytest.raises(Forbidden):
        review.decide(s, people["other"], item.id, "confirm", item.findings[0].id)
    with pytest.raises(Forbidden):
        review.reveal_number(s, people["other"], item.findings[0].id)
    assert review.list_items(s, people["other"]).total == 0
    with pytest.raises(Forbidden):
        review.list_items(s, people["other"], agency="甲单位")
    # the admin sees and acts everywhere
    assert review.list_items(s, people["admin"]).total == 1
    assert review.list_items(s, people["admin"], agency=item.agency_id).total == 1
    review.decide(s, people["admin"], item.id, "confirm", item.findings[0].id)
    with pytest.raises(NotFound):
        review.get_item(s, people["rev"], 999999)


def test_submitters_cannot_decide(db_session, people, engine):
    item = submit(db_session, people["sub"], engine)
    with pytest.raises(Forbidden, match="审核人"):
        review.decide(db_session, people["sub"], item.id, "confirm", item.findings[0].id)


def test_author_cannot_approve_own_draft(db_session, people, engine):
    s = db_session
    item = submit(s, people["rev"], engine, text="一份没有问题的通知。")
    with pytest.raises(Forbidden, match="自己提交"):
        review.decide(s, people["rev"], item.id, "approve")
    item = review.decide(s, people["rev2"], item.id, "approve", comment="同意发布")
    s.commit()
    assert item.status == "approved" and item.decided_by_id == people["rev2"].id and item.comment == "同意发布"
    e = s.scalars(select(AuditEntry).where(AuditEntry.action == "item.approve")).one()
    assert (e.actor_name, e.from_state, e.to_state, e.reason) == ("rev2", "pending", "approved", "同意发布")
    with pytest.raises(Conflict, match="已通过"):
        review.decide(s, people["rev"], item.id, "reject", comment="晚了")


def test_approval_gate_on_open_critical_findings(db_session, people, engine):
    s = db_session
    item = submit(s, people["sub"], engine)
    with pytest.raises(Invalid, match="严重问题"):
        review.decide(s, people["rev"], item.id, "approve")
    idf = by_rule(item, "privacy.id-card")
    review.decide(s, people["rev"], item.id, "confirm", idf.id, "需要打码")
    with pytest.raises(Invalid, match="严重问题"):
        review.decide(s, people["rev"], item.id, "approve")
    review.decide(s, people["rev"], item.id, "dismiss", idf.id, "样例号码")
    item = review.decide(s, people["rev"], item.id, "approve")   # a major mobile finding may stay open
    assert item.status == "approved"


def test_reject_with_comment(db_session, people, engine):
    item = submit(db_session, people["sub"], engine)
    item = review.decide(db_session, people["rev"], item.id, "reject", comment="请删除身份证号后重新提交")
    assert item.status == "rejected" and item.comment == "请删除身份证号后重新提交"


def test_stale_expected_version_is_a_conflict(db_session, people, engine):
    s = db_session
    item = submit(s, people["sub"], engine)
    seen = item.version
    item = review.decide(s, people["rev"], item.id, "confirm", item.findings[0].id, expected_version=seen)
    s.commit()
    assert item.version > seen
    with pytest.raises(Conflict, match="已被他人修改"):
        review.decide(s, people["rev2"], item.id, "dismiss", item.findings[1].id, expected_version=seen)
    review.decide(s, people["rev2"], item.id, "dismiss", item.findings[1].id, expected_version=item.version)


def test_two_sessions_racing_on_one_item(db_sessionmaker, people, engine):
    """Both load the item; the first commits; the second's write is refused (no lost update)."""
    with db_sessionmaker() as s:
        item_id = submit(s, people["sub"], engine).id
    a, b = db_sessionmaker(), db_sessionmaker()
    try:
        ia = review.get_item(a, a.get(type(people["rev"]), people["rev"].id), item_id)
        ib = review.get_item(b, b.get(type(people["rev2"]), people["rev2"].id), item_id)
        fa, fb = ia.findings[0].id, ib.findings[1].id
        review.decide(a, a.get(type(people["rev"]), people["rev"].id), item_id, "confirm", fa)
        a.commit()
        with pytest.raises(Conflict):
            review.decide(b, b.get(type(people["rev2"]), people["rev2"].id), item_id, "dismiss", fb)
            b.commit()
        b.rollback()
    finally:
        a.close()
        b.close()
    with db_sessionmaker() as s:
        item = s.get(Item, item_id)
        states = {f.id: f.status for f in item.findings}
        assert states[fa] == "confirmed" and states[fb] == "open"


def test_bad_actions_and_findings(db_session, people, engine):
    s = db_session
    item = submit(s, people["sub"], engine)
    with pytest.raises(Invalid):
        review.decide(s, people["rev"], item.id, "publish")
    with pytest.raises(Invalid):
        review.decide(s, people["rev"], item.id, "confirm")
    with pytest.raises(NotFound):
        review.decide(s, people["rev"], item.id, "confirm", 999999)
    with pytest.raises(Invalid):
        review.decide(s, people["rev"], item.id, "approve", item.findings[0].id)
    # a finding can be named by its fingerprint too
    f = item.findings[0]
    review.decide(s, people["rev"], item.id, "confirm", f.fingerprint)
    assert f.status == "confirmed"


def test_every_decision_is_audited_and_chain_verifies(db_session, people, engine):
    s = db_session
    item = submit(s, people["sub"], engine)
    idf, mob = by_rule(item, "privacy.id-card"), by_rule(item, "privacy.mobile")
    review.decide(s, people["rev"], item.id, "confirm", mob.id, "手机号需打码")
    review.decide(s, people["rev"], item.id, "dismiss", idf.id, "样例")
    review.decide(s, people["rev2"], item.id, "approve", comment="可以发布")
    s.commit()
    rows = s.scalars(select(AuditEntry).where(AuditEntry.action.in_(
        ["finding.confirm", "finding.dismiss", "item.approve"])).order_by(AuditEntry.id)).all()
    assert [(r.action, r.actor_name, r.object_id, r.to_state, r.reason) for r in rows] == [
        ("finding.confirm", "rev", str(mob.id), "confirmed", "手机号需打码"),
        ("finding.dismiss", "rev", str(idf.id), "dismissed", "样例"),
        ("item.approve", "rev2", str(item.id), "approved", "可以发布"),
    ]
    assert all(r.at is not None for r in rows)
    assert audit.verify(s).ok
    hist = review.item_history(s, people["rev"], item.id)
    assert {h.action for h in hist} >= {"item.submit", "finding.confirm", "finding.dismiss", "item.approve"}


def test_bulk_decisions(db_session, people, engine):
    s = db_session
    a = submit(s, people["sub"], engine)
    b = submit(s, people["sub"], engine, text=f"第二份，电话{MOBILE}。")
    x = submit(s, people["other"], engine)
    ids = [f.id for f in a.findings + b.findings]
    with pytest.raises(Invalid, match="理由"):
        review.bulk_decide(s, people["rev"], "dismiss", finding_ids=ids)
    res = review.bulk_decide(s, people["rev"], "dismiss", finding_ids=ids + [x.findings[0].id, 999999],
                             comment="批量排除：测试数据")
    s.commit()
    assert res.done == ids
    assert [i for i, _ in res.failed] == [x.findings[0].id, 999999]
    assert all(f.status == "dismissed" for f in a.findings + b.findings)
    assert x.findings[0].status == "open"
    res = review.bulk_decide(s, people["rev2"], "approve", item_ids=[a.id, b.id, x.id], comment="批量通过")
    assert res.done == [a.id, b.id] and res.failed[0][0] == x.id
    assert res.to_dict()["failed"][0]["message"]
    assert s.scalar(select(Item.status).where(Item.id == a.id)) == "approved"


def test_reveal_number_is_audited(db_session, people, engine):
    s = db_session
    item = submit(s, people["sub"], engine)
    idf = by_rule(item, "privacy.id-card")
    assert review.reveal_number(s, people["rev"], idf.id, "核对身份") == ID_NUMBER
    e = s.scalars(select(AuditEntry).where(AuditEntry.action == "finding.reveal")).one()
    assert e.actor_name == "rev" and e.object_id == str(idf.id) and ID_NUMBER not in e.detail
    with pytest.raises(Forbidden):
        review.reveal_number(s, people["sub"], idf.id)


# --- the queue ----------------------------------------------------------------------------------------

def test_queue_sorted_by_severity_then_age_with_filters_and_counts(db_session, people, engine):
    s = db_session
    minor = submit(s, people["sub"], engine, text=f"联系电话{MOBILE}。")               # major only
    crit = submit(s, people["sub"], engine)                                            # critical + major
    clean = submit(s, people["sub"], engine, text="一份没有问题的通知。")              # nothing
    crit2 = submit(s, people["sub"], engine, text=f"号码{ID_NUMBER}。")                # critical, newer
    u = people["rev"]
    page = review.list_items(s, u, status="pending")
    assert [i.id for i in page.items] == [crit.id, crit2.id, minor.id, clean.id]
    assert page.total == 4
    d = page.to_dict()
    assert set(d) >= {"items", "total", "page", "per_page"}
    first = d["items"][0]
    assert set(first) >= {"id", "status", "uri", "title", "counts"}
    assert first["counts"]["critical"] == 1 and first["counts"]["major"] == 1 and first["severity"] == "critical"
    assert page.facets["status"] == {"pending": 4}
    assert page.facets["severity"] == {"critical": 2, "major": 2}     # items with such findings
    assert page.facets["category"] == {"privacy": 3}
    assert [i.id for i in review.list_items(s, u, severity="critical").items] == [crit.id, crit2.id]
    assert review.list_items(s, u, category="privacy").total == 3
    assert review.list_items(s, u, category="link").total == 0
    p2 = review.list_items(s, u, page=2, per_page=3)
    assert [i.id for i in p2.items] == [clean.id] and p2.total == 4 and p2.page == 2
    today = date.today()
    assert review.list_items(s, u, date_from=today.isoformat(), date_to=today.isoformat()).total == 4
    assert review.list_items(s, u, date_from=today + timedelta(days=1)).total == 0
    assert review.list_items(s, u, date_to=today - timedelta(days=1)).total == 0
    review.decide(s, u, clean.id, "approve")
    assert review.list_items(s, u, status="approved").total == 1
    assert review.list_items(s, u, status="pending").facets["status"] == {"pending": 3, "approved": 1}
    for bad in ({"status": "done"}, {"severity": "huge"}, {"category": "x"}, {"date_from": "昨天"}):
        with pytest.raises(Invalid):
            review.list_items(s, u, **bad)


def test_queue_site_and_agency_facets_for_admin(db_session, people, engine):
    s = db_session
    submit(s, people["sub"], engine)
    submit(s, people["other"], engine)
    page = review.list_items(s, people["admin"])
    assert page.total == 2 and page.facets["agency"] == {"甲单位": 1, "乙单位": 1}
    assert review.list_items(s, people["admin"], agency="乙单位").total == 1
    with pytest.raises(NotFound):
        review.list_items(s, people["admin"], agency="不存在的单位")
    assert review.list_items(s, people["admin"], site="www.example.gov.cn").total == 0


def test_dashboard(db_session, people, engine):
    s = db_session
    item = submit(s, people["sub"], engine)
    submit(s, people["other"], engine)
    review.decide(s, people["rev"], item.id, "dismiss", by_rule(item, "privacy.mobile").id)
    d = review.dashboard(s, people["rev"])
    assert d["by_category"] == {"privacy": 1} and d["by_severity"] == {"critical": 1}
    assert d["by_agency"] == {"甲单位": 1} and d["pending_items"] == 1 and d["trend"] == []
    d = review.dashboard(s, people["admin"])
    assert d["by_agency"] == {"甲单位": 1, "乙单位": 2} and d["by_severity"] == {"critical": 2, "major": 1}
