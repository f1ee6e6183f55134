"""typo (dictionary layer): confused words, misspelt official expressions, obsolete agency names.

All three rules read one Aho-Corasick pass over the folded text (textnorm: width, case,
traditional → simplified), shared through the Normalized cache, so the family costs one scan.
Short confusion candidates, which could sit inside a longer correct word (原因该 ⊃ 因该), are
checked on jieba word boundaries in a small window around the hit; when jieba glues the wrong
form to a neighbour (工作部暑 = 工作部/暑) the corrected window must be far more probable under
jieba's unigram model. jieba itself is never loaded (its dictionary load costs ~0.8 s): the words
a window can contain are pulled from jieba's dict.txt with one regex scan per document (a few ms,
only for documents with a candidate) and segmented with jieba's own route (see _Segmenter).
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import math
import re
from datetime import date
from pathlib import Path

import ahocorasick_rs

from ..engine import Rule, register
from ..resources import wordlist
from ..textnorm import fold, is_han, normalize, warm

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# jieba's re_han_default: the runs it segments (everything else splits sentences)
_HAN_RUN = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_WINDOW = 10
# log-probability gain a correction must bring when the wrong form is not on word boundaries
# (工作部暑 → 工作部署 gains ~10; 原因该 → 原应该 loses)
_MARGIN = math.log(1000)


# ---------------------------------------------------------------------------------------------
# Word boundaries: jieba's dictionary and route, on a window
# ---------------------------------------------------------------------------------------------
class _Segmenter:
    """jieba's DAG + max log-probability route (no HMM), over the words a window can contain.

    jieba.initialize() unpickles 600k entries (~0.8 s). A window of 20-odd characters can only
    contain dictionary words made of its own characters, so one regex scan of dict.txt (a few
    milliseconds) for lines made of those characters yields every word the route can use, with
    jieba's frequencies and total: the segmentation is the one jieba.lcut(HMM=False) gives.
    """

    def __init__(self):
        self._data: str | None = None
        self._logtotal = 0.0
        self.available = True

    def _load(self) -> None:
        if self._data is not None or not self.available:
            return
        spec = importlib.util.find_spec("jieba")
        path = Path(spec.origin).parent / "dict.txt" if spec and spec.origin else None
        if path is None or not path.is_file():
            log.warning("找不到 jieba 词典，错别字词边界校验已关闭")
            self.available = False
            return
        self._data = "\n" + path.read_text(encoding="utf-8")
        self._logtotal = math.log(sum(map(int, re.findall(r" (\d+)", self._data))))

    def words_for(self, chars: set[str]) -> dict[str, int]:
        self._load()
        if not self.available or not chars:
            return {}
        cls = "".join(re.escape(c) for c in sorted(chars))
        return {w: int(f) for w, f in re.findall(f"\n([{cls}]+) (\\d+)", self._data)}

    def route(self, window: str, freq: dict[str, int]) -> tuple[float, set[int]]:
        """(log probability of jieba's best route, its token boundaries) for `window` (HMM off)."""
        n = len(window)
        maxlen = max((len(w) for w in freq), default=1)
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        lt = self._logtotal
        for idx in range(n - 1, -1, -1):
            best = None
            for x in range(idx, min(n, idx + maxlen)):
                f = freq.get(window[idx:x + 1])
                if f or x == idx:
                    cand = (math.log(f or 1) - lt + route[x + 1][0], x)
                    if best is None or cand > best:
                        best = cand
            route[idx] = best
        cuts, i = {0, n}, 0
        while i < n:
            i = route[i][1] + 1
            cuts.add(i)
        return (route[0][0] if n else 0.0), cuts

    def boundaries(self, window: str, freq: dict[str, int]) -> set[int]:
        return self.route(window, freq)[1]

    def confirm(self, folded: str, spans: list[tuple[int, int, str]]) -> list[bool]:
        """For each span [s, e) of `folded` with its correction: is it a typo standing as a word?

        Yes when both ends fall on jieba word boundaries (我们因该 = 我们/因/该). When they do not,
        the wrong form may be part of a longer correct word (原因该 = 原因/该) or jieba may have
        glued it to a neighbour (工作部暑 = 工作部/暑): the corrected window is segmented too, and
        the hit stands only if the correction makes the window far more probable (工作/部署).
        """
        self._load()
        if not self.available:
            return [True] * len(spans)
        windows = []
        for s, e, _ in spans:
            lo, hi = s, e
            while lo > 0 and s - lo < _WINDOW and _HAN_RUN.match(folded, lo - 1, lo):
                lo -= 1
            while hi < len(folded) and hi - e < _WINDOW and _HAN_RUN.match(folded, hi, hi + 1):
                hi += 1
            windows.append((lo, hi))
        chars = {c for lo, hi in windows for c in folded[lo:hi]} | {c for *_, r in spans for c in r}
        freq = self.words_for(chars)
        out = []
        for (s, e, right), (lo, hi) in zip(spans, windows):
            window = folded[lo:hi]
            score, cuts = self.route(window, freq)
            if s - lo in cuts and e - lo in cuts:
                out.append(True)
                continue
            fixed = window[:s - lo] + right + window[e - lo:]
            out.append(self.route(fixed, freq)[0] - score >= _MARGIN)
        return out


_SEGMENTER = _Segmenter()


# ---------------------------------------------------------------------------------------------
# Pronunciation (for one-character slips in official expressions)
# ---------------------------------------------------------------------------------------------
_FUZZY_INITIAL = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))


