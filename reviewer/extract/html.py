"""HTML -> Document: title, meta, visible text, hidden text, links, scripts, iframes, tables.

Bytes are decoded to str first (raw gb2312 bytes handed to a parser lose most links, see
shared/notes/crawl-facts.md), then parsed once with lxml's HTML parser and walked once, top down,
so the hidden state of every element is known from its ancestors without a second pass. lxml is
used directly rather than through BeautifulSoup: the same parser, about 15x less time per page,
which matters because the crawler extracts every page it visits.

Text layout of the Document: the title (part "title"), then meta keywords and description (part
"meta"), then the visible body text (part "body"; block elements on their own lines, table cells
separated by tabs), then the text of each hidden element as its own segment (part "hidden").
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree

from ..document import Document, Link, Table
from .dates import find_published_date, parse_date
from .limits import MAX_HTML_ELEMENTS, MAX_TEXT_CHARS, ExtractError
from .text import decode_markup

# elements that start a new line in the rendered text
_BLOCK = frozenset("""address article aside blockquote body center dd details dialog dir div dl dt
fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li
main menu nav ol p pre section summary table tbody thead tfoot caption ul select option textarea""".split())
# elements whose content is never rendered as text
_SKIP = frozenset("script style noscript template head object embed applet svg math".split())
_WS = re.compile(r"[ \t\n\r\f\v]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# characters libxml2 refuses in a str (C0 controls other than tab/newline/return)
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_STYLE_HINT = re.compile(r"none|hidden|collapse|font-size|-\s*\d|width|height|opacity|clip", re.I)
_LINK_ATTR = {"a": "href", "area": "href", "img": "src", "script": "src", "link": "href",
              "iframe": "src", "frame": "src", "embed": "src"}
_PUBDATE_KEYS = ("pubdate", "publishdate", "publish_date", "firstpublishedtime", "article:published_time")


# ---------------------------------------------------------------------------- hidden-state CSS

_NUM = re.compile(r"^(-?\d*\.?\d+)(px|pt|em|rem|%|vw|vh|cm|mm|in)?$")


def _length(v: str) -> float | None:
    """A CSS length in px (roughly); None when it is not a plain length."""
    m = _NUM.match(v.strip().removesuffix("!important").strip())
    if not m:
        return None
    n = float(m.group(1))
    unit = m.group(2) or "px"
    return n * {"em": 16, "rem": 16, "pt": 1.33, "cm": 38, "mm": 3.8, "in": 96}.get(unit, 1)


def _parse_decls(style: str) -> dict[str, str]:
    out = {}
    for decl in style.split(";"):
        k, sep, v = decl.partition(":")
        if sep:
            out[k.strip().lower()] = v.strip().lower().removesuffix("!important").strip()
    return out


def hidden_by_style(style: str) -> str | None:
    """Why a declaration block hides its element ('display:none', 'off-screen' ...), or None."""
    # cheap pre-filter: most style attributes say nothing about visibility
    if not _STYLE_HINT.search(style):
        return None
    s = style.lower()
    d = _parse_decls(s)
    if d.get("display") == "none":
        return "display:none"
    if d.get("visibility") in ("hidden", "collapse"):
        return "visibility:hidden"
    if "font-size" in d and _length(d["font-size"]) == 0:
        return "font-size:0"
    if "opacity" in d:
        try:
            if float(d["opacity"]) <= 0.01:
                return "opacity:0"
        except ValueError:
            pass
    for k in ("left", "top", "right", "bottom", "margin-left", "margin-top", "text-indent"):
        if k in d:
            n = _length(d[k])
            if n is not None and n <= -500:
                return f"off-screen ({k}:{d[k]})"
    w = _length(d["width"]) if "width" in d else None
    h = _length(d["height"]) if "height" in d else None
    # a zero-height box still shows overflowing content unless overflow is hidden
    if (w == 0 and h == 0) or ((w == 0 or h == 0) and d.get("overflow") in ("hidden", "clip")):
        return "zero-size"
    if "clip" in d and re.sub(r"\s", "", d["clip"]) in ("rect(0,0,0,0)", "rect(0px,0px,0px,0px)", "rect(1px,1px,1px,1px)"):
        return "clip"
    return None


_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_SIMPLE = re.compile(r"^([a-z0-9]*)((?:[.#][-_a-z0-9\u00a0-\uffff]+)+)$", re.I)


_SHOWN = re.compile(r"(?:^|;)\s*(?:display\s*:\s*(?!none)[a-z-]+|visibility\s*:\s*visible)", re.I)


class StyleSheet:
    """The hiding (and revealing) rules of a page's <style> elements, keyed by class and id.

    Only the last compound of a selector counts (".nav .sub" -> ".sub"); selectors with
    pseudo-classes (:hover) or attributes are ignored, and so are @media print blocks, which
    hide navigation on paper only. A later rule that shows an element again (".tab.active
    {display:block}" after ".tab {display:none}") cancels the hiding, as the cascade would.
    """

    def __init__(self, css_texts: list[str]):
        self.hide: dict[str, list[tuple[frozenset, str, int]]] = {}   # key -> (compound, reason, order)
        self.show: list[tuple[frozenset, int]] = []
        order = 0
        for css in css_texts:
            for selectors, body in _css_blocks(_COMMENT.sub("", css)):
                order += 1
                reason = hidden_by_style(body)
                shows = reason is None and _SHOWN.search(body) is not None
                if not reason and not shows:
                    continue
                for sel in selectors.split(","):
                    sel = sel.strip()
                    m = _SIMPLE.match(re.split(r"[\s>+~]+", sel)[-1]) if sel else None
                    if not m:
                        continue
                    keys = frozenset(re.findall(r"[.#][^.#]+", m.group(2)))
                    if reason:
                        entry = (keys, f"{reason} ({sel})", order)
                        for k in keys:
                            self.hide.setdefault(k, []).append(entry)
                    else:
                        self.show.append((keys, order))

    def __bool__(self) -> bool:
        return bool(self.hide)

    def reason(self, keys: set[str]) -> str | None:
        for k in keys:
            for compound, reason, order in self.hide.get(k, ()):
                if compound <= keys and not any(s <= keys and o > order for s, o in self.show):
                    return reason
        return None


def style_rules(css_texts: list[str]) -> dict[str, str]:
    """Class/id keys ('.x', '#y') that <style> rules hide, with the reason (for tests and tools)."""
    sheet = StyleSheet(css_texts)
    return {k: entries[0][1] for k, entries in sheet.hide.items()}


_CSS_TOKEN = re.compile(r"[{};]")


def _css_blocks(css: str):
    """Yield (selector text, declarations) for every rule, skipping @media print and other at-rules."""
    stack: list[bool] = []       # per open at-rule brace: is its content skipped
    start = pos = 0
    while True:
        m = _CSS_TOKEN.search(css, pos)
        if not m:
            return
        i, c = m.start(), m.group()
        if c == "{":
            prelude = css[start:i].strip()
            if prelude.startswith("@"):
                low = prelude.lower()
                stack.append(not (low.startswith("@media") and ("screen" in low or "all" in low or "print" not in low)))
                start = pos = i + 1
                continue
            close = css.find("}", i)
            if close < 0:
                return
            if not any(stack):
                yield prelude, css[i + 1:close]
            start = pos = close + 1
        elif c == "}":
            if stack:
                stack.pop()
            start = pos = i + 1
        else:                    # ';' ends an @import/@charset statement
            if css[start:i].lstrip().startswith("@"):
                start = i + 1
            pos = i + 1


def _attr_hidden(tag: str, el) -> str | None:
    if el.get("hidden") is not None:
        return "hidden attribute"
    if tag in ("iframe", "frame", "img"):
        # a frame or image with no width or no height shows nothing
        w, h = el.get("width"), el.get("height")
        if (w is not None and _length(w) == 0) or (h is not None and _length(h) == 0):
            return "zero-size"
    return None


# ---------------------------------------------------------------------------- text buffers

class _Buf:
    """One text stream (the body, or one hidden element) with HTML whitespace collapsing."""
    __slots__ = ("pieces", "n", "last", "space")

    def __init__(self):
        self.pieces: list[str] = []
        self.n = 0
        self.last = "\n"         # treat the start as a line start
        self.space = False

    def text(self, s: str) -> None:
        s = _WS.sub(" ", s)
        if s == " ":
            self.space = True
            return
        if not s:
            return
        if s[0] == " ":
            self.space = True
            s = s[1:]
        trail = s[-1] == " "
        if trail:
            s = s[:-1]
        if self.space and self.last not in "\n\t":
            self.pieces.append(" ")
            self.n += 1
        self.pieces.append(s)
        self.n += len(s)
        self.last = s[-1]
        self.space = trail

    def newline(self) -> None:
        self.space = False
        if self.n and self.last != "\n":
            self.pieces.append("\n")
            self.n += 1
            self.last = "\n"

    def tab(self) -> None:
        self.space = False
        self.pieces.append("\t")
        self.n += 1
        self.last = "\t"


# ---------------------------------------------------------------------------- the walk

def extract_html(data: bytes | str, uri: str, content_type: str | None = None,
                 base_url: str | None = None) -> Document:
    problems: list[str] = []
    if isinstance(data, bytes):
        markup, encoding = decode_markup(data, content_type, problems)
    else:
        markup, encoding = data, None
    doc = Document(uri=uri, kind="html", raw=markup, encoding=encoding, problems=problems)
    # HTML bomb guard before building a tree: every element costs at least one '<'
    if markup.count("<") > 4 * MAX_HTML_ELEMENTS:
        raise ExtractError(f"HTML 元素过多（超过 {MAX_HTML_ELEMENTS} 个），疑似恶意构造的页面，已拒绝解析")
    clean = _XML_DECL.sub("", markup, count=1) if markup.lstrip()[:5].lower() == "<?xml" else markup
    if _BAD_CHARS.search(clean):
        clean = _BAD_CHARS.sub("", clean)
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        root = etree.fromstring(clean, parser) if clean.strip() else None
    except (etree.LxmlError, ValueError) as e:
        raise ExtractError(f"无法解析 HTML：{type(e).__name__}") from None
    limit = next((e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
    if limit is not None:
        # libxml2 stops at 256 levels of nesting (and at 10 MB text nodes): real pages never get
        # there, HTML bombs do
        doc.problems.append("页面嵌套层级过深（超过 256 层），其后的内容未检查" if "depth" in limit.message
                            else "页面结构超出解析上限（单段文字过长），其后的内容未检查")
    if root is None:
        doc.problems.append("HTML 中没有可读取的内容")
        return doc
    _Walker(doc, root, base_url).run()
    return doc


class _Walker:
    def __init__(self, doc: Document, root, base_url: str | None):
        self.doc, self.root = doc, root
        self.base = base_url
        base_el = root.find(".//base[@href]")
        if base_el is not None:
            self.base = urljoin(base_url or "", base_el.get("href").strip()) or self.base
        m = re.match(r"(https?://[^/?#]+)", self.base or "", re.I)
        self.origin = m.group(1) if m else None
        self._style_cache: dict[str, str | None] = {}
        css = [s.text for s in root.iter("style") if s.text]
        self.rules = StyleSheet(css) if css else None
        self.body = _Buf()
        self.hidden: list[_Buf] = []          # buffer k+1 is self.hidden[k]
        self.bufs: list[_Buf] = [self.body]   # buffer k: 0 the body, then the hidden ones
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}
        # (buffer id, start, end) spans resolved into Document offsets at the end
        self.link_spans: list[tuple[Link, int, int, int]] = []
        self.tables: list[tuple[str, list[list[tuple[int, int, int]]]]] = []

    def abs(self, url: str) -> str:
        url = url.strip()
        if not self.base or not url:
            return url
        # fast paths for the two common shapes; urljoin for everything else (./, ../, ?q, #f)
        if url.startswith(("http://", "https://")) and "/." not in url:
            return url
        if url[0] == "/" and url[1:2] != "/" and "/." not in url and self.origin:
            return self.origin + url
        if url.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
            return url
        try:
            return urljoin(self.base, url)
        except ValueError:
            return url

    def hidden_reason(self, tag: str, el) -> str | None:
        style = el.get("style")
        if style:
            cache = self._style_cache
            r = cache.get(style, "")
            if r == "":
                r = cache[style] = hidden_by_style(style)
            if r:
                return r
        if self.rules:
            cls, i = el.get("class"), el.get("id")
            if cls or i:
                keys = {"." + c for c in cls.split()} if cls else set()
                if i:
                    keys.add("#" + i.strip())
                r = self.rules.reason(keys)
                if r:
                    return r
        if tag == "input" and (el.get("type") or "").lower() == "hidden":
            return "input type=hidden"
        return _attr_hidden(tag, el)

    def run(self) -> None:
        doc = self.doc
        count = 0
        # stack items: (element, buffer id, hidden reason, parent's buffer id, closing marker)
        # a closing marker is None for an opening visit, else a tuple saying what to finish
        stack: list = [(self.root, 0, None, 0, None)]
        push = stack.append
        bufs = self.bufs
        tables: list[list] = []               # rows of the open tables, innermost last
        last_anchor = None                    # (buffer, position) where the last <a> ended
        while stack:
            el, k, reason, pk, closing = stack.pop()
            if closing is not None:
                b = bufs[k]
                what = closing[0]
                if what == "a":
                    self.link_spans.append((closing[1], k, closing[2], b.n))
                    last_anchor = (k, b.n)
                elif what == "cell":
                    closing[1].append((k, closing[2], b.n))
                elif what == "table":
                    tables.pop()
                if closing[-1]:                   # block element: ends its line
                    b.newline()
                if el.tail:
                    bufs[pk].text(el.tail)
                continue
            tag = el.tag
            if not isinstance(tag, str):
                if el.tail:
                    bufs[pk].text(el.tail)
                continue
            count += 1
            if count > MAX_HTML_ELEMENTS:
                doc.problems.append(f"页面元素超过 {MAX_HTML_ELEMENTS} 个，其后的内容未检查")
                break
            tag = tag.lower() if not tag.islower() else tag
            # hidden state is inherited top-down: only a visible element opens a new hidden buffer
            # <html>/<body> hidden by an anti-flicker style are shown by script: never hide a whole page
            r = self.hidden_reason(tag, el) if el.attrib and tag not in ("html", "body") else None
            if r and reason is None:
                self.hidden.append(_Buf())
                bufs.append(self.hidden[-1])
                k = len(self.hidden)
                reason = r
            b = bufs[k]
            attr = _LINK_ATTR.get(tag)
            link = None
            if attr:
                link = self._link(tag, el, attr, reason)
            if tag in _SKIP or tag == "title":
                self._special(tag, el, reason)
                if el.tail:
                    bufs[pk].text(el.tail)
                continue
            if tag == "meta":
                self._meta(el)
            block = tag in _BLOCK
            if tag == "br" or block:
                b.newline()
            closing = None
            if tag == "a" and link is not None:
                # <a>首页</a><a>政务公开</a>: menu items that touch read as separate words
                if last_anchor == (k, b.n) and b.n:
                    b.space = True
                closing = ("a", link, b.n, block)
            elif tag == "table":
                rows: list = []
                tables.append(rows)
                self.tables.append((f"table {len(self.tables) + 1}", rows))
                closing = ("table", block)
            elif tag == "tr":
                b.newline()
                if tables:
                    tables[-1].append([])
                closing = ("tr", True)
            elif tag in ("td", "th"):
                if tables and tables[-1]:
                    row = tables[-1][-1]
                    if row:
                        b.tab()
                    closing = ("cell", row, b.n, False)
                elif b.last not in "\n\t":
                    b.tab()
            if closing is None:
                closing = ("", block)
            push((el, k, reason, pk, closing))
            children = list(el)
            if children:
                for child in reversed(children):
                    push((child, k, reason, k, None))
            if el.text:
                # text before the first child: written now, children are visited after
                b.text(el.text)
        self._finish()

    def _link(self, tag: str, el, attr: str, reason: str | None) -> Link | None:
        href = el.get(attr)
        if href is None and tag == "img":
            href = el.get("data-src") or el.get("original")
        if href is None or not href.strip():
            return None
        text = ""
        if tag == "img":
            text = (el.get("alt") or el.get("title") or "").strip()
        elif tag == "area":
            text = (el.get("alt") or "").strip()
        elif tag in ("iframe", "frame"):
            text = (el.get("title") or el.get("name") or "").strip()
        elif tag == "a":
            # the anchor text comes from its span at the end; an image-only anchor keeps the alt
            img = el.find(".//img") if len(el) else None     # most anchors hold text only
            if img is not None:
                text = (img.get("alt") or img.get("title") or "").strip()
        link = Link(href=self.abs(href), text=text, tag=tag, hidden=reason is not None, hidden_reason=reason)
        self.doc.links.append(link)
        if tag in ("iframe", "frame"):
            self.doc.iframes.append(link)
        elif tag == "script":
            self.doc.scripts.append(link.href)
        return link

    def _special(self, tag: str, el, reason: str | None) -> None:
        if tag == "title":
            if not self.title_parts:
                self.title_parts.append(_WS.sub(" ", "".join(el.itertext())).strip())
        elif tag == "script":
            body = el.text
            if body and body.strip():
                self.doc.scripts.append(body)
        elif tag == "head":
            # head holds title, meta, base, link and script: visit them without emitting text
            for child in el.iter():
                t = child.tag
                if not isinstance(t, str):
                    continue
                t = t.lower()
                if t == "title" and not self.title_parts:
                    self._special("title", child, None)
                elif t == "meta":
                    self._meta(child)
                elif t == "script":
                    if child.get("src"):
                        self._link("script", child, "src", None)
                    self._special("script", child, None)
                elif t == "link":
                    self._link("link", child, "href", None)
        elif tag in ("object", "embed", "svg", "noscript"):
            # links inside them (an <a> in <noscript>, <embed src>) are still links
            for child in el.iter("a", "iframe", "img", "embed"):
                attr = _LINK_ATTR.get(child.tag)
                if attr and child is not el:
                    link = self._link(child.tag, child, attr, reason or (tag if tag == "noscript" else None))
                    if link is not None and child.tag == "a":
                        link.text = _WS.sub(" ", "".join(child.itertext())).strip()

    def _meta(self, el) -> None:
        name = el.get("name") or el.get("property") or el.get("itemprop")
        content = el.get("content")
        if not name and content and (el.get("http-equiv") or "").lower() == "refresh":
            # <meta http-equiv=refresh content="0;url=..."> redirects the reader: a link like any other
            m = re.search(r"url\s*=\s*['\"]?([^'\";]+)", content, re.I)
            if m:
                self.doc.links.append(Link(href=self.abs(m.group(1)), tag="meta-refresh"))
            self.meta.setdefault("refresh", content.strip())
            return
        if not name or content is None:
            return
        name = name.strip()
        low = name.lower()
        if low in ("keywords", "description"):
            name = low
        if name not in self.meta:
            self.meta[name] = content.strip()

    def _finish(self) -> None:
        doc = self.doc
        pieces: list[str] = []
        pos = 0
        title = self.title_parts[0] if self.title_parts else ""
        doc.title = title or None
        if title:
            pos = doc.add_segment(title, "title", pieces, pos)
        for key in ("keywords", "description"):
            v = _WS.sub(" ", self.meta.get(key, "")).strip()
            if v:
                pos = doc.add_segment(v, "meta", pieces, pos)
        offsets = []
        body = "".join(self.body.pieces).strip("\n")
        lead = len("".join(self.body.pieces)) - len("".join(self.body.pieces).lstrip("\n"))
        if body:
            pos = doc.add_segment(body, "body", pieces, pos)
            offsets.append(pos - len(body) - lead)
        else:
            offsets.append(pos - lead)
        hidden_texts = []
        for hb in self.hidden:
            raw = "".join(hb.pieces)
            t = raw.strip("\n")
            lead = len(raw) - len(raw.lstrip("\n"))
            if t:
                pos = doc.add_segment(t, "hidden", pieces, pos)
                offsets.append(pos - len(t) - lead)
            else:
                offsets.append(None)
            hidden_texts.append(t)
        text = "".join(pieces)
        if len(text) > MAX_TEXT_CHARS:
            doc.problems.append(f"页面文字超过 {MAX_TEXT_CHARS} 字，超出部分未检查")
            text = text[:MAX_TEXT_CHARS]
            doc.segments = [s for s in doc.segments if s.start < MAX_TEXT_CHARS]
            if doc.segments:
                doc.segments[-1].end = min(doc.segments[-1].end, MAX_TEXT_CHARS)
        doc.text = text
        n = len(text)

        def span(k: int, s: int, e: int) -> tuple[int, int] | None:
            base = offsets[k]
            if base is None:
                return None
            s, e = base + s, min(base + e, n)
            while s < e and text[s] in " \t\n":
                s += 1
            while e > s and text[e - 1] in " \t\n":
                e -= 1
            return (s, e) if 0 <= s <= e <= n else None

        for link, k, s, e in self.link_spans:
            sp = span(k, s, e)
            if sp and sp[1] > sp[0]:
                link.start, link.end = sp
                link.text = text[sp[0]:sp[1]]
        for name, rows in self.tables:
            t = Table(part=name)
            for row in rows:
                cells = [sp for sp in (span(k, s, e) for k, s, e in row) if sp is not None]
                if cells:
                    t.rows.append(cells)
            if t.rows:
                doc.tables.append(t)
        doc.meta = self.meta
        pub = None
        for key, value in self.meta.items():
            if key.lower() in _PUBDATE_KEYS:
                pub = parse_date(value)
                if pub:
                    break
        doc.published = pub or find_published_date(text)
