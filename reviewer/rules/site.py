"""site: unreachable start page, stale columns (栏目不更新) and empty columns (空白栏目).

They judge a whole site, so `reviewer sweep` computes them (reviewer.crawl.sweep, columns.py);
the classes register ids, severities and documentation and carry the thresholds of rules/site.toml.
"""
from __future__ import annotations

from ..engine import Rule, register


class _SiteRule(Rule):
    io = True

    def check(self, doc, ctx):
        return ()


@register
class Unreachable(_SiteRule):
    """站点无法访问：巡检起始页（首页）打不开，或打开过慢（预警）。

    Why: 站点无法访问 is a veto item (单项否决) of the 2019 national indicators.
    Example: the home page answers 502, or times out after retries.
    """
    id = "site.unreachable"
    category = "site"
    severity = "critical"
    message = "网站首页无法访问"
    defaults = {"slow_seconds": 15.0, "slow_severity": "minor"}


@register
class ColumnStale(_SiteRule):
    """栏目不更新：栏目最新一条信息超过期限（动态要闻 2 周、通知公告和政策文件 6 个月、其他 1 年），临近期限先预警。

    Why: columns not updated in time are a veto item of the national indicators (≥ 5 such columns),
    and the home page must show new information every 2 weeks.
    Example: 「工作动态」 whose newest item is dated 20 days ago.
    """
    id = "site.column-stale"
    category = "site"
    severity = "major"
    message = "栏目长期未更新"
    defaults = {
        "news_days": 14, "news_warn_days": 10,
        "notice_days": 183, "notice_warn_days": 150,
        "other_days": 365, "other_warn_days": 330,
        "warn_severity": "minor",
        "news_words": ["新闻", "动态", "要闻", "资讯", "快讯", "头条", "首页"],
        "notice_words": ["通知", "公告", "公示", "政策", "文件", "法规", "规章", "解读"],
    }


@register
class ColumnEmpty(_SiteRule):
    """空白栏目：栏目页没有任何信息，也没有说明原因；达到上限数量时整站告警。

    Why: ≥ 5 empty columns is a veto item; a column with nothing to publish must say so on the page.
    Example: 「人事信息」 whose list is empty and which carries no 暂无信息 note.
    """
    id = "site.column-empty"
    category = "site"
    severity = "major"
    message = "空白栏目：栏目没有任何信息，也没有说明"
    defaults = {"warn_severity": "minor", "site_limit": 5}
