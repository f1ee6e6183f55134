"""Recognisers and validators behind the privacy rules (not a rule module: the `_` keeps it out of
discovery).

One pass finds every run of digits (one regex with a leading digit class, so the text is scanned
once at C speed), then only those few candidates are split, validated and put in context. The
analysis of a document is cached so the privacy rules share it.

Nothing here logs: the values are personal data.
"""
from __future__ import annotations

import bisect
import operator
import re
import threading
from dataclasses import dataclass, field
from datetime import date

from ..document import Document
from ..masking import mask_card, mask_id, mask_mobile, mask_passport
from ..resources import wordlist

# Full-width digits and marks, mapped 1:1 so offsets never move.
FW = str.maketrans("０１２３４５６７８９－Ｘｘ＋", "0123456789-Xx+")
# Digit runs of >= 7 digits with single spaces or dashes inside: the one pre-scan.
_RUN = re.compile(r"[0-9０-９](?:[ \-－]?[0-9０-９]){6,}")
_GROUP = re.compile(r"[0-9０-９]+")
MASK_CHARS = frozenset("*＊×●")
_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "０１２３４５６７８９")
# a number touching one of these is part of a URL, a file name, a code or a decimal
_BAD_LEFT = _ASCII_ALNUM | frozenset("_\\=.%&?#@~$")
_BAD_RIGHT = _ASCII_ALNUM | frozenset("_\\=%&?#@~$")
_DASHES = frozenset("-－")
# a number followed by a unit is an amount or a count (投资额13812345678元, 13812345678人次)
_UNITS = frozenset("元万亿人次户个件亩吨米台辆份项条家岁倍股座间%％‰㎡")
_URL_HINT = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\."
                       r"|\.(?:s?html?|jsp|php|aspx?|pdf|docx?|xlsx?|jpe?g|png|gif|zip|rar)(?![A-Za-z0-9]))", re.I)
# token characters of a URL when walking left from a number
_URL_STOP = frozenset(" \t\r\n\u3000\"'<>()（）[]【】{}，。；：、！？“”‘’《》")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"[1-9A-GY][1-9][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")

# Allocated mobile prefixes (MIIT numbering plan; 140/141/144/146/148 are 13-digit IoT ranges).
MOBILE_PREFIXES = frozenset(
    [f"13{i}" for i in range(10)] + ["145", "147", "149"]
    + [f"15{i}" for i in (0, 1, 2, 3, 5, 6, 7, 8, 9)] + ["162", "165", "166", "167"]
    + [f"17{i}" for i in range(9)] + [f"18{i}" for i in range(10)]
    + [f"19{i}" for i in (0, 1, 2, 3, 5, 6, 7, 8, 9)])

_PASSPORT = re.compile(r"E[0-9A-HJ-NP-Z][0-9]{7}|G[0-9]{8}|[DSP]E[0-9]{7}|[DSP][0-9]{7,8}|1[45][0-9]{7}")
_PERMIT = re.compile(r"C[0-9]{8}|C[A-HJ-NP-Z][0-9]{7}|W[0-9]{8}")

# An administrative or organisational word, not a person, when a name-shaped token ends so.
_ORG_END = frozenset("区县市省州镇乡村局委办厅处科室部院所站队司社组会行馆校园场路街巷号楼店厂矿店团协府庭港湾湖山河江")
# common words that start with a surname character and could stand in a cell next to a number
_NOT_NAMES = frozenset("""金额 方式 时间 全部 同时 和平 文明 高速 高新 高级 高中 安全 农业 林业 水利 江南 江北 黄金
白天 余额 项目 农户 农民 合计 小计 共计 总计 备注 单位 名称 明细 程序 计划 文件 向阳 东方 南方 西方 北方 卫生 应急
管理 公共 公开 公示 全年 全县 全市 全省 金融 成本 成效 方案 方法 温度 温州 常规 常用 万元 时限 时长 年龄 年度
华侨 宁波 福利 宋体 黑体 包括 包装 宣传 宣布 明确 车辆 车牌 于是 石油 毛重 孔径 柳州 桂林 宁夏
党员 群众 团员 单亲 全额 易地 汤圆 钟表 景区 安置 安装 龙头 任务 任期 申请 申报 查询 查看 程度 程序""".split())
_ROW_SPLIT = re.compile(r"[ \t\u3000|｜,，、;；]+")
_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,4}·[\u4e00-\u9fff]{1,6}")
# a line opening with one of these is a contact line, not a roster row
_CONTACT_LEAD = re.compile(r"\s*(?:联系人|联系电话|联系方式|咨询电话|监督电话|举报电话|投诉电话|报名电话|服务电话|"
                           r"办公电话|值班电话|电话|手机|传真|地址|邮箱|电子邮箱)")
