"""Content checks in worker processes: batches, and what a dead worker costs (real processes, real kills)."""
from __future__ import annotations

import asyncio
import os
import signal
import threading
from datetime import date

from reviewer.crawl.content import ContentChecker

PAGE = "<html><head><title>公示</title></head><body><p>联系电话：13812345678</p></body></html>".encode()
CTYPE = "text/html; charset=utf-8"
# long enough (about a second of extraction and rules) for a kill to land while it is being checked
SLOW = ("<html><body>" + "<p>为深入贯彻落实工作部署，示范县召开专题会议，研究部署下一阶段重点任务。</p>" * 20000
        + "</body></html>").encode()


def kill_workers(checker: ContentChecker) -> list[int]:
    pids = list((checker.pool._processes or {}).keys())
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return pids


async def test_documents_travel_in_batches_and_all_come_back():
    checker = ContentChecker(None, (), date(2026, 11, 1), jobs=1)
    try:
        results = await asyncio.gather(*(checker.check(PAGE, f"http://example.gov.cn/{i}.html", CTYPE, True)
                                         for i in range(40)))
        assert all(r.error is None and r.title == "公示" for r in results)
        assert all(any(f.category == "privacy" and f.uri == f"http://example.gov.cn/{i}.html" for f in r.findings)
                   for i, r in enumerate(results))
    finally:
        checker.close()


async def test_a_worker_killed_mid_batch_loses_nothing():
    """The OOM killer takes a worker: every document it held is checked again, none is lost."""
    checker = ContentChecker(None, (), date(2026, 11, 1), jobs=1)
    try:
        await checker.check(PAGE, "http://example.gov.cn/warm.html", CTYPE, True)
        before = set(checker.pool._processes)
        docs = [(SLOW, "http://example.gov.cn/slow.html")] + \
               [(PAGE, f"http://example.gov.cn/{i}.html") for i in range(5)]
        pending = asyncio.gather(*(checker.check(body, uri, CTYPE, True) for body, uri in docs))
        await asyncio.sleep(0.4)
        assert kill_workers(checker)
        results = await pending
        assert all(r.error is None for r in results)
        assert results[0].findings == [] and all(r.title == "公示" for r in results[1:])
        assert set(checker.pool._processes).isdisjoint(before)        # a fresh worker did the rest
    finally:
        checker.close()


async def test_a_document_that_kills_its_worker_alone_is_reported_unchecked():
    checker = ContentChecker(None, (), date(2026, 11, 1), jobs=1)
    stop = threading.Event()

    def killer():             # every worker that has loaded the rules dies, until the document gives up
        while not stop.is_set():
            pool, warm = checker.pool, checker._warm
            if pool is not None and warm and all(f.done() for f in warm):
                kill_workers(checker)
            stop.wait(0.05)
    try:
        await checker.check(PAGE, "http://example.gov.cn/warm.html", CTYPE, True)
        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        lost = await checker.check(SLOW, "http://example.gov.cn/killer.html", CTYPE, True)
        stop.set()
        thread.join()
        assert lost.error and "未检查" in lost.error and lost.findings == [] and "\n" not in lost.error
        again = await checker.check(PAGE, "http://example.gov.cn/after.html", CTYPE, True)
        assert again.error is None and any(f.category == "privacy" for f in again.findings)
    finally:
        stop.set()
        checker.close()


async def test_in_process_mode_reports_unreadable_attachments_in_one_line():
    checker = ContentChecker(None, (), date(2026, 11, 1), jobs=0)
    broken = await checker.check(b"PK\x03\x04 not really a docx", "http://example.gov.cn/f.docx",
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False)
    assert broken.error and broken.error.startswith("附件无法读取") and "\n" not in broken.error
    checker.close()


def test_workers_that_cannot_start_leave_the_checks_to_this_process(tmp_path):
    """A script read from standard input cannot be re-imported by a spawned worker, so no worker
    ever starts: every document is still checked, in the caller's own process."""
    import subprocess
    import sys
    script = (
        "import asyncio\n"
        "from datetime import date\n"
        "from reviewer.crawl.content import ContentChecker\n"
        f"PAGE = {PAGE!r}\n"
        "async def main():\n"
        "    c = ContentChecker(None, (), date(2026, 11, 1), jobs=1)\n"
        "    rs = await asyncio.gather(*(c.check(PAGE, f'http://example.gov.cn/{i}.html', 'text/html', True)\n"
        "                                for i in range(5)))\n"
        "    c.close()\n"
        "    print(sum(1 for r in rs if r.error is None and any(f.category == 'privacy' for f in r.findings)))\n"
        "asyncio.run(main())\n")
    run = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "5"
    assert "checking documents in the sweep's own process" in run.stderr
