""".docx -> Document: body paragraphs and tables in reading order, text boxes, headers, footers,
footnotes, endnotes and comments.

python-docx opens and validates the package; the text is read from its XML directly, because
python-docx's own `Paragraph.text` skips runs inside tracked insertions (w:ins), content
controls (w:sdt), smart tags and fields, and `iter_inner_content()` skips body-level content
controls: text a reader sees (and that may hold an ID number or a classification mark) would be
lost. Deleted text (w:del) is not read: it is not shown.

Locators: "paragraph N" (1-based over the body's paragraphs, empty ones counted, so N is the
paragraph a reader counts in Word), "table T row R" for table cells (also one Table per table),
"textbox", "header", "footer", "footnote", "endnote", "comment". Hyperlinks carry their anchor
text span; HYPERLINK field codes and relationship targets no anchor shows are links too.
"""
from __future__ import annotations

import io
import re

from lxml import etree

from ..document import Document, Link, Table
from .dates import find_published_date
from .limits import MAX_TEXT_CHARS, ExtractError, check_zip

_CORRUPT = "无法读取 .docx：文件已损坏或不完整，请用 Word 打开后重新保存"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
P, R, T, TBL, TR, TC = _W + "p", _W + "r", _W + "t", _W + "tbl", _W + "tr", _W + "tc"
_HIDDEN_ANCESTORS = frozenset({_W + "del", _W + "moveFrom", P, _W + "txbxContent"})
# containers whose children are read as if they stood in the parent (content controls, custom XML)
_TRANSPARENT = frozenset({_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag", _W + "ins",
                          _W + "moveTo", _W + "fldSimple"})
_RUN_TEXT = {_W + "t": None, _W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n",
             _W + "noBreakHyphen": "-"}
_FIELD_LINK = re.compile(r'HYPERLINK\s+"([^"]+)"')
# secondary parts and the locator of their text, in the order they are appended
_PARTS = (("/header", "header"), ("/footer", "footer"), ("/footnotes", "footnote"), ("/endnotes", "endnote"),
          ("/comments", "comment"))
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def extract_docx(data: bytes, uri: str) -> Document:
    zf = check_zip(data, ".docx")
    if "word/document.xml" not in zf.namelist():
        raise ExtractError(_CORRUPT)
    import docx
    try:
        wd = docx.Document(io.BytesIO(data))
    except Exception:
        # python-docx parses every part up front, so one damaged style or header part (or a
        # truncated document.xml) fails the whole file: read what the main part still holds
        return _salvage(zf, uri)
    doc = Document(uri=uri, kind="docx")
    b = _Builder(doc)
    try:
        b.body(wd.element.body, wd.part.rels)
    except Exception as e:      # a part we cannot walk: keep what was read, say so
        doc.problems.append(f"文档正文部分内容无法读取（{type(e).__name__}），其余内容已检查")
    for suffix, part_name in _PARTS:
        for part in _related_parts(wd.part, suffix):
            try:
                b.secondary(part, part_name)
            except Exception as e:
                doc.problems.append(f"{part_name} 无法读取（{type(e).__name__}），其余内容已检查")
    doc.text = "".join(b.pieces)
    _unshown_links(doc, wd.part)
    if not doc.text and doc.problems:
        raise ExtractError(_CORRUPT)
    try:
        title = (wd.core_properties.title or "").strip()
    except Exception:
        title = ""
    doc.title = title or (b.first_text[:80] if b.first_text else None)
    doc.published = find_published_date(doc.text[:5000])
    return doc


class _Rel:
    __slots__ = ("target_ref",)

    def __init__(self, target_ref: str):
        self.target_ref = target_ref


