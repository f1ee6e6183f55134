"""The sweep: crawl a portal from its start URL, run every rule on pages and attachments, check links.

Pages are fetched by a pool of workers (per-host concurrency, optional delay, robots.txt), decoded
to text before parsing, their links collected with lxml and handed to the shared link checker,
which checks each distinct target once per sweep. Attachments are downloaded and extracted;
images, scripts and other resources are only checked. State (validators, hashes, findings of
unchanged pages, successful link results, the frontier) lives in SQLite, so the next sweep sends
conditional GETs and an interrupted one can --resume.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import aiohttp
import yarl

from ..engine import Context, Engine
from ..extract.limits import MAX_INPUT_BYTES
from ..finding import Finding, fingerprint
from ..links.check import LinkRules, Occurrence, link_findings
from ..links.classify import (BLOCKED, DEAD, OK, REDIRECTS, SOFT404, SOFT404_DETAIL, LinkResult, is_soft_404,
                              verdict_for_status)
from ..links.client import HostLimiter, LinkChecker, make_session, read_upto
from ..links.collect import collect
from ..links.netguard import AddressPolicy
from ..masking import mask_all
from ..sources import USER_AGENT
from . import cloaking, columns
from .charset import decode_html
from .content import ContentChecker
from .robots import Robots
from .scope import Scope
from .state import SweepState, default_state_path
from .urls import ATTACHMENT_EXTS, extension, host_of, netloc_of, normalize, url_kind

log = logging.getLogger(__name__)

_ATTACHMENT_TYPES = ("application/pdf", "application/msword", "application/vnd.ms-excel",
                     "application/vnd.openxmlformats", "application/vnd.ms-word", "application/x-xls",
                     "application/kswps", "application/wps")
_CONTENT_CATEGORIES_SKIPPED = {"link", "site"}


@dataclass
class SweepOptions:
    start_url: str
    max_pages: int = 50_000
    max_depth: int = 50
    concurrency: int = 4               # per host
    delay: float = 0.0                 # seconds between requests to one host
    allow_hosts: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    ignore_robots: bool = False
    state_path: str | None = None      # None: under the user data dir; ":memory:": nothing kept
    resume: bool = False
    rules: list[str] | None = None     # --rules: categories or rule ids; None = every enabled rule
    rules_dirs: tuple = ()
    timeout: float = 15.0              # per request (TRS uses 15 s and 3 retries)
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 30.0
    link_ttl: float = 3 * 86400        # successful link results are reused this long; failures never
    allowed_networks: list[str] = field(default_factory=list)   # internal networks links may reach
    max_page_bytes: int = 10 << 20
    max_attachment_bytes: int = MAX_INPUT_BYTES
    today: date | None = None
    jobs: int = 0                      # worker processes for extraction and content rules; 0: in this one
    stop: threading.Event | None = None   # set it to end the sweep early (the frontier is kept)


@dataclass
class PageResult:
    uri: str
    kind: str                 # html, pdf, docx, xlsx, xls, doc (the start page carries the site-level findings)
    title: str | None
    findings: list[Finding]
    changed: bool
    status: int | None = None
    text: str | None = None   # extracted text, kept only for pages with content findings


@dataclass
class SweepSummary:
    start_url: str
    pages: int = 0
    attachments: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0                    # robots.txt, traps, off-site redirects
    links_checked: int = 0              # distinct link targets with a verdict
    link_requests: int = 0
    dead_links: int = 0                 # distinct dead targets
    findings: int = 0
    by_category: dict = field(default_factory=dict)
    by_severity: dict = field(default_factory=dict)
    bytes: int = 0
    elapsed: float = 0.0
    interrupted: bool = False
    resumed: bool = False
    state_path: str | None = None

    def to_dict(self) -> dict:
        from dataclasses import asdict
        return asdict(self)


class _Fetched:
    __slots__ = ("status", "url", "kind", "body", "ctype", "etag", "last_modified", "error", "elapsed", "retry",
                 "wait")

    def __init__(self, status=None, url="", kind="page", body=None, ctype="", etag=None, last_modified=None,
                 error=None, elapsed=0.0, retry=False, wait=None):
        self.status, self.url, self.kind, self.body, self.ctype = status, url, kind, body, ctype
        self.etag, self.last_modified, self.error, self.elapsed = etag, last_modified, error, elapsed
        self.retry, self.wait = retry, wait


def _kind_of_response(url: str, ctype: str, guessed: str) -> str:
    ctype = ctype.lower()
    if any(ctype.startswith(t) for t in _ATTACHMENT_TYPES) or extension(url) in ATTACHMENT_EXTS:
        return "attachment"
    if "html" in ctype or "xhtml" in ctype or (not ctype and guessed == "page"):
        return "page"
    return "resource"


class _Sweep:
    """Two passes. Crawl: fetch every in-scope page (and attachment when content rules run), run the
    content rules, store its links in the state database, and start checks of the targets the crawl
    itself will not fetch. Report: page by page from the database, every link's verdict is known by
    then (a crawled page's own fetch is its verdict, so no page is requested twice); emit findings.
    Memory stays flat: links wait in SQLite, not in RAM."""

    def __init__(self, options: SweepOptions, on_page, on_progress):
        self.o = options
        self.on_page = on_page
        self.on_progress = on_progress
        start = normalize(options.start_url)
        if start is None:
            raise ValueError(f"无效的起始网址：{options.start_url}")
        self.start = start
        self.engine = Engine(only=options.rules, rules_dirs=tuple(options.rules_dirs))
        self.ctx = Context(today=options.today or date.today())
        self.link_rules = LinkRules(self.engine)
        self.site_rules = {r.id: r for r in self.engine.rules if r.category == "site"}
        self.content_rules = any(r.category not in _CONTENT_CATEGORIES_SKIPPED for r in self.engine.rules)
        self.cloak_rule = next((r for r in self.engine.rules if r.id == "tampering.cloaking"), None)
        self.cloak_left = int(self.cloak_rule.settings["pages"]) if self.cloak_rule is not None else 0
        self.scope = Scope(start, tuple(options.allow_hosts), tuple(options.include), tuple(options.exclude))
        # the operator's own hosts are trusted even on private addresses; other links are guarded
        self.policy = AddressPolicy(options.allowed_networks, trusted_hosts=self.scope.hosts)
        self.summary = SweepSummary(start_url=start)
        self.seen: set[str] = set()
        self.attempts: dict[str, int] = {}
        self.retry_tasks: set[asyncio.Task] = set()
        self.check_tasks: set[asyncio.Task] = set()
        self.check_slots = asyncio.Semaphore(max(64, options.concurrency * 16))
        self.empty_columns = 0
        self.started = 0.0
        self.start_failed: str | None = None
        self.start_elapsed = 0.0
        self.reported = 0

    # -- plumbing -------------------------------------------------------------------------------
    def _emit(self, result: PageResult) -> None:
        s = self.summary
        for f in result.findings:
            s.findings += 1
            s.by_category[f.category] = s.by_category.get(f.category, 0) + 1
            s.by_severity[f.severity] = s.by_severity.get(f.severity, 0) + 1
        self.reported += 1
        if self.on_page is not None:
            self.on_page(result)

    def _progress(self, phase: str = "crawl") -> None:
        if self.on_progress is None:
            return
        s = self.summary
        done = s.pages + s.attachments + s.failed + s.skipped
        elapsed = max(1e-6, time.monotonic() - self.started)
        self.on_progress({
            "phase": phase, "done": done, "queued": self.queue.qsize(), "seen": len(self.seen),
            "pages": s.pages, "attachments": s.attachments, "failed": s.failed, "errors": s.failed,
            "reported": self.reported, "links_checked": len(self.checker._done), "findings": s.findings,
            "rate": done / elapsed, "elapsed": elapsed,
        })

    def _crawled_kinds(self) -> tuple[str, ...]:
        # attachments are downloaded only when some rule reads their content
        return ("page", "attachment") if self.content_rules else ("page",)

    def _enqueue(self, url: str, depth: int, kind: str) -> None:
        if url in self.seen or len(self.seen) >= self.o.max_pages or depth > self.o.max_depth:
            return
        if kind not in self._crawled_kinds() or not self.scope.in_scope(url):
            return
        trap = self.scope.trap(url)
        if trap:
            log.debug("trap (%s): %s", trap, url)
            return
        self.seen.add(url)
        self.state.frontier_add(url, depth, kind)
        self.queue.put_nowait((url, depth, kind))

    async def _fetch_text(self, url: str):
        async with self.limiter.slot(netloc_of(url)):
            async with self.session.get(yarl.URL(url, encoded=True)) as resp:
                raw = await read_upto(resp, 512 << 10)
                self.summary.bytes += len(raw)
                return resp.status, raw.decode("utf-8", "replace")

    # -- fetching: one attempt; retries are re-queued so no worker sleeps ---------------------------
    async def _fetch(self, url: str, guessed: str, prev: dict | None) -> _Fetched:
        headers = {}
        if prev:
            if prev.get("etag"):
                headers["If-None-Match"] = prev["etag"]
            if prev.get("last_modified"):
                headers["If-Modified-Since"] = prev["last_modified"]
        t0 = time.monotonic()
        try:
            async with self.limiter.slot(netloc_of(url)):
                async with self.session.get(yarl.URL(url, encoded=True), headers=headers, max_redirects=10) as resp:
                    final = str(resp.url)
                    if final != url:            # normalising every page's own URL again costs 50 µs
                        final = normalize(final) or url
                    status = resp.status
                    if status == 304:
                        return _Fetched(304, final, guessed, elapsed=time.monotonic() - t0)
                    if status == 429 or status >= 500:
                        from ..links.client import _retry_after
                        return _Fetched(status, final, guessed, error=f"HTTP {status}", retry=True,
                                        wait=_retry_after(resp.headers.get("Retry-After"), self.o.max_retry_after))
                    if status >= 400:
                        return _Fetched(status, final, guessed, error=f"HTTP {status}", elapsed=time.monotonic() - t0)
                    ctype = resp.headers.get("Content-Type", "")
                    kind = _kind_of_response(final, ctype, guessed)
                    if kind == "resource" or kind not in self._crawled_kinds():
                        resp.close()
                        return _Fetched(status, final, "resource", ctype=ctype)
                    limit = self.o.max_page_bytes if kind == "page" else self.o.max_attachment_bytes
                    too_large = f"文件过大（超过 {limit >> 20} MB），未检查内容"
                    if (resp.content_length or 0) > limit:
                        resp.close()
                        return _Fetched(status, final, kind, ctype=ctype, error=too_large)
                    body = await read_upto(resp, limit + 1)
                    self.summary.bytes += len(body)
                    if len(body) > limit:
                        return _Fetched(status, final, kind, ctype=ctype, error=too_large)
                    return _Fetched(status, final, kind, body, ctype, resp.headers.get("ETag"),
                                    resp.headers.get("Last-Modified"), elapsed=time.monotonic() - t0)
        except aiohttp.TooManyRedirects:
            return _Fetched(None, url, guessed, error="重定向循环或次数过多")
        except aiohttp.ClientConnectorDNSError:
            return _Fetched(None, url, guessed, error="域名无法解析")
        except aiohttp.ClientConnectorError as e:
            if isinstance(e.os_error, ConnectionRefusedError):
                return _Fetched(None, url, guessed, error="连接被拒绝")
            return _Fetched(None, url, guessed, error="无法连接", retry=True)
        except (asyncio.TimeoutError, TimeoutError):
            return _Fetched(None, url, guessed, error="访问超时", retry=True, elapsed=time.monotonic() - t0)
        except (aiohttp.ClientError, OSError, ValueError) as e:
            return _Fetched(None, url, guessed, error=f"连接出错（{type(e).__name__}）", retry=True)

    def _retry_later(self, item, wait: float) -> None:
        async def later():
            await asyncio.sleep(wait)
            self.queue.put_nowait(item)
        task = asyncio.create_task(later())
        self.retry_tasks.add(task)
        task.add_done_callback(self.retry_tasks.discard)

    # -- the crawl pass: one URL ------------------------------------------------------------------
    async def _visit(self, item) -> None:
        url, depth, guessed = item
        if not await self.robots.allowed(url):
            self.summary.skipped += 1
            self.state.frontier_done(url)
            return
        known = self.checker.known(url)
        if known is not None and known.verdict in (DEAD, BLOCKED) and depth > 0:
            self.summary.failed += 1            # the link checker saw it fail, with retries: leave it
            self.state.frontier_done(url)
            return
        prev = self.state.page_get(url)
        alias = None
        if prev is None:
            alias = self.state.redirect_get(url)
            if alias is not None:
                if alias in self.seen and self.state.link_get(url, self.o.link_ttl) is not None:
                    # a known redirect to a page crawled anyway: its link check (cached) is enough
                    self.summary.skipped += 1
                    self.state.frontier_done(url)
                    return
                prev = self.state.page_get(alias)   # a redirect: its target's validators still apply
        fr = await self._fetch(url, guessed, prev)
        is_start = depth == 0
        if is_start:
            self.start_elapsed = fr.elapsed
        if fr.retry:
            n = self.attempts.get(url, 0)
            if n < self.o.retries:
                self.attempts[url] = n + 1
                self._retry_later(item, fr.wait if fr.wait is not None else self.o.backoff * (2 ** n))
                return
            fr.error = f"{fr.error}（已重试 {self.o.retries} 次）"
        self.attempts.pop(url, None)
        if fr.error and fr.body is None and fr.status != 304 and not (fr.status and fr.status < 400):
            self.summary.failed += 1
            if is_start:
                self.start_failed = fr.error
            verdict = verdict_for_status(fr.status) if fr.status else DEAD
            self.checker.record(url, LinkResult(url, verdict, fr.status, fr.error))
            self.state.frontier_done(url)
            return
        if fr.status == 304 and alias is not None:
            fr.url = alias
        if is_start and fr.url != url and host_of(fr.url) not in self.scope.hosts:
            # x.gov.cn -> www.x.gov.cn: the site the operator named lives on the redirect's host
            self.scope.hosts.add(host_of(fr.url))
            self.policy.trusted.add(host_of(fr.url))
        if fr.url != url:
            # redirected: the target is the document; skip it if it is crawled on its own
            self.checker.record(url, LinkResult(url, OK, fr.status, "重定向", fr.url))
            self.state.redirect_put(url, fr.url)
            if not self.scope.in_scope(fr.url) or fr.url in self.seen:
                self.summary.skipped += 1
                self.state.frontier_done(url)
                return
            self.seen.add(fr.url)
            if alias != fr.url:
                prev = self.state.page_get(fr.url)
        uri = fr.url
        if fr.kind == "resource":
            self.checker.record(url, LinkResult(url, OK, fr.status, ""))
            self.summary.skipped += 1
            self.state.frontier_done(url)
            return

        digest = hashlib.sha1(fr.body).hexdigest() if fr.body is not None else None
        unchanged = prev is not None and (fr.status == 304 or (digest is not None and digest == prev["hash"]))
        shown = None                 # (title, content findings) a person is shown, for the cloaking check
        if unchanged:
            kind = self._unchanged(uri, depth, prev, fr)
            self.summary.unchanged += 1
            if kind == "html":
                shown = prev["title"], SweepState.findings_of(prev)
        elif fr.error:               # too large: say so, keep going
            kind = "html" if fr.kind == "page" else extension(uri) or "attachment"
            self.checker.record(uri, LinkResult(uri, OK, fr.status, ""))
            self.state.page_put(uri, etag=None, last_modified=None, hash=None, kind=kind, title=None, encoding=None,
                                findings=[self._unreadable(uri, fr.error)] if self.content_rules else [], links=[],
                                ids=None, column_info=None, sweep=self.sweep_no, changed=True, status=fr.status)
        elif fr.kind == "page":
            kind = "html"
            shown = await self._page(uri, depth, fr, digest, is_start)
        else:
            kind = await self._attachment(uri, depth, fr, digest)
        if shown is not None and self.cloak_left > 0:
            self.cloak_left -= 1
            await self._compare_as_spider(uri, *shown)
        if kind == "html":
            self.summary.pages += 1
        else:
            self.summary.attachments += 1
        self.state.frontier_done(url)

    def _unreadable(self, uri: str, message: str) -> Finding:
        return Finding(rule="format.unreadable", category="format", severity="info", uri=uri, part="body",
                       start=None, end=None, text="", excerpt="", message=message, suggestion=None,
                       fingerprint=fingerprint("format.unreadable", uri, message))

    def _follow(self, occurrences, depth: int) -> None:
        """Queue what the crawl fetches itself; start checks of everything else right away."""
        seen = self.seen
        check = bool(self.link_rules)
        done, inflight = self.checker._done, self.checker._inflight
        for occ in occurrences:
            u = occ.url
            if u is None or u in seen:           # most links of a page: navigation crawled long ago
                continue
            k = url_kind(u, occ.tag)
            if k != "resource":
                self._enqueue(u, depth + 1, k)
                if u in seen:
                    continue
            if not check or u in done or u in inflight:
                continue
            if self.policy.blocked_reason(host_of(u)) is not None:
                continue
            self._spawn_check(u, k == "page" and self.robots.allowed_now(u))

    def _spawn_check(self, url: str, soft: bool) -> None:
        async def run():
            async with self.check_slots:
                try:
                    await self.checker.check(url, soft)
                except Exception:              # reported again in the report pass
                    log.debug("check of %s failed", url, exc_info=True)
        task = asyncio.create_task(run())
        self.check_tasks.add(task)
        task.add_done_callback(self.check_tasks.discard)

    def _own_verdict(self, uri: str, verdict: str, status: int | None) -> None:
        """A crawled page's own fetch is its link check; the crawl fetches it again next sweep, so
        the verdict is not kept in the link cache."""
        self.checker.record(uri, LinkResult(uri, verdict, status, SOFT404_DETAIL if verdict == SOFT404 else ""),
                            persist=False)

    async def _page(self, uri: str, depth: int, fr: _Fetched, digest: str, is_start: bool) -> tuple:
        text, encoding = decode_html(fr.body, fr.ctype)
        want_columns = bool(self.site_rules)
        col = collect(text, uri, encoding, keep_root=want_columns)
        verdict = SOFT404 if is_soft_404(text) else OK
        self._own_verdict(uri, verdict, fr.status)
        title = col.title
        content: list[Finding] = []
        if self.content_rules:
            checked = await self.content.check(fr.body, uri, fr.ctype, True)
            if checked.error:
                content = [self._unreadable(uri, checked.error)]
            else:
                title = checked.title or title
                content = checked.findings
                self.state.text_put(uri, checked.text)
        column = None
        if want_columns:
            column = columns.analyse(col.root, uri, title, self.ctx.today, is_home=is_start)
        col.root = None
        occurrences = [Occurrence(l.url, l.tag, l.text, l.fragment, l.hidden) for l in col.links]
        self._follow(occurrences, depth)
        self.state.page_put(uri, etag=fr.etag, last_modified=fr.last_modified, hash=digest, kind="html",
                            title=title, encoding=encoding, findings=content,
                            links=[list(o[:5]) for o in occurrences], ids=col.ids, column_info=column,
                            sweep=self.sweep_no, changed=True, status=fr.status, verdict=verdict)
        return title, content

    async def _compare_as_spider(self, uri: str, title: str | None, content: list[Finding]) -> None:
        """Fetch the page again as a search crawler; a difference a hacker makes becomes a finding."""
        rule = self.cloak_rule
        headers = {"User-Agent": rule.settings["spider_user_agent"]}
        url, body, ctype, away = uri, b"", "", None
        try:
            # redirects are followed by hand: one that leaves the site is the finding, and the
            # other site is never contacted
            for _ in range(5):
                async with self.limiter.slot(netloc_of(url)):
                    async with self.session.get(yarl.URL(url, encoded=True), headers=headers,
                                                allow_redirects=False) as resp:
                        if resp.status in REDIRECTS:
                            url = normalize(resp.headers.get("Location", ""), url) or ""
                            if not url or host_of(url) not in self.scope.hosts:
                                away = host_of(url) or "（无效地址）"
                                break
                            continue
                        if resp.status != 200:       # a site may refuse crawlers: not cloaking
                            return
                        body = await read_upto(resp, self.o.max_page_bytes)
                        ctype = resp.headers.get("Content-Type", "")
                        break
        except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError, ValueError):
            return
        self.summary.bytes += len(body)
        spider_title, spider_findings = None, []
        if away is None:
            spider = await self.content.check(body, url, ctype, True)
            if spider.error:
                return
            spider_title, spider_findings = spider.title, spider.findings
        found = cloaking.compare(rule, uri, title, content, spider_title, spider_findings, away)
        self.state.cloak_put(uri, self.sweep_no, found)

    async def _attachment(self, uri: str, depth: int, fr: _Fetched, digest: str) -> str:
        self._own_verdict(uri, OK, fr.status)
        kind = extension(uri) or "attachment"
        title = None
        occurrences: list[Occurrence] = []
        checked = await self.content.check(fr.body, uri, fr.ctype, False)
        if checked.error:
            content = [self._unreadable(uri, checked.error)]
        else:
            kind, title, content = checked.kind, checked.title, checked.findings
            self.state.text_put(uri, checked.text)
            for href, tag, text, hidden in checked.links:
                u = normalize(href, uri)
                if u is not None:
                    occurrences.append(Occurrence(u, tag, text, "", hidden))
        self._follow(occurrences, depth)
        self.state.page_put(uri, etag=fr.etag, last_modified=fr.last_modified, hash=digest, kind=kind,
                            title=title, encoding=None, findings=content,
                            links=[list(o[:5]) for o in occurrences], ids=None, column_info=None,
                            sweep=self.sweep_no, changed=True, status=fr.status)
        return "html" if kind == "html" else kind

    def _unchanged(self, uri: str, depth: int, prev: dict, fr: _Fetched) -> str:
        """304 or same hash: the previous row stands (content findings, links); links are re-checked."""
        self._own_verdict(uri, prev["verdict"] or OK, fr.status or 304)
        occurrences = [Occurrence(*o) for o in json.loads(prev["links"] or "[]")]
        self._follow(occurrences, depth)
        self.state.page_seen(uri, fr.etag or prev["etag"], fr.last_modified or prev["last_modified"],
                             self.sweep_no, fr.status or 304)
        return prev["kind"] or "html"

    # -- the report pass ----------------------------------------------------------------------------
    async def _report(self) -> None:
        home = None
        self.cloaked = self.state.cloak_findings(self.sweep_no)
        for rows in self.state.sweep_pages(self.sweep_no):
            results = await asyncio.gather(*(self._report_page(r) for r in rows))
            for res in results:
                if res.uri == self.start:
                    home = res                    # emitted last, with the site-level findings
                else:
                    self._emit(res)
            self._progress("report")
        site = self._site_level()
        if home is not None:
            home.findings.extend(site)
            self._emit(home)
        elif site:
            self._emit(PageResult(self.start, "html", None, site, True))

    async def _report_page(self, row) -> PageResult:
        url, kind, title, findings, links, ids, column_info, changed, status = row
        content = [Finding(**d) for d in json.loads(findings or "[]")]
        occurrences = [Occurrence(*o) for o in json.loads(links or "[]")]
        ids = set(json.loads(ids)) if ids else None
        links_f = await link_findings(url, occurrences, self.checker, self.link_rules, ids=ids,
                                      page_url_for_fragments=url if ids is not None else None,
                                      may_get=self.robots.allowed_now)
        column = json.loads(column_info) if column_info else None
        site_f = self._site_findings(url, column)
        text = self.state.text_get(url) if content else None
        cloak = [self.cloaked[url]] if url in self.cloaked else []
        return PageResult(url, kind or "html", title, content + cloak + site_f + links_f, bool(changed), status, text)

    # -- site rules -----------------------------------------------------------------------------
    def _site_findings(self, uri: str, column: dict | None) -> list[Finding]:
        if not column:
            return []
        out = []
        name = column["name"]
        if column.get("empty"):
            self.empty_columns += 1
            rule = self.site_rules.get("site.column-empty")
            if rule is not None:
                out.append(Finding(
                    rule=rule.id, category="site", severity=rule.settings.get("warn_severity", "minor"), uri=uri,
                    part="body", start=None, end=None, text=name, excerpt=f"栏目：{name}",
                    message=f"空白栏目“{name}”：没有任何信息，也没有“暂无信息”之类的说明",
                    suggestion="发布信息，或在栏目页注明暂无信息的原因", fingerprint=fingerprint(rule.id, uri, name)))
            return out
        rule = self.site_rules.get("site.column-stale")
        if rule is None or not column.get("newest"):
            return out
        st = rule.settings
        kind = columns.column_type(name, st)
        limit, warn = int(st[f"{kind}_days"]), int(st[f"{kind}_warn_days"])
        newest = date.fromisoformat(column["newest"])
        age = (self.ctx.today - newest).days
        label = {"news": "动态要闻类", "notice": "通知公告、政策文件类", "other": ""}[kind]
        if age > limit:
            severity, msg = rule.level, f"栏目“{name}”已 {age} 天未更新（最新信息 {newest}），超过{label}栏目 {limit} 天的更新期限"
        elif age > warn:
            severity, msg = st.get("warn_severity", "minor"), f"栏目“{name}”已 {age} 天未更新（最新信息 {newest}），{limit} 天期限将到（预警）"
        else:
            return out
        out.append(Finding(rule=rule.id, category="site", severity=severity, uri=uri, part="body", start=None,
                           end=None, text=name, excerpt=f"栏目：{name}，最新信息：{newest}", message=msg,
                           suggestion=None, fingerprint=fingerprint(rule.id, uri, name)))
        return out

    def _site_level(self) -> list[Finding]:
        out = []
        rule = self.site_rules.get("site.unreachable")
        if rule is not None and self.start_failed:
            out.append(Finding(rule=rule.id, category="site", severity=rule.level, uri=self.start, part="body",
                               start=None, end=None, text=self.start, excerpt="",
                               message=f"网站首页无法访问：{self.start_failed}", suggestion=None,
                               fingerprint=fingerprint(rule.id, self.start, self.start)))
        elif rule is not None and self.start_elapsed > float(rule.settings.get("slow_seconds", 15)):
            out.append(Finding(rule=rule.id, category="site", severity=rule.settings.get("slow_severity", "minor"),
                               uri=self.start, part="body", start=None, end=None, text=self.start, excerpt="",
                               message=f"网站首页打开用时 {self.start_elapsed:.1f} 秒，超过 "
                                       f"{rule.settings.get('slow_seconds')} 秒（预警）", suggestion=None,
                               fingerprint=fingerprint(rule.id, self.start, self.start)))
        rule = self.site_rules.get("site.column-empty")
        if rule is not None and self.empty_columns >= int(rule.settings.get("site_limit", 5)):
            text = f"空白栏目 {self.empty_columns} 个"
            out.append(Finding(rule=rule.id, category="site", severity=rule.level, uri=self.start, part="body",
                               start=None, end=None, text=text, excerpt="",
                               message=f"全站共有 {self.empty_columns} 个空白栏目，达到 "
                                       f"{rule.settings.get('site_limit')} 个的否决线", suggestion=None,
                               fingerprint=fingerprint(rule.id, self.start, "空白栏目")))
        return out

    # -- the run --------------------------------------------------------------------------------
    async def _worker(self) -> None:
        while True:
            item = await self.queue.get()
            try:
                if self.o.stop is not None and self.o.stop.is_set():
                    self.summary.interrupted = True
                    continue
                await self._visit(item)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("sweeping %s", mask_all(item[0]))
                self.summary.failed += 1
            finally:
                self.queue.task_done()
                self._progress()

    async def run(self) -> SweepSummary:
        self.started = time.monotonic()
        path = self.o.state_path or str(default_state_path(self.start))
        self.summary.state_path = path
        self.state = SweepState(path)
        self.queue: asyncio.Queue = asyncio.Queue()
        self.limiter = HostLimiter(self.o.concurrency, self.o.delay)
        self.session = make_session(self.policy, timeout=self.o.timeout,
                                    connections=max(100, self.o.concurrency * 8))
        self.checker = LinkChecker(self.session, self.limiter, self.policy, retries=self.o.retries,
                                   backoff=self.o.backoff, max_retry_after=self.o.max_retry_after,
                                   state=self.state, ttl=self.o.link_ttl)
        self.robots = Robots(self._fetch_text, USER_AGENT, ignore=self.o.ignore_robots)
        self.content = ContentChecker(self.o.rules, self.o.rules_dirs, self.ctx.today, self.o.jobs) \
            if self.content_rules else None
        workers: list[asyncio.Task] = []
        try:
            pending = []
            if self.o.resume and self.state.get_meta("start_url") == self.start:
                seen, pending, _done = self.state.frontier_load()
                if pending:
                    self.seen = seen
                    for url in seen:        # the trap budgets count what the interrupted run queued
                        self.scope.trap(url)
                    self.summary.resumed = True
                    self.sweep_no = int(self.state.get_meta("sweep_no") or 1)
                    for url, verdict, status in self.state.sweep_verdicts(self.sweep_no):
                        self.checker.record(url, LinkResult(url, verdict or OK, status, ""))
                    for item in pending:
                        self.queue.put_nowait(item)
            if not pending:
                self.sweep_no = int(self.state.get_meta("sweep_no") or 0) + 1
                self.state.set_meta("sweep_no", str(self.sweep_no))
                self.state.frontier_reset()
                self.state.set_meta("start_url", self.start)
                self._enqueue(self.start, 0, "page")
            self.state.commit()
            delay = await self.robots.crawl_delay(self.start)
            if delay:
                self.limiter.set_delay(netloc_of(self.start), min(delay, 30.0))
            n = max(2, self.o.concurrency * 2 * max(1, len(self.scope.hosts)))
            workers = [asyncio.create_task(self._worker()) for _ in range(n)]
            while True:
                await self.queue.join()
                if not self.retry_tasks:
                    break
                await asyncio.wait(set(self.retry_tasks), return_when=asyncio.FIRST_COMPLETED)
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            workers = []
            if self.check_tasks:
                await asyncio.gather(*self.check_tasks, return_exceptions=True)
            if self.o.stop is not None and self.o.stop.is_set():
                self.summary.interrupted = True
            else:
                await self._report()
        except asyncio.CancelledError:
            self.summary.interrupted = True
            raise
        finally:
            for t in [*workers, *self.retry_tasks, *self.check_tasks]:
                t.cancel()
            await asyncio.gather(*workers, *self.retry_tasks, *self.check_tasks, return_exceptions=True)
            await self.session.close()
            if self.content is not None:
                self.content.close()
            s = self.summary
            s.links_checked = len(self.checker._done)
            s.link_requests = self.checker.checked
            s.dead_links = sum(1 for r in self.checker._done.values() if r.verdict == DEAD)
            s.bytes += self.checker.bytes
            s.elapsed = time.monotonic() - self.started
            self.state.commit()
            self.state.close()
        return self.summary


async def run_sweep(options: SweepOptions, on_page: Callable[[PageResult], None] | None = None,
                    on_progress: Callable[[dict], None] | None = None) -> SweepSummary:
    """Sweep a site. on_page(PageResult) per page/attachment; on_progress(dict) with running counts."""
    return await _Sweep(options, on_page, on_progress).run()
