"""tampering.cloaking: pages that show search crawlers something else, against a real local site."""
from __future__ import annotations

from collections import Counter

import pytest
from aiohttp import web

from reviewer.crawl.sweep import SweepOptions, run_sweep

from .portal import TODAY, _html

NOTICE = "<p>关于做好2026年冬季森林防火工作的通知。各乡镇人民政府要落实防火责任，加强巡查值守。</p>"
SPAM_TITLE = "澳门新葡京娱乐城_百家乐在线开户_真人娱乐注册送体验金"
SPAM_BODY = "<p>最新最全的线上娱乐平台推荐：百家乐、时时彩、真人娱乐一应俱全，注册送体验金，提款秒到账。</p>"
ANTI_GAMBLING = ("<p>关于深入开展打击治理跨境赌博专项行动的通知。为严厉打击跨境赌博违法犯罪活动，坚决遏制网络赌博蔓延势头，"
                 "依法查处组织参与百家乐、六合彩等赌博活动的违法行为，切实维护人民群众财产安全。</p>")


class CloakingSite:
    def __init__(self):
        self.hits: Counter = Counter()
        self.counter = 0
        self.base = ""
        self.app = web.Application()
        self.app.router.add_route("GET", "/{path:.*}", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        spider = "Baiduspider" in request.headers.get("User-Agent", "")
        path = request.path
        self.hits[("SPIDER" if spider else "GET", path)] += 1

        def page(title, body):
            return web.Response(text=_html(title, body), content_type="text/html", charset="utf-8")
        if path == "/":
            links = "".join(f'<a href="/{p}.html">{p}</a>'
                            for p in ("cloaked", "retitled", "away", "counter", "anti-gambling", "plain"))
            return page("示范县人民政府", f"<div>{links}</div>{NOTICE}")
        if path == "/cloaked.html":          # gambling for the crawler only: the hack to find
            return page(SPAM_TITLE, SPAM_BODY) if spider else page("森林防火通知_示范县人民政府", NOTICE)
        if path == "/retitled.html":         # another title for the crawler, nothing else
            return page("示范县招商引资优惠政策大全" if spider else "示范县人民政府办公室", NOTICE)
        if path == "/away.html":             # the crawler is sent to another site
            if spider:
                raise web.HTTPFound("http://bet-example.invalid/landing")
            return page("专题_示范县人民政府", NOTICE)
        if path == "/counter.html":          # differs on every fetch, for everyone: not cloaking
            self.counter += 1
            return page("网站统计_示范县人民政府", f"{NOTICE}<p>本页已被访问 {self.counter} 次，生成时间 {self.counter}.0 秒</p>")
        if path == "/anti-gambling.html":    # the same article about fighting gambling for everyone
            return page("打击治理跨境赌博专项行动_示范县人民政府", ANTI_GAMBLING)
        if path == "/plain.html":
            return page("通知_示范县人民政府", NOTICE)
        return web.Response(status=404, text="not found")


@pytest.fixture
async def site(aiohttp_server):
    s = CloakingSite()
    server = await aiohttp_server(s.app, host="127.0.0.1")
    s.base = f"http://127.0.0.1:{server.port}"
    return s


async def sweep(site, tmp_path, **kw):
    pages = []
    opts = dict(start_url=site.base + "/", state_path=str(tmp_path / "state.sqlite"), timeout=2.0, today=TODAY,
                ignore_robots=True)
    opts.update(kw)
    summary = await run_sweep(SweepOptions(**opts), on_page=pages.append)
    return summary, {p.uri: [f for f in p.findings if f.rule == "tampering.cloaking"] for p in pages}


async def test_crawler_only_spam_title_and_redirect_are_found_and_decoys_stay_clean(site, tmp_path):
    _, found = await sweep(site, tmp_path)
    b = site.base
    [spam] = found[b + "/cloaked.html"]
    assert spam.severity == "critical" and spam.category == "tampering" and "百家乐" in spam.message
    assert SPAM_TITLE in spam.excerpt and "森林防火通知" in spam.excerpt
    [title] = found[b + "/retitled.html"]
    assert title.severity == "major" and title.part == "title" and "招商引资" in title.message
    [away] = found[b + "/away.html"]
    assert away.severity == "critical" and away.text == "bet-example.invalid"
    # a counter that changes on every fetch, an article against gambling, a plain page, the home page
    for clean in ("/counter.html", "/anti-gambling.html", "/plain.html", "/"):
        assert found[b + clean] == [], clean
    # the crawler's copy is fetched once per page, and the other site is never contacted
    assert site.hits[("SPIDER", "/cloaked.html")] == 1 and site.hits[("GET", "/cloaked.html")] == 1


async def test_findings_hold_on_the_next_sweep_of_an_unchanged_site(site, tmp_path):
    _, first = await sweep(site, tmp_path)
    _, second = await sweep(site, tmp_path)
    fp = {u: [f.fingerprint for f in fs] for u, fs in first.items()}
    assert fp == {u: [f.fingerprint for f in fs] for u, fs in second.items()}
    assert second[site.base + "/cloaked.html"]
    assert site.hits[("SPIDER", "/cloaked.html")] == 2     # compared again although the page is unchanged


async def test_budget_and_rule_selection_bound_the_extra_requests(site, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "tampering.toml").write_text("[tampering.cloaking]\npages = 2\n", encoding="utf-8")
    await sweep(site, tmp_path / "a", rules_dirs=(rules,))
    assert sum(n for (who, _), n in site.hits.items() if who == "SPIDER") == 2
    site.hits.clear()
    _, found = await sweep(site, tmp_path / "b", rules=["link", "privacy"])
    assert not any(who == "SPIDER" for who, _ in site.hits) and not any(found.values())
