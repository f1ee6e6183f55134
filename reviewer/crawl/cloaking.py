"""Cloaking: what a search crawler is shown, against what a person is shown.

The sweep fetches its first pages (the start page, the columns, the newest articles: the crawl is
breadth first) a second time with a search crawler's User-Agent, runs the content rules on that
copy too, and compares what a hacker changes: the title, tampering findings present only in the
crawler's copy, and a redirect of the crawler to another site. The body text itself is never
compared: two fetches of a page differ for innocent reasons (visit counters, the time, a random
list of recommended articles), and an officer must not chase those.
"""
from __future__ import annotations

from ..finding import Finding, fingerprint

_WS = str.maketrans("", "", " \t\r\n\u3000\xa0")


def _norm(title: str | None) -> str:
    return (title or "").translate(_WS)


def compare(rule, uri: str, seen_title: str | None, seen: list[Finding], spider_title: str | None,
            spider: list[Finding], spider_host: str | None = None) -> Finding | None:
    """One finding for the page, or None when the crawler is shown what people see."""
    known = {(f.rule, f.text) for f in seen if f.category == "tampering"}
    extra = [f for f in spider if f.category == "tampering" and (f.rule, f.text) not in known]
    retitled = bool(_norm(spider_title)) and _norm(spider_title) != _norm(seen_title)
    if not extra and not retitled and not spider_host:
        return None
    shown = f"爬虫看到的标题：{spider_title or '（无）'}；访问者看到的标题：{seen_title or '（无）'}"
    if spider_host:
        severity, part, text = rule.level, "meta", spider_host
        message = f"搜索引擎爬虫打开此页时被转到其他网站（{spider_host}），普通访问者不会：疑似被黑客篡改"
    elif extra:
        severity, part = rule.level, "body"
        words = list(dict.fromkeys(f.text for f in extra))
        text = words[0]
        message = (f"只有搜索引擎爬虫能看到的违规内容（{'、'.join(words[:5])}）：页面疑似被黑客篡改，"
                   "普通访问者和审核人员打开时看不到")
    else:
        severity, part, text = rule.settings.get("title_severity", "major"), "title", spider_title or ""
        message = f"页面标题对搜索引擎爬虫与普通访问者不同：爬虫看到“{spider_title}”，访问者看到“{seen_title or ''}”"
    return Finding(rule=rule.id, category="tampering", severity=severity, uri=uri, part=part, start=None,
                   end=None, text=text, excerpt=shown, message=message,
                   suggestion="检查服务器配置、伪静态规则和程序文件中按 User-Agent 或来源区别对待的代码，清除后重新巡检",
                   fingerprint=fingerprint(rule.id, uri, "cloaking"))
