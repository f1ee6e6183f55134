"""bytes + content type -> Document. The kind is decided by content, the extension only breaks ties."""
from __future__ import annotations

import logging

from ..document import Document
from .limits import ExtractError, MAX_INPUT_BYTES
from .sniff import sniff

log = logging.getLogger(__name__)

__all__ = ["extract", "sniff", "ExtractError", "MAX_INPUT_BYTES", "READABLE"]

READABLE = ("text", "html", "docx", "xlsx", "xls", "pdf")
_SUPPORTED = "支持 .txt .html .docx .xlsx .xls .pdf"
# kinds sniff() recognises but cannot read: one clear sentence each, with the fix where there is one
_UNSUPPORTED = {
    "doc": "旧版 Word 文档（.doc）暂不支持，请在 Word 或 WPS 中“另存为” .docx 后再检查",
    "wps": "WPS 文字旧格式（.wps）暂不支持，请“另存为” .docx 后再检查",
    "ppt": "PowerPoint 演示文稿暂不支持，请导出为 .pdf 后再检查",
    "pptx": "PowerPoint 演示文稿暂不支持，请导出为 .pdf 后再检查",
    "rtf": "RTF 格式暂不支持，请“另存为” .docx 后再检查",
    "encrypted-office": "文件已加密（设置了打开密码），请取消密码后再检查",
    "ole": "无法识别的 Office 旧格式文件，" + _SUPPORTED,
    "corrupt-zip": "文件已损坏或不完整（zip 包无法打开）",
    "zip": "是 zip 压缩包，请解压后逐个检查其中的文件",
    "archive": "是压缩包，请解压后逐个检查其中的文件",
    "image": "是图片，图片中的文字无法检查；" + _SUPPORTED,
    "binary": "不是文本文件，也不是支持的文档格式；" + _SUPPORTED,
}


def extract(data: bytes, uri: str, content_type: str | None = None, *, base_url: str | None = None) -> Document:
    """Extract `data` into a Document, or raise ExtractError with a one-line Chinese message."""
    if len(data) > MAX_INPUT_BYTES:
        raise ExtractError(f"文件过大（{len(data) // (1 << 20)} MB），上限 {MAX_INPUT_BYTES >> 20} MB")
    if not data.strip(b" \t\r\n\x00\x0b\x0c") or data.strip() in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise ExtractError("内容为空")
    kind = sniff(data, uri, content_type)
    try:
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
    except ExtractError:
        raise
    except (MemoryError, RecursionError) as e:
        raise ExtractError(f"文件结构过于复杂，无法读取（{type(e).__name__}）") from None
    except Exception as e:
        # a reader library failing in a way we did not foresee: still one line for the user,
        # the traceback for whoever runs with debug logging
        log.debug("extracting %s as %s failed", uri, kind, exc_info=True)
        raise ExtractError(f"无法读取文件（按 {kind} 解析时出错：{type(e).__name__}）") from None
    raise ExtractError(_UNSUPPORTED.get(kind, f"无法识别的文件类型（{kind}）：{_SUPPORTED}"))
