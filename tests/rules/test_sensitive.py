"""sensitive.word beyond the fixtures: offsets into the original text, settings, list hygiene."""
from __future__ import annotations

from datetime import date

from reviewer.document import Document
from reviewer.engine import Context, Engine
from reviewer.rules.sensitive import SensitiveWord, _lexicon


def _check(text: str, **settings) -> list:
    rule = SensitiveWord(settings or None)
    return list(rule.check(Document(uri="draft:t", kind="text", text=text), Context(today=date(2024, 1, 1))))


def test_offsets_point_into_the_original_text_after_expansions():
    text = "ⅢﬁⅣ 说明：真人百家樂，网 上 赌 场"
    found = _check(text)
    assert [text[f.start:f.end] for f in found] == ["真人百家樂", "网 上 赌 场"]
    assert all(f.text == text[f.start:f.end] for f in found)


def test_each_word_keeps_its_own_severity_and_category_in_the_message():
    found = _check("注册送彩金；同城交友一夜情")
    by_text = {f.text: f for f in found}
    assert by_text["注册送彩金"].severity == "critical"
    assert "赌博" in by_text["注册送彩金"].message
    assert by_text["一夜情"].severity == "major"
    assert "色情" in by_text["一夜情"].message


def test_evasion_is_reported_as_such():
    (f,) = _check("欢迎光临网上*赌场")
    assert "规避" in f.message
    (g,) = _check("欢迎光临网上赌场")
    assert "规避" not in g.message


def test_evasion_can_be_switched_off_and_gaps_are_bounded():
    assert _check("网上*赌场", evasion=False) == []
    assert _check("网上****赌场") == []                    # more than max_gap noise characters
    assert len(_check("网上****赌场", max_gap=4)) == 1


def test_categories_setting_limits_the_lists():
    text = "真人百家乐，这个傻逼"
    assert [f.text for f in _check(text, categories=["vulgar"])] == ["傻逼"]


def test_enforcement_context_is_per_sentence():
    text = "公安机关严厉打击六合彩赌博。六合彩开奖结果请看这里"
    assert [f.text for f in _check(text)] == ["六合彩开奖"]


def test_untagged_spam_forms_fire_even_in_an_enforcement_sentence():
    # 百家乐技巧 is not tagged ctx: no genuine article teaches it
    assert [f.text for f in _check("警方提醒：不要相信所谓百家乐技巧。")] == ["百家乐技巧"]


def test_agency_lists_extend_the_shipped_ones(tmp_path):
    (tmp_path / "sensitive_vulgar.txt").write_text("狗东西 | vulgar,minor\n单 | vulgar,major\nab | vulgar,major\n",
                                                  encoding="utf-8")
    (tmp_path / "sensitive_allow.txt").write_text("傻逼格\n", encoding="utf-8")
    found = _check("你这个狗东西，单，ab，傻逼格", extra_dir=str(tmp_path))
    assert [(f.text, f.severity) for f in found] == [("狗东西", "minor")]


def test_single_characters_and_short_ascii_words_are_refused(tmp_path, caplog):
    (tmp_path / "sensitive_vulgar.txt").write_text("操 | vulgar,major\nsb | vulgar,major\n", encoding="utf-8")
    _lexicon.cache_clear()
    lex = _lexicon(("sensitive_vulgar.txt",), "sensitive_allow.txt", str(tmp_path), "major")
    words = {i.word for items in lex.kinds for i in items if i is not None}
    assert "操" not in words and "sb" not in words
    assert "傻逼" in words


def test_engine_runs_it_by_category_name():
    eng = Engine(only=["sensitive"])
    doc = Document(uri="draft:t", kind="text", text="香港六合彩资料大全")
    (f,) = eng.check(doc, Context())
    assert f.rule == "sensitive.word" and f.category == "sensitive"
    assert f.excerpt and f.fingerprint


def test_samples_have_no_sensitive_findings():
    from pathlib import Path
    eng = Engine(only=["sensitive"])
    for p in sorted(Path("/work/shared/samples").glob("*.txt")) or []:
        doc = Document(uri=str(p), kind="text", text=p.read_text(encoding="utf-8"))
        assert eng.check(doc, Context()) == [], p.name


def test_shipped_settings_match_the_code_defaults():
    from reviewer.resources import load_rule_settings
    shipped = load_rule_settings()["sensitive.word"]
    assert shipped["enforcement_cues"] == SensitiveWord.defaults["enforcement_cues"]
    assert shipped["dictionaries"] == SensitiveWord.defaults["dictionaries"]
