"""tampering.cloaking: a page that shows search crawlers something other than what people see.

The comparison needs the site, so `reviewer sweep` performs it (reviewer.crawl.cloaking); the class
registers the id, severity and documentation and carries the settings of rules/tampering.toml.
"""
from __future__ import annotations

from ..engine import Rule, register


@register
class Cloaking(Rule):
    """对搜索引擎“另开一面”：页面对搜索引擎爬虫显示赌博色情内容、另一个标题，或把爬虫转到别的网站，普通访问者却看不到。

    Why: hacked portals serve gambling titles and text only to search crawlers (judged by the
    User-Agent), so the site ranks for them while officers who open the page see nothing wrong;
    the inspection finds them through the search engine. Only fetching the page as a crawler shows it.
    Example: 首页 whose title reads 「澳门新葡京_百家乐在线开户」 for Baiduspider and 「某某县人民政府」 for browsers.
    """
    id = "tampering.cloaking"
    category = "tampering"
    severity = "critical"
    message = "页面对搜索引擎爬虫显示的内容与普通访问者不同"
    io = True
    defaults = {
        "pages": 20,
        "title_severity": "major",
        "spider_user_agent": "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    }

    def check(self, doc, ctx):
        return ()
