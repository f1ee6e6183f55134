"""Verdicts on link targets and the words that give a soft 404 away."""
from __future__ import annotations

import re
from dataclasses import dataclass

OK, DEAD, BLOCKED, SOFT404, INTERNAL, SKIPPED = "ok", "dead", "blocked", "soft404", "internal", "skipped"
SOFT404_DETAIL = "页面提示不存在或已删除"

# statuses that say "you may not" or "slow down", not "gone": unknown, re-checked, never called dead
BLOCKED_STATUSES = frozenset({401, 403, 407, 429, 451, 999})
DEAD_STATUSES = frozenset({404, 410})
REDIRECTS = frozenset({301, 302, 303, 307, 308})

_SOFT404 = re.compile(
    r"页面不存在|网页不存在|页面未找到|找不到(?:该|您要访问的|您所访问的)?页面|页面已(?:被)?删除|信息已(?:被)?删除|"
    r"(?:文章|信息|内容|稿件|栏目|文档|新闻)(?:已被删除|已删除|不存在|已撤销|已下线)|已删除或不存在|已被删除|"
    r"页面(?:已)?失效|该页面(?:已)?(?:过期|失效)|您访问的(?:页面|信息|内容)(?:不存在|已删除)|"
    r"404\s*not\s*found|page\s+not\s+found|not\s+found|頁面不存在|網頁不存在|找不到網頁|已刪除")
# every pattern above contains one of these: a cheap test before the regex on each page
_SOFT404_HINTS = ("不存在", "删除", "刪除", "找不到", "未找到", "失效", "撤销", "下线", "过期", "found", "FOUND", "Found")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>|&nbsp;|\s+", re.I | re.S)


def is_soft_404(html: str) -> bool:
    """A 200 answer whose title, or whose short body, says the page does not exist."""
    head = html[:8192].lower()
    i = head.find("<title")
    if i >= 0:
        j = head.find(">", i)
        k = head.find("</title", j)
        if j >= 0 and k >= 0 and _SOFT404.search(html[j + 1:k]):
            return True
    if len(html) > 24000 or not any(w in html for w in _SOFT404_HINTS):
        return False        # error pages are small; an article that mentions 已删除 is long
    body = _TAGS.sub(" ", html).strip()
    return len(body) < 600 and bool(_SOFT404.search(body))


@dataclass(slots=True)
class LinkResult:
    url: str
    verdict: str                 # ok, dead, blocked, soft404, internal, skipped
    status: int | None = None
    detail: str = ""             # Chinese reason: "HTTP 404", "连接被拒绝", "重定向循环" ...
    final_url: str | None = None
    cached: bool = False


def verdict_for_status(status: int) -> str:
    if status < 400 or status == 416:        # 416: our Range probe on an empty file, it exists
        return OK
    if status in BLOCKED_STATUSES:
        return BLOCKED
    return DEAD
