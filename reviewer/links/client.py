"""The shared async link checker: one cache per sweep, in-flight de-duplication, per-host limits.

HEAD first; a GET (Range: bytes=0-0, closed after the first chunk) confirms any HEAD failure
because many servers refuse or mis-answer HEAD (405, 501, some 404). Page links are checked with
a short GET instead so that soft 404s (200 + 页面不存在) are seen. Redirects are followed by hand
(limit and loop detection, the address guard applied to every hop). Timeouts, 5xx and 429 are
retried with backoff, honouring Retry-After. Failures are never cached across sweeps.
"""
from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import aiohttp
import yarl

from ..crawl.urls import host_of, netloc_of, normalize
from ..sources import USER_AGENT
from .classify import (DEAD, INTERNAL, OK, REDIRECTS, SOFT404, SOFT404_DETAIL, LinkResult, is_soft_404,
                       verdict_for_status)
from .netguard import AddressPolicy, BlockedAddress

log = logging.getLogger(__name__)
SOFT404_READ = 32 << 10


class HostLimiter:
    """At most `per_host` requests in flight per host, and at least `delay` seconds between starts."""

    def __init__(self, per_host: int = 4, delay: float = 0.0):
        self.per_host = max(1, per_host)
        self.delay = max(0.0, delay)
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._next: dict[str, float] = {}
        self._delays: dict[str, float] = {}

    def set_delay(self, netloc: str, delay: float) -> None:
        self._delays[netloc] = max(self.delay, delay)

    @asynccontextmanager
    async def slot(self, netloc: str):
        sem = self._sems.get(netloc)
        if sem is None:
            sem = self._sems[netloc] = asyncio.Semaphore(self.per_host)
        async with sem:
            delay = self._delays.get(netloc, self.delay)
            if delay:
                now = time.monotonic()
                start = max(now, self._next.get(netloc, 0.0))
                self._next[netloc] = start + delay
                if start > now:
                    await asyncio.sleep(start - now)
            yield


def make_session(policy: AddressPolicy, *, timeout: float = 15.0, connections: int = 100) -> aiohttp.ClientSession:
    from .netguard import GuardedResolver
    connector = aiohttp.TCPConnector(limit=connections, limit_per_host=0, ttl_dns_cache=300,
                                     resolver=GuardedResolver(policy), enable_cleanup_closed=True)
    return aiohttp.ClientSession(
        connector=connector, headers={"User-Agent": USER_AGENT, "Accept-Language": "zh-CN,zh;q=0.9"},
        timeout=aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0)),
        cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=True)


def _retry_after(value: str | None, cap: float) -> float | None:
    if not value:
        return None
    try:
        return min(cap, max(0.0, float(value)))
    except ValueError:
        try:
            return min(cap, max(0.0, parsedate_to_datetime(value).timestamp() - time.time()))
        except (TypeError, ValueError, OverflowError):
            return None