@functools.lru_cache(maxsize=1)
def _pinyin_table() -> dict[str, str]:
    """pypinyin's character table (pinyin_dict.json), read directly: importing pypinyin also
    loads its 47k-phrase table (~0.3 s), and one character's readings is all this needs."""
    import json
    spec = importlib.util.find_spec("pypinyin")
    path = Path(spec.submodule_search_locations[0]) / "pinyin_dict.json" if spec else None
    if path is None or not path.is_file():
        log.warning("找不到 pypinyin 拼音表，规范表述只按列出的错误写法检查")
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=8192)
def _readings(ch: str) -> frozenset[str]:
    """Toneless readings of one character (除 → chu, zhu, shu)."""
    import unicodedata
    plain = set()
    for r in _pinyin_table().get(str(ord(ch)), "").split(","):
        r = unicodedata.normalize("NFD", r.strip())
        if r:
            plain.add("".join(c for c in r if not unicodedata.combining(c)).replace("ü", "v"))
    return frozenset(plain)


def _fuzzy(py: str) -> str:
    for a, b in _FUZZY_INITIAL:
        if py.startswith(a):
            py = b + py[len(a):]
            break
    return py[:-1] if py.endswith("ng") else py


def sounds_alike(a: str, b: str, fuzzy: bool) -> bool:
    ra, rb = _readings(a), _readings(b)
    if ra & rb:
        return True
    return fuzzy and bool({_fuzzy(p) for p in ra} & {_fuzzy(p) for p in rb})


# ---------------------------------------------------------------------------------------------
# The shared lexicon and its one pass
# ---------------------------------------------------------------------------------------------
class _Confusion:
    __slots__ = ("wrong", "right", "unless_after")

    def __init__(self, wrong, right, unless_after):
        self.wrong, self.right, self.unless_after = wrong, right, unless_after


class _Expression:
    __slots__ = ("text", "folded", "half", "wrong", "legit", "han")

    def __init__(self, text, folded, wrong, legit):
        self.text, self.folded = text, folded
        self.half = len(folded) // 2
        self.wrong, self.legit = wrong, legit
        self.han = sum(1 for c in folded if is_han(c))


class _Agency:
    __slots__ = ("old", "new", "when", "note")

    def __init__(self, old, new, when, note):
        self.old, self.new, self.when, self.note = old, new, when, note