_NAME_LABEL = re.compile(r"^(?:姓名|名字|户主|申请人|当事人)[:：]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_HARD_BREAK = ("\n", "。", "；", ";", "！", "？")
_GAP_OK = re.compile(r"[\s:：#＃()（）\[\]【】为是号码.\-—NnOo]{0,8}")
_LABEL_BREAK = _HARD_BREAK + ("，", ",", "、")

ROW_KINDS = frozenset(("id18", "id15", "id18-unchecked", "mobile"))   # numbers that make a roster row
ID_KINDS = frozenset(("id18", "id15", "id18-unchecked"))
_SPACED_FIRST = frozenset((2, 3, 4, 6, 7))     # first-group lengths of the grouped forms
WINDOW = 24          # chars before a number searched for a label (身份证号码：…)


# --------------------------------------------------------------------------- validators

def id_check_char(d17: str) -> str:
    return ID_CHECK[sum(map(operator.mul, map(int, d17), ID_WEIGHTS)) % 11]


def valid_date(yyyymmdd: str, today: date) -> bool:
    try:
        d = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= d <= today


def valid_id18(s: str, today: date) -> bool:
    """Region in the county-level table, a real birth date not in the future, MOD 11-2 check."""
    return (len(s) == 18 and s[:17].isdigit() and s[:6] in regions()
            and valid_date(s[6:14], today) and id_check_char(s[:17]) == s[17].upper())


def valid_id15(s: str, today: date) -> bool:
    return len(s) == 15 and s.isdigit() and s[:6] in regions() and valid_date("19" + s[6:12], today)


def valid_uscc(s: str) -> bool:
    """GB 32100-2015 unified social credit code with its check character."""
    s = s.upper()
    if not _USCC_SHAPE.fullmatch(s):
        return False
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(s[:17], USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31] == s[17]


_LUHN_DOUBLE = str.maketrans("0123456789", "0246813579")   # 2d, minus 9 when above 9


def luhn(digits: str) -> bool:
    return (sum(map(int, digits[::-1][::2])) + sum(map(int, digits[-2::-2].translate(_LUHN_DOUBLE)))) % 10 == 0


def card_issuer(digits: str) -> str | None:
    """'unionpay' for 62 (China's domestic cards), 'other' for international or legacy ranges."""
    if digits.startswith("62"):
        return "unionpay"
    p2, p4 = int(digits[:2]), int(digits[:4])
    if (digits[0] == "4" or 51 <= p2 <= 55 or 2221 <= p4 <= 2720 or 3528 <= p4 <= 3589
            or digits.startswith(("6011", "6013", "65", "955", "940"))):
        return "other"
    return None


def is_mobile(d11: str) -> bool:
    return len(d11) == 11 and d11[:3] in MOBILE_PREFIXES


# --------------------------------------------------------------------------- dictionaries

_lock = threading.Lock()
_regions: frozenset[str] | None = None
_keywords: tuple[re.Pattern, dict[str, str]] | None = None
_surnames: tuple[frozenset[str], frozenset[str]] | None = None


_allowed: frozenset[str] | None = None


def allowed() -> frozenset[str]:
    """Published-on-purpose numbers (dictionaries/privacy_allow.txt)."""
    global _allowed
    if _allowed is None:
        _allowed = frozenset(e.word for e in wordlist("privacy_allow.txt"))
    return _allowed


def regions() -> frozenset[str]:
    global _regions
    if _regions is None:
        _regions = frozenset(e.word for e in wordlist("regions.txt"))
    return _regions


def keywords() -> tuple[re.Pattern, dict[str, str]]:
    """One alternation of every context word, longest first (so 证件编号 beats 编号)."""
    global _keywords
    if _keywords is None:
        with _lock:
            tags = {e.word.lower(): (e.tags[0] if e.tags else "negative") for e in wordlist("privacy_keywords.txt")}
            words = sorted(tags, key=len, reverse=True)
            # a first-character lookahead lets the engine skip most positions (8x faster)
            first = "".join(sorted({w[0].lower() for w in words} | {w[0].upper() for w in words}))
            _keywords = (re.compile("(?=[" + re.escape(first) + "])(?:" + "|".join(map(re.escape, words)) + ")",
                                    re.I), tags)
    return _keywords


def surnames() -> tuple[frozenset[str], frozenset[str]]:
    global _surnames
    if _surnames is None:
        words = [e.word for e in wordlist("surnames.txt")]
        _surnames = (frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2))
    return _surnames


