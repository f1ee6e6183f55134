"""The sweep against a real local portal (tests/sweep/portal.py): every trap of issue 3."""
from __future__ import annotations

import threading

from reviewer.finding import CATEGORIES, SEVERITIES

from .conftest import options, sweep
from .portal import Site
from reviewer.crawl.sweep import run_sweep


def by_uri(pages):
    return {p.uri: p for p in pages}


def findings_on(pages, uri):
    return [(f.rule, f.text) for p in pages if p.uri == uri for f in p.findings]


async def test_full_sweep_reports_each_problem_where_it_appears(portal: Site, tmp_path):
    summary, pages = await sweep(portal, tmp_path)
    b = portal.base
    home = findings_on(pages, b + "/")
    dead = {t for r, t in home if r == "link.dead"}
    assert {b + "/missing.html", b + "/err500", b + "/slow", b + "/loop1", b + "/img/missing.png",
            b + "/hidden-dead.html", f"http://127.0.0.1:{portal.refused_port}/x.html"} <= dead
    # live links must not be called dead: 429 once, 405 on HEAD, redirects, GBK-only file names, GBK query
    for live in ("/flaky429", "/files/nohead.pdf", "/r1", "/final.html", "/news/", "/img/logo.png",
                 "/files/%E5%85%AC%E7%A4%BA%E5%90%8D%E5%8D%95.xlsx"):
        assert b + live not in dead
    assert ("link.soft-404", b + "/deleted.html") in home
    assert ("link.blocked", b + "/forbidden") in home
    assert ("link.internal-address", "http://192.168.1.20/oa/file.doc") in home
    assert ("link.fragment", b + "/#nowhere") in home
    assert not any(r == "link.fragment" and t.endswith(("#main", "#top")) for r, t in home)
    hidden = [f for p in pages if p.uri == b + "/" for f in p.findings if f.text == b + "/hidden-dead.html"]
    assert "隐藏" in hidden[0].message
    # each problem once per page
    for p in pages:
        keys = [(f.rule, f.text) for f in p.findings]
        assert len(keys) == len(set(keys)), p.uri

    gbk = findings_on(pages, b + "/gbk/index.html")
    assert ("link.dead", b + "/gbk/dead-%E9%99%84%E4%BB%B6.pdf") in gbk
    assert not any(t.startswith(b + "/files/") or "search" in t for _, t in gbk)   # 镕 file name, 喆 query
    assert portal.hits[("GET", "/search")] >= 1 and by_uri(pages)[b + "/search?q=%86%B4"]
    big5 = by_uri(pages)[b + "/big5.html"]
    assert big5.title == "繁體專欄"
    assert ("link.dead", b + "/tw/%E4%B8%8D%E5%AD%98%E5%9C%A8.html") in findings_on(pages, b + "/big5.html")
    assert b + "/tw/%E9%A0%81%E9%9D%A2.html" in by_uri(pages)

    # attachments go through extraction and every rule
    xlsx = by_uri(pages)[b + "/files/%E5%85%AC%E7%A4%BA%E5%90%8D%E5%8D%95.xlsx"]
    assert xlsx.kind == "xlsx" and any(f.category == "privacy" and f.severity == "critical" for f in xlsx.findings)
    docx = by_uri(pages)[b + "/files/%E6%95%91%E5%8A%A9%E5%85%AC%E7%A4%BA.docx"]
    assert {"secrecy.internal-mark"} <= {f.rule for f in docx.findings}
    assert any(f.category == "privacy" for f in docx.findings)
    broken = by_uri(pages)[b + "/files/broken.docx"]
    assert [f.rule for f in broken.findings] == ["format.unreadable"] and broken.findings[0].severity == "info"

    # robots.txt: the disallowed page is never read, so its ID number is never reported
    assert portal.hits[("GET", "/private/secret.html")] == 0
    assert b + "/private/secret.html" not in by_uri(pages)
    # columns
    assert [f.severity for p in pages if p.uri == b + "/notice/" for f in p.findings if f.rule == "site.column-stale"] == ["major"]
    assert not any(f.rule.startswith("site.") for p in pages if p.uri in (b + "/news/", b + "/") for f in p.findings)
    assert [f.rule for f in by_uri(pages)[b + "/empty/"].findings] == ["site.column-empty"]
    # traps bounded, HEAD first for attachments and images, GET confirms a refused HEAD
    assert portal.hits[("GET", "/cal")] <= 40
    assert portal.hits[("HEAD", "/img/logo.png")] == 1 and portal.hits[("GET", "/img/logo.png")] == 0
    # a crawled page's own fetch is its link check: no page is requested twice
    assert portal.hits[("GET", "/news/1.html")] == 1 and portal.hits[("HEAD", "/news/1.html")] == 0
    assert portal.hits[("GET", "/flaky429")] >= 2
    assert summary.dead_links >= 7 and summary.pages > 10 and summary.attachments >= 4
    for p in pages:
        for f in p.findings:
            assert f.category in CATEGORIES and f.severity in SEVERITIES and f.uri == p.uri
            if f.category == "link":
                assert f.part == "link" and f.text.startswith("http")


