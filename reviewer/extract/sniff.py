"""Decide a document's kind from its bytes (magic numbers, markup), then its name and content type.

Kinds: text, html, docx, xlsx, xls, pdf (readable); doc, ppt, wps, rtf, encrypted-office, zip,
image, archive, binary (not readable: extract() turns them into a clear ExtractError).
"""
from __future__ import annotations

import io
import re
import zipfile

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|table|script|link|style|span|a|h[1-6]|center|font|form|iframe|br)\b", re.I | re.S)
_HTML_ANYWHERE = re.compile(rb"<(html|body|head)\b[^>]*>", re.I)
_MAGIC = (
    (b"\x89PNG", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"), (b"BM", None),
    (b"II*\x00", "image"), (b"MM\x00*", "image"), (b"RIFF", "binary"),
    (b"\x1f\x8b", "archive"), (b"Rar!", "archive"), (b"7z\xbc\xaf", "archive"), (b"BZh", "archive"),
    (b"\xfd7zXZ", "archive"), (b"MZ", None), (b"\x7fELF", "binary"), (b"{\\rtf", "rtf"),
    (b"PK\x05\x06", "zip"),
)
_CONTROL = bytes(b for b in range(32) if b < 9 or (13 < b < 32 and b != 27))
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(data: bytes, uri: str = "", content_type: str | None = None) -> str:
    head = data[:4096]
    ext = uri.lower().rsplit("?", 1)[0].rsplit(".", 1)[-1] if "." in uri else ""
    if head.startswith(b"%PDF-") or (b"%PDF-" in head[:1024] and not head.lstrip().startswith(b"<")):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data, ext)
    if head.startswith(_OLE):
        return _sniff_ole(data, ext)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if kind:
                return kind
            if magic == b"MZ" and _looks_binary(head):
                return "binary"
            if magic == b"BM" and _looks_binary(head):
                return "image"
    ct = (content_type or "").lower()
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00")
    if b"\x00" in head[:64] and head.startswith((b"\xff\xfe", b"\xfe\xff")):
        stripped = stripped.replace(b"\x00", b"")                # UTF-16 markup
    if _HTML_START.match(stripped):
        return "html"
    if ("html" in ct or ext in ("html", "htm", "shtml", "xhtml", "jsp", "asp", "aspx", "php")) \
            and not _looks_binary(head):
        return "html"
    if _looks_binary(head):
        return "binary"
    if ext not in ("txt", "text", "csv", "md") and _HTML_ANYWHERE.search(head):
        return "html"
    return "text"


def _sniff_zip(data: bytes, ext: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except Exception:            # BadZipFile, NotImplementedError (zip version), OSError ...
        # a truncated Office file: the central directory is at the end, so it is gone
        return ext if ext in ("docx", "xlsx") else "corrupt-zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if ext in ("docx", "xlsx") and "[Content_Types].xml" in names:
        return ext
    return "zip"


def _sniff_ole(data: bytes, ext: str) -> str:
    """An OLE2 compound file: legacy Word, Excel, PowerPoint, WPS, or an encrypted .docx/.xlsx."""
    # stream names are in the directory sectors, stored as UTF-16LE; they can be anywhere
    if _utf16("EncryptedPackage") in data:
        return "encrypted-office"
    if _utf16("WordDocument") in data:
        return "doc"
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return "xls"
    if _utf16("PowerPoint Document") in data:
        return "ppt"
    if ext in ("doc", "xls", "ppt", "wps", "et"):
        return {"et": "xls"}.get(ext, ext)
    return "ole"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False                                   # text with a BOM
    # a stray NUL or control byte happens in real pages; binary formats are full of them
    control = len(head) - len(head.translate(None, _CONTROL))
    return head.count(b"\x00") > max(2, len(head) // 100) or control > len(head) * 0.05
