"""What the sweep follows: the start host plus --allow-host, include/exclude patterns, and trap bounds."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from .urls import host_of

# calendars and archives that generate endless pages: year/month/day links far from today
_CALENDAR = re.compile(r"(?:^|[/?&=_-])(?:year|yr|y|date|day|month|cal|calendar)=?(\d{4})", re.I)
_DATE_PARAM = re.compile(r"(?:^|&)(?:year|yr|y|month|mon|m|day|d|date|week|cal|calendar)=", re.I)
_DATE_PATH = re.compile(r"/(?:19|20)\d{2}[/-](?:0?[1-9]|1[0-2])(?:[/-](?:0?[1-9]|[12]\d|3[01]))?(?:/|$)")


@dataclass
class Scope:
    start_url: str
    allow_hosts: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_query_params: int = 8
    max_path_segments: int = 16
    max_segment_repeats: int = 2
    max_query_variants: int = 500       # distinct query strings on one path (paged lists fit; traps do not)
    max_calendar_variants: int = 36     # calendar pages per path: three years of months is plenty
    max_url_length: int = 1024
    _variants: Counter = field(default_factory=Counter, repr=False)

    def __post_init__(self):
        self.hosts = {host_of(self.start_url)} | {h.lower().strip() for h in self.allow_hosts if h.strip()}
        self._include = [re.compile(p) for p in self.include]
        self._exclude = [re.compile(p) for p in self.exclude]

    def in_scope(self, url: str) -> bool:
        """The host is ours and the patterns let it through (not yet counting trap bounds)."""
        if host_of(url) not in self.hosts:
            return False
        if self._include and not any(p.search(url) for p in self._include):
            return False
        return not any(p.search(url) for p in self._exclude)

    def trap(self, url: str) -> str | None:
        """Why this URL looks like a crawler trap, or None. Counts query variants as a side effect."""
        if len(url) > self.max_url_length:
            return "网址过长"
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) > self.max_path_segments:
            return "路径层级过深"
        counts = Counter(segments)
        if counts and counts.most_common(1)[0][1] > self.max_segment_repeats:
            return "路径片段重复"
        if parts.query:
            params = parse_qsl(parts.query, keep_blank_values=True)
            if len(params) > self.max_query_params:
                return "查询参数过多"
            for m in _CALENDAR.finditer(parts.query):
                year = int(m.group(1))
                if not 1990 <= year <= 2100:
                    return "日历陷阱"
            calendar = bool(_DATE_PARAM.search(parts.query))
            key = ("cal:" if calendar else "") + parts.path
            self._variants[key] += 1
            if calendar and self._variants[key] > self.max_calendar_variants:
                return "日历陷阱"
            if self._variants[key] > self.max_query_variants:
                return "同一路径的查询串过多"
        elif _DATE_PATH.search(parts.path):
            prefix = parts.path[:_DATE_PATH.search(parts.path).start()]
            self._variants["calpath:" + prefix] += 1
            if self._variants["calpath:" + prefix] > self.max_calendar_variants * 31:
                return "日历陷阱"
        return None
