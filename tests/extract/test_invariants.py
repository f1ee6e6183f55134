"""What every extractor promises about a Document: spans and locators point into `text` exactly."""
from __future__ import annotations

import pytest

from reviewer.extract import extract

from . import test_docx, test_html, test_pdf, test_sheet


def _inputs():
    yield "html", test_html.PAGE.format(charset="gbk").encode("gbk"), "http://gov.example/a/"
    yield "docx", test_docx.make_docx(), None
    yield "xlsx", test_sheet.make_xlsx(), None
    yield "xls", test_sheet.make_xls(), None
    yield "pdf", test_pdf.make_pdf([["第一页", "发布日期：2021年4月29日"], ["第二页"]], link="http://www.gov.cn/"), None
    yield "text", "关于做好政务公开工作的通知\r\n发布日期：2021-04-29\n".encode("gbk"), None


@pytest.mark.parametrize("kind,data,base", list(_inputs()), ids=lambda v: v if isinstance(v, str) else "")
def test_document_invariants(kind, data, base):
    doc = extract(data, f"draft:{kind}", base_url=base)
    assert doc.kind == kind
    n = len(doc.text)
    previous_end = 0
    for seg in sorted(doc.segments, key=lambda s: s.start):
        assert previous_end <= seg.start < seg.end <= n, seg
        assert doc.text[seg.start:seg.end].strip(), seg          # no empty segments
        assert doc.part_at(seg.start) == seg.part
        assert doc.part_at(seg.end - 1) == seg.part
        previous_end = seg.end
    for link in doc.links:
        assert link.href
        if link.start is not None:
            assert 0 <= link.start < link.end <= n
            assert doc.text[link.start:link.end] == link.text
    for table in doc.tables:
        assert table.part and table.rows
        for row in table.rows:
            for s, e in row:
                assert 0 <= s <= e <= n
                if doc.segments and e > s:
                    assert doc.part_at(s) != "body" or kind in ("html", "text")
    if kind not in ("xlsx", "xls"):                       # the sheet fixtures state no date
        assert doc.published is not None
