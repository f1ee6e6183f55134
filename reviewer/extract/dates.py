"""Publication dates: from a meta value (PubDate) or a 发布日期/发布时间/成文日期 label in the text."""
from __future__ import annotations

import re
from datetime import date

# 2021-04-29, 2021/04/29, 2021.04.29, 2021年4月29日 (full-width digits are normalised first)
_DATE = r"((?:19|20)\d{2})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)"
_DATE_RE = re.compile(_DATE)
# the label may be followed by a colon, spaces or a bracket before the date, but by nothing longer:
# a date three words after 发布时间 belongs to another sentence
_LABELLED = re.compile(r"(?:发布日期|发布时间|成文日期|發佈日期|發布日期|發佈時間|發布時間|發文日期)\s*[】\])）]?\s*[：:]?\s*[\[【(（]?\s*" + _DATE)
_FW_DIGIT = re.compile("[０-９]")
_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．：", "0123456789-/.:")


def _make(y: str, m: str | None, d: str | None) -> date | None:
    try:
        return date(int(y), int(m), int(d)) if m and d else None
    except ValueError:
        return None                                   # 2021-02-30 is not a date


def _from_match(m: re.Match) -> date | None:
    y, m1, d1, m2, d2 = m.groups()
    return _make(y, m1 or m2, d1 or d2)


def parse_date(value: str | None) -> date | None:
    """The first date in `value` (a meta content such as '2021-04-29 10:00:00' or '2021年4月29日')."""
    if not value:
        return None
    m = _DATE_RE.search(value.translate(_FULLWIDTH))
    return _from_match(m) if m else None


def find_published_date(text: str) -> date | None:
    """The date after the first 发布日期/发布时间/成文日期 label in `text`, or None."""
    if not text:
        return None
    for m in _LABELLED.finditer(text):
        d = _from_match(m)
        if d:
            return d
    # full-width digits are rare: normalise (a copy of the whole text) only when there are some
    if _FW_DIGIT.search(text):
        for m in _LABELLED.finditer(text.translate(_FULLWIDTH)):
            d = _from_match(m)
            if d:
                return d
    return None
