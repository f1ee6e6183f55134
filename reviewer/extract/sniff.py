"""Decide a document's kind from its bytes (magic numbers, markup), then its name and content type."""
from __future__ import annotations

import io
import re
import zipfile

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|table)\b", re.I | re.S)


def sniff(data: bytes, uri: str = "", content_type: str | None = None) -> str:
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            names = set()
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        ext = uri.lower().rsplit(".", 1)[-1]
        return ext if ext in ("docx", "xlsx") else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):       # OLE2: legacy .xls or .doc
        return "doc" if uri.lower().endswith(".doc") or b"W\x00o\x00r\x00d\x00D\x00o\x00c" in data[:1 << 16] else "xls"
    ct = (content_type or "").lower()
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00")
    if "html" in ct or _HTML_START.match(stripped.replace(b"\x00", b"")) or uri.lower().endswith((".html", ".htm", ".shtml")):
        if not uri.lower().endswith(".txt") or _HTML_START.match(stripped):
            return "html"
    if _looks_binary(head):
        return "binary"
    return "text"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False                                   # UTF-16 text
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.05