class _Lexicon:
    def __init__(self, confusions: str, expressions: str, agencies: str, extra_dir: str | None):
        warm()
        patterns: dict[str, int] = {}
        self.items: list[list[tuple]] = []

        def add(key: str, item: tuple) -> None:
            if key not in patterns:
                patterns[key] = len(self.items)
                self.items.append([])
            self.items[patterns[key]].append(item)

        self.confusions: list[_Confusion] = []
        for e in wordlist(confusions, extra_dir):
            if len(e.fields) < 1 or not e.fields[0]:
                continue
            opts = dict(f.split("=", 1) for f in e.fields[1:] if "=" in f)
            ua = opts.get("unless_after")
            c = _Confusion(fold(e.word), fold(e.fields[0]), re.compile(ua) if ua else None)
            if len(c.wrong) < 2 or c.wrong == c.right:
                continue
            add(c.wrong, ("c", len(self.confusions)))
            self.confusions.append(c)

        self.expressions: list[_Expression] = []
        for e in wordlist(expressions, extra_dir):
            split = lambda i: [fold(w.strip()) for w in e.fields[i].split(",") if w.strip()] if len(e.fields) > i else []
            x = _Expression(e.word, fold(e.word), frozenset(split(0)), frozenset(split(1)))
            k = len(self.expressions)
            self.expressions.append(x)
            if x.han >= 4:
                add(x.folded[:x.half], ("L", k))
                add(x.folded[x.half:], ("R", k))
            for w in x.wrong:                 # listed wrong forms (the only ones for short expressions)
                add(w, ("W", k))

        self.agencies: list[_Agency] = []
        self.by_old: dict[str, _Agency] = {}
        for e in wordlist(agencies, extra_dir):
            if len(e.fields) < 2:
                continue
            try:
                when = date.fromisoformat(e.fields[1])
            except ValueError:
                log.warning("机构更名表日期无效：%s", e.word)
                continue
            a = _Agency(fold(e.word), e.fields[0], when, e.fields[2] if len(e.fields) > 2 else "")
            add(a.old, ("A", len(self.agencies)))
            self.agencies.append(a)
            self.by_old[a.old] = a
        self.automaton = ahocorasick_rs.AhoCorasick(list(patterns)) if patterns else None
        self.key = id(self)

    def scan(self, nz) -> list[tuple[str, int, int, int]]:
        """(kind, item index, start, end) of every pattern hit in the folded text, cached per text."""
        key = ("typo-lexicon", self.key)
        hits = nz.cache.get(key)
        if hits is None:
            hits = []
            if self.automaton is not None and nz.text:
                for pid, a, b in self.automaton.find_matches_as_indexes(nz.text, overlapping=True):
                    for kind, k in self.items[pid]:
                        hits.append((kind, k, a, b))
            nz.cache[key] = hits
        return hits


@functools.lru_cache(maxsize=8)
def _lexicon(confusions: str, expressions: str, agencies: str, extra_dir: str | None) -> _Lexicon:
    return _Lexicon(confusions, expressions, agencies, extra_dir)


class _TypoRule(Rule):
    defaults = {
        "confusions": "typo_confusions.txt",
        "expressions": "official_expressions.txt",
        "agencies": "agency_renames.txt",
        "extra_dir": None,
    }

    def __init__(self, settings=None):
        super().__init__(settings)
        s = self.settings
        self.lex = _lexicon(s["confusions"], s["expressions"], s["agencies"], s.get("extra_dir"))


def _sentence_end(folded: str, e: int, limit: int = 40) -> int:
    m = _SENTENCE_END.search(folded, e, min(len(folded), e + limit))
    return m.start() if m else min(len(folded), e + limit)


def _sentence_start(folded: str, s: int, limit: int = 40) -> int:
    lo = max(0, s - limit)
    ends = list(_SENTENCE_END.finditer(folded, lo, s))
    return ends[-1].end() if ends else lo


@functools.lru_cache(maxsize=1)
def _s2t():
    import opencc
    return opencc.OpenCC("s2t")


