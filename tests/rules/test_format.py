"""format: behaviour beyond the one-rule fixtures — numerals, paragraphs, offsets, real documents."""
from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.document import Document
from reviewer.engine import Context, Engine
from reviewer.extract import extract
from reviewer.rules.format import _cn_number

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path("/work/shared/samples") if Path("/work/shared/samples").is_dir() else ROOT / "demo" / "drafts"


def run(rule: str, text: str):
    doc = Document("draft:x", "text", text=text)
    found = [f for f in Engine(only=[rule]).check(doc, Context()) if f.rule == rule]
    for f in found:
        assert text[f.start:f.end] == f.text
    return found


@pytest.mark.parametrize("s,n", [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十九", 29), ("三十一", 31),
                                 ("九", 9), ("十〇", None), ("一二", None), ("二十十", None), ("廿", None)])
def test_chinese_numerals(s, n):
    assert _cn_number(s) == n


def test_leap_years_follow_the_gregorian_rule():
    assert run("format.invalid-date", "1900年2月29日") and run("format.invalid-date", "2100年2月29日")
    assert not run("format.invalid-date", "2000年2月29日") and not run("format.invalid-date", "2028年2月29日")


def test_invalid_date_span_and_message():
    text = "关于召开会议的通知\n会议定于2023年9月31日在县政府三楼会议室召开。"
    (f,) = run("format.invalid-date", text)
    assert f.text == "2023年9月31日" and "9月没有31日" in f.message and f.severity == "major"


def test_dates_inside_longer_numbers_are_not_dates():
    assert run("format.invalid-date", "编号112月5日；序号20231月32日") == []


def test_multi_paragraph_quotation_is_balanced_but_a_lost_close_is_not():
    ok = "他指出：\n“第一，要提高认识。\n“第二，要压实责任。\n“第三，要狠抓落实。”"
    assert run("format.unbalanced-pair", ok) == []
    bad = "他指出：“第一，要提高认识。\n\n下一步，我们将持续推进。\n\n二是压实责任。\n\n三是狠抓落实。\n\n四是加强督查。\n\n五是总结经验。\n\n六是健全机制。"
    (f,) = run("format.unbalanced-pair", bad)
    assert f.text == "“" and f.start == 4


def test_quote_closed_in_a_later_sentence_line_is_balanced():
    text = "将第一条修改为：“为了规范政府信息公开工作，\n保障公民依法获取政府信息，制定本条例。”"
    assert run("format.unbalanced-pair", text) == []


def test_unopened_bracket_after_a_decimal_is_reported_not_taken_for_a_list_marker():
    (f,) = run("format.unbalanced-pair", "全市细颗粒物浓度为2.5）微克每立方米。")
    assert f.text == "）"


def test_doubled_punctuation_in_a_run():
    (f,) = run("format.doubled-punctuation", "认真组织实施，，，确保取得实效。")
    assert f.text == "，，，" and f.suggestion == "，"


def test_html_title_and_body_are_separate_paragraphs():
    page = "<html><head><title>关于《政府信息公开条例》的解读</title></head><body><p>《条例》第一条规定。</p></body></html>"
    doc = extract(page.encode(), "draft:t.html", "text/html; charset=utf-8")
    assert [f for f in Engine(only=["format"]).check(doc, Context())] == []


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_samples_raise_nothing_above_minor(path):
    doc = extract(path.read_bytes(), str(path))
    found = Engine(only=["format"]).check(doc, Context())
    assert [f for f in found if f.severity in ("critical", "major")] == []
    # what remains are real slips of the published pages: a quotation left open (开化) and brackets
    # lost with the pinyin glosses of a broken conversion (平顶山)
    assert all(f.rule == "format.unbalanced-pair" for f in found)


def test_kaihua_sample_missing_closing_quote_is_found():
    path = SAMPLES / "kaihua-county-2021.txt"
    if not path.exists():
        pytest.skip("sample not available")
    doc = extract(path.read_bytes(), str(path))
    found = run_doc(doc)
    assert any(f.text == "“" and "明确“3 个工作日" in f.excerpt for f in found)


def run_doc(doc):
    return [f for f in Engine(only=["format.unbalanced-pair"]).check(doc, Context())]


def test_corner_brackets_and_document_number_brackets():
    assert run("format.unbalanced-pair", "「第一段。\n「第二段。」") == []
    (f,) = run("format.unbalanced-pair", "依据开政办〔2023]12号文件执行。")
    assert f.text == "〔"


def test_inline_numbered_items_without_opening_brackets():
    assert run("format.unbalanced-pair", "服务方式：1）主动而非被动2）全过程而非仅仅销售完成3)专业服务。") == []
    (f,) = run("format.unbalanced-pair", "排放标准为PM2.5)以下。")
    assert f.text == ")"
