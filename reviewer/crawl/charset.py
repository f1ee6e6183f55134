"""Decoding fetched HTML to str before any parsing: header charset, BOM, <meta>, then detection.

Raw GBK bytes given to lxml lose most links (crawl-facts.md); gb2312/gbk/cp936 read as GB18030.
"""
from __future__ import annotations

import codecs
import re

from ..extract.text import _detect, canonical_encoding

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)


def header_charset(content_type: str | None) -> str | None:
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip("\"'")
    return None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding): the encoding is also the one the page's links encode their queries in."""
    enc = canonical_encoding(header_charset(content_type))
    if enc is None:
        for bom, name in _BOMS:
            if data.startswith(bom):
                return data[len(bom):].decode(name, "replace"), name.split("-le")[0].split("-be")[0]
        head = data[:4096]
        m = _META.search(head) or _XML.search(head)
        if m:
            enc = canonical_encoding(m.group(1).decode("ascii", "ignore"))
    if enc is not None and not enc.startswith("utf-16"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            # mislabelled pages are common; a few bad bytes in a GBK page should not lose the page
            if enc == "gb18030" or enc.startswith("big5"):
                return data.decode(enc, "replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text, enc = _detect(data)
        return text, canonical_encoding(enc) or enc
    except Exception:
        return data.decode("gb18030", "replace"), "gb18030"
