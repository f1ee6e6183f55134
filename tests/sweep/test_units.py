"""Pure pieces of the sweep: URL encoding, scope and traps, the address guard, columns, soft 404s."""
from __future__ import annotations

from datetime import date

from reviewer.crawl import columns
from reviewer.crawl.charset import decode_html
from reviewer.crawl.scope import Scope
from reviewer.crawl.urls import normalize, split_fragment, url_kind
from reviewer.links.classify import is_soft_404
from reviewer.links.collect import collect
from reviewer.links.netguard import AddressPolicy


def test_urls_are_encoded_as_browsers_do():
    # path as UTF-8, query in the page's encoding (GBK here), fragment dropped, default port dropped
    assert normalize("/附件/朱镕基.pdf?q=喆#p2", "HTTP://Example.GOV.cn:80/a/", "gb2312") == \
        "http://example.gov.cn/%E9%99%84%E4%BB%B6/%E6%9C%B1%E9%95%95%E5%9F%BA.pdf?q=%86%B4"
    assert normalize("a%20b.html", "https://x.gov.cn/dir/") == "https://x.gov.cn/dir/a%20b.html"
    assert split_fragment("#top", "http://x.gov.cn/p.html") == ("http://x.gov.cn/p.html", "top")
    for href in ("mailto:a@b.cn", "tel:12345", "javascript:void(0)", "", "ftp://x/"):
        assert normalize(href, "http://x.gov.cn/") is None
    assert url_kind("http://x/a.docx") == "attachment" and url_kind("http://x/a.jpg") == "resource"
    assert url_kind("http://x/a.html", "img") == "resource" and url_kind("http://x/list?id=3") == "page"


def test_scope_and_traps():
    s = Scope("http://www.x.gov.cn/", allow_hosts=("zwgk.x.gov.cn",), exclude=(r"/search",))
    assert s.in_scope("http://www.x.gov.cn/a.html") and s.in_scope("http://zwgk.x.gov.cn/")
    assert not s.in_scope("http://other.gov.cn/") and not s.in_scope("http://www.x.gov.cn/search?q=1")
    assert s.trap("http://www.x.gov.cn/a/b/a/b/a/b/a.html") == "路径片段重复"
    assert s.trap("http://www.x.gov.cn/cal?year=9999") == "日历陷阱"
    assert all(s.trap(f"http://www.x.gov.cn/list?page={i}") is None for i in range(100))
    traps = [s.trap(f"http://www.x.gov.cn/cal?year={2000 + i // 12}&month={i % 12 + 1}") for i in range(60)]
    assert traps[:36] == [None] * 36 and traps[-1] == "日历陷阱"


def test_address_policy():
    p = AddressPolicy()
    assert p.blocked_reason("127.0.0.1") == "本机地址"
    assert p.blocked_reason("192.168.1.1") == "内网地址" and p.blocked_reason("169.254.169.254") == "内网地址"
    assert p.blocked_reason("oa") == "内网主机名" and p.blocked_reason("files.corp") == "内网主机名"
    assert p.blocked_reason("www.gov.cn") is None and p.blocked_reason("8.8.8.8") is None
    assert AddressPolicy(["127.0.0.0/8"]).blocked_reason("127.0.0.1") is None
    assert AddressPolicy(trusted_hosts=["10.1.1.1"]).blocked_reason("10.1.1.1") is None
    assert not AddressPolicy().resolved_allowed("evil.example", ["10.0.0.5"])


def test_charset_detection_and_link_collection():
    html = '<html><head><meta charset="gb2312"><title>朱镕基</title></head><body>' \
           '<a href="/朱镕基.doc">附件</a><a id="x" href="#x">自身</a></body></html>'
    text, enc = decode_html(html.encode("gb18030"), "text/html")
    assert enc == "gb18030" and "朱镕基" in text
    c = collect(text, "http://x.gov.cn/", enc)
    assert c.title == "朱镕基" and "x" in c.ids
    assert c.links[0].url == "http://x.gov.cn/%E6%9C%B1%E9%95%95%E5%9F%BA.doc"
    big5 = '<meta charset="big5"><title>繁體</title>'.encode("big5")
    assert decode_html(big5)[0].endswith("繁體</title>")
    assert decode_html(b"\xef\xbb\xbf<p>\xe4\xb8\xad</p>")[0] == "<p>中</p>"


def test_soft_404_needs_the_words_on_a_short_page():
    assert is_soft_404("<title>页面不存在</title>")
    assert is_soft_404("<html><body><p>对不起，您访问的信息已删除</p></body></html>")
    long_article = "<title>关于清理过期文件的通知</title><p>" + "各单位要把已删除的文件登记备案。" * 100 + "</p>"
    assert not is_soft_404(long_article)


def test_columns():
    from lxml import html as lh
    today = date(2026, 11, 21)
    page = lh.document_fromstring("<title>通知公告_某县</title><ul>" + "".join(
        f"<li><a href='/{i}'>公告{i}</a> 2026-0{i}-01</li>" for i in range(1, 5)) + "</ul>")
    info = columns.analyse(page, "http://x/tzgg/", "通知公告_某县", today)
    assert info == {"name": "通知公告", "newest": "2026-04-01", "items": 4, "empty": False}
    assert columns.column_type("通知公告", {"notice_words": ["通知"], "news_words": ["动态"]}) == "notice"
    assert columns.analyse(page, "http://x/tzgg/index_1.html", None, today) is None     # later page of a list
    article = lh.document_fromstring("<meta name='ArticleTitle' content='x'><ul><li><a>1</a>2026-01-01</li></ul>")
    assert columns.analyse(article, "http://x/a.html", None, today) is None
    empty = lh.document_fromstring("<meta name='ColumnName' content='人事信息'><ul class='list'></ul>")
    assert columns.analyse(empty, "http://x/rsxx/", None, today)["empty"]
    noted = lh.document_fromstring("<meta name='ColumnName' content='人事信息'><ul class='list'></ul><p>本栏目暂无信息</p>")
    assert columns.analyse(noted, "http://x/rsxx/", None, today) is None
