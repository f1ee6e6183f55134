"""Link collection in the crawler's hot path: lxml on decoded text (bs4 is ~20x slower here)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from ..crawl.urls import split_fragment

_IDS = etree.XPath("//@id")
_LINK_TAGS = {"a": "href", "area": "href", "link": "href", "object": "data", "img": "src", "script": "src",
              "iframe": "src", "frame": "src", "embed": "src", "source": "src", "video": "src", "audio": "src"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top)\s*:\s*-\d{3,}px|"
                           r"font-size\s*:\s*0(?:px)?\s*(?:;|$)|(?:width|height)\s*:\s*0(?:px)?\s*(?:;|$)", re.I)
# substrings of every style _hidden() recognises (plain `in` tests: a regex here cost 0.5 ms a page)
_HIDE_HINTS = ("display:none", "display: none", "visibility:hidden", "visibility: hidden", "px", "font-size:0",
               "font-size: 0", "width:0", "height:0", "width: 0", "height: 0", " hidden")
_REFRESH = re.compile(r"url\s*=\s*(.+)$", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.S)
_SKIP_REL = {"dns-prefetch", "preconnect", "canonical", "alternate", "search", "pingback", "shortlink"}


@dataclass(slots=True)
class PageLink:
    url: str | None          # absolute, browser-encoded, no fragment; None when not fetched (mailto:, tel: ...)
    href: str                # as written
    tag: str
    text: str = ""
    fragment: str = ""
    hidden: bool = False


@dataclass(slots=True)
class Collected:
    links: list[PageLink]
    ids: set[str]
    title: str | None
    root: object | None      # the lxml tree, for column analysis; dropped by the caller after use
    base: str


def parse(text: str):
    try:
        return lxml.html.document_fromstring(text)
    except ValueError:               # str input with an XML encoding declaration
        return lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1))
    except etree.ParserError:
        return None


def _hidden(el) -> bool:
    node, depth = el, 0
    while node is not None and depth < 12:
        style = node.get("style")
        if style and _HIDDEN_STYLE.search(style):
            return True
        if node.get("hidden") is not None:
            return True
        node = node.getparent()
        depth += 1
    return False


def collect(text: str, page_url: str, encoding: str = "utf-8", keep_root: bool = False) -> Collected:
    root = parse(text) if text.strip() else None
    if root is None:
        return Collected([], set(), None, None, page_url)
    base = page_url
    for b in root.iter("base"):
        href = b.get("href")
        if href:
            resolved, _ = split_fragment(href, page_url, encoding)
            base = resolved or page_url
        break
    links: list[PageLink] = []
    low = text.lower()                               # most pages hide nothing: skip the ancestor walks
    may_hide = any(k in low for k in _HIDE_HINTS)
    ids: set[str] = set()
    for el in root.iter(*_LINK_TAGS):            # one pass in document order, filtered in C
        tag = el.tag
        if tag == "a":
            name = el.get("name")
            if name:
                ids.add(name)
        elif tag == "link":
            rel = (el.get("rel") or "").lower().split()
            if any(r in _SKIP_REL for r in rel):
                continue
        raw = el.get(_LINK_TAGS[tag])
        if not raw:
            continue
        raw = raw.strip()
        url, fragment = split_fragment(raw, base, encoding)
        text_ = ""
        hidden = False
        if tag == "a":
            text_ = el.text_content().strip()[:80]
            hidden = may_hide and _hidden(el)
        elif tag == "area":
            text_ = (el.get("alt") or "").strip()[:80]
            hidden = may_hide and _hidden(el)
        elif tag == "img":
            text_ = (el.get("alt") or "").strip()[:80]
        links.append(PageLink(url, raw, tag, " ".join(text_.split()) if text_ else "", fragment, hidden))
    for meta in root.iter("meta"):
        # <meta http-equiv="refresh" content="0;url=/index.html">: old portals' front doors
        if (meta.get("http-equiv") or "").lower() == "refresh":
            m = _REFRESH.search(meta.get("content") or "")
            if m:
                raw = m.group(1).strip("'\" ")
                url, fragment = split_fragment(raw, base, encoding)
                links.append(PageLink(url, raw, "a", "", fragment, False))
    if "id=" in low:
        ids.update(str(v) for v in _IDS(root))
    title_el = root.find(".//title")
    title = " ".join(title_el.text_content().split()) if title_el is not None else None
    return Collected(links, ids, title or None, root if keep_root else None, base)
