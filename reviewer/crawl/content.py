"""Content checks of what the crawl fetched: extraction and every content rule, per page or attachment.

The crawl itself (fetching, parsing links, SQLite) keeps one core busy; extraction and the rules,
the statistical typo layer above all, take as long again. With more than one core they run in
worker processes, so the two halves overlap instead of adding up, the crawler's own process never
loads the typo model, and a crash inside a parser (a hostile PDF, a bomb past the limits) costs one
page, not the sweep.
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context

from ..engine import Context, Engine
from ..extract import ExtractError, extract
from ..finding import Finding
from ..masking import mask_all

log = logging.getLogger(__name__)

_IN_THREAD_BYTES = 1 << 20      # in-process mode: bigger bodies are extracted off the event loop


def default_jobs() -> int:
    """Worker processes for content rules: every core but the crawler's, at most four."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


@dataclass
class Checked:
    kind: str | None = None                  # what extraction found: html, pdf, docx, ...
    title: str | None = None
    findings: list[Finding] = field(default_factory=list)
    text: str | None = None                  # kept only when there are findings (for highlighting)
    links: list[tuple] = field(default_factory=list)   # attachments: (href, tag, text, hidden)
    error: str | None = None                 # one line: why the content could not be read


# -- the work itself: the same function in this process or in a worker ----------------------------
def _check(engine: Engine, ctx: Context, body: bytes, uri: str, ctype: str, is_page: bool) -> Checked:
    out = Checked()
    try:
        doc = extract(body, uri, ctype or ("text/html" if is_page else None), base_url=uri if is_page else None)
    except ExtractError as e:
        out.error = f"{'页面无法解析' if is_page else '附件无法读取'}：{e}"
        return out
    except Exception as e:
        # one line for the operator (the page gets its finding); the traceback only when debugging
        log.warning("cannot extract %s: %s", mask_all(uri), type(e).__name__)
        log.debug("extracting %s", mask_all(uri), exc_info=True)
        out.error = "页面无法解析" if is_page else "附件无法读取（文件损坏或格式不受支持）"
        return out
    out.kind, out.title = doc.kind, doc.title
    out.findings = engine.check(doc, ctx)
    out.text = doc.text if out.findings else None
    if not is_page:
        out.links = [(link.href, link.tag, link.text or "", link.hidden) for link in doc.links]
    return out


_worker: tuple[Engine, Context] | None = None     # in a worker process: its engine, built once


def _worker_setup(only, rules_dirs, today: date) -> None:
    global _worker
    # Ctrl-C reaches the whole process group; the sweep's own process decides what stops
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _worker = (Engine(only=only, rules_dirs=rules_dirs), Context(today=today))