class LinkChecker:
    """check(url) -> LinkResult, each URL checked once per sweep however many pages carry it."""

    def __init__(self, session: aiohttp.ClientSession, limiter: HostLimiter, policy: AddressPolicy, *,
                 retries: int = 2, backoff: float = 0.5, max_redirects: int = 10,
                 max_retry_after: float = 30.0, state=None, ttl: float = 3 * 86400):
        self.session, self.limiter, self.policy = session, limiter, policy
        self.retries, self.backoff, self.max_redirects = retries, backoff, max_redirects
        self.max_retry_after = max_retry_after
        self.state, self.ttl = state, ttl
        self._done: dict[str, LinkResult] = {}
        self._inflight: dict[str, asyncio.Future] = {}
        self.checked = 0          # requests actually made for link checks (not cache hits)
        self.from_cache = 0
        self.bytes = 0

    def known(self, url: str) -> LinkResult | None:
        return self._done.get(url)

    def record(self, url: str, result: LinkResult, persist: bool = True) -> None:
        """A result learnt elsewhere (the crawler fetched the page): later checks reuse it. A page
        the crawl fetches every sweep needs no cached verdict for the next one (persist=False)."""
        if url not in self._done:
            self._done[url] = result
            if persist and result.verdict == OK and self.state is not None:
                self.state.link_put(result)

    async def check(self, url: str, soft: bool = False) -> LinkResult:
        done = self._done.get(url)
        if done is not None:
            return done
        fut = self._inflight.get(url)
        if fut is not None:
            return await asyncio.shield(fut)
        fut = asyncio.get_running_loop().create_future()
        self._inflight[url] = fut
        try:
            result = None
            if self.state is not None:
                result = self.state.link_get(url, self.ttl)
                if result is not None:
                    self.from_cache += 1
            if result is None:
                result = await self._check(url, soft)
                if result.verdict == OK and self.state is not None:
                    self.state.link_put(result)       # only successes are cached: failures are re-checked
            self._done[url] = result
            fut.set_result(result)
            return result
        except BaseException as e:
            fut.set_exception(e)
            fut.exception()                            # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            self._inflight.pop(url, None)

    async def _check(self, url: str, soft: bool) -> LinkResult:
        seen = {url}
        current = url
        for hop in range(self.max_redirects + 1):
            reason = self.policy.blocked_reason(host_of(current))
            if reason:
                return LinkResult(url, INTERNAL, None, reason if hop == 0 else f"重定向到{reason}", current)
            status, headers, body, error = await self._request(current, soft)
            if error is not None:
                verdict, detail = error
                if hop:
                    detail = f"重定向后{detail}"
                return LinkResult(url, verdict, status, detail, current)
            if status in REDIRECTS and headers.get("Location"):
                nxt = normalize(urljoin(current, headers["Location"]))
                if nxt is None:
                    return LinkResult(url, OK, status, "重定向到非网页地址", current)
                if nxt in seen:
                    return LinkResult(url, DEAD, status, "重定向循环", nxt)
                seen.add(nxt)
                current = nxt
                continue
            verdict = verdict_for_status(status)
            if verdict == OK and body is not None and is_soft_404(body):
                return LinkResult(url, SOFT404, status, SOFT404_DETAIL, current)
            detail = f"HTTP {status}"
            if hop and verdict != OK:
                detail = f"重定向到失效页面（HTTP {status}）"
            return LinkResult(url, verdict, status, detail, current)
        return LinkResult(url, DEAD, None, f"重定向超过 {self.max_redirects} 次", current)

    async def _request(self, url: str, soft: bool):
        """One hop, with retries. Returns (status, headers, body_text_or_None, error_or_None)."""
        method = "GET" if soft else "HEAD"
        attempt = 0
        last_error = (DEAD, "访问超时")
        status = None
        while True:
            wait = None
            try:
                status, headers, body = await self._once(method, url, soft)
            except BlockedAddress as e:
                return None, {}, None, (INTERNAL, str(e))
            except aiohttp.ClientConnectorDNSError as e:
                if isinstance(e.os_error, BlockedAddress):
                    return None, {}, None, (INTERNAL, "域名解析到内网地址")
                return None, {}, None, (DEAD, "域名无法解析")
            except aiohttp.ClientConnectorError as e:
                if isinstance(e.os_error, ConnectionRefusedError):
                    return None, {}, None, (DEAD, "连接被拒绝")
                last_error = (DEAD, "无法连接")
            except (asyncio.TimeoutError, TimeoutError):
                last_error = (DEAD, "访问超时")
            except aiohttp.TooManyRedirects:
                return None, {}, None, (DEAD, "重定向次数过多")
            except (aiohttp.ClientError, OSError, ValueError) as e:
                last_error = (DEAD, f"连接出错（{type(e).__name__}）")
            else:
                if method == "HEAD" and status >= 400:
                    method = "GET"                     # HEAD refused or unreliable: confirm with a GET
                    continue
                if status == 429 or status >= 500:
                    if attempt >= self.retries:
                        return status, headers, None, None
                    wait = _retry_after(headers.get("Retry-After"), self.max_retry_after)
                else:
                    return status, headers, body, None
            if attempt >= self.retries:
                return status, {}, None, (last_error[0], f"{last_error[1]}（已重试 {self.retries} 次）")
            await asyncio.sleep(wait if wait is not None else self.backoff * (2 ** attempt))
            attempt += 1

    async def _once(self, method: str, url: str, soft: bool):
        target = yarl.URL(url, encoded=True)
        headers = {}
        if method == "GET" and not soft:
            headers["Range"] = "bytes=0-0"
        async with self.limiter.slot(netloc_of(url)):
            self.checked += 1
            async with self.session.request(method, target, headers=headers, allow_redirects=False) as resp:
                body = None
                if method == "GET":
                    ctype = resp.headers.get("Content-Type", "").lower()
                    if soft and 200 <= resp.status < 300 and ("html" in ctype or not ctype):
                        raw = await read_upto(resp, SOFT404_READ)
                        self.bytes += len(raw)
                        body = _decode_snippet(raw, ctype)
                    else:
                        chunk = await resp.content.readany()
                        self.bytes += len(chunk)
                    resp.close()                      # do not drain a large attachment
                return resp.status, resp.headers, body


async def read_upto(resp, limit: int) -> bytes:
    chunks, total = [], 0
    while total < limit:
        chunk = await resp.content.read(limit - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _decode_snippet(raw: bytes, ctype: str) -> str:
    from ..crawl.charset import decode_html
    return decode_html(raw, ctype)[0]
