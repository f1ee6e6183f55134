"""Plain text: decode by BOM, declaration or detection; offsets are into the decoded text as read.

Decoding order: a BOM; valid UTF-8 (non-ASCII UTF-8 is practically never valid GBK by accident,
while GBK and Big5 bytes are often valid in each other's code page); a declared charset (HTTP
header, <meta>, `coding:` line); then detection between GB18030 and Big5 by how many of the
decoded characters are frequent Chinese characters (a wrong decoding yields rare ones).
"""
from __future__ import annotations

import codecs
import re

from ..document import Document
from .dates import find_published_date
from .limits import MAX_TEXT_CHARS, ExtractError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARED = re.compile(rb"(?:charset|encoding|coding)\s*[=:]\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)
# GB2312 and GBK are subsets of GB18030: reading them as GB18030 never loses a character;
# Big5 pages are read as Big5-HKSCS, a superset with the characters Hong Kong and Taiwan pages use
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030",
            "gb_2312-80": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "gb18030",
            "big5": "big5hkscs", "cp950": "big5hkscs", "x-x-big5": "big5hkscs", "big5-hkscs": "big5hkscs",
            "utf8": "utf-8", "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252", "latin-1": "cp1252",
            "latin1": "cp1252"}
# a decoding with more bad bytes than this share is wrong; fewer are damage (a truncated file)
_MAX_DAMAGE = 0.002


