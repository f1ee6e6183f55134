"""sensitive: listed words (gambling, porn, violence, drugs, fraud, vulgar), resistant to evasion.

Matching (notes §2.3-2.4): deny words and allow phrases sit in one ahocorasick_rs automaton over
the folded, noise-stripped view of the text (textnorm). A hit whose span holds no noise character
is an exact hit; one with noise inside (赌*博) is an evasion hit. This is the two-pass scheme
(exact pass, then a noise-stripped pass reporting only what the first missed) in a single scan:
every exact occurrence is also an occurrence in the stripped view, so nothing is reported twice.
Rules of the lists: no single characters; ASCII words of three letters or more, on ASCII word
boundaries (bet365 but not xbet3650); evasion only for all-Chinese words.
"""
from __future__ import annotations

import functools
import logging
import re

import ahocorasick_rs

from ..engine import Rule, register
from ..resources import wordlist
from ..textnorm import fold, fold_stripped, is_han, normalize, warm

log = logging.getLogger(__name__)

CATEGORY_LABELS = {
    "gambling": "赌博", "porn": "色情", "violence": "暴恐枪爆", "drugs": "毒品", "fraud": "诈骗违法",
    "vulgar": "低俗辱骂", "political": "政治",
}
_SEVERITIES = ("critical", "major", "minor", "info")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# a sentence ends here: the enforcement context of a hit is its own sentence only
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_SENTENCE_PUNCT = re.compile(r"[，。、；：？！,.;:?!]")


class _Word:
    __slots__ = ("word", "category", "severity", "ctx", "all_han", "ascii_left", "ascii_right")

    def __init__(self, word: str, folded: str, category: str, severity: str, ctx: bool):
        self.word = word
        self.category = category
        self.severity = severity
        self.ctx = ctx
        self.all_han = all(is_han(c) for c in folded)
        self.ascii_left = folded[0] in _ASCII_ALNUM
        self.ascii_right = folded[-1] in _ASCII_ALNUM


class _Lexicon:
    """Deny words and allow phrases in one automaton over the noise-stripped folded text."""

    def __init__(self, deny_files: tuple[str, ...], allow_file: str, extra_dir: str | None,
                 default_severity: str):
        warm()
        patterns: dict[str, int] = {}
        self.kinds: list[list] = []          # per pattern: [_Word | None (allow), ...]

        def add(key: str, item) -> None:
            if key not in patterns:
                patterns[key] = len(self.kinds)
                self.kinds.append([])
            self.kinds[patterns[key]].append(item)

        for name in deny_files:
            for e in wordlist(name, extra_dir):
                tags = list(e.tags)
                category = tags[0] if tags else name.removeprefix("sensitive_").removesuffix(".txt")
                severity = next((t for t in tags if t in _SEVERITIES), None)
                key = fold_stripped(e.word)
                if len(key) < 2:                      # a single character is in every other sentence
                    log.warning("敏感词表 %s 忽略单字词：%s", name, e.word)
                    continue
                if key.isascii() and len(key) < 3:    # av, sb: inside model numbers and abbreviations
                    log.warning("敏感词表 %s 忽略过短的英文词：%s", name, e.word)
                    continue
                add(key, _Word(e.word, key, category, severity or default_severity, "ctx" in tags))
        for e in wordlist(allow_file, extra_dir):
            key = fold_stripped(e.word)
            if key:
                add(key, None)
        self.automaton = ahocorasick_rs.AhoCorasick(list(patterns)) if patterns else None


@functools.lru_cache(maxsize=8)
def _lexicon(deny_files: tuple[str, ...], allow_file: str, extra_dir: str | None,
             default_severity: str) -> _Lexicon:
    return _Lexicon(deny_files, allow_file, extra_dir, default_severity)


