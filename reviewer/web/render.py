"""Server-side rendering helpers: the document with findings highlighted in place, and the diff
between two versions. Both mask personal numbers unless the viewer revealed them, because the
item page is a list of personal data as much as a queue page is.
"""
from __future__ import annotations

import difflib
from typing import Iterable, Protocol

from markupsafe import Markup, escape

from ..finding import SEVERITY_RANK
from ..masking import mask_all


class Span(Protocol):
    id: int
    start: int | None
    end: int | None
    category: str
    severity: str
    status: str


def _mask(s: str, masked: bool) -> str:
    return mask_all(s) if masked else s


def highlight(text: str, findings: Iterable, masked: bool = True) -> Markup:
    """`text` as HTML with every finding span in a <mark> (class per category and state).

    Overlapping findings are cut at every boundary; a piece covered by several findings gets one
    <mark> listing all of them, coloured by the most severe, so nothing is drawn twice.
    """
    spans = [f for f in findings if f.start is not None and f.end is not None
             and 0 <= f.start < f.end <= len(text)]
    if not spans:
        return Markup(escape(_mask(text, masked)))
    cuts = sorted({0, len(text), *(f.start for f in spans), *(f.end for f in spans)})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        piece = text[a:b]
        covering = [f for f in spans if f.start <= a and b <= f.end]
        if not covering:
            out.append(str(escape(_mask(piece, masked))))
            continue
        top = max(covering, key=lambda f: (SEVERITY_RANK.get(f.severity, 0), -(f.end - f.start)))
        ids = " ".join(str(f.id) for f in covering)
        states = {f.status for f in covering}
        state = "open" if "open" in states else sorted(states)[0]
        # a personal number cut by another finding's edge is masked as a whole below, so mask the
        # full span and take this piece's slice of it (mask_all keeps the length)
        if masked and top.category == "privacy":
            whole = text[top.start:top.end]
            mw = mask_all(whole)
            shown = mw[a - top.start:b - top.start] if len(mw) == len(whole) else mask_all(piece)
        else:
            shown = _mask(piece, masked)
        out.append(f'<mark class="hl cat-{escape(top.category)} sev-{escape(top.severity)} st-{escape(state)}"'
                   f' data-findings="{ids}" id="m{covering[0].id}-{a}">{escape(shown)}</mark>')
    return Markup("".join(out))


def diff_lines(old: str, new: str, masked: bool = True, context: int = 2) -> list[tuple[str, str]]:
    """(kind, line) pairs: kind is ' ', '-', '+' or '…' (skipped unchanged lines)."""
    a = _mask(old, masked).splitlines()
    b = _mask(new, masked).splitlines()
    out: list[tuple[str, str]] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        if out:
            out.append(("…", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend((" ", line) for line in a[i1:i2])
            if tag in ("replace", "delete"):
                out.extend(("-", line) for line in a[i1:i2])
            if tag in ("replace", "insert"):
                out.extend(("+", line) for line in b[j1:j2])
    return out