async def test_rules_link_only_skips_content_rules(portal: Site, tmp_path):
    summary, pages = await sweep(portal, tmp_path, rules=["link"])
    assert {f.category for p in pages for f in p.findings} == {"link"}
    assert summary.by_category["link"] >= 10
    # attachments are not downloaded for link checking: HEAD, and a GET only where HEAD is refused
    assert portal.hits[("HEAD", "/files/nohead.pdf")] == 1 and portal.hits[("GET", "/files/nohead.pdf")] == 1
    assert portal.hits[("GET", "/files/%s" % "公示名单.xlsx")] == 0
    dead = {f.text for p in pages for f in p.findings if f.rule == "link.dead"}
    assert portal.base + "/files/nohead.pdf" not in dead


async def test_second_sweep_sends_conditional_gets_and_keeps_findings(portal: Site, tmp_path):
    s1, p1 = await sweep(portal, tmp_path)
    portal.hits.clear()
    s2, p2 = await sweep(portal, tmp_path)
    assert s2.unchanged >= s1.pages - 2
    assert all(not p.changed for p in p2 if p.kind == "html" and p.uri.endswith(".html"))
    assert s2.bytes < s1.bytes / 3
    assert {f.fingerprint for p in p1 for f in p.findings} == {f.fingerprint for p in p2 for f in p.findings}
    # successful link results are reused; dead links are always checked again
    assert portal.hits[("HEAD", "/img/logo.png")] == 0
    assert portal.hits[("HEAD", "/img/missing.png")] == 1


async def test_resume_continues_from_saved_frontier(portal: Site, tmp_path):
    _, full = await sweep(portal, tmp_path / "full")
    full_cal = portal.hits[("GET", "/cal")]
    portal.hits.clear()
    stop = threading.Event()
    first = []

    def on_progress(p):
        if p["done"] >= 8:
            stop.set()
    s1 = await run_sweep(options(portal, tmp_path, stop=stop), on_page=first.append, on_progress=on_progress)
    assert s1.interrupted and first == []          # findings are reported once the crawl is complete
    crawled_before = s1.pages + s1.attachments
    assert 0 < crawled_before < len(full) - 5
    second = []
    s2 = await run_sweep(options(portal, tmp_path, resume=True), on_page=second.append)
    assert s2.resumed and not s2.interrupted

    assert {p.uri for p in second} == {p.uri for p in full}
    # the calendar trap's budget carries over the interruption: no more months than one whole run
    assert portal.hits[("GET", "/cal")] <= full_cal
    # nothing crawled before the interruption was fetched again
    articles = [k for k in portal.hits if k[0] == "GET" and k[1].startswith(("/news/", "/notice/"))]
    assert all(portal.hits[k] == 1 for k in articles)
    assert {(f.rule, f.text) for p in second for f in p.findings} == {(f.rule, f.text) for p in full for f in p.findings}


async def test_unreachable_start_page(portal: Site, tmp_path):
    from .conftest import free_port
    from reviewer.crawl.sweep import SweepOptions
    pages = []
    opts = SweepOptions(start_url=f"http://127.0.0.1:{free_port()}/", state_path=str(tmp_path / "s.sqlite"),
                        timeout=1.0, backoff=0.01)
    summary = await run_sweep(opts, on_page=pages.append)
    assert [(f.rule, f.severity) for p in pages for f in p.findings] == [("site.unreachable", "critical")]
    assert summary.failed == 1


async def test_size_limit_becomes_a_finding(portal: Site, tmp_path):
    _, pages = await sweep(portal, tmp_path, max_page_bytes=300)
    big = [p for p in pages if any(f.rule == "format.unreadable" and "过大" in f.message for f in p.findings)]
    assert big


async def test_max_pages_and_depth_bound_the_crawl(portal: Site, tmp_path):
    s, pages = await sweep(portal, tmp_path, max_pages=5)
    assert s.pages + s.attachments + s.failed + s.skipped <= 5
    s, pages = await sweep(portal, tmp_path / "d", max_depth=0)
    assert [p.uri for p in pages] == [portal.base + "/"]




async def test_content_rules_in_a_worker_process_find_the_same(portal: Site, tmp_path):
    """--jobs: extraction and content rules run in a spawned worker; nothing found in-process is lost."""
    _, local = await sweep(portal, tmp_path / "local", jobs=0)
    _, worker = await sweep(portal, tmp_path / "worker", jobs=1)

    def content(pages):
        return {(p.uri, f.rule, f.text, f.start) for p in pages for f in p.findings
                if f.category not in ("link", "site")}

    found = content(worker)
    assert found == content(local)
    assert any(rule.startswith("privacy.") for _, rule, _, _ in found)          # the xlsx roster
    assert any(rule == "secrecy.internal-mark" for _, rule, _, _ in found)      # the docx
    b = portal.base
    # the snapshot kept for highlighting and the title found by extraction come back from the worker
    xlsx = by_uri(worker)[b + "/files/%E5%85%AC%E7%A4%BA%E5%90%8D%E5%8D%95.xlsx"]
    assert xlsx.kind == "xlsx" and xlsx.text == by_uri(local)[xlsx.uri].text and xlsx.text
    assert by_uri(worker)[b + "/big5.html"].title == "繁體專欄"