@register
class SensitiveWord(Rule):
    """敏感词（赌博、色情、暴恐枪爆、毒品、诈骗、低俗辱骂），识别全半角、繁简、大小写、形近字符与插入符号的变形。

    Why: publishing or linking gambling, porn or violent content is a veto item (单项否决) in the
    national inspection of government sites. Spam writers evade exact lists with 赌*博, 賭博 or
    ＢＥＴ３６５, so matching runs on a folded, noise-stripped view and maps back to the original
    text. Words that enforcement articles use (六合彩 in 严厉打击六合彩赌博) are dropped when their
    sentence carries an enforcement cue; phrases in the allow list (支援交通 ⊃ 援交) never fire.
    Example: 「真人百家乐注册送彩金」 in a page footer; 「网上*赌场」 spaced to slip past a filter.
    """
    id = "sensitive.word"
    category = "sensitive"
    severity = "major"
    message = "出现敏感词"
    defaults = {
        "dictionaries": ["sensitive_gambling.txt", "sensitive_porn.txt", "sensitive_violence.txt",
                         "sensitive_drugs.txt", "sensitive_fraud.txt", "sensitive_vulgar.txt"],
        "allow": "sensitive_allow.txt",
        "extra_dir": None,
        "categories": [],            # empty: all; else only these categories
        "max_gap": 3,                # noise characters allowed between two characters of a word
        "enforcement_cues": [
            "打击", "查处", "查获", "查封", "破获", "侦破", "捣毁", "抓获", "取缔", "整治", "治理", "清理",
            "严禁", "禁止", "不得", "非法", "违法", "犯罪", "涉嫌", "案件", "立案", "判处", "处罚", "拘留",
            "警方", "公安", "民警", "缉毒", "禁毒", "戒毒", "吸毒", "毒品", "防范", "警惕", "提醒", "谨防",
            "举报", "揭露", "曝光", "专项行动", "扫黄打非", "诈骗", "骗局", "陷阱", "危害", "远离", "拒绝",
            "识别", "宣传", "教育", "赌博",
        ],
        "evasion": True,
    }

    def __init__(self, settings=None):
        super().__init__(settings)
        self._lex = _lexicon(tuple(self.settings["dictionaries"]), self.settings["allow"],
                             self.settings.get("extra_dir"), self.level)
        self._categories = frozenset(self.settings.get("categories") or ())
        cues = [fold(c) for c in self.settings.get("enforcement_cues") or () if c]
        self._cues = re.compile("|".join(map(re.escape, sorted(cues, key=len, reverse=True)))) if cues else None

    def check(self, doc, ctx):
        lex = self._lex
        if lex.automaton is None or not doc.text:
            return
        nz = normalize(doc.text)
        st = nz.stripped()
        folded = nz.text
        matches = lex.automaton.find_matches_as_indexes(st.text, overlapping=True)
        if not matches:
            return
        allow_spans = []
        deny = []
        for pid, a, b in matches:
            for item in lex.kinds[pid]:
                if item is None:
                    allow_spans.append((a, b))
                elif not self._categories or item.category in self._categories:
                    deny.append((a, b, item))
        if not deny:
            return
        valid = []
        for a, b, item in deny:
            if any(c <= a and b <= d for c, d in allow_spans):
                continue
            fa, fb = st.folded_span(a, b)
            exact = fb - fa == b - a
            if not exact:
                if not self.settings.get("evasion", True) or not item.all_han:
                    continue
                if not self._plausible_evasion(st, folded, a, b):
                    continue
            if item.ascii_left and fa > 0 and folded[fa - 1] in _ASCII_ALNUM:
                continue
            if item.ascii_right and fb < len(folded) and folded[fb] in _ASCII_ALNUM:
                continue
            if item.ctx and self._cues is not None and self._in_enforcement(folded, fa, fb):
                continue
            valid.append((fa, fb, exact, item))
        # one finding per run of overlapping hits (香港六合彩资料 = 香港六合彩 + 六合彩资料), words
        # nested in a longer one (百家乐 in 真人百家乐) are not repeated
        valid.sort(key=lambda h: (h[0], -h[1]))
        groups: list[list] = []
        for h in valid:
            if groups and h[0] < groups[-1][1]:
                g = groups[-1]
                if h[1] > g[1]:
                    g[1] = h[1]
                    g[2].append(h)
                continue
            groups.append([h[0], h[1], [h]])
        for fa, fb, hits in groups:
            sa, sb = nz.source_span(fa, fb)
            items = [h[3] for h in hits]
            labels = "、".join(dict.fromkeys(CATEGORY_LABELS.get(i.category, i.category) for i in items))
            words = "”“".join(dict.fromkeys(i.word for i in items))
            msg = f"出现{labels}类敏感词“{words}”"
            if not all(h[2] for h in hits):
                msg += "（以符号间隔书写，疑似规避审查）"
            # each word carries its own severity (its list's tag); the rule's severity is the
            # default for words without one
            severity = min((i.severity for i in items), key=_SEVERITIES.index)
            yield self.finding(doc, sa, sb, message=msg, severity=severity)

    def _plausible_evasion(self, st, folded: str, a: int, b: int) -> bool:
        """Noise inside a word: a deliberate pattern, not two sentences that happen to meet.

        Each gap holds at most `max_gap` noise characters and no line break; sentence punctuation
        (，。、) counts only when every gap is filled (赌。博, 六。合。彩), since 南京六合，彩虹… is
        just text.
        """
        pos = [st.to_folded(i) for i in range(a, b)]
        gaps = [folded[p + 1:q] for p, q in zip(pos, pos[1:])]
        if any(len(g) > self.settings["max_gap"] or "\n" in g for g in gaps):
            return False
        if any(_SENTENCE_PUNCT.search(g) for g in gaps) and not all(gaps):
            return False
        return True

    def _in_enforcement(self, folded: str, a: int, b: int) -> bool:
        """Whether the sentence around [a, b) reports enforcement or prevention (打击, 查处 …)."""
        lo = max(0, a - 80)
        left = folded[lo:a]
        ends = list(_SENTENCE_END.finditer(left))
        start = lo + ends[-1].end() if ends else lo
        m = _SENTENCE_END.search(folded, b, min(len(folded), b + 60))
        end = m.start() if m else min(len(folded), b + 60)
        return self._cues.search(folded, start, end) is not None
