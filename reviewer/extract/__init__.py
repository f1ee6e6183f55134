"""bytes + content type -> Document. The kind is decided by content, the extension only breaks ties."""
from __future__ import annotations

from ..document import Document
from .limits import ExtractError, MAX_INPUT_BYTES
from .sniff import sniff

__all__ = ["extract", "sniff", "ExtractError", "MAX_INPUT_BYTES"]


def extract(data: bytes, uri: str, content_type: str | None = None, *, base_url: str | None = None) -> Document:
    """Extract `data` into a Document, or raise ExtractError with a one-line Chinese message."""
    if len(data) > MAX_INPUT_BYTES:
        raise ExtractError(f"文件过大（{len(data) // (1 << 20)} MB），上限 {MAX_INPUT_BYTES >> 20} MB")
    if not data.strip():
        raise ExtractError("内容为空")
    kind = sniff(data, uri, content_type)
    if kind == "html":
        from .html import extract_html
        return extract_html(data, uri, content_type=content_type, base_url=base_url)
    if kind == "docx":
        from .docx import extract_docx
        return extract_docx(data, uri)
    if kind in ("xlsx", "xls"):
        from .sheet import extract_sheet
        return extract_sheet(data, uri, kind)
    if kind == "pdf":
        from .pdf import extract_pdf
        return extract_pdf(data, uri)
    if kind == "text":
        from .text import extract_text
        return extract_text(data, uri, content_type=content_type)
    raise ExtractError(f"无法识别的文件类型（{kind}）：支持 .txt .html .docx .xlsx .xls .pdf")
