"""Content checks in worker processes: a dead worker costs one document, not the sweep."""
from __future__ import annotations

import os
import signal
from datetime import date

from reviewer.crawl.content import ContentChecker

PAGE = "<html><head><title>公示</title></head><body><p>联系电话：13812345678</p></body></html>".encode()


async def test_killed_worker_costs_one_document_and_the_pool_restarts():
    checker = ContentChecker(None, (), date(2026, 11, 1), jobs=1)
    try:
        first = await checker.check(PAGE, "http://example.gov.cn/a.html", "text/html; charset=utf-8", True)
        assert first.error is None and first.title == "公示"
        assert any(f.category == "privacy" for f in first.findings)
        # what the OOM killer does to a worker stuck in a hostile document
        for pid in list(checker.pool._processes):
            os.kill(pid, signal.SIGKILL)
        lost = await checker.check(PAGE, "http://example.gov.cn/b.html", "text/html; charset=utf-8", True)
        assert lost.error and "未检查" in lost.error and lost.findings == []
        again = await checker.check(PAGE, "http://example.gov.cn/c.html", "text/html; charset=utf-8", True)
        assert again.error is None and [f.rule for f in again.findings] == [f.rule for f in first.findings]
    finally:
        checker.close()


async def test_in_process_mode_reports_unreadable_attachments_in_one_line():
    checker = ContentChecker(None, (), date(2026, 11, 1), jobs=0)
    broken = await checker.check(b"PK\x03\x04 not really a docx", "http://example.gov.cn/f.docx",
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False)
    assert broken.error and broken.error.startswith("附件无法读取") and "\n" not in broken.error
    checker.close()