def _salvage(zf, uri: str) -> Document:
    """Read the body of a damaged .docx with a recovering XML parser, or raise the corrupt error."""
    recover = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(zf.read("word/document.xml"), recover)
        body = root.find(_W + "body") if root is not None else None
    except Exception:
        body = None
    if body is None:
        raise ExtractError(_CORRUPT)
    rels = {}
    try:
        rel_root = etree.fromstring(zf.read("word/_rels/document.xml.rels"), recover)
        for rel in rel_root if rel_root is not None else ():
            if rel.get("Id") and rel.get("Target"):
                rels[rel.get("Id")] = _Rel(rel.get("Target"))
    except Exception:
        pass
    doc = Document(uri=uri, kind="docx")
    b = _Builder(doc)
    try:
        b.body(body, rels)
    except Exception:
        pass
    doc.text = "".join(b.pieces)
    if not doc.text.strip():
        raise ExtractError(_CORRUPT)
    doc.problems.append("文档结构有损坏，只读取了能读出的正文（页眉、页脚、批注等未检查），请用 Word 打开后重新保存")
    doc.title = b.first_text[:80] if b.first_text else None
    doc.published = find_published_date(doc.text[:5000])
    return doc


def _unshown_links(doc: Document, main) -> None:
    """External hyperlink targets no anchor shows (on an image, in a shape) are links too."""
    shown = {link.href for link in doc.links}
    try:
        rels = list(main.rels.values())
    except Exception:
        return
    for rel in rels:
        if rel.is_external and rel.reltype.endswith("/hyperlink") and rel.target_ref not in shown:
            shown.add(rel.target_ref)
            doc.links.append(Link(href=rel.target_ref, tag="a"))


def _related_parts(main, suffix: str) -> list:
    parts = []
    for rel in main.rels.values():
        if not rel.is_external and rel.reltype.endswith(suffix):
            parts.append(rel.target_part)
    return sorted(parts, key=lambda p: str(p.partname))


class _Text:
    """Text of one paragraph, table cell or note, with the link spans inside it."""
    __slots__ = ("pieces", "n", "links")

    def __init__(self):
        self.pieces: list[str] = []
        self.n = 0
        self.links: list[tuple[str, int, int]] = []      # (href, start, end) relative to this text

    def add(self, s: str) -> None:
        self.pieces.append(s)
        self.n += len(s)

    def text(self) -> str:
        return "".join(self.pieces)


