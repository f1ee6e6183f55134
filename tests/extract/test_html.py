"""HTML extraction: decoding, text layout and locators, hidden elements, links, tables, guards."""
from __future__ import annotations

from datetime import date

import pytest

from reviewer.extract import ExtractError, extract
from reviewer.extract.html import extract_html, hidden_by_style, style_rules
from reviewer.extract.limits import MAX_HTML_ELEMENTS

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>开化县 政务公开</title>
<meta name="keywords" content="政务公开,开化"><meta name="description" content="年度工作报告">
<meta name="PubDate" content="2021-04-29 10:00"><meta name="SiteName" content="开化县人民政府">
<meta name="ColumnName" content="政务公开"><meta name="ArticleTitle" content="工作报告">
<style>
  .sp {{ display: none }}
  #x1 {{ position:absolute; left:-9999px }}
  .menu li:hover ul {{ display:none }}
  @media print {{ .nav {{ display:none }} }}
</style>
<script src="/js/a.js"></script><script>var a = 1;</script>
</head><body>
<div class="nav"><a href="/index.html">首页</a> | <a href="list.html">列表</a></div>
<h1>标题</h1><p>第一段 <b>加粗</b>文字。<br>第二行</p>
<div class="sp"><a href="http://spam.example/">澳门赌场</a> 博彩</div>
<p id="x1">偏移<a href="http://x.example/">外链</a></p>
<span style="font-size:0px">隐藏字</span>正常
<table><tr><th>姓名</th><th>电话</th></tr><tr><td>张三</td><td> 13800000000 </td></tr></table>
<a href="a.html"><img src="i.png" alt="图片"></a>
<iframe src="http://evil.example/" width="0" height="0"></iframe>
<iframe src="/embed/map.html" width="600" height="400"></iframe>
</body></html>
"""


def _doc(charset="utf-8", encoding="utf-8", base_url="http://gov.example/a/b.html", **kw):
    data = PAGE.format(charset=charset).encode(encoding)
    return extract(data, "page.html", base_url=base_url, **kw)


def _part(doc, needle):
    return doc.part_at(doc.text.index(needle))


def test_layout_and_locators():
    doc = _doc()
    assert doc.kind == "html"
    assert doc.title == "开化县 政务公开"
    assert doc.text.startswith("开化县 政务公开\n政务公开,开化\n年度工作报告\n")
    assert _part(doc, "开化县") == "title"
    assert _part(doc, "年度工作报告") == "meta"
    assert _part(doc, "第一段") == "body"
    assert "第一段 加粗文字。\n第二行" in doc.text       # inline text joined, <br> and blocks break lines
    assert _part(doc, "澳门赌场") == "hidden"
    assert _part(doc, "隐藏字") == "hidden"
    assert _part(doc, "偏移") == "hidden"
    # scripts and styles are never text
    assert "var a" not in doc.text and "display" not in doc.text
    # the print-only rule does not hide the navigation
    assert _part(doc, "首页") == "body"


def test_meta_and_published():
    doc = _doc()
    assert doc.meta["keywords"] == "政务公开,开化"
    assert doc.meta["description"] == "年度工作报告"
    assert doc.meta["SiteName"] == "开化县人民政府"
    assert doc.meta["ColumnName"] == "政务公开"
    assert doc.meta["ArticleTitle"] == "工作报告"
    assert doc.published == date(2021, 4, 29)


def test_published_from_text_label():
    html = "<html><body><p>来源：本站 发布时间：2022年3月7日</p><p>正文</p></body></html>"
    assert extract_html(html.encode(), "x.html").published == date(2022, 3, 7)


def test_links_absolute_with_spans_and_hidden_flags():
    doc = _doc()
    by_href = {link.href: link for link in doc.links}
    home = by_href["http://gov.example/index.html"]
    assert (home.tag, home.text, home.hidden) == ("a", "首页", False)
    assert doc.text[home.start:home.end] == "首页"
    assert by_href["http://gov.example/a/list.html"].text == "列表"
    spam = by_href["http://spam.example/"]
    assert spam.hidden and "display:none" in spam.hidden_reason and ".sp" in spam.hidden_reason
    assert doc.text[spam.start:spam.end] == "澳门赌场"
    off = by_href["http://x.example/"]
    assert off.hidden and off.hidden_reason.startswith("off-screen")
    img_link = by_href["http://gov.example/a/a.html"]
    assert img_link.text == "图片" and img_link.start is None          # image-only anchor: the alt
    assert by_href["http://gov.example/a/i.png"].tag == "img"
    assert by_href["http://gov.example/js/a.js"].tag == "script"


def test_links_kept_as_written_without_base():
    doc = _doc(base_url=None)
    hrefs = {link.href for link in doc.links}
    assert "/index.html" in hrefs and "list.html" in hrefs


def test_base_href_wins():
    html = '<html><head><base href="http://other.example/dir/"></head><body><a href="x.html">x</a></body></html>'
    doc = extract_html(html.encode(), "p.html", base_url="http://gov.example/")
    assert doc.links[0].href == "http://other.example/dir/x.html"


def test_scripts_and_iframes():
    doc = _doc()
    assert "http://gov.example/js/a.js" in doc.scripts
    assert any("var a = 1;" in s for s in doc.scripts)
    iframes = {f.href: f for f in doc.iframes}
    assert iframes["http://evil.example/"].hidden and iframes["http://evil.example/"].hidden_reason == "zero-size"
    assert not iframes["http://gov.example/embed/map.html"].hidden
    assert any(link.tag == "iframe" for link in doc.links)


def test_tables_are_cell_spans():
    doc = _doc()
    (table,) = doc.tables
    cells = [[doc.text[s:e] for s, e in row] for row in table.rows]
    assert cells == [["姓名", "电话"], ["张三", "13800000000"]]
    assert "张三\t13800000000" in doc.text


@pytest.mark.parametrize("charset,encoding", [("gb2312", "gbk"), ("gbk", "gb18030"), ("utf-8", "utf-8")])
def test_decoding_by_meta_charset(charset, encoding):
    doc = _doc(charset=charset, encoding=encoding)
    assert doc.title == "开化县 政务公开"
    assert len(doc.links) >= 8


def test_big5_page():
    import opencc
    page = opencc.OpenCC("s2t").convert(PAGE.format(charset="big5"))
    doc = extract(page.encode("big5"), "p.html", base_url="http://gov.example/")
    assert doc.encoding == "big5hkscs"
    assert doc.title == "開化縣 政務公開"
    assert len(doc.links) >= 8


def test_header_charset_and_gbk_only_characters():
    # 镕 and 喆 are outside GB2312: a page labelled gb2312 is read as GB18030 so they survive
    html = '<html><head><meta charset="gb2312"></head><body><a href="/附件/朱镕基.doc">朱镕基 喆</a></body></html>'
    doc = extract(html.encode("gb18030"), "p.html", "text/html; charset=GBK")
    assert doc.encoding == "gb18030"
    assert doc.links[0].text == "朱镕基 喆"


def test_detection_without_declaration():
    html = "<html><body><p>关于进一步做好政务公开工作的通知，各县市区人民政府。</p></body></html>"
    assert "政务公开" in extract(html.encode("gbk"), "p.html").text
    trad = "<html><body><p>關於進一步做好政務公開工作的通知，各縣市區人民政府與部門。</p></body></html>"
    doc = extract(trad.encode("big5"), "p.html")
    assert "政務公開" in doc.text and doc.encoding == "big5hkscs"


def test_utf8_bom_beats_wrong_declaration():
    html = '<html><head><meta charset="gbk"><title>政务公开</title></head><body>正文</body></html>'
    doc = extract(b"\xef\xbb\xbf" + html.encode("utf-8"), "p.html")
    assert doc.title == "政务公开"


@pytest.mark.parametrize("style,reason", [
    ("display:none", "display:none"),
    ("DISPLAY: NONE !important", "display:none"),
    ("visibility:hidden", "visibility:hidden"),
    ("font-size:0", "font-size:0"),
    ("font-size: 0px; color:#fff", "font-size:0"),
    ("position:absolute;left:-9999px", "off-screen"),
    ("position:absolute; top:-1000px", "off-screen"),
    ("text-indent:-9999em", "off-screen"),
    ("width:0;height:0", "zero-size"),
    ("height:0px;overflow:hidden", "zero-size"),
    ("opacity:0", "opacity:0"),
])
def test_hidden_styles(style, reason):
    assert hidden_by_style(style).startswith(reason)


@pytest.mark.parametrize("style", [
    "", "text-indent:2em", "font-family:宋体;font-size:16px", "margin-left:-10px", "height:0",
    "width:100%;height:auto", "display:block", "position:absolute;left:10px",
])
def test_visible_styles(style):
    assert hidden_by_style(style) is None


def test_style_rules_selectors():
    rules = style_rules([".a{display:none} div#b , .c .d { visibility:hidden } .e:hover{display:none}"
                         "@media print{.f{display:none}} @media screen and (max-width:600px){.g{display:none}}"
                         "/* .h{display:none} */ .i{color:red}"])
    assert {".a", "#b", ".d", ".g"} <= set(rules)
    assert not {".c", ".e", ".f", ".h", ".i"} & set(rules)


def test_hidden_by_ancestor_and_input_hidden():
    html = ('<html><body><div style="display:none"><p><span><a href="http://a.example/">深</a></span></p></div>'
            '<div class="x y"><a href="http://b.example/">可见</a></div></body></html>')
    doc = extract_html(html.encode(), "p.html")
    a, b = doc.links
    assert a.hidden and a.hidden_reason == "display:none"
    assert not b.hidden
    assert doc.part_at(b.start) == "body"


def test_hidden_segments_separate_per_element():
    html = ('<html><body><p>正文一</p><div style="display:none">垃圾甲</div><p>正文二</p>'
            '<div style="display:none">垃圾乙</div></body></html>')
    doc = extract_html(html.encode(), "p.html")
    assert doc.text == "正文一\n正文二\n垃圾甲\n垃圾乙"
    assert [s.part for s in doc.segments] == ["body", "hidden", "hidden"]


def test_meta_refresh_is_a_link():
    html = '<html><head><meta http-equiv="refresh" content="0; url=http://spam.example/"></head><body>x</body></html>'
    doc = extract_html(html.encode(), "p.html")
    assert [(link.href, link.tag) for link in doc.links] == [("http://spam.example/", "meta-refresh")]


def test_whitespace_collapsed_and_entities():
    html = "<html><body><p>  a \n\t b&nbsp;c &amp; d </p><p>\n</p><div>e<br><br>f</div></body></html>"
    doc = extract_html(html.encode(), "p.html")
    assert doc.text == "a b\xa0c & d\ne\nf"


def test_raw_and_encoding_kept():
    data = PAGE.format(charset="gbk").encode("gbk")
    doc = extract(data, "p.html")
    assert doc.raw.startswith("<!DOCTYPE html>") and "开化县" in doc.raw
    assert doc.encoding == "gb18030"


# ---------------------------------------------------------------------------- guards

def test_deep_nesting_is_a_problem_not_a_crash():
    html = ("<html><body><p>前言</p>" + "<div>" * 100_000 + "深" + "</div>" * 100_000 + "</body></html>").encode()
    doc = extract_html(html, "bomb.html")
    assert "前言" in doc.text
    assert any("嵌套" in p for p in doc.problems)


def test_too_many_elements_rejected():
    html = ("<html><body>" + "<b>" * (4 * MAX_HTML_ELEMENTS + 10)).encode()
    with pytest.raises(ExtractError, match="元素过多"):
        extract_html(html, "bomb.html")


def test_control_characters_and_xml_declaration():
    html = '<?xml version="1.0" encoding="utf-8"?><html><body>a\x00b\x01c</body></html>'.encode()
    assert extract_html(html, "p.html").text == "abc"


def test_empty_markup():
    doc = extract_html(b"<!-- nothing -->", "p.html")
    assert doc.text == "" and doc.problems


def test_string_input_is_accepted():
    doc = extract_html("<html><body><p>正文</p></body></html>", "p.html")
    assert doc.text == "正文"


def test_touching_anchors_read_as_separate_words():
    html = '<html><body><a href="/1">首页</a><a href="/2">政务公开</a>。<a href="/3">详见</a>附件</body></html>'
    doc = extract_html(html.encode(), "p.html")
    assert doc.text == "首页 政务公开。详见附件"
    assert [doc.text[link.start:link.end] for link in doc.links] == ["首页", "政务公开", "详见"]


def test_whole_page_hidden_by_anti_flicker_style_is_not_hidden():
    html = '<html><body style="display:none"><a href="http://x.example/">链接</a></body></html>'
    doc = extract_html(html.encode(), "p.html")
    assert not doc.links[0].hidden and doc.part_at(0) == "body"


def test_nested_tables_and_form_controls():
    html = ("<html><body><table><tr><td>外<table><tr><td>内1</td><td>内2</td></tr></table></td>"
            "<td>外2</td></tr></table><select><option>选项一</option><option>选项二</option></select></body></html>")
    doc = extract_html(html.encode(), "p.html")
    outer, inner = doc.tables
    assert [[doc.text[s:e] for s, e in row] for row in inner.rows] == [["内1", "内2"]]
    assert doc.text[slice(*outer.rows[0][1])] == "外2"
    assert "选项一\n选项二" in doc.text


def test_frames_and_noscript_links():
    html = ('<html><frameset><frame src="/top.html"><frame src="http://x.example/"></frameset>'
            '<noscript><a href="http://y.example/">y</a></noscript></html>')
    doc = extract_html(html.encode(), "p.html", base_url="http://gov.example/")
    tags = [(link.tag, link.href) for link in doc.links]
    assert ("frame", "http://gov.example/top.html") in tags and ("frame", "http://x.example/") in tags
    assert [f.href for f in doc.iframes] == ["http://gov.example/top.html", "http://x.example/"]


@pytest.mark.parametrize("head", ['<meta charset="gb2312">', ""])
def test_latin1_server_default_does_not_garble_chinese(head):
    html = (f"<html><head>{head}<title>政务公开</title></head>"
            "<body>关于做好政务公开工作的通知，各县市区人民政府。</body></html>")
    doc = extract(html.encode("gbk"), "p.html", "text/html; charset=ISO-8859-1")
    assert doc.title == "政务公开" and doc.encoding == "gb18030"


def test_latin1_page_stays_latin1():
    doc = extract("<html><body>Café résumé</body></html>".encode("latin-1"), "p.html",
                  "text/html; charset=ISO-8859-1")
    assert doc.text == "Café résumé"


def test_damaged_gbk_page_keeps_its_declared_charset():
    html = ('<html><head><meta charset="gbk"><title>政务公开</title></head><body>'
            + "关于做好政务公开工作的通知。" * 3 + "</body></html>").encode("gbk")
    damaged = html[:150] + b"\x80\xff\x80\xff\x80\xff\x80\xff" + html[150:]
    doc = extract(damaged, "p.html")
    assert doc.encoding == "gb18030" and doc.title == "政务公开"
    assert doc.problems


def test_style_rules_follow_the_cascade_for_tabs():
    head = ("<style>.tab-pane{display:none} .tab-pane.active{display:block} .box.off{display:none}</style>")
    html = (f"<html><head>{head}</head><body>"
            '<div class="tab-pane active"><a href="http://a.example/">当前页签</a></div>'
            '<div class="tab-pane"><a href="http://b.example/">其他页签</a></div>'
            '<div class="box"><a href="http://c.example/">盒子</a></div>'
            '<div class="box off"><a href="http://d.example/">关闭</a></div></body></html>')
    doc = extract_html(html.encode(), "p.html")
    assert [(link.text, link.hidden) for link in doc.links] == [
        ("当前页签", False), ("其他页签", True), ("盒子", False), ("关闭", True)]
