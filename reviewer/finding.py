"""The Finding contract (DESIGN.md): every field, wherever a finding goes."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass

from .masking import mask_all

SEVERITIES = ("critical", "major", "minor", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(reversed(SEVERITIES))}   # info 0 ... critical 3
CATEGORIES = ("link", "typo", "sensitive", "privacy", "secrecy", "tampering", "format", "site")
CATEGORY_LABELS = {
    "link": "链接", "typo": "错别字", "sensitive": "敏感词", "privacy": "个人信息",
    "secrecy": "涉密标识", "tampering": "篡改挂马", "format": "格式", "site": "网站栏目",
}
SEVERITY_LABELS = {"critical": "严重", "major": "重要", "minor": "一般", "info": "提示"}

EXCERPT_RADIUS = 20
CONTEXT_RADIUS = 8
_SPACE = re.compile(r"\s+")


def at_least(severity: str, threshold: str) -> bool:
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


def normalize_for_fingerprint(s: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", s)).lower()


def fingerprint(rule: str, uri: str, text: str, context: str = "") -> str:
    """Stable across runs: the same problem found again tomorrow keeps its fingerprint."""
    key = "\x1f".join((rule, uri, normalize_for_fingerprint(text), normalize_for_fingerprint(context)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def excerpt_of(text: str, start: int | None, end: int | None, radius: int = EXCERPT_RADIUS) -> str:
    if start is None or end is None:
        return ""
    a, b = max(0, start - radius), min(len(text), end + radius)
    return ("…" if a > 0 else "") + _SPACE.sub(" ", text[a:b]) + ("…" if b < len(text) else "")


@dataclass(slots=True)
class Finding:
    rule: str
    category: str
    severity: str
    uri: str
    part: str
    start: int | None
    end: int | None
    text: str
    excerpt: str
    message: str
    suggestion: str | None
    fingerprint: str

    def to_dict(self) -> dict:
        return asdict(self)

    def masked(self) -> "Finding":
        """A copy safe for logs and exports: every personal number in it masked."""
        d = self.to_dict()
        for key in ("text", "excerpt", "suggestion"):
            if d[key]:
                d[key] = mask_all(d[key])
        return Finding(**d)
