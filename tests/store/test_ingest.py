"""Sweeps into the queue: one item per page with open findings, dismissed findings not raised
again, findings gone in a later sweep become fixed; the sweep report, masked."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from reviewer.cli import main
from reviewer.document import Document
from reviewer.engine import Engine
from reviewer.store import accounts, ingest, review
from reviewer.store.errors import Forbidden, Invalid, NotFound
from reviewer.store.models import AuditEntry, Item
from reviewer.store.report import build_report

from .helpers import ID_NUMBER, MOBILE

SITE = "https://www.kaihua.gov.cn"
PAGES = {
    f"{SITE}/": "开化县人民政府门户网站首页，欢迎访问。",
    f"{SITE}/a.html": f"关于低保对象的公示：王某，身份证号{ID_NUMBER}，家庭住址略，特此公示。",
    f"{SITE}/b.html": f"办事指南：咨询请联系窗口工作人员，联系电话{MOBILE}，工作日办理。",
}


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.fixture
def setup(db_session):
    s = db_session
    rev = accounts.create_user(s, "rev", "reviewer", "开化县", None)
    other = accounts.create_user(s, "other", "reviewer", "乙单位", None)
    s.commit()
    return s, rev, other


def run_sweep(s, user, engine, pages: dict[str, str], complete=True):
    sweep = ingest.create_sweep(s, user, SITE + "/")
    ingest.start_sweep(s, sweep.id, pages_total=len(pages))
    items = {}
    suppress = review.whitelist_suppressor(s, sweep.agency_id)
    for uri, text in pages.items():
        doc = Document(uri=uri, kind="html", text=text, title=uri.rsplit("/", 1)[-1] or "首页")
        items[uri] = ingest.ingest_sweep_page(s, sweep.id, uri, doc.title, engine.check(doc, suppress=suppress),
                                              text=text, kind="html")
    ingest.finish_sweep(s, sweep.id, complete=complete)
    s.commit()
    return sweep, items


def test_first_sweep_creates_one_item_per_page_with_findings(setup, engine):
    s, rev, _ = setup
    sweep, items = run_sweep(s, rev, engine, PAGES)
    assert items[f"{SITE}/"] is None
    a, b = items[f"{SITE}/a.html"], items[f"{SITE}/b.html"]
    assert a.status == "pending" and a.sweep_id == sweep.id and a.site == "www.kaihua.gov.cn"
    assert [f.rule for f in a.findings] == ["privacy.id-card"] and [f.rule for f in b.findings] == ["privacy.mobile"]
    assert a.text == PAGES[f"{SITE}/a.html"]
    d = sweep.to_dict()
    assert d["status"] == "finished" and d["progress"] == {"pages_done": 3, "pages_total": 3}
    assert d["counts"] == {"items": 2, "new": 2, "open": 2, "fixed": 0, "suppressed": 0}
    assert review.list_items(s, rev, site="www.kaihua.gov.cn").total == 2
    assert s.scalar(select(AuditEntry.action).where(AuditEntry.action == "sweep.finish")) == "sweep.finish"


def test_later_sweeps_fix_dismiss_and_add(setup, engine):
    s, rev, _ = setup
    _, items = run_sweep(s, rev, engine, PAGES)
    a, b = items[f"{SITE}/a.html"], items[f"{SITE}/b.html"]
    review.decide(s, rev, b.id, "dismiss", b.findings[0].id, "单位公开的办公电话")
    s.commit()
    pages = dict(PAGES)
    pages[f"{SITE}/a.html"] = "关于低保对象的公示：王某，身份证号已隐去，家庭住址略，特此公示。"   # fixed on the site
    pages[f"{SITE}/c.html"] = f"新增页面：申请人张某，身份证号{ID_NUMBER}，联系地址略。"
    sweep2, items2 = run_sweep(s, rev, engine, pages)
    s.expire_all()
    assert items2[f"{SITE}/a.html"] is None
    assert s.get(Item, a.id).findings[0].status == "fixed"
    assert s.get(Item, a.id).findings[0].fixed_sweep_id == sweep2.id
    assert items2[f"{SITE}/b.html"] is None                  # dismissed: not raised again
    assert s.get(Item, b.id).findings[0].status == "dismissed"
    c = items2[f"{SITE}/c.html"]
    assert c is not None and [f.status for f in c.findings] == ["open"]
    assert sweep2.to_dict()["counts"] == {"items": 1, "new": 1, "open": 1, "fixed": 1, "suppressed": 1}
    trend = review.dashboard(s, rev)["trend"]
    assert [(t["open"], t["new"], t["fixed"]) for t in trend] == [(2, 2, 0), (1, 1, 1)]


def test_persisting_finding_stays_on_pending_item_and_new_ones_join_it(setup, engine):
    s, rev, _ = setup
    _, items = run_sweep(s, rev, engine, PAGES)
    a = items[f"{SITE}/a.html"]
    pages = dict(PAGES)
    pages[f"{SITE}/a.html"] = PAGES[f"{SITE}/a.html"] + f"\n另：经办人电话{MOBILE}，请勿外传本页面内容。"
    sweep2, items2 = run_sweep(s, rev, engine, pages)
    assert items2[f"{SITE}/a.html"].id == a.id                 # the same pending item
    s.refresh(a)
    assert sorted(f.rule for f in a.findings) == ["privacy.id-card", "privacy.mobile"]
    idf = next(f for f in a.findings if f.rule == "privacy.id-card")
    assert idf.first_sweep_id < sweep2.id == idf.last_sweep_id and idf.status == "open"


def test_new_finding_after_approval_opens_a_new_item_carrying_the_old(setup, engine):
    s, rev, _ = setup
    _, items = run_sweep(s, rev, engine, PAGES)
    b = items[f"{SITE}/b.html"]
    review.decide(s, rev, b.id, "confirm", b.findings[0].id, "需打码")
    review.decide(s, rev, b.id, "approve")                    # major only: may be approved
    s.commit()
    pages = dict(PAGES)
    pages[f"{SITE}/b.html"] = PAGES[f"{SITE}/b.html"] + f"\n新增：负责人身份证号{ID_NUMBER}，请核对。"
    _, items2 = run_sweep(s, rev, engine, pages)
    new = items2[f"{SITE}/b.html"]
    assert new.id != b.id and new.status == "pending" and new.document_version.number == 2
    s.refresh(b)
    assert b.superseded_by_id == new.id
    assert sorted((f.rule, f.status) for f in new.findings) == [("privacy.id-card", "open"),
                                                                ("privacy.mobile", "confirmed")]


def test_whitelisted_text_is_not_raised_in_sweeps(setup, engine):
    s, rev, _ = setup
    _, items = run_sweep(s, rev, engine, PAGES)
    a = items[f"{SITE}/a.html"]
    review.decide(s, rev, a.id, "dismiss", a.findings[0].id, "公开的样例号码", whitelist=True)
    s.commit()
    pages = {f"{SITE}/d.html": f"另一个页面也引用了样例号码{ID_NUMBER}，用于说明填写格式。"}
    sweep, items2 = run_sweep(s, rev, engine, pages, complete=False)
    assert items2[f"{SITE}/d.html"] is None
    # even when the caller forgot the suppressor, the store applies the whitelist
    doc = Document(uri=f"{SITE}/e.html", kind="html", text=pages[f"{SITE}/d.html"])
    sweep3 = ingest.create_sweep(s, rev, SITE + "/")
    assert ingest.ingest_sweep_page(s, sweep3.id, doc.uri, "e", engine.check(doc), text=doc.text) is None
    assert sweep3.findings_suppressed == 1


def test_finish_marks_unvisited_pages_fixed_only_when_complete(setup, engine):
    s, rev, _ = setup
    _, items = run_sweep(s, rev, engine, PAGES)
    a = items[f"{SITE}/a.html"]
    rest = {u: t for u, t in PAGES.items() if not u.endswith("a.html")}
    run_sweep(s, rev, engine, rest, complete=False)           # cut short: nothing concluded
    s.refresh(a)
    assert a.findings[0].status == "open"
    run_sweep(s, rev, engine, rest, complete=True)            # the page is gone from the site
    s.refresh(a)
    assert a.findings[0].status == "fixed" and a.open_count == 0


def test_sweep_scope_and_errors(setup, engine):
    s, rev, other = setup
    sweep = ingest.create_sweep(s, rev, SITE + "/", options={"max_pages": 10})
    with pytest.raises(Forbidden):
        ingest.get_sweep(s, other, sweep.id)
    with pytest.raises(NotFound):
        ingest.get_sweep(s, rev, 999999)
    with pytest.raises(Invalid):
        ingest.create_sweep(s, rev, "ftp://x")
    with pytest.raises(Forbidden):
        ingest.create_sweep(s, other, SITE, agency_id=rev.agency_id)
    with pytest.raises(Invalid):
        ingest.create_sweep(s, None, SITE)
    cli = ingest.create_sweep(s, None, SITE, agency_id="开化县")
    assert cli.agency_id == rev.agency_id
    assert [x.id for x in ingest.list_sweeps(s, rev)] == [cli.id, sweep.id]
    assert ingest.list_sweeps(s, other) == []
    failed = ingest.finish_sweep(s, cli.id, error="首页无法访问")
    assert failed.status == "failed" and failed.error == "首页无法访问"


def test_report_xlsx_and_html_are_masked(setup, engine, tmp_path):
    from openpyxl import load_workbook
    s, rev, _ = setup
    pages = dict(PAGES)
    pages[f"{SITE}/x.html"] = "=HYPERLINK(\"http://evil\")，文件标注内部资料，请勿外传。"
    sweep, _ = run_sweep(s, rev, engine, pages)
    data = build_report(s, sweep.id, "xlsx")
    wb = load_workbook(io.BytesIO(data))
    ws = wb["问题清单"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:3] == ["级别", "类别", "规则"]
    flat = "\n".join(str(v) for r in rows for v in r)
    assert ID_NUMBER not in flat and MOBILE not in flat
    assert "110105********002X" in flat and "138****5678" in flat
    assert rows[1][0] == "严重"                             # critical first
    assert all(c.data_type == "s" for r in ws.iter_rows() for c in r if c.value is not None)
    assert "概况" in wb.sheetnames
    html = build_report(s, sweep.id, "html").decode()
    assert html.startswith("<!DOCTYPE html>") and "网站巡检报告" in html
    assert ID_NUMBER not in html and "110105********002X" in html
    assert "<script" not in html.lower()
    raw = build_report(s, sweep.id, "html", masked=False).decode()
    assert ID_NUMBER in raw
    assert s.scalar(select(AuditEntry.action).where(AuditEntry.action == "report.unmasked"))
    with pytest.raises(Invalid):
        build_report(s, sweep.id, "pdf")


def test_report_lists_what_was_present_in_that_sweep(setup, engine):
    s, rev, _ = setup
    sweep1, _ = run_sweep(s, rev, engine, PAGES)
    pages = dict(PAGES)
    pages[f"{SITE}/a.html"] = "关于低保对象的公示：已处理。"
    sweep2, _ = run_sweep(s, rev, engine, pages)
    from reviewer.store.ingest import sweep_findings
    assert sorted(f.rule for f in sweep_findings(s, sweep1.id)) == ["privacy.id-card", "privacy.mobile"]
    assert [f.rule for f in sweep_findings(s, sweep2.id)] == ["privacy.mobile"]


def test_cli_report(setup, engine, db_url, tmp_path, monkeypatch, capsys):
    s, rev, _ = setup
    sweep, _ = run_sweep(s, rev, engine, PAGES)
    monkeypatch.setenv("REVIEWER_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(sweep.id), "--format", "xlsx"]) == 0
    assert (tmp_path / f"sweep-{sweep.id}.xlsx").read_bytes()[:2] == b"PK"
    out = tmp_path / "r.html"
    assert main(["report", str(sweep.id), "--format", "html", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "110105********002X" in text and ID_NUMBER not in text
    capsys.readouterr()
    assert main(["report", "999999", "--format", "html"]) == 1
    assert capsys.readouterr().err.strip() == "reviewer: 错误：巡检任务不存在"


def test_unchanged_page_does_not_bump_the_item_version(setup, engine):
    """A reviewer who opened the item before tonight's sweep can still decide on it, unless the
    sweep changed it."""
    s, rev, _ = setup
    _, items = run_sweep(s, rev, engine, PAGES)
    a = items[f"{SITE}/a.html"]
    seen = a.version
    run_sweep(s, rev, engine, PAGES)
    s.refresh(a)
    assert a.version == seen
    review.decide(s, rev, a.id, "confirm", a.findings[0].id, expected_version=seen)
    s.commit()
    seen = a.version
    pages = dict(PAGES)
    pages[f"{SITE}/a.html"] = PAGES[f"{SITE}/a.html"] + f"\n经办人电话{MOBILE}，请核对后再公开。"
    run_sweep(s, rev, engine, pages)
    s.refresh(a)
    assert a.version > seen
    from reviewer.store.errors import Conflict
    with pytest.raises(Conflict):
        review.decide(s, rev, a.id, "approve", expected_version=seen)


def test_overlong_uri_and_locator_fit_the_columns(setup):
    """PostgreSQL enforces column lengths: an 18 kB URL or a deep element path still goes in."""
    from reviewer.finding import Finding as F
    s, rev, _ = setup
    sweep = ingest.create_sweep(s, rev, SITE + "/")
    uri = f"{SITE}/search?q=" + "政务公开" * 1500
    f = F(rule="privacy.id-card", category="privacy", severity="critical", uri=uri, part="html>body" + ">div" * 200,
          start=0, end=18, text=ID_NUMBER, excerpt=ID_NUMBER, message="m", suggestion=None, fingerprint="a" * 24)
    item = ingest.ingest_sweep_page(s, sweep.id, uri, "t" * 900, [f], text=ID_NUMBER)
    s.commit()
    assert len(item.uri.encode()) <= 2000 and item.uri == item.findings[0].uri and len(item.findings[0].part) == 200
    other = ingest.ingest_sweep_page(s, sweep.id, uri + "y", "t", [f], text=ID_NUMBER)
    assert other.document_id != item.document_id           # cut uris stay distinct
    again = ingest.ingest_sweep_page(s, sweep.id, uri, "t", [f], text=ID_NUMBER)
    assert again.id == item.id