def canonical_encoding(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def _try(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes, declared: str | None = None, *, problems: list[str] | None = None,
           sniff_declaration: bool = True) -> tuple[str, str]:
    """Return (text, encoding) or raise ExtractError. Minor damage is noted in `problems`."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            return text, "utf-8" if enc == "utf-8-sig" else enc
    if data.isascii():
        return data.decode("ascii"), "utf-8"
    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    candidates = [canonical_encoding(declared)]
    if sniff_declaration:
        m = _DECLARED.search(data[:1024])
        if m:
            candidates.append(canonical_encoding(m.group(1).decode("ascii", "ignore")))
    for enc in candidates:
        if enc == "cp1252":
            # ISO-8859-1 is many servers' default label, not a statement about the page: Chinese
            # bytes that decode cleanly and plausibly as GB18030 or Big5 are that
            for cjk in ("gb18030", "big5hkscs"):
                text = _try(data, cjk)
                if text is not None and _shares(text)[0] >= 8 and _plausible(text):
                    return text, cjk
        if enc and enc != "utf-8":
            text = _try(data, enc)
            if text is not None and (enc not in ("gb18030", "big5hkscs") or _plausible(text)):
                return text, enc
    return _detect(data, [e for e in candidates if e], problems)


def decode_markup(data: bytes, content_type: str | None = None,
                  problems: list[str] | None = None) -> tuple[str, str]:
    """Decode an HTML page: BOM, valid UTF-8, header charset, <meta charset> in the first 4 KiB, detection."""
    declared = charset_of(content_type)
    m = _META_CHARSET.search(data[:4096])
    meta = m.group(1).decode("ascii", "ignore") if m else None
    if declared is None or canonical_encoding(declared) in (None, "cp1252") and meta:
        declared = meta
    try:
        text, enc = decode(data, declared, problems=problems, sniff_declaration=False)
        stated = canonical_encoding(declared)
        if stated is None or enc in (stated, "utf-8", "utf-16", "utf-32", "gb18030", "big5hkscs"):
            return text, enc
        # a detector's guess (iso8859-5 ...) over a damaged page that states its charset: trust the page
        raise ExtractError("guess")
    except ExtractError:
        # a page is worth reading even when badly damaged: browsers substitute U+FFFD
        enc = canonical_encoding(declared) or canonical_encoding(meta) or "gb18030"
        if problems is not None:
            problems.append(f"页面编码无法确定，按 {enc} 读取，部分字符可能显示为乱码")
        return data.decode(enc, errors="replace"), enc


def charset_of(content_type: str | None) -> str | None:
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or None
    return None


def _detect(data: bytes, declared: list[str] = (), problems: list[str] | None = None) -> tuple[str, str]:
    """Choose among GB18030 and Big5 by decodability and frequent characters; else fail clearly."""
    scored = []
    for enc in dict.fromkeys([*[e for e in declared if e != "utf-8"], "gb18030", "big5hkscs", "utf-8"]):
        text = data.decode(enc, errors="replace")
        bad = text.count("\ufffd")
        if bad > max(3, len(text) * _MAX_DAMAGE):
            continue
        score = _commonness(text) - bad / max(1, len(text))
        scored.append((bad == 0, score, enc, text, bad))
    scored.sort(key=lambda t: t[1] + (0.05 if t[0] else 0.0), reverse=True)
    if scored and _plausible(scored[0][3]) and (scored[0][0] or _damaged_but_chinese(scored[0][3])):
        clean, score, enc, text, bad = scored[0]
        if bad and problems is not None:
            problems.append(f"文件有 {bad} 处字节无法按 {enc} 解码（文件可能不完整），已替换为 �")
        return text, enc
    # not Chinese in any of the expected encodings: accept another encoding only when a detector
    # is sure and the result reads as text
    from charset_normalizer import from_bytes
    match = from_bytes(data[:200_000]).best()
    if match is not None and match.encoding and match.chaos < 0.1 and match.coherence > 0.2:
        enc = match.encoding
        text = _try(data, enc)
        if text is not None:
            return text, enc
    raise ExtractError("无法识别文本编码（不是 UTF-8、GBK/GB18030 或 Big5），请另存为 UTF-8 后重试")


# frequent characters, simplified and traditional: a wrong decoding rarely produces them
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方"
    "后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
    "它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此"
    "变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老"
    "头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处务府县市省局"
    "委办镇乡村街道服信息息网站报告工作制度落实推进规范加强建设组织领导单位部门按照要求会议通知关于"
    "並來個們內兩別則動區員問國圖學實將對幹幾強後從應戰據數於時會條業樣機氣決沒無爲為現產當發種級組結統經線總義"
    "與處裏見計設說論變資質軍較農這進運過還邊長開間關電頭題體麼點黨務縣鎮鄉規範織領導門議網報")


_NON_HAN = re.compile("[^\u3400-\u9fff\ue000-\uf8ff]+")
_COMMON_RE = re.compile("[" + "".join(sorted(_COMMON)) + "]")


def _shares(text: str) -> tuple[int, int]:
    """(CJK and private-use characters, frequent ones among them) in the first 30,000 characters."""
    han = _NON_HAN.sub("", text[:30000])
    return len(han), _COMMON_RE.subn("", han)[1]


def _commonness(text: str) -> float:
    han, common = _shares(text)
    return common / han if han else 0.0


def _damaged_but_chinese(text: str) -> bool:
    """A decoding with replaced bytes is accepted only when what it yields is clearly Chinese."""
    han, common = _shares(text)
    return common >= 2 and common / han >= 0.3


def _plausible(text: str) -> bool:
    """Chinese text has many frequent characters; mis-decoded bytes are mostly rare ones (a few
    thousand characters show it: this runs on every GBK page of a sweep)."""
    han, common = _shares(text[:6000])
    return han < 8 or common / han >= 0.12


def extract_text(data: bytes, uri: str, content_type: str | None = None) -> Document:
    problems: list[str] = []
    text, enc = decode(data, charset_of(content_type), problems=problems)
    doc = Document(uri=uri, kind="text", text=text, encoding=enc, problems=problems)
    if len(text) > MAX_TEXT_CHARS:
        doc.problems.append(f"文字超过 {MAX_TEXT_CHARS} 字，超出部分未检查")
        doc.text = text = text[:MAX_TEXT_CHARS]
    first = next((ln.strip() for ln in text[:5000].splitlines() if ln.strip()), "")
    doc.title = first[:80] or None
    doc.published = find_published_date(text[:5000]) or find_published_date(text[-3000:])
    return doc
