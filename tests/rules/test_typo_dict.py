"""typo dictionary layer beyond the fixtures: jieba boundaries, respelling, dates, shared scan."""
from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import pytest

from reviewer.document import Document
from reviewer.engine import Context, Engine
from reviewer.rules.typo import _SEGMENTER, OfficialExpression, respell, sounds_alike
from reviewer.textnorm import normalize

CORPUS = Path("/work/shared/data/corpus/gov_docs.txt")
SAMPLES = Path("/work/shared/samples")


def _run(rule_id: str, text: str, **doc_kw) -> list:
    doc = Document(uri="draft:t", kind="text", text=text, **doc_kw)
    return [f for f in Engine(only=[rule_id]).check(doc, Context(today=date(2024, 1, 1))) if f.rule == rule_id]


def _sentences() -> list[str]:
    base = ["我们原因该如何处理", "他们既使用了这个方法", "请按装机要求操作", "统一部暑工作", "要再接再励",
            "全县共完成侯选人登记", "全部暑假安排", "发布署名文章", "以德报怨"]
    if CORPUS.exists():
        rng = random.Random(3)
        runs = re.findall(r"[\u4e00-\u9fd5]{6,30}", CORPUS.read_text(encoding="utf-8")[:400_000])
        base += rng.sample(runs, 200)
    return base


def test_window_segmentation_agrees_with_jieba():
    jieba = pytest.importorskip("jieba")
    for s in _sentences():
        expected, pos = {0}, 0
        for tok in jieba.lcut(s, HMM=False):
            pos += len(tok)
            expected.add(pos)
        freq = _SEGMENTER.words_for(set(s))
        assert _SEGMENTER.boundaries(s, freq) == expected, s


def test_alignment_rejects_a_wrong_form_inside_a_longer_word():
    text = "分析原因该如何应对，我们因该重视"
    spans = [(m.start(), m.end(), "应该") for m in re.finditer("因该", text)]
    assert _SEGMENTER.confirm(text, spans) == [False, True]


def test_a_wrong_form_jieba_glues_to_its_neighbour_is_confirmed_by_the_correction():
    text = "今年的工作部暑已经完成"                  # jieba: 工作部/暑; corrected: 工作/部署
    assert _SEGMENTER.confirm(text, [(5, 7, "部署")]) == [True]


def test_respell_keeps_the_source_script_and_punctuation():
    assert respell("再接再励", "再接再励", "再接再厉") == "再接再厉"
    assert respell("再接再勵", "再接再励", "再接再厉") == "再接再厲"
    assert respell("不忘初心，牢记使名", "不忘初心，牢记使名", "不忘初心、牢记使命") == "不忘初心，牢记使命"
    assert respell("國土資源局", "国土资源局", "自然资源局") == "自然資源局"


def test_sounds_alike():
    assert sounds_alike("名", "命", fuzzy=False)
    assert sounds_alike("治", "制", fuzzy=False)
    assert not sounds_alike("险", "除", fuzzy=False)
    assert not sounds_alike("警", "党", fuzzy=True)
    assert sounds_alike("神", "深", fuzzy=False) or sounds_alike("神", "生", fuzzy=True)


def test_one_difference_ignores_punctuation_but_not_a_missing_character():
    diff = OfficialExpression._one_difference
    assert diff("不忘初心，牢记使名", "不忘初心、牢记使命") == 8
    assert diff("不忘初心，牢记使命", "不忘初心、牢记使命") is None
    assert diff("不忘初心牢记使命。", "不忘初心、牢记使命") is None
    assert diff("扫黑险恶", "扫黑除恶") == 2


def test_suggestion_is_exactly_the_flagged_span_corrected():
    (f,) = _run("typo.confusion", "今年的工作部暑已经完成")
    assert (f.text, f.suggestion) == ("部暑", "部署")
    assert "部署" in f.message


def test_renames_follow_the_chain_up_to_the_document_date():
    (f,) = _run("typo.agency-name", "请银监会审批。", published=date(2020, 1, 1))
    assert f.suggestion == "银保监会"
    (g,) = _run("typo.agency-name", "请银监会审批。", published=date(2024, 1, 1))
    assert g.suggestion == "金融监管总局"
    assert "2023年5月" in g.message


def test_an_undated_draft_counts_as_today():
    assert _run("typo.agency-name", "请向县环境保护局报送。")
    doc = Document(uri="draft:t", kind="text", text="请向县环境保护局报送。")
    found = Engine(only=["typo.agency-name"]).check(doc, Context(today=date(2018, 6, 1)))
    assert found == []                      # before the local reforms were due


def test_date_label_in_the_text_is_used_when_no_publication_date():
    assert _run("typo.agency-name", "成文日期：2017年3月1日\n县国土资源局：") == []
    assert [f.text for f in _run("typo.agency-name", "成文日期：2022年3月1日\n县国土资源局：")] == ["国土资源局"]


def test_history_cues_in_the_sentence():
    clean = ["由原县国土资源局负责。", "2016年国土资源部印发了意见。", "国土资源部于2017年5月发布。",
             "国土资源部更名为自然资源部。", "美国农业部预测。"]
    for text in clean:
        assert _run("typo.agency-name", text) == [], text
    assert _run("typo.agency-name", "山西省太原市国土资源局发布公告。")


def test_agency_name_message_names_the_reform_and_the_note():
    (f,) = _run("typo.agency-name", "报国家质检总局备案。")
    assert f.suggestion == "国家市场监督管理总局"
    assert "海关总署" in f.message


def test_typo_rules_share_one_scan_per_text():
    text = "坚持扫黑险恶，各单位要再接再励，县国土资源局负责。"
    doc = Document(uri="draft:t", kind="text", text=text)
    found = Engine(only=["typo"]).check(doc, Context(today=date(2024, 1, 1)))
    assert {f.rule for f in found} == {"typo.confusion", "typo.official-expression", "typo.agency-name"}
    keys = [k for k in normalize(text).cache if isinstance(k, tuple) and k[0] == "typo-lexicon"]
    assert len(keys) == 1


@pytest.mark.skipif(not SAMPLES.exists(), reason="samples not present")
def test_no_critical_typo_findings_on_the_samples():
    eng = Engine(only=["typo", "sensitive"])
    for p in sorted(SAMPLES.glob("*.txt")):
        doc = Document(uri=str(p), kind="text", text=p.read_text(encoding="utf-8"))
        assert [f for f in eng.check(doc, Context()) if f.severity == "critical"] == [], p.name
