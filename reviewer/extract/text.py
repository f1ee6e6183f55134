"""Plain text: decode by BOM, declaration or detection; offsets are into the decoded text as read."""
from __future__ import annotations

import codecs
import re

from ..document import Document
from .limits import ExtractError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARED = re.compile(rb"(?:charset|encoding|coding)\s*[=:]\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
# GB2312 and GBK are subsets of GB18030: reading them as GB18030 never loses a character
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030",
            "big5-hkscs": "big5hkscs", "utf8": "utf-8"}


def canonical_encoding(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    try:
        name = codecs.lookup(_ALIASES.get(name, name)).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). Tries BOM, a declared charset, UTF-8, then detection among GB18030/Big5."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    candidates = []
    if declared:
        candidates.append(canonical_encoding(declared))
    m = _DECLARED.search(data[:1024])
    if m:
        candidates.append(canonical_encoding(m.group(1).decode("ascii", "ignore")))
    candidates.append("utf-8")
    for enc in filter(None, candidates):
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    return _detect(data)


def _detect(data: bytes) -> tuple[str, str]:
    """Choose between GB18030 and Big5 by which decodes cleanly and yields more common characters."""
    best = None
    for enc in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _commonness(text)
        if best is None or score > best[0]:
            best = (score, text, enc)
    if best is None:
        from charset_normalizer import from_bytes
        match = from_bytes(data).best()
        if match is None or match.encoding is None:
            raise ExtractError("无法识别文本编码（不是 UTF-8、GBK/GB18030 或 Big5）")
        return str(match), match.encoding
    return best[1], best[2]


# frequent characters shared by simplified and traditional text: a wrong decoding rarely produces them
_COMMON = set("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理")


def _commonness(text: str) -> float:
    sample = text[:20000]
    han = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff")
    if not han:
        return 0.0
    return sum(1 for c in sample if c in _COMMON) / han - sample.count("\ufffd")


def extract_text(data: bytes, uri: str, content_type: str | None = None) -> Document:
    declared = None
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=", 1)[1].split(";")[0].strip()
    text, enc = decode(data, declared)
    doc = Document(uri=uri, kind="text", text=text, encoding=enc)
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    doc.title = first[:80] or None
    return doc