def is_name(token: str) -> bool:
    """A bare Chinese personal name: a known surname, 2-4 hanzi (or a minority name with ·), unmasked."""
    if not _HAN_NAME.fullmatch(token) or "某" in token or token in _NOT_NAMES:
        return False
    single, double = surnames()
    if token[:2] in double:
        return len(token) <= 5
    if token[0] not in single or token[-1] in _ORG_END:
        return False
    return True


# --------------------------------------------------------------------------- analysis

def _one(tags: frozenset[str]) -> str | None:
    return next(iter(sorted(tags)), None)


@dataclass(slots=True)
class Candidate:
    kind: str            # id18, id15, mobile, card, passport, permit, id-mask-weak
    start: int
    end: int
    value: str           # normalised (ASCII digits, no separators)
    suggestion: str
    tag: str | None = None          # nearest context word's tag
    issuer: str | None = None       # cards: unionpay / other
    in_row: bool = False


@dataclass(slots=True)
class Row:
    start: int
    end: int
    members: list[Candidate]
    suggestion: str
    has_id: bool


@dataclass(slots=True)
class Analysis:
    candidates: list[Candidate] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


class _Cache(threading.local):
    # strong references: an id() could otherwise be reused by the next document
    doc: Document | None = None
    text: str | None = None
    key: tuple | None = None
    value: Analysis | None = None


_cache = _Cache()


def analyse(doc: Document, today: date) -> Analysis:
    """The privacy analysis of `doc`, shared by every privacy rule run on it (one per thread)."""
    key = (len(doc.tables), today, doc.published)
    c = _cache
    if c.doc is doc and c.text is doc.text and c.key == key and c.value is not None:
        return c.value
    result = _Analyser(doc, today).run()
    c.doc, c.text, c.key, c.value = doc, doc.text, key, result
    return result