class _Builder:
    def __init__(self, doc: Document):
        self.doc = doc
        self.pieces: list[str] = []
        self.pos = 0
        self.first_text: str | None = None
        self.rels = None
        self.full = False
        self.seen: set[tuple[str, str]] = set()

    # -------------------------------------------------------------- output

    def add(self, t: _Text, part: str) -> None:
        text = t.text()
        if not text.strip() or self.full:
            return
        self.pos = self.doc.add_segment(text, part, self.pieces, self.pos)
        start = self.pos - len(text)
        for href, s, e in t.links:
            self.doc.links.append(Link(href=href, text=text[s:e], tag="a",
                                       start=start + s if e > s else None, end=start + e if e > s else None))
        if self.pos > MAX_TEXT_CHARS:
            self.full = True
            self.doc.problems.append(f"文档文字超过 {MAX_TEXT_CHARS} 字，超出部分未检查")

    # -------------------------------------------------------------- structure

    def body(self, body, rels) -> None:
        self.rels = rels
        n_par = n_tab = 0
        for el in _blocks(body):
            if self.full:
                break
            if el.tag == P:
                n_par += 1
                t = self.paragraph(el)
                self.add(t, f"paragraph {n_par}")
                if self.first_text is None and t.text().strip():
                    self.first_text = t.text().strip()
            else:
                n_tab += 1
                self.table(el, f"table {n_tab}")
        # Word writes each text box twice (DrawingML and a VML fallback): read the first only
        for box in body.iter(_W + "txbxContent"):
            if any(a.tag == _MC_FALLBACK for a in box.iterancestors()):
                continue
            self.add(self.container(box), "textbox")

    def secondary(self, part, name: str) -> None:
        self.rels = part.rels
        root = getattr(part, "element", None)
        if root is None:
            root = etree.fromstring(part.blob, _SAFE_XML)
        if name in ("header", "footer"):
            t = self.container(root)
            # the same header is often repeated for first/odd/even pages: read it once
            if t.text().strip() and (name, t.text()) not in self.seen:
                self.seen.add((name, t.text()))
                self.add(t, name)
            return
        for note in root:
            # separators are drawing marks, not text; ids 0 and -1 in older writers
            if note.get(_W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            self.add(self.container(note), name)

    def table(self, tbl, name: str) -> None:
        out = Table(part=name)
        for r, tr in enumerate(_children(tbl, TR), 1):
            cells = [self.container(tc) for tc in _children(tr, TC)]
            row = _Text()
            spans = []
            for i, c in enumerate(cells):
                if i:
                    row.add("\t")
                s = row.n
                row.add(c.text())
                row.links.extend((h, s + a, s + b) for h, a, b in c.links)
                spans.append((s, row.n))
            if not row.text().strip():
                continue
            if self.full:
                break
            before = self.pos + (1 if self.pieces else 0)
            self.add(row, f"{name} row {r}")
            out.rows.append([(before + s, before + e) for s, e in spans])
        if out.rows:
            self.doc.tables.append(out)

    def container(self, root) -> _Text:
        """Paragraphs and nested tables of a cell, text box, header or note, as one text."""
        out = _Text()
        first = True
        for el in _blocks(root):
            parts = [self.paragraph(el)] if el.tag == P else [self._flat_row(tr) for tr in _children(el, TR)]
            for t in parts:
                if not first:
                    out.add("\n")
                first = False
                s = out.n
                out.add(t.text())
                out.links.extend((h, s + a, s + b) for h, a, b in t.links)
        # strip surrounding blank lines without moving link offsets out of place
        text = out.text()
        lead = len(text) - len(text.lstrip())
        if lead or text != text.rstrip():
            stripped = text.strip()
            res = _Text()
            res.add(stripped)
            res.links = [(h, max(0, a - lead), min(len(stripped), b - lead)) for h, a, b in out.links]
            return res
        return out

    def _flat_row(self, tr) -> _Text:
        out = _Text()
        for i, tc in enumerate(_children(tr, TC)):
            if i:
                out.add("\t")
            c = self.container(tc)
            s = out.n
            out.add(c.text().replace("\n", " "))
            out.links.extend((h, s + a, s + b) for h, a, b in c.links)
        return out

    def paragraph(self, p) -> _Text:
        out = _Text()
        open_links: dict[int, list] = {}           # id(hyperlink element) -> [href, start, end]
        for el in p.iter(R, _W + "instrText"):
            hl = None
            skip = False
            for anc in el.iterancestors():
                if anc is p:
                    break
                tag = anc.tag
                if tag in _HIDDEN_ANCESTORS:
                    skip = True
                    break
                if tag == _W + "hyperlink" and hl is None:
                    hl = anc
            if skip:
                continue
            if el.tag != R:
                m = _FIELD_LINK.search(el.text or "")
                if m:
                    out.links.append((m.group(1), 0, 0))
                continue
            s = out.n
            for child in el:
                rep = _RUN_TEXT.get(child.tag, "")
                if rep is None:
                    if child.text:
                        out.add(child.text)
                elif rep:
                    out.add(rep)
            if hl is not None:
                entry = open_links.get(id(hl))
                if entry is None:
                    href = self._href(hl)
                    if href:
                        entry = open_links[id(hl)] = [href, s, out.n]
                        out.links.append(entry)     # the list is updated in place as runs follow
                else:
                    entry[2] = out.n
        out.links = [tuple(x) for x in out.links]
        return out

    def _href(self, hl) -> str | None:
        rid = hl.get(_R_ID)
        if rid and self.rels is not None:
            rel = self.rels.get(rid)
            if rel is not None:
                return rel.target_ref
        anchor = hl.get(_W + "anchor")
        return "#" + anchor if anchor else None


def _blocks(container):
    """Paragraphs and tables of a container in reading order, looking through content controls."""
    for child in container:
        tag = child.tag
        if tag == P or tag == TBL:
            yield child
        elif tag in _TRANSPARENT:
            yield from _blocks(child)


def _children(el, tag: str):
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in _TRANSPARENT:
            yield from _children(child, tag)
