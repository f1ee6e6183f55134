"""A small portal served by aiohttp on 127.0.0.1 with every trap the sweep must handle.

Each handler counts its hits by (method, path) so tests can assert what was fetched and how;
requests with a search crawler's User-Agent count as ("SPIDER", path).
"""
from __future__ import annotations

import asyncio
import io
from collections import Counter
from datetime import date, timedelta

from aiohttp import web

TODAY = date(2026, 11, 21)
ID_NUMBER = "11010519491231002X"            # a valid check digit; the privacy rules must catch it


def make_docx(lines: list[str]) -> bytes:
    import docx
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def make_xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _html(title: str, body: str, charset: str = "utf-8", meta: str = "") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>{meta}</head>'
            f"<body>{body}</body></html>")


def _list(items: list[tuple[str, str, date]]) -> str:
    lis = "".join(f'<li><a href="{href}">{text}</a><span>{d.isoformat()}</span></li>' for href, text, d in items)
    return f'<ul class="list">{lis}</ul>'


class Site:
    def __init__(self, refused_port: int):
        self.hits: Counter = Counter()
        self.refused_port = refused_port
        self.once: set[str] = set()
        self.version = 1
        self._pages = None
        self.app = web.Application()
        self.app.router.add_route("*", "/{path:.*}", self.handle)
        self.docx = make_docx(["关于2026年临时救助对象的公示", "注意保密", f"张三 身份证号 {ID_NUMBER} 救助金额 500 元"])
        self.xlsx = make_xlsx([["姓名", "身份证号", "金额"], ["李四", ID_NUMBER, "800"]])

    def pages(self) -> dict[str, tuple[str, bytes, dict]]:
        t = TODAY
        p: dict[str, tuple[str, bytes, dict]] = {}
        home = _html("示范县人民政府", (
            "<h1>示范县人民政府</h1>"
            + _list([("/news/1.html", "县长调研春耕工作", t - timedelta(days=2)),
                     ("/news/2.html", "召开常务会议", t - timedelta(days=3)),
                     ("/news/3.html", "开展安全检查", t - timedelta(days=5))])
            + '<a href="/news/">工作动态</a> <a href="/notice/">通知公告</a> <a href="/empty/">人事信息</a>'
            '<a href="/gbk/index.html">GBK 专栏</a> <a href="/big5.html">繁體</a>'
            '<a href="/missing.html">失效页面</a> <a href="/err500">出错页面</a>'
            '<a href="/flaky429">限流一次</a> <a href="/files/nohead.pdf">只允许 GET 的附件</a>'
            '<a href="/slow">很慢的页面</a> <a href="/r1">重定向链</a> <a href="/loop1">重定向循环</a>'
            f'<a href="http://127.0.0.1:{self.refused_port}/x.html">拒绝连接</a>'
            '<a href="/deleted.html">已删除的文章</a> <a href="/forbidden">禁止访问</a>'
            '<a href="/files/公示名单.xlsx">公示名单</a> <a href="/files/救助公示.docx">救助公示</a>'
            '<a href="/files/broken.docx">损坏的附件</a>'
            '<a href="/private/secret.html">内部页面</a>'
            '<a href="http://192.168.1.20/oa/file.doc">内网附件</a>'
            '<a href="#nowhere">页内失效锚点</a> <a href="#top">顶部</a><div id="main"></div><a href="#main">正文</a>'
            '<img src="/img/logo.png" alt="标志"><img src="/img/missing.png" alt="缺图">'
            '<div style="display:none"><a href="/hidden-dead.html">隐藏的失效链接</a></div>'
            '<a href="/cal?year=2026">日历</a>'
        ), meta='<meta name="SiteName" content="示范县人民政府">')
        p["/"] = ("text/html; charset=utf-8", home.encode("utf-8"), {})
        p["/news/"] = ("text/html; charset=utf-8", _html("工作动态 - 示范县", _list(
            [(f"/news/{i}.html", f"动态{i}", t - timedelta(days=i)) for i in (1, 2, 3)])).encode(), {})
        p["/notice/"] = ("text/html; charset=utf-8", _html("通知公告 - 示范县", _list(
            [(f"/notice/{i}.html", f"公告{i}", t - timedelta(days=200 + i)) for i in (1, 2, 3)])).encode(), {})
        p["/empty/"] = ("text/html; charset=utf-8", _html("人事信息 - 示范县", '<ul class="list"></ul>',
                                                          meta='<meta name="ColumnName" content="人事信息">').encode(), {})
        for i in (1, 2, 3):
            p[f"/news/{i}.html"] = ("text/html; charset=utf-8", _html(f"动态{i}", f"<p>正文{i}</p>",
                                    meta=f'<meta name="ArticleTitle" content="动态{i}">').encode(), {})
            p[f"/notice/{i}.html"] = ("text/html; charset=utf-8", _html(f"公告{i}", f"<p>公告正文{i}</p>",
                                      meta=f'<meta name="ArticleTitle" content="公告{i}">').encode(), {})
        gbk = _html("GBK 专栏", "<p>朱镕基同志讲话精神学习</p>"
                    '<a href="/files/朱镕基讲话.docx">朱镕基讲话（附件）</a>'
                    '<a href="/search?q=喆">搜索 喆</a>'
                    '<a href="/gbk/dead-附件.pdf">失效附件</a>', charset="gb2312",
                    meta='<meta name="ArticleTitle" content="GBK 专栏">')
        p["/gbk/index.html"] = ("text/html", gbk.encode("gb18030"), {})      # no charset in the header
        big5 = _html("繁體專欄", "<p>政府資訊公開</p><a href=\"/tw/頁面.html\">繁體頁面</a>"
                     '<a href="/tw/不存在.html">失效的繁體連結</a>', charset="big5",
                     meta='<meta name="ArticleTitle" content="繁體專欄">')
        p["/big5.html"] = ("text/html", big5.encode("big5"), {})
        p["/tw/頁面.html"] = ("text/html; charset=utf-8", _html("繁體頁面", "<p>內容</p>").encode(), {})
        p["/files/朱镕基讲话.docx"] = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                    make_docx(["朱镕基同志讲话", "学习材料"]), {})
        p["/files/公示名单.xlsx"] = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", self.xlsx, {})
        p["/files/救助公示.docx"] = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                   self.docx, {})
        p["/files/broken.docx"] = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                   b"PK\x03\x04this is not really a zip file" * 10, {})
        p["/files/nohead.pdf"] = ("application/pdf", b"%PDF-1.4\n%%EOF\n", {})
        p["/final.html"] = ("text/html; charset=utf-8", _html("终点", "<p>重定向终点</p>").encode(), {})
        p["/deleted.html"] = ("text/html; charset=utf-8", _html("提示信息", "<p>对不起，您访问的页面不存在或已删除！</p>").encode(), {})
        p["/private/secret.html"] = ("text/html; charset=utf-8",
                                     _html("内部", f"<p>内部资料 身份证 {ID_NUMBER}</p>").encode(), {})
        p["/img/logo.png"] = ("image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, {})
        p["/robots.txt"] = ("text/plain", b"User-agent: *\nDisallow: /private/\n", {})
        p["/flaky429"] = ("text/html; charset=utf-8", _html("限流", "<p>正常内容</p>").encode(), {})
        p["/cal"] = ("text/html; charset=utf-8", b"", {})
        return p

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        # the sweep's second look as a search crawler (cloaking check) is counted apart
        spider = "Baiduspider" in request.headers.get("User-Agent", "")
        self.hits[("SPIDER" if spider else request.method, path)] += 1
        if self._pages is None:
            self._pages = self.pages()
        pages = self._pages
        if path == "/cal":                                    # an endless calendar: every month links on
            year = int(request.query.get("year", "2026"))
            month = int(request.query.get("month", "1"))
            nxt = (year + (month == 12), month % 12 + 1)
            prv = (year - (month == 1), (month - 2) % 12 + 1)
            body = _html(f"日历 {year}-{month}", f'<a href="/cal?year={nxt[0]}&month={nxt[1]}">下月</a>'
                         f'<a href="/cal?year={prv[0]}&month={prv[1]}">上月</a>')
            return web.Response(body=body.encode(), content_type="text/html", charset="utf-8")
        if path == "/search":
            # browsers send a GBK page's query in GBK: %86%B4 is 喆
            ok = request.raw_path.endswith("?q=%86%B4")
            return web.Response(status=200 if ok else 404, text="搜索结果" if ok else "not found",
                                content_type="text/html")
        if path == "/err500":
            return web.Response(status=500, text="error")
        if path == "/forbidden":
            return web.Response(status=403, text="forbidden")
        if path == "/flaky429" and path not in self.once:
            self.once.add(path)
            return web.Response(status=429, headers={"Retry-After": "0"}, text="slow down")
        if path == "/files/nohead.pdf" and request.method == "HEAD":
            return web.Response(status=405)
        if path == "/slow":
            await asyncio.sleep(3)
            return web.Response(text="late", content_type="text/html")
        if path == "/r1":
            raise web.HTTPFound("/r2")
        if path == "/r2":
            raise web.HTTPMovedPermanently("/final.html")
        if path == "/loop1":
            raise web.HTTPFound("/loop2")
        if path == "/loop2":
            raise web.HTTPFound("/loop1")
        if path in pages:
            ctype, body, headers = pages[path]
            etag = f'"{self.version}-{abs(hash(body)) % 10**8}"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            resp = web.Response(body=body, headers={"ETag": etag, **headers})
            resp.headers["Content-Type"] = ctype
            return resp
        return web.Response(status=404, text="not found", content_type="text/html")