def respell(source_span: str, folded_span: str, target: str) -> str:
    """`target` written like the source: characters the fix keeps stay as the source wrote them,
    replaced ones follow its script (a traditional document gets a traditional suggestion)."""
    traditional = source_span != folded_span
    if len(source_span) == len(folded_span) == len(target):
        out = []
        for s, f, t in zip(source_span, folded_span, target):
            if f == t or not (is_han(f) or is_han(t)):      # kept, or punctuation the text chose
                out.append(s)
            else:
                out.append(_s2t().convert(t) if traditional else t)
        return "".join(out)
    return _s2t().convert(target) if traditional else target


# ---------------------------------------------------------------------------------------------
# typo.confusion
# ---------------------------------------------------------------------------------------------
@register
class Confusion(_TypoRule):
    """常见错别字（再接再励→再接再厉、按装→安装、部暑→部署、因该→应该 …），按词边界判断。

    Why: misspelt words on a government site are counted in every inspection (错别字) and are
    what readers screenshot. The list is curated: each wrong form is wrong wherever it stands as a
    word, and short ones must sit on jieba word boundaries, so 原因该如何 (原因/该), 既使用 (既/使用)
    and 全部暑假 (全部/暑假) stay clean.
    Example: 「各单位要再接再励」 → 再接再厉；「请及时按装」 → 安装.
    """
    id = "typo.confusion"
    category = "typo"
    severity = "minor"
    message = "疑似错别字"

    def check(self, doc, ctx):
        lex = self.lex
        if not doc.text or not lex.confusions:
            return
        nz = normalize(doc.text)
        hits = sorted(((a, b, k) for kind, k, a, b in lex.scan(nz) if kind == "c"),
                      key=lambda h: (h[0], -(h[1] - h[0])))
        if not hits:
            return
        folded = nz.text
        kept, reach = [], -1
        for a, b, k in hits:
            if b <= reach:
                continue
            c = lex.confusions[k]
            if c.unless_after is not None and c.unless_after.search(folded, b, _sentence_end(folded, b)):
                continue
            kept.append((a, b, c))
            reach = b
        short = [i for i, (a, b, c) in enumerate(kept) if b - a <= 3]
        ok = dict(zip(short, _SEGMENTER.confirm(folded, [(kept[i][0], kept[i][1], kept[i][2].right)
                                                          for i in short]))) if short else {}
        for i, (a, b, c) in enumerate(kept):
            if not ok.get(i, True):
                continue
            sa, sb = nz.source_span(a, b)
            suggestion = respell(doc.text[sa:sb], folded[a:b], c.right)
            yield self.finding(doc, sa, sb, suggestion=suggestion,
                               message=f"疑似错别字：“{doc.text[sa:sb]}”应为“{suggestion}”")


