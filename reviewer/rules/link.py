"""link: dead, blocked, soft-404, internal-address, insecure and fragment links.

These rules do I/O, so their work is done by the shared link checker (reviewer.links) during
`reviewer sweep` and, for drafts, by reviewer.links.check.check_document_links; the classes here
register the ids, severities, messages and documentation, and hold the settings from rules/link.toml.
"""
from __future__ import annotations

from ..engine import Rule, register


class _IORule(Rule):
    io = True

    def check(self, doc, ctx):       # the link checker produces these findings, not a text pass
        return ()


@register
class Dead(_IORule):
    """失效链接：404/410、域名无法解析、连接被拒绝、重试后仍超时、持续 5xx、重定向循环或重定向到失效页面。

    Why: the national inspection counts every unusable link (pages, attachments, images, external
    sites) against the page that carries it; wrong links are among the most cited problems.
    Example: 「关于印发……的通知（附件）」 links to /uploads/2019/朱镕基.pdf, which answers 404.
    """
    id = "link.dead"
    category = "link"
    severity = "major"
    message = "链接无法访问"


@register
class Blocked(_IORule):
    """链接被拒绝访问（持续 401/403/429）：状态未知，需人工核实，不算失效。

    Why: anti-bot rules and rate limits answer a checker with 403 or 429 while people get the page;
    calling those links dead is the top false alarm of every link checker.
    Example: a link to a provincial portal that answers 403 to every robot.
    """
    id = "link.blocked"
    category = "link"
    severity = "info"
    message = "链接拒绝自动检查访问，状态未知，请人工打开核实"


@register
class Soft404(_IORule):
    """软 404：链接返回 200，但页面标题或正文说“页面不存在/已删除”。

    Why: many portal CMSs answer deleted articles with a normal page saying 信息已删除; no link
    checker reports them, yet for a reader the link is dead.
    Example: /art/2018/3/5/art_1_123.html answers 200 with 「您访问的页面不存在」.
    """
    id = "link.soft-404"
    category = "link"
    severity = "major"
    message = "链接指向的页面提示“不存在或已删除”（软 404）"


@register
class InternalAddress(_IORule):
    """链接指向内网或本机地址（私有 IP、127.0.0.1、内网主机名），公众无法访问；此类地址不会被访问。

    Why: links into an intranet (OA systems, 192.168.x.x file servers) are unusable from outside and
    reveal internal infrastructure; fetching them from the service would be a server-side request forgery.
    Example: 「下载附件」 pointing to http://192.168.1.20/oa/file.doc.
    """
    id = "link.internal-address"
    category = "link"
    severity = "major"
    message = "链接指向内网或本机地址，公众无法访问"


@register
class Insecure(_IORule):
    """HTTPS 页面引用 HTTP 资源（图片、脚本、样式、内嵌框架），浏览器会拦截或警告。

    Why: mixed content breaks pages in current browsers and weakens the site's HTTPS.
    Example: an https:// article embedding <img src="http://www.example.gov.cn/pic.jpg">.
    """
    id = "link.insecure"
    category = "link"
    severity = "minor"
    message = "HTTPS 页面引用了 HTTP 资源（混合内容）"


@register
class Fragment(_IORule):
    """页内锚点不存在：href="#xxx" 指向本页不存在的 id 或 name。

    Why: a table of contents whose entries jump nowhere is a broken link for the reader.
    Example: 「返回目录」 with href="#mulu" on a page that has no element with id="mulu".
    """
    id = "link.fragment"
    category = "link"
    severity = "minor"
    message = "页内锚点不存在"
