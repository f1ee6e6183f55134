""".pdf extraction with pdfminer.six: pages as locators, links, damaged pages, encryption."""
from __future__ import annotations

import io
from datetime import date

import pytest

from reviewer.extract import ExtractError, extract

reportlab = pytest.importorskip("reportlab")
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))   # a built-in CJK font: no font file needed


def make_pdf(pages: list[list[str]], *, title: str | None = None, encrypt: str | None = None,
             link: str | None = None) -> bytes:
    b = io.BytesIO()
    c = canvas.Canvas(b, pageCompression=0, encrypt=encrypt)
    if title:
        c.setTitle(title)
    for lines in pages:
        c.setFont("STSong-Light", 14)
        for i, line in enumerate(lines):
            c.drawString(72, 750 - 30 * i, line)
        if link:
            c.linkURL(link, (72, 600, 200, 615))
        c.showPage()
    c.save()
    return b.getvalue()


def test_pages_are_locators():
    data = make_pdf([["关于做好政务公开工作的通知", "发布日期：2021年4月29日"], ["第二页内容"], ["第三页内容"]],
                    title="政务公开通知", link="http://www.gov.cn/")
    doc = extract(data, "a.pdf")
    assert doc.kind == "pdf"
    assert doc.part_at(doc.text.index("关于做好")) == "page 1"
    assert doc.part_at(doc.text.index("第二页")) == "page 2"
    assert doc.part_at(doc.text.index("第三页")) == "page 3"
    assert doc.title == "政务公开通知"
    assert doc.published == date(2021, 4, 29)
    assert [link.href for link in doc.links] == ["http://www.gov.cn/"] * 3
    assert doc.problems == []


def test_by_content_whatever_the_name():
    assert extract(make_pdf([["正文"]]), "a.txt").kind == "pdf"


def test_a_broken_page_is_a_problem_and_the_rest_is_kept():
    data = make_pdf([["Page one"], ["Page two"], ["Page three"]])
    # damage the second page's dictionary (its media box) the way a bad writer does
    marker = b"/MediaBox [ 0 0 595.2756 841.8898 ]"
    first = data.index(marker)
    second = data.index(marker, first + 1)
    bad = data[:second] + b"/MediaBox [ 0 0 /x (y) ]".ljust(len(marker)) + data[second + len(marker):]
    doc = extract(bad, "a.pdf")
    assert "Page one" in doc.text and "Page three" in doc.text and "Page two" not in doc.text
    assert doc.part_at(doc.text.index("Page three")) == "page 3"
    assert doc.problems == ["PDF 第 2 页无法读取，其余页面已检查"]


def test_encrypted_pdf():
    with pytest.raises(ExtractError, match="加密"):
        extract(make_pdf([["保密内容"]], encrypt="secret"), "a.pdf")


def test_truncated_pdf():
    data = make_pdf([["正文"]])
    with pytest.raises(ExtractError, match="无法读取 .pdf"):
        extract(data[:400], "a.pdf")


def test_pdf_without_text_is_a_problem():
    b = io.BytesIO()
    c = canvas.Canvas(b)
    c.rect(100, 100, 200, 200, fill=1)          # a drawing only, as in a scanned page
    c.showPage()
    c.save()
    doc = extract(b.getvalue(), "scan.pdf")
    assert doc.text == ""
    assert any("扫描件" in p for p in doc.problems)
