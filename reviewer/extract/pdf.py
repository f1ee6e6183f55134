""".pdf (pdfminer.six) -> Document: the text of each page as a segment "page N", /URI links.

A page that pdfminer cannot read becomes a `problems` entry (an info finding) and the other
pages are still checked; an encrypted or unreadable file is an ExtractError.
"""
from __future__ import annotations

import io
import logging

from ..document import Document, Link
from .dates import find_published_date
from .limits import MAX_PDF_PAGES, MAX_TEXT_CHARS, ExtractError

_CORRUPT = "无法读取 .pdf：文件已损坏或不完整"


def extract_pdf(data: bytes, uri: str) -> Document:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    # pdfminer logs every damaged object at WARNING; the user gets one problem line instead
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = PDFDocument(PDFParser(io.BytesIO(data)))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ExtractError("无法读取 .pdf：文件已加密，请取消密码后重试") from None
    except Exception as e:
        if "encrypt" in type(e).__name__.lower() or "password" in str(e).lower():
            raise ExtractError("无法读取 .pdf：文件已加密，请取消密码后重试") from None
        raise ExtractError(_CORRUPT) from None
    if not pdf.is_extractable:
        # the "no copying" permission flag: a reviewer still needs to read it, and so do we
        pass

    doc = Document(uri=uri, kind="pdf")
    rsrc = PDFResourceManager(caching=True)
    device = PDFPageAggregator(rsrc, laparams=LAParams())
    interp = PDFPageInterpreter(rsrc, device)
    pieces: list[str] = []
    pos = 0
    pages = 0
    failed: list[int] = []
    class SafePage(PDFPage):
        """A page whose dictionary is damaged is marked, not raised: create_pages is a generator
        and an exception inside it would lose every page after the bad one."""
        def __init__(self, *args):
            self.broken = False
            try:
                super().__init__(*args)
            except Exception:
                self.broken = True

    try:
        for n, page in enumerate(SafePage.create_pages(pdf), 1):
            if n > MAX_PDF_PAGES:
                doc.problems.append(f"PDF 超过 {MAX_PDF_PAGES} 页，第 {MAX_PDF_PAGES} 页之后的内容未检查")
                break
            pages = n
            if page.broken:
                failed.append(n)
                continue
            try:
                interp.process_page(page)
                layout = device.get_result()
                text = "\n".join(el.get_text().strip() for el in layout if isinstance(el, LTTextContainer))
                text = text.strip()
            except Exception:
                failed.append(n)
                continue
            _uri_links(doc, page)
            if text:
                pos = doc.add_segment(text, f"page {n}", pieces, pos)
            if pos > MAX_TEXT_CHARS:
                doc.problems.append(f"PDF 文字超过 {MAX_TEXT_CHARS} 字，第 {n} 页之后的内容未检查")
                break
    except Exception:
        # the page tree itself is damaged: keep the pages read so far
        if not pages:
            raise ExtractError(_CORRUPT) from None
        doc.problems.append(f"PDF 第 {pages} 页之后的页面无法读取（文件可能不完整）")
    if failed:
        shown = "、".join(map(str, failed[:10])) + ("等" if len(failed) > 10 else "")
        doc.problems.append(f"PDF 第 {shown} 页无法读取，其余页面已检查")
    doc.text = "".join(pieces)
    if pages and not doc.text.strip():
        doc.problems.append("PDF 中没有可提取的文字（可能是扫描件），图片中的文字未检查")
    doc.title = _title(pdf) or next((ln.strip()[:80] for ln in doc.text.splitlines() if ln.strip()), None)
    doc.published = find_published_date(doc.text[:5000])
    return doc


def _uri_links(doc: Document, page) -> None:
    from pdfminer.pdftypes import resolve1
    try:
        annots = resolve1(page.annots) or []
        for a in annots:
            a = resolve1(a)
            action = resolve1(a.get("A")) if isinstance(a, dict) else None
            uri = resolve1(action.get("URI")) if isinstance(action, dict) else None
            if isinstance(uri, bytes):
                uri = uri.decode("utf-8", "replace")
            if isinstance(uri, str) and uri.strip():
                doc.links.append(Link(href=uri.strip(), tag="a"))
    except Exception:
        pass                         # a damaged annotation is not worth a problem line


def _title(pdf) -> str | None:
    from pdfminer.pdftypes import resolve1
    try:
        info = resolve1(pdf.info[0]) if pdf.info else {}
        t = resolve1(info.get("Title"))
    except Exception:
        return None
    if isinstance(t, bytes):
        if t.startswith(b"\xfe\xff"):
            t = t[2:].decode("utf-16-be", "replace")
        else:
            t = t.decode("latin-1")
    return t.strip() if isinstance(t, str) and t.strip() else None