class _Analyser:
    def __init__(self, doc: Document, today: date):
        self.doc = doc
        self.text = doc.text
        self.today = today
        self.kw, self.kw_tags = keywords()
        self.cells: list[tuple[int, int, frozenset[str]]] = []   # table cells under a tagged header
        self.cell_starts: list[int] = []
        self.header_rows: set[tuple[int, int]] = set()
        self.unchecked: list[Candidate] = []
        self.header_memo: dict[int, frozenset[str]] = {}
        self.ref_year = (doc.published or today).year

    # ---- context
    def nearest_tag(self, start: int, breaks: tuple[str, ...] = _HARD_BREAK) -> str | None:
        """Tag of the context word closest before `start` in the same clause."""
        text = self.text
        a = max(0, start - WINDOW)
        for br in breaks:
            k = text.rfind(br, a, start)
            if k >= 0:
                a = k + 1
        last = None
        for m in self.kw.finditer(text, a, start):
            last = m
        if last is None:
            return None
        tag = self.kw_tags.get(last.group(0).lower())
        if tag in ("negative", "uscc") and not _GAP_OK.fullmatch(text, last.end(), start):
            # a serial label vetoes only the value right after it (编号：…), not a number further on
            return None
        return tag

    def column_tags(self, start: int) -> frozenset[str]:
        i = bisect.bisect_right(self.cell_starts, start) - 1
        if i >= 0 and self.cells[i][0] <= start < self.cells[i][1]:
            return self.cells[i][2]
        return frozenset()

    def tags_of(self, text: str) -> frozenset[str]:
        return frozenset(self.kw_tags[m.group(0).lower()] for m in self.kw.finditer(text))

    def header_line_tags(self, pos: int) -> frozenset[str]:
        """Tags of a plain-text header line (姓名 身份证号码 …) above the row holding `pos`.

        Walks up over row-like lines (they hold long numbers) to the first line without one; that
        line is the header if it names a person column and another label. Memoised per line, so a
        roster of many rows walks up once.
        """
        text = self.text
        memo = self.header_memo
        end = text.rfind("\n", 0, pos)
        visited: list[int] = []
        found: frozenset[str] = frozenset()
        for _ in range(60):
            if end < 0:
                break
            if end in memo:
                found = memo[end]
                break
            visited.append(end)
            begin = text.rfind("\n", max(0, end - 500), end) + 1
            if begin == 0 and end > 500:
                break                          # not a header line: far too long
            line = text[begin:end]
            if not line.strip():
                break
            if not _RUN.search(line):
                tags = self.tags_of(line)
                if len(tags) >= 2 and "name" in tags:
                    found = tags
                break
            end = begin - 1
        for v in visited:
            memo[v] = found
        return found

    def has_label(self, start: int, tag: str) -> bool:
        """For numbers with no checksum: the label must stand in the same phrase (no comma between)."""
        t = self.nearest_tag(start, _LABEL_BREAK)
        if t == tag:
            return True
        if t == "negative":
            return False
        return tag in self.column_tags(start) or tag in self.header_line_tags(start)

    def context(self, start: int) -> frozenset[str]:
        """The nearest label's tag, else the tags of the table column the number sits in."""
        t = self.nearest_tag(start)
        return frozenset((t,)) if t else self.column_tags(start)

    def id_context(self, start: int) -> frozenset[str]:
        """As context(), and for a row under a text header line: 受理编号 without an ID column vetoes."""
        tags = self.context(start)
        if not tags:
            head = self.header_line_tags(start)
            if "negative" in head and "id" not in head:
                return frozenset(("negative",))
        return tags

    # ---- boundaries
    def clean_left(self, start: int) -> bool:
        text = self.text
        if start == 0:
            return True
        c = text[start - 1]
        if c in _BAD_LEFT:
            return False
        if c == "/" and not self.slash_list(start - 1):
            return False
        if c in _DASHES and start >= 2 and text[start - 2] in _ASCII_ALNUM:
            return False           # a dashed serial: 2023-13812345678, NO-...
        return not self.in_url(start)

    def clean_right(self, end: int) -> bool:
        text = self.text
        if end >= len(text):
            return True
        c = text[end]
        if c in _BAD_RIGHT or c in _UNITS:
            return False
        if c == "/" and not self.slash_list(end):
            return False
        nxt = text[end + 1] if end + 1 < len(text) else ""
        if c == "." and nxt and nxt in _ASCII_ALNUM:
            return False           # decimal, file extension or domain
        if c in _DASHES and nxt and nxt in _ASCII_ALNUM:
            return False
        return True

    def slash_list(self, k: int) -> bool:
        """True when the slash at `k` separates two numbers (13812345678/13987654321), not a path."""
        text = self.text
        if not (0 < k < len(text) - 1 and text[k - 1] in _ASCII_ALNUM and text[k + 1] in _ASCII_ALNUM):
            return False
        if not (text[k - 1].isdigit() and text[k + 1].isdigit()):
            return False
        a, b = k, k
        while a > 0 and a > k - 300 and text[a - 1] not in _URL_STOP and not ("\u4e00" <= text[a - 1] <= "\u9fff"):
            a -= 1
        while b < len(text) and b < k + 300 and text[b] not in _URL_STOP and not ("\u4e00" <= text[b] <= "\u9fff"):
            b += 1
        token = text[a:b]
        return token.count("/") == 1 and not _URL_HINT.search(token)

    def in_url(self, start: int) -> bool:
        text = self.text
        i = start - 1
        stop = max(0, start - 300)
        while i >= stop and text[i] not in _URL_STOP and not ("\u4e00" <= text[i] <= "\u9fff"):
            i -= 1
        token = text[i + 1:start]
        return bool(token) and bool(_URL_HINT.search(token))

    # ---- main
    def run(self) -> Analysis:
        self.prepare_tables()
        out: list[Candidate] = []
        text = self.text
        for run in _RUN.finditer(text):
            self.parse_run(run.start(), run.end(), out)
        allow = allowed()
        if allow and out:
            out = [c for c in out if c.value.upper() not in allow]
        if self.unchecked:
            taken = {(c.start, c.end) for c in out}
            out.extend(c for c in self.unchecked if (c.start, c.end) not in taken)
        out.sort(key=lambda c: c.start)
        result = Analysis(out)
        if out:
            self.find_rows(result)
        return result

    def prepare_tables(self) -> None:
        text = self.text
        for table in self.doc.tables:
            col_tags: dict[int, frozenset[str]] = {}
            for n, row in enumerate(table.rows):
                if not row:
                    continue
                if not col_tags and n < 3:
                    # the header: one of the first rows, labels and no long numbers
                    cells = [text[s:e] for s, e in row]
                    if not any(_RUN.search(c) for c in cells):
                        tags = [self.tags_of(c) for c in cells]
                        if any(tags):
                            col_tags = {j: t for j, t in enumerate(tags) if t}
                            self.header_rows.add((row[0][0], row[-1][1]))
                            continue
                for j, (s, e) in enumerate(row):
                    if j in col_tags:
                        self.cells.append((s, e, col_tags[j]))
        self.cells.sort()
        self.cell_starts = [c[0] for c in self.cells]

    def parse_run(self, rs: int, re_: int, out: list[Candidate]) -> None:
        text = self.text
        groups = [(m.start(), m.end()) for m in _GROUP.finditer(text, rs, re_)]
        digits = [text[a:b].translate(FW) for a, b in groups]
        lens = [len(d) for d in digits]
        n = len(groups)
        i = 0
        while i < n:
            took = self.try_groups(groups, digits, lens, i, out)
            i += took or 1

    def try_groups(self, groups, digits, lens, i, out) -> int:
        """Classify the number starting at group i; returns the groups consumed (0: none matched)."""
        n = len(groups)
        if i + 1 < n and lens[i] in _SPACED_FIRST:
            k = self.try_spaced(groups, digits, lens, i, out)
            if k:
                return k
        return self.try_single(groups, digits, i, out)

    def try_spaced(self, groups, digits, lens, i, out) -> int:
        """Numbers written in groups: 6-8-4 IDs, 4-4-4-4 cards, 3-4-4 mobiles, +86 prefixes."""
        text = self.text
        n = len(groups)
        # a +86 / 0086 / 86- country prefix before a mobile
        if digits[i] in ("86", "0086") and i + 1 < n:
            k = self._mobile_groups(lens, digits, i + 1)
            if k:
                start = groups[i][0]
                if digits[i] == "86" and start > 0 and text[start - 1] in "+＋":
                    start -= 1
                end = groups[i + k][1]
                if self.emit_mobile(start, end, "".join(digits[i + 1:i + 1 + k]), out):
                    return 1 + k
        for shape in ((6, 8, 4), (6, 8, 3), (6, 4, 4, 4), (6, 4, 4, 3), (4, 4, 4, 4, 2), (4, 4, 4, 4, 1)):
            k = len(shape)
            if tuple(lens[i:i + k]) == shape:
                if self.try_id18(groups[i][0], groups[i + k - 1][1], "".join(digits[i:i + k]), out):
                    return k
        for shape in ((4, 4, 4, 4, 3), (4, 4, 4, 4, 2), (4, 4, 4, 4, 1), (4, 4, 4, 4)):
            k = len(shape)
            if tuple(lens[i:i + k]) == shape:
                if self.try_card(groups[i][0], groups[i + k - 1][1], "".join(digits[i:i + k]), out):
                    return k
        k = self._mobile_groups(lens, digits, i)
        if k > 1 and self.emit_mobile(groups[i][0], groups[i + k - 1][1], "".join(digits[i:i + k]), out):
            return k
        return 0

    def try_single(self, groups, digits, i, out) -> int:
        text = self.text
        a, b = groups[i]
        d = digits[i]
        L = len(d)
        if L == 18 or L == 17:
            if self.try_id18(a, b, d, out):
                return 1
        if 14 <= L <= 17 and b < len(text) and text[b] in MASK_CHARS | {"x", "X"}:
            if self.try_weak_mask(a, b, d, out):
                return 1
        if L == 15 and self.try_id15(a, b, d, out):
            return 1
        if L == 11 and self.emit_mobile(a, b, d, out):
            return 1
        if L == 13 and d.startswith("86") and a > 0 and text[a - 1] in "+＋":
            if self.emit_mobile(a - 1, b, d[2:], out):
                return 1
        if L == 15 and d.startswith("0086") and self.emit_mobile(a, b, d[4:], out):
            return 1
        if 16 <= L <= 19 and self.try_card(a, b, d, out):
            return 1
        if L in (7, 8, 9) and self.try_travel(a, b, d, out):
            return 1
        return 0

    @staticmethod
    def _mobile_groups(lens, digits, i) -> int:
        if i < len(lens) and lens[i] == 11:
            return 1
        if tuple(lens[i:i + 3]) == (3, 4, 4):
            return 3
        if tuple(lens[i:i + 2]) in ((3, 8), (7, 4)):
            return 2
        return 0

    # ---- per type
    def try_id18(self, a: int, b: int, d: str, out) -> bool:
        text = self.text
        if len(d) == 17:
            if b < len(text) and text[b] in "Xxｘ\uff38":
                b += 1
                d += "X"
            else:
                return False
        if not (self.clean_left(a) and self.clean_right(b)):
            return False
        if not valid_id18(d, self.today):
            # shaped like an ID but failing the check digit: not reported on its own, but in a
            # roster row (name + number) it is an ID column with a typo, so keep it for rows.
            # A date within five years of the document's date is an application or case serial
            # (region + date + sequence, e.g. 受理号 330824202305120001), not a birth date.
            if (d[:6] in regions() and valid_date(d[6:14], self.today)
                    and int(d[6:10]) < self.ref_year - 5 and "negative" not in self.id_context(a)):
                self.unchecked.append(Candidate("id18-unchecked", a, b, d, mask_id(d)))
            return False
        tags = self.id_context(a)
        if "negative" in tags:
            return True            # claimed: a serial that happens to validate is not a card either
        if "uscc" in tags and valid_uscc(d):
            return True
        out.append(Candidate("id18", a, b, d, mask_id(d), _one(tags)))
        return True

    def try_id15(self, a: int, b: int, d: str, out) -> bool:
        if not (self.clean_left(a) and self.clean_right(b) and valid_id15(d, self.today)):
            return False
        if not self.has_label(a, "id"):
            return False
        out.append(Candidate("id15", a, b, d, mask_id(d), "id"))
        return True

    def try_weak_mask(self, a: int, b: int, d: str, out) -> bool:
        """A masked ID that still shows region and full birth date: 33082419900101****."""
        text = self.text
        e = b
        while e < len(text) and e - a < 18 and (text[e] in MASK_CHARS or text[e] in "xX"):
            e += 1
        while e < len(text) and e - a < 18 and (text[e].isdigit() or text[e] in "Xx"):
            e += 1
        masks = sum(1 for c in text[b:e] if c in MASK_CHARS or c in "xX")
        if e - a != 18 or masks == 0 or (masks == 1 and text[b] in "xX" and len(d) == 17):
            return False
        if not (self.clean_left(a) and self.clean_right(e)):
            return False
        if d[:6] not in regions() or not valid_date(d[6:14], self.today):
            return False
        if "negative" in self.context(a):
            return True
        out.append(Candidate("id-mask-weak", a, e, d, mask_id(d[:6] + "0" * 8 + text[e - 4:e].translate(FW))))
        return True

    def emit_mobile(self, a: int, b: int, d: str, out) -> bool:
        if not is_mobile(d):
            return False
        if not (self.clean_left(a) and self.clean_right(b)):
            return False
        tags = self.context(a)
        if tags & {"negative", "uscc"}:
            return True
        out.append(Candidate("mobile", a, b, d, mask_mobile(self.text[a:b].translate(FW)), _one(tags)))
        return True

    def try_card(self, a: int, b: int, d: str, out) -> bool:
        if not 16 <= len(d) <= 19 or not luhn(d):
            return False
        if not (self.clean_left(a) and self.clean_right(b)):
            return False
        if len(d) == 18 and ((d[:6] in regions() and valid_date(d[6:14], self.today)) or valid_uscc(d)):
            # ID-shaped (region and birth date) is an ID, even with a typo in the check digit;
            # 18-digit cards are rare. A credit code is publishable.
            return True
        issuer = card_issuer(d)
        if issuer is None:
            return False
        tags = self.context(a)
        if tags & {"negative", "uscc"}:
            return True
        if issuer != "unionpay" and "card" not in tags:
            return False
        out.append(Candidate("card", a, b, d, mask_card(d), _one(tags), issuer))
        return True

    def try_travel(self, a: int, b: int, d: str, out) -> bool:
        """Passport / 往来港澳通行证: letters + digits, only next to their keyword."""
        text = self.text
        s = a
        while s > a - 2 and s > 0 and "A" <= text[s - 1].upper() <= "Z" and text[s - 1].isascii():
            s -= 1
        token = text[s:a].upper() + d
        if not (self.clean_left(s) and self.clean_right(b)):
            return False
        if _PASSPORT.fullmatch(token) and self.has_label(s, "passport"):
            out.append(Candidate("passport", s, b, token, mask_passport(token), "passport"))
            return True
        if _PERMIT.fullmatch(token) and self.has_label(s, "permit"):
            out.append(Candidate("permit", s, b, token, mask_passport(token), "permit"))
            return True
        return False

    # ---- rosters
    def find_rows(self, result: Analysis) -> None:
        if not any(c.kind in ROW_KINDS for c in result.candidates):
            return
        # every unmasked number of a row belongs to it; ID or mobile numbers make it a roster row
        cands = result.candidates
        starts = [c.start for c in cands]
        text = self.text
        table_spans: list[tuple[int, int]] = []
        for table in self.doc.tables:
            rows: list[Row] = []
            for row in table.rows:
                cells = [(s, e) for s, e in row if e > s]
                if not cells:
                    continue
                rs, re_ = cells[0][0], cells[-1][1]
                table_spans.append((rs, re_))
                if (rs, re_) in self.header_rows:
                    continue
                members = cands[bisect.bisect_left(starts, rs):bisect.bisect_left(starts, re_)]
                if not any(c.kind in ROW_KINDS for c in members):
                    continue
                names = [(s, e) for s, e in cells
                         if is_name(text[s:e].strip()) or ("name" in self.column_tags(s)
                                                           and _HAN_NAME.fullmatch(text[s:e].strip())
                                                           and "某" not in text[s:e])]
                if names:
                    rows.append(self._row(rs, re_, members, names))
            self._keep(rows, result)
        table_spans.sort()
        # plain-text rows: the lines holding a candidate, outside any table
        rows = []
        line_end = -1
        for c in cands:                       # sorted by start: each line is looked at once
            if c.kind not in ROW_KINDS or c.start < line_end:
                continue
            ls = text.rfind("\n", 0, c.start) + 1
            le = text.find("\n", c.end)
            le = len(text) if le < 0 else le
            line_end = le
            j = bisect.bisect_right(table_spans, (ls, len(text))) - 1
            if j >= 0 and table_spans[j][1] > ls:
                continue
            k = bisect.bisect_left(table_spans, (ls, 0))
            if k < len(table_spans) and table_spans[k][0] < le:
                continue
            row = self._text_row(ls, le, cands, starts)
            if row:
                rows.append(row)
        self._keep(rows, result)

    def _text_row(self, ls: int, le: int, cands, starts) -> Row | None:
        text = self.text
        if le - ls > 200:
            return None
        line = text[ls:le]
        if _SENTENCE_END.search(line) or _CONTACT_LEAD.match(line):
            return None
        names = []
        pos = ls
        for tok in _ROW_SPLIT.split(line):
            k = text.find(tok, pos, le) if tok else -1
            if k < 0:
                continue
            pos = k + len(tok)
            bare = _NAME_LABEL.sub("", tok, 1)
            if is_name(bare):
                names.append((k + len(tok) - len(bare), k + len(tok)))
        if not names:
            return None
        members = cands[bisect.bisect_left(starts, ls):bisect.bisect_left(starts, le)]
        if not any(c.kind in ROW_KINDS for c in members):
            return None
        a = ls + len(line) - len(line.lstrip())
        b = le - (len(line) - len(line.rstrip()))
        return self._row(a, b, members, names)

    def _row(self, a: int, b: int, members: list[Candidate], names) -> Row:
        text = self.text
        pieces, pos = [], a
        spans = sorted([(c.start, c.end, c.suggestion) for c in members]
                       + [(s, e, text[s:e].strip()[0] + "*" * (len(text[s:e].strip()) - 1)) for s, e in names])
        for s, e, rep in spans:
            if s < pos:
                continue
            pieces.append(text[pos:s])
            pieces.append(rep)
            pos = e
        pieces.append(text[pos:b])
        return Row(a, b, list(members), "".join(pieces), any(c.kind in ID_KINDS for c in members))

    @staticmethod
    def _keep(rows: list[Row], result: Analysis) -> None:
        """In a list of two rows or more every row counts; a lone row only when it has an ID."""
        for r in rows:
            if r.has_id or len(rows) >= 2:
                result.rows.append(r)
                for c in r.members:
                    c.in_row = True
