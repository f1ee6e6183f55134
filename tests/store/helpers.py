"""Builders for store tests: real documents checked by the real engine, plus hand-made findings."""
from __future__ import annotations

from reviewer.document import Document
from reviewer.finding import Finding, excerpt_of, fingerprint

# a valid 18-digit ID (checksum X) and a mobile number, as a draft would carry them
ID_NUMBER = "11010519491231002X"
MOBILE = "13812345678"


def doc(text: str, uri: str = "draft:test", title: str = "测试文稿") -> Document:
    return Document(uri=uri, kind="text", text=text, title=title)


def finding(d: Document, needle: str, rule: str = "privacy.id-card", category: str = "privacy",
            severity: str = "critical", occurrence: int = 0) -> Finding:
    """A finding on the `occurrence`-th `needle` in d.text, built like Rule.finding does."""
    start = -1
    for _ in range(occurrence + 1):
        start = d.text.index(needle, start + 1)
    end = start + len(needle)
    context = d.text[max(0, start - 8):start] + "\x1e" + d.text[end:end + 8]
    return Finding(rule=rule, category=category, severity=severity, uri=d.uri, part="body", start=start, end=end,
                   text=needle, excerpt=excerpt_of(d.text, start, end), message="测试问题", suggestion=None,
                   fingerprint=fingerprint(rule, d.uri, needle, context))