# ---------------------------------------------------------------------------------------------
# typo.official-expression
# ---------------------------------------------------------------------------------------------
@register
class OfficialExpression(_TypoRule):
    """重要政治、政务规范表述写错一个字（扫黑除恶误作扫黑险恶、不忘初心误作不忘出心 …）。

    Why: a misspelt political expression is a 严重表述错误, a veto item (单项否决) in the national
    inspection; in 2019 「扫黑险恶」 appeared on more than 100 government sites at once. A span of
    the expression's length that differs in exactly one Chinese character is reported when the
    wrong form is listed or the two characters sound alike (IME slips); other one-character
    differences are usually another expression (全面从严治警) and stay clean.
    Example: 「深入开展扫黑险恶专项斗争」 → 扫黑除恶.
    """
    id = "typo.official-expression"
    category = "typo"
    severity = "critical"
    message = "重要规范表述有误"
    defaults = {**_TypoRule.defaults, "long_expression": 6}

    def check(self, doc, ctx):
        lex = self.lex
        if not doc.text or not lex.expressions:
            return
        nz = normalize(doc.text)
        folded = nz.text
        candidates: dict[tuple[int, int], None] = {}
        for kind, k, a, b in lex.scan(nz):
            if kind == "L":
                candidates[(k, a)] = None
            elif kind == "R":
                candidates[(k, a - lex.expressions[k].half)] = None
            elif kind == "W":
                candidates[(k, a)] = None
        reported: list[tuple[int, int]] = []
        for k, s in sorted(candidates, key=lambda c: (c[1], -len(lex.expressions[c[0]].folded))):
            x = lex.expressions[k]
            e = s + len(x.folded)
            if s < 0 or e > len(folded):
                continue
            span = folded[s:e]
            pos = self._one_difference(span, x.folded)
            if pos is None or span in x.legit:
                continue
            if any(rs <= s and e <= re_ for rs, re_ in reported):
                continue                      # inside a longer expression already reported
            listed = span in x.wrong
            if not listed:
                if x.han < 4 or not sounds_alike(span[pos], x.folded[pos], fuzzy=x.han >= 5):
                    continue
            reported.append((s, e))
            sa, sb = nz.source_span(s, e)
            suggestion = respell(doc.text[sa:sb], span, x.folded)
            severity = "critical" if listed or x.han >= self.settings["long_expression"] else "major"
            if self.level != type(self).severity:         # an agency's setting wins over the grading
                severity = self.level
            yield self.finding(doc, sa, sb, suggestion=suggestion, severity=severity,
                               message=f"规范表述“{x.text}”写错：“{doc.text[sa:sb]}”")

    @staticmethod
    def _one_difference(span: str, expr: str) -> int | None:
        """The position of the single differing Chinese character, else None.

        Punctuation may differ (不忘初心，牢记使命 for 、); a Chinese character against a non-Chinese
        one is not the expression at all.
        """
        pos = None
        for i, (a, b) in enumerate(zip(span, expr)):
            if a == b:
                continue
            ha, hb = is_han(a), is_han(b)
            if ha and hb:
                if pos is not None:
                    return None
                pos = i
            elif ha or hb:
                return None
        return pos


# ---------------------------------------------------------------------------------------------
# typo.agency-name
# ---------------------------------------------------------------------------------------------
# a name inside a historical statement stays: 原国土资源部, 2017年国土资源部, 更名为, 组建 …
_HISTORY_CUES = re.compile(r"更名|改名|改为|组建|不再保留|整合|划入|并入|合并|撤销|撤并|挂牌|机构改革|前身|原称|旧称|曾用名|时任|曾任")
_FORMER = re.compile(r"(?:^|[^\u4e00-\u9fff]|[的和与及、由将为是即局委厅部办府])原(?:[\u4e00-\u9fff]{0,9})$")
_CURRENTLY = re.compile(r"\s*[（(，,]\s*现")        # used with .match(text, pos): anchored there
# the last character of a name and the next one may form a word: then the name is not there
_TAIL_WORDS = {"部": "门署分位件落队类", "局": "面部势限", "委": "员托屈婉", "厅": "堂", "所": "有以在谓"}
# a local abbreviation inside another agency's name: 煤矿安监局 is the national mine-safety service
_NOT_AFTER = {"安监局": ("煤矿",), "安全生产监督管理局": ("煤矿",)}
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:\s*(\d{1,2})\s*月)?")
_FOREIGN = re.compile(
    "美国|日本|韩国|朝鲜|英国|法国|德国|俄罗斯|意大利|加拿大|澳大利亚|新西兰|印度|巴西|墨西哥|西班牙|荷兰|"
    "瑞士|瑞典|挪威|丹麦|芬兰|比利时|奥地利|波兰|以色列|埃及|南非|新加坡|马来西亚|泰国|越南|印尼|菲律宾|"
    "巴基斯坦|土耳其|伊朗|沙特|阿根廷|智利|乌克兰|哈萨克斯坦|蒙古|联合国|欧盟|台湾|香港|澳门|外国|该国|"
    "各国|国外|境外|两国")


