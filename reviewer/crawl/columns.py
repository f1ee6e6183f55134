"""Columns (栏目): listing pages of dated articles, their newest date, and emptiness.

A page is a column when it carries no ArticleTitle meta tag (the 2017 指引 tags article pages)
and holds a list of at least `min_items` links each beside a date, or when it is tagged as a
column (ColumnName meta) or has a list container but nothing in it. Later pages of a paged list
(index_1.html, ?page=2) are never judged: their items are old by construction.
"""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_PAGED_PATH = re.compile(r"(?:index|list|default)[_-]\d+\.s?html?$", re.I)
_PAGE_PARAMS = {"page", "pageno", "pageindex", "p", "pn", "curpage", "currentpage", "pagenum", "start", "offset"}
_LIST_CONTAINER = re.compile(r"(?:^|[\s_-])(?:list|lists|newslist|news-list|list-?box|lanmu|column-list|xxgk-list)(?:$|[\s_-])", re.I)
_NOTICE = re.compile(r"暂无|本栏目(?:暂)?无|无相关(?:信息|内容)|没有(?:相关)?(?:信息|内容)|尚无|无数据")
_SEP = re.compile(r"\s*[-_|—–｜·>]+\s*")


def is_later_page(url: str) -> bool:
    parts = urlsplit(url)
    if _PAGED_PATH.search(parts.path):
        return True
    for k, v in parse_qsl(parts.query):
        if k.lower() in _PAGE_PARAMS and v not in ("", "0", "1"):
            return True
    return False


def _date(m) -> date | None:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _meta(root, name: str) -> str | None:
    for el in root.iter("meta"):
        if (el.get("name") or "").lower() == name.lower():
            return (el.get("content") or "").strip() or None
    return None


def analyse(root, url: str, title: str | None, today: date, is_home: bool = False) -> dict | None:
    """Column info {name, type_hint, newest, items, empty} or None when the page is not a column."""
    if root is None or is_later_page(url) or _meta(root, "ArticleTitle"):
        return None
    groups: dict[object, list[date]] = defaultdict(list)
    horizon = today + timedelta(days=1)
    for item in root.iter("li", "tr", "dd"):
        if item.find(".//a") is None:
            continue
        text = " ".join(item.itertext())         # keeps "动态1" and "2026-05-04" apart
        if len(text) > 400:                      # a whole nested block, not one entry
            continue
        found = [d for d in (_date(m) for m in _DATE.finditer(text)) if d and d <= horizon]
        if found:
            groups[item.getparent()].append(max(found))
    column_name = _meta(root, "ColumnName")
    name = "首页" if is_home else column_name or _name_from_title(title) or urlsplit(url).path
    dated = [g for g in groups.values() if len(g) >= 3]
    if dated:
        newest = max(max(g) for g in dated)
        return {"name": name, "newest": newest.isoformat(), "items": sum(len(g) for g in dated), "empty": False}
    if is_home:
        return None
    containers = [el for el in root.iter("ul", "ol", "table", "div", "tbody")
                  if _LIST_CONTAINER.search((el.get("class") or "") + " " + (el.get("id") or ""))]
    if not column_name and not containers:
        return None
    if any(el.find(".//a") is not None for el in containers):
        return None                               # a list with undated entries: not judged here
    body = root.find(".//body")
    if body is not None and _NOTICE.search(body.text_content()):
        return None                               # 备注说明: the column says why it is empty
    if column_name is None and not containers:
        return None
    return {"name": name, "newest": None, "items": 0, "empty": True}


def _name_from_title(title: str | None) -> str | None:
    if not title:
        return None
    first = _SEP.split(title.strip())[0].strip()
    return first or None


def column_type(name: str, settings: dict) -> str:
    for kind in ("news", "notice"):
        if any(w in name for w in settings.get(f"{kind}_words", ())):
            return kind
    return "other"
