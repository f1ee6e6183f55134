"""The one type every extractor produces and every rule reads."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class Segment:
    """A run of `Document.text` that came from one place in the source."""
    start: int
    end: int
    part: str          # "title", "body", "meta", "Sheet1!C5", "page 3", "paragraph 12" ...


@dataclass(slots=True)
class Link:
    href: str                      # absolute when the document has a base URL, else as written
    text: str = ""                 # anchor text (or alt text)
    tag: str = "a"                 # a, img, script, link, iframe, area, form ...
    hidden: bool = False           # not visible to a reader (inline style, <style> rule, zero size ...)
    hidden_reason: str | None = None
    start: int | None = None       # span of the anchor text in Document.text, when it has one
    end: int | None = None


@dataclass(slots=True)
class Table:
    """Rows of cells, each cell a (start, end) span into Document.text; `part` names the table."""
    part: str
    rows: list[list[tuple[int, int]]] = field(default_factory=list)


@dataclass
class Document:
    uri: str
    kind: str                      # text, html, docx, xlsx, xls, pdf
    text: str = ""
    title: str | None = None
    segments: list[Segment] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)    # keywords, description, PubDate ...
    scripts: list[str] = field(default_factory=list)      # inline script bodies and src URLs
    iframes: list[Link] = field(default_factory=list)
    raw: str | None = None         # the decoded markup, for rules that need it
    encoding: str | None = None
    published: date | None = None  # publication date when the source states one
    problems: list[str] = field(default_factory=list)     # parts that could not be read (become info findings)

    _starts: list[int] | None = field(default=None, repr=False, compare=False)

    def part_at(self, offset: int | None) -> str:
        """The locator of the segment holding `offset` ("body" when no segment covers it)."""
        if offset is None or not self.segments:
            return "body"
        if self._starts is None or len(self._starts) != len(self.segments):
            self.segments.sort(key=lambda s: s.start)
            self._starts = [s.start for s in self.segments]
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.segments[i].start <= offset < max(self.segments[i].end, self.segments[i].start + 1):
            return self.segments[i].part
        return "body"

    def add_segment(self, text: str, part: str, pieces: list[str], pos: int, sep: str = "\n") -> int:
        """Append `text` as a segment to `pieces` (joined later into `text`); returns the new position."""
        if pieces:
            pieces.append(sep)
            pos += len(sep)
        pieces.append(text)
        self.segments.append(Segment(pos, pos + len(text), part))
        return pos + len(text)