@register
class AgencyName(_TypoRule):
    """机构改革后已不再使用的机构名称（国土资源部→自然资源部、县国土资源局→自然资源局 …）。

    Why: after the 2018 State Council reform and the local reforms that followed, a current page
    naming 国土资源部 or 县环境保护局 states something false and sends readers to an agency that
    no longer exists; inspections count it as an error. Only documents dated after the reform are
    checked (publication date, else a 发布日期 in the text, else today), and historical mentions
    (原国土资源部, 2017年国土资源部印发, 《…》 titles, 更名为…) stay clean.
    Example: a 2021 notice 「请向县国土资源局提交材料」 → 县自然资源局.
    """
    id = "typo.agency-name"
    category = "typo"
    severity = "major"
    message = "机构名称已因机构改革变更"

    def check(self, doc, ctx):
        lex = self.lex
        if not doc.text or not lex.agencies:
            return
        nz = normalize(doc.text)
        hits = sorted(((a, b, k) for kind, k, a, b in lex.scan(nz) if kind == "A"),
                      key=lambda h: (h[0], -(h[1] - h[0])))
        if not hits:
            return
        folded = nz.text
        when = self._document_date(doc, nz, ctx)
        kept, reach = [], -1
        for a, b, k in hits:
            if b <= reach:
                continue
            reach = b
            ag = lex.agencies[k]
            if when <= ag.when:
                continue
            if b < len(folded) and folded[b] in _TAIL_WORDS.get(folded[b - 1], ""):
                continue                      # 农业部门, 文化部署, 交通部分, 农业局面: not the agency
            if b < len(folded) and folded[b] == "原":          # 国土资源局原党组书记: a former post
                continue
            if any(folded.endswith(w, max(0, a - len(w)), a) for w in _NOT_AFTER.get(ag.old, ())):
                continue
            if self._historical(folded, a, b, ag.when):
                continue
            kept.append((a, b, ag))
        for a, b, ag in kept:
            new, final = self._resolve(lex, ag, when)
            sa, sb = nz.source_span(a, b)
            suggestion = respell(doc.text[sa:sb], folded[a:b], new)
            msg = f"机构名称“{doc.text[sa:sb]}”已于{final.when:%Y年%-m月}机构改革后变更，现为“{suggestion}”"
            if final.note:
                msg += f"（{final.note}）"
            yield self.finding(doc, sa, sb, suggestion=suggestion, message=msg)

    @staticmethod
    def _resolve(lex, ag, when):
        """Follow renames while the document is dated after each (卫生部 → 卫计委 → 卫健委)."""
        seen, final = {ag.old}, ag
        new = ag.new
        while True:
            nxt = lex.by_old.get(fold(new))
            if nxt is None or nxt.old in seen or when <= nxt.when:
                return new, final
            seen.add(nxt.old)
            final, new = nxt, nxt.new

    @staticmethod
    def _document_date(doc, nz, ctx) -> date:
        if doc.published:
            return doc.published
        key = "published-date"
        if key not in nz.cache:
            found = None
            try:
                dates = importlib.import_module("reviewer.extract.dates")
                found = dates.find_published_date(doc.text)
            except (ImportError, AttributeError):
                pass
            nz.cache[key] = found
        return nz.cache[key] or ctx.today

    @staticmethod
    def _historical(folded: str, a: int, b: int, reform: date) -> bool:
        start, end = _sentence_start(folded, a, 60), _sentence_end(folded, b, 40)
        left = folded[start:a]
        clause = re.split(r"[，,：:]", left)[-1]
        if _FORMER.search(clause) or _FOREIGN.search(clause):
            return True
        if _CURRENTLY.match(folded, b, min(len(folded), b + 6)):
            return True
        if _HISTORY_CUES.search(folded, start, end):
            return True
        # a title in 《》 cites a document under the name it was issued with
        opened = folded.rfind("《", max(0, a - 80), a)
        if opened != -1 and folded.rfind("》", opened, a) == -1 and folded.find("》", b, b + 80) != -1:
            return True
        for m in _YEAR.finditer(folded, start, end):
            y, mo = int(m.group(1)), m.group(2)
            if y < reform.year or (y == reform.year and mo and int(mo) < reform.month):
                return True
        return False