def _exit_with_parent(parent: int) -> None:
    """A sweep killed outright (kill -9, the OOM killer) leaves no one to close the pool, and a
    worker holds both ends of its own queue, so it would wait forever: it leaves with its parent."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _worker_batch(items: list[tuple]) -> list[Checked]:
    return [_check(*_worker, *item) for item in items]


def _worker_warm() -> None:
    """Load the lazily built resources (the typo model) before the first page needs them."""
    _worker_batch([("<p>预热</p>".encode(), "about:warm", "text/html; charset=utf-8", True)])


_BATCH = 16                      # documents per round trip to a worker
_LOST = "内容检查进程异常退出，此文件未检查（文件可能损坏或过于复杂）"


class ContentChecker:
    """check(body, uri, ctype, is_page) -> Checked; jobs=0 runs in this process.

    With workers, documents travel in batches: one batch per worker is running and one more is
    queued, so a worker never waits, and whatever arrives meanwhile rides in the next batch (a
    round trip per document cost the crawler's process about 0.2 ms of its own time). When a
    worker dies, nobody knows which document of its batch killed it: each is tried again on its
    own, one at a time, and only a document that kills a worker alone is reported unchecked.
    Workers that die before they have even loaded the rules, twice running, cannot start here at
    all (a main module spawn cannot import, missing semaphores): the checks then run in this
    process, as with jobs=0, rather than every document failing."""

    def __init__(self, only, rules_dirs, today: date, jobs: int):
        self.args = (only, tuple(rules_dirs), today)
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self.local: tuple[Engine, Context] | None = None
        self._waiting: list[tuple[tuple, asyncio.Future]] = []
        self._suspects: list[tuple[tuple, asyncio.Future]] = []
        self._running = 0
        self._warm: list = []
        self._stillborn = 0                   # pools in a row that broke before warming up
        if jobs <= 0:
            self._go_local()
        else:
            self._start_pool()

    def _go_local(self) -> None:
        only, rules_dirs, today = self.args
        self.local = (Engine(only=only, rules_dirs=rules_dirs), Context(today=today))

    def _start_pool(self) -> None:
        # spawn, not fork: the crawler's process has an event loop and threads by now
        self.pool = ProcessPoolExecutor(self.jobs, mp_context=get_context("spawn"), initializer=_worker_setup,
                                        initargs=self.args)
        self._warm = [self.pool.submit(_worker_warm) for _ in range(self.jobs)]

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        if self.pool is not broken:
            return
        warmed = any(f.done() and not f.cancelled() and f.exception() is None for f in self._warm)
        self._stillborn = 0 if warmed else self._stillborn + 1
        broken.shutdown(wait=False, cancel_futures=True)
        if self._stillborn < 2:
            self._start_pool()
            return
        log.warning("content workers cannot start here; checking documents in the sweep's own process")
        self.pool = None
        self._go_local()
        pending, self._waiting, self._suspects = self._waiting + self._suspects, [], []
        self._run_here(pending)

    def _run_here(self, items: list) -> None:
        for item, fut in items:
            if not fut.done():
                fut.set_result(_check(*self.local, *item))

    async def check(self, body: bytes, uri: str, ctype: str, is_page: bool) -> Checked:
        if self.local is not None:
            if len(body) > _IN_THREAD_BYTES:
                return await asyncio.to_thread(_check, *self.local, body, uri, ctype, is_page)
            return _check(*self.local, body, uri, ctype, is_page)
        fut = asyncio.get_running_loop().create_future()
        self._waiting.append(((body, uri, ctype, is_page), fut))
        self._pump()
        return await fut

    def _pump(self) -> None:
        while self.pool is not None:
            if self._suspects:
                if self._running:             # a suspect runs with nothing else in flight
                    return
                batch, alone = [self._suspects.pop(0)], True
            elif self._waiting and self._running < 2 * self.jobs:
                batch, self._waiting = self._waiting[:_BATCH], self._waiting[_BATCH:]
                alone = False
            else:
                return
            pool = self.pool
            try:
                cf = pool.submit(_worker_batch, [item for item, _ in batch])
            except BrokenProcessPool:         # a worker died while idle: nothing was lost
                if alone:
                    self._suspects.insert(0, batch[0])
                else:
                    self._waiting[:0] = batch
                self._restart(pool)
                continue                      # the loop ends if the checks moved into this process
            self._running += 1
            asyncio.wrap_future(cf).add_done_callback(
                lambda f, batch=batch, pool=pool, alone=alone: self._landed(f, batch, pool, alone))

    def _landed(self, f: asyncio.Future, batch: list, pool: ProcessPoolExecutor, alone: bool) -> None:
        self._running -= 1
        exc = BrokenProcessPool() if f.cancelled() else f.exception()
        if exc is None:
            for (_, fut), result in zip(batch, f.result()):
                if not fut.done():
                    fut.set_result(result)
        elif isinstance(exc, BrokenProcessPool):
            self._restart(pool)
            if self.local is not None:
                self._run_here(batch)
            elif alone:
                (_, uri, _, _), fut = batch[0]
                log.warning("content worker died while checking %s", mask_all(uri))
                if not fut.done():
                    fut.set_result(Checked(error=_LOST))
            else:
                self._suspects.extend(batch)
        else:
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
        self._pump()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
