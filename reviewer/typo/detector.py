"""The statistical typo detector: suspect characters, candidates, and the language model's verdict.

A character is suspect when no known word covers it (most real typos break a word apart: 因该,
布署 is rare). For a suspect character, a candidate (same pinyin, similar shape, a known confusion)
is considered only when it forms a known, frequent word with its neighbours; it is proposed only
when the character 4-gram model prefers the corrected text by a margin that depends on how likely
that kind of confusion is. Names, numbers, Latin text and titles in 《》 are never touched: only
runs of Han characters outside quotations are examined.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, replace
from functools import lru_cache

from . import candidates as cands
from .lm import CharLM, BOS, EOS

LN_TOTAL = 20.0        # ln of jieba's total frequency (~6e8): the unigram route's normaliser
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# titles, quotations and bracketed numbers are quoted text or proper names, not prose to correct
PROTECTED = re.compile(r"《[^《》\n]{0,80}》|〈[^〈〉\n]{0,80}〉|“[^“”\n]{0,30}”|「[^「」\n]{0,30}」"
                       r"|〔[^〔〕\n]{0,20}〕|【[^【】\n]{0,30}】")
# a common surname followed by one or two characters is often a name no list has
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
# a suspect right before one of these is most likely part of a proper name (椒园镇, 强胜路, 三奇医疗
# 有限公司): place and organisation names are not in any lexicon and are not typos
PLACE_SUFFIX = set("省市县区乡镇村屯寨街巷路道桥河江湖海山峰岭岛港湾州旗盟庄坊园")
ORG_SUFFIX = ("公司", "集团", "有限", "股份", "医院", "学校", "大学", "学院", "中学", "小学", "银行", "工厂",
              "医疗", "科技", "实业", "合作社", "酒店", "宾馆", "商店", "超市", "产业", "工程", "发展", "传媒")
NAME_CUES = ("记者", "书记", "主任", "局长", "市长", "县长", "省长", "部长", "处长", "科长", "镇长", "村长",
             "主席", "委员", "同志", "先生", "女士", "教授", "院士", "总理", "董事长", "经理", "校长", "老师",
             "医生", "法官", "主持人", "副", "原", "叫", "名叫")


@dataclass(frozen=True, slots=True)
class Suspect:
    start: int            # offsets of the flagged word in the text
    end: int
    pos: int              # offset of the wrong character
    wrong: str            # the flagged word as written
    right: str            # the same word corrected
    tier: int             # 0 known pair, 1 same sound, 2 similar shape, 3 same sound other tone
    delta: float          # log10 gain of the model for the correction
    gain: float = 0.0     # delta less the tier's margin: how sure
    closed: bool = True   # the correction makes every character of the suspect region a word's


@dataclass
class Settings:
    # margins in log10 units per tier; tuned by scripts/tune_typo.py on injected corpus typos
    margin: tuple = (4.0, 4.0, 3.0, 5.0)
    min_word_bucket: int = 12      # a candidate word needs round(2 ln f) >= this (f >= ~150)
    cover_bucket: int = 2          # a known word of bucket >= this covers its characters
    context: int = 3               # characters either side scored by the model
    unigram_weight: float = 1.0    # share of the unigram log ratio taken off the model's gain
    min_run: int = 5               # Han runs shorter than this are not examined
    name_chars: bool = True        # skip surname + given-name characters (names.txt)
    bare_surname: bool = True      # skip after a surname character that belongs to no word
    word_margin: float = 7.0       # ln gain of the best word segmentation (general-domain lexicon)
    single_bucket: int = 20        # a single character of bucket >= this (的, 在, 和…) is a word itself
                                   # when judging whether a fix mends its region


@lru_cache(maxsize=1)
def _base() -> tuple:
    t = time.perf_counter()
    base = (CharLM.load(cands.DATA / "charlm.bin"), cands.load_lexicon(), cands.load_candidates(),
            cands.load_names())
    return base + (time.perf_counter() - t,)


class Resources:
    """The model and tables, loaded once per process on first use (shared by every variant of
    known pairs: only the candidate table is copied)."""

    def __init__(self, pairs=()):
        self.lm, self.lex, table, (self.surnames, self.given), self.load_seconds = _base()
        self.table = dict(table) if pairs else table
        cands.add_pairs(self.table, pairs)


_lock = threading.Lock()
_resources: dict[tuple, Resources] = {}


def resources(pairs: tuple = ()) -> Resources:
    with _lock:
        if pairs not in _resources:
            _resources[pairs] = Resources(pairs)
        return _resources[pairs]


def protected_mask(text: str) -> bytearray:
    mask = bytearray(len(text))
    for m in PROTECTED.finditer(text):
        mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return mask


def cover(s: str, lex: dict, min_bucket: int) -> bytearray:
    """1 for each character of s inside a known word (2-4 characters, bucket >= min_bucket)."""
    covered = bytearray(len(s))
    # comprehensions over all positions, then a loop over the hits only: the hot loop of the
    # detector, about twice as fast as one nested loop
    for L in (2, 3, 4):
        one = b"\x01" * L
        for j in [j for j in range(len(s) - L + 1) if lex.get(s[j:j + L], -1) >= min_bucket]:
            covered[j:j + L] = one
    return covered


class Detector:
    def __init__(self, res: Resources | None = None, settings: Settings | None = None):
        self.res = res or resources()
        self.s = settings or Settings()

    def detect(self, text: str) -> list[Suspect]:
        out: list[Suspect] = []
        mask = protected_mask(text) if ("《" in text or "“" in text or "〔" in text or "【" in text
                                         or "〈" in text or "「" in text) else None
        lex = self.res.lex
        cover_b = self.s.cover_bucket
        for m in HAN_RUN.finditer(text):
            s = m.group()
            n = len(s)
            if n < self.s.min_run:       # a short run between spaces or marks is a name, a heading
                continue
            base = m.start()
            covered = cover(s, lex, cover_b)
            if covered.count(0) == 0:
                continue
            # one finding per suspect region (a maximal run of uncovered characters): a typo
            # uncovers its neighbours too, and two typos side by side are rare
            region: Suspect | None = None
            r0 = 0
            for i in range(n + 1):
                if i == n or covered[i]:
                    if region is not None:
                        out.append(self._close(s, base, r0, i, region))
                        region = None
                    r0 = i + 1
                    continue
                if mask is not None and mask[base + i]:
                    continue
                found = self._check(text, s, base, i, covered)
                if found is not None and (region is None or found.gain > region.gain):
                    region = found
        return out

    def _close(self, s: str, base: int, r0: int, r1: int, found: Suspect) -> Suspect:
        """Mark whether the corrected text leaves no character of the region [r0, r1) outside a
        known word: a real typo breaks one word apart and its fix mends the whole region, while a
        name or a term the lexicon lacks stays broken after any one-character change."""
        lex = self.res.lex
        cb = self.s.cover_bucket
        k = found.pos - base
        fixed = s[:k] + found.right[k - (found.start - base)] + s[k + 1:]
        lo, hi = max(0, r0 - 3), min(len(s), r1 + 3)
        cov = cover(fixed[lo:hi], lex, cb)
        sb = self.s.single_bucket
        closed = all(cov[x - lo] or lex.get(fixed[x], 0) >= sb for x in range(r0, r1))
        return found if closed == found.closed else replace(found, closed=closed)

    def options(self, text: str, s: str, base: int, i: int, covered: bytearray):
        """Every candidate for s[i] that forms a known word: (char, tier, delta, (bucket, j, k))."""
        table = self.res.table.get(s[i])
        if not table:
            return
        lex = self.res.lex
        min_b = self.s.min_word_bucket
        n = len(s)
        # windows of 2-4 characters around i whose other characters are all uncovered: the
        # corrected word must lie inside the suspect region (taking a character from a correct
        # neighbouring word, 干预其 -> 预期, is a segmentation slip, not a typo)
        lo = i
        while lo > 0 and i - lo < 3 and not covered[lo - 1]:
            lo -= 1
        hi = i + 1
        while hi < n and hi - i < 4 and not covered[hi]:
            hi += 1
        windows = [(s[j:i], s[i + 1:j + L], j, L) for L in (4, 3, 2)
                   for j in range(max(lo, i - L + 1), min(i, hi - L) + 1)]
        if not windows or self._is_name(s, i, covered):
            return
        uw = self.s.unigram_weight
        uni, lm_ids = self.res.lm.uni_p, self.res.lm.ids
        for c, tier in table:
            # the best known word the candidate forms with its neighbours (longest, then commonest)
            wb = None
            for pre, suf, j, L in windows:
                b = lex.get(pre + c + suf)
                if b is not None and b >= min_b and (wb is None or (L == wb[2] - wb[1] and b > wb[0])):
                    wb = (b, j, j + L)
            if wb is None:
                continue
            after = s[wb[2] - (wb[2] - 1 != i):wb[2] + 4]     # from the word's own last character
            if after[:1] in PLACE_SUFFIX or after.startswith(ORG_SUFFIX):
                continue
            delta = self._delta(text, base + i, c)
            if uw:
                # what the context says beyond base frequency: a rare character (in a name, a
                # term the corpus lacks) must not lose to a common one on frequency alone
                delta -= uw * (uni[lm_ids.get(c, 0)] - uni[lm_ids.get(s[i], 0)])
            yield c, tier, delta, self._word_delta(s, i, c), wb

    def _check(self, text: str, s: str, base: int, i: int, covered: bytearray) -> Suspect | None:
        best = None
        margin = self.s.margin
        wm = self.s.word_margin
        for c, tier, delta, wdelta, wb in self.options(text, s, base, i, covered):
            gain = delta - margin[tier]
            if gain > 0 and wdelta > wm and (best is None or gain > best[0]):
                best = (gain, c, tier, delta, wb)
        if best is None:
            return None
        gain, c, tier, delta, (_, j, k) = best
        wrong = s[j:k]
        right = s[j:i] + c + s[i + 1:k]
        return Suspect(base + j, base + k, base + i, wrong, right, tier, delta, gain)

    def _is_name(self, s: str, i: int, covered: bytearray) -> bool:
        """Most likely part of a person's name no list has."""
        if self.s.name_chars:
            # surname + one or two given-name characters, all outside words, the suspect among them
            sur, given = self.res.surnames, self.res.given
            for k in (i, i - 1, i - 2):
                if k >= 0 and s[k] in sur and not covered[k]:
                    tail = s[k + 1:k + 3]
                    if tail and all(c in given for c in tail[:max(1, i - k)]):
                        return True
        # a common surname that belongs to no word right before the suspect (陶国生), or one after
        # a title (书记王…)
        for k in (i - 1, i - 2):
            if k >= 0 and s[k] in SURNAMES:
                if self.s.bare_surname and not covered[k]:
                    return True
                before = s[max(0, k - 3):k]
                if k == 0 or any(before.endswith(cue) for cue in NAME_CUES):
                    return True
        return False

    def _seg(self, s: str) -> float:
        """ln probability of the best segmentation of s into lexicon words (jieba's unigram route):
        a domain-general opinion, since the lexicon's frequencies come from general text."""
        lex = self.res.lex
        n = len(s)
        best = [0.0] + [-1e9] * n
        for k in range(1, n + 1):
            top = -1e9
            for L in (1, 2, 3, 4):
                if L > k:
                    break
                b = lex.get(s[k - L:k])
                if b is None:
                    if L > 1:
                        continue
                    b = -4                      # unknown single character
                v = best[k - L] + b * 0.5 - LN_TOTAL
                if v > top:
                    top = v
            best[k] = top
        return best[n]

    def _word_delta(self, s: str, i: int, c: str) -> float:
        a, b = max(0, i - 4), min(len(s), i + 5)
        w = s[a:b]
        k = i - a
        return self._seg(w[:k] + c + w[k + 1:]) - self._seg(w)

    def _delta(self, text: str, pos: int, c: str) -> float:
        lm = self.res.lm
        ctx = self.s.context
        a = max(0, pos - ctx - lm.order + 1)
        b = min(len(text), pos + ctx + 1)
        seg = text[a:b]
        ids = lm.encode(seg)
        # sentence boundaries matter to the model: mark them where the window touches the text ends
        head = [BOS] if a == 0 else []
        tail = [EOS] if b == len(text) else []
        ids = head + ids + tail
        p = pos - a + len(head)
        new = list(ids)
        new[p] = lm.ids.get(c, 0)
        end = min(len(ids), p + lm.order)
        return lm.score(new, p, end) - lm.score(ids, p, end)


def confident(s: Suspect, min_gain: float = 2.0, tiers=(0, 1, 3), require_closed: bool = True) -> bool:
    """A finding an officer can trust as is: the model prefers the fix by min_gain beyond its
    margin, the fix mends the whole suspect region (scripts/tune_typo.py: findings that leave part
    of their region broken are below 0.97 precision on the corpus tuning data), and the candidate
    is a sound-alike or a known pair: text is typed with pinyin input methods, so a shape-only
    candidate (tier 2) is a weaker hypothesis than the model alone can confirm."""
    return s.gain >= min_gain and s.tier in tiers and (s.closed or not require_closed)


@lru_cache(maxsize=1)
def default_detector() -> Detector:
    return Detector()
