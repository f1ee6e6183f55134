"""format: impossible dates, unbalanced paired punctuation, doubled punctuation.

Every scan starts from a literal character (月, a bracket, a punctuation mark) so the regex engine
can skip ahead quickly; the Python-level work happens only at the rare candidates.
"""
from __future__ import annotations

import calendar
import re

from ..engine import Rule, register

# ---------------------------------------------------------------------------------------------
# dates

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM_CHARS = set(_CN_DIGIT) | {"十"}
# 月 then an optional day: Arabic (half or full width) or Chinese numerals, ending in 日 or 号
# (a single space may stand around the numbers: 2020 年 2 月 30 日, as some editors type them)
_AFTER_MONTH = re.compile(r"月(?:[ \u3000]?(\d{1,3})[ \u3000]?[日号]|([一二三四五六七八九十]{1,4})日)?")
_SP = " \u3000"
# lunar calendar dates have 30-day months (农历二月三十) and their own names: leave them alone
_LUNAR = re.compile(r"农历|阴历|旧历|夏历|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年|正月|腊月|冬月")


def _cn_number(s: str) -> int | None:
    """一..九十九 in the usual forms (十二, 二十, 二十三, 三十一); None for anything else."""
    if not s or any(c not in _CN_NUM_CHARS for c in s):
        return None
    if "十" not in s:
        return _CN_DIGIT[s] if len(s) == 1 else None
    if s.count("十") > 1:
        return None
    tens, _, ones = s.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    t = _CN_DIGIT[tens] if tens else 1
    o = _CN_DIGIT[ones] if ones else 0
    if (tens and t == 0) or (ones and o == 0):
        return None
    return t * 10 + o


def _int(s: str) -> int | None:
    if s.isdigit():
        try:
            return int(s)
        except ValueError:
            return None
    return _cn_number(s)


def _year_before(text: str, pos: int) -> tuple[int | None, int]:
    """The 4-digit year written right before `pos` (which holds 年), and where it starts."""
    a = pos
    while a > 0 and pos - a < 5 and (text[a - 1].isdigit() or text[a - 1] in _CN_DIGIT):
        a -= 1
    s = text[a:pos]
    if len(s) != 4 or (a > 0 and (text[a - 1].isdigit() or text[a - 1] in _CN_NUM_CHARS)):
        return None, pos
    if s.isdigit():
        return int(s), a
    if all(c in _CN_DIGIT for c in s):
        return int("".join(str(_CN_DIGIT[c]) for c in s)), a
    return None, pos


@register
class InvalidDate(Rule):
    """不存在的日期（2月30日、4月31日、13月、平年2月29日等）。

    Why: an impossible date in a notice (a deadline, a meeting, the 成文日期) is a real error that
    readers cannot resolve, and a wrong 发稿日期 is itself an inspection item. 2月29日 without a year
    is accepted (it exists in leap years); a month alone (1至12月, 13个月, 第13月) is not a date;
    lunar dates (农历二月三十) are left alone.
    Example: 「报名截止时间为2023年2月29日」, 「二〇二三年九月三十一日」.
    """
    id = "format.invalid-date"
    category = "format"
    severity = "major"
    message = "日期不存在，请核对"

    def check(self, doc, ctx):
        text = doc.text
        if "月" not in text:
            return
        for m in _AFTER_MONTH.finditer(text):
            i = m.start()
            # the month number right before 月: 1-2 Arabic digits or 1-3 Chinese numerals
            if i > 1 and text[i - 1] in _SP and text[i - 2].isdigit():
                i -= 1
            a = i
            while a > 0 and i - a < 4 and (text[a - 1].isdigit() or text[a - 1] in _CN_NUM_CHARS):
                a -= 1
            mtxt = text[a:i]
            if not mtxt:
                continue
            arabic = mtxt.isdigit()
            if arabic and (len(mtxt) > 2 or (a > 0 and text[a - 1] in _CN_NUM_CHARS)):
                continue
            if not arabic and (any(c.isdigit() for c in mtxt) or len(mtxt) > 3):
                continue
            month = _int(mtxt)
            if month is None:
                continue
            year, start = (None, a)
            y = a - 1 if a > 1 and text[a - 1] in _SP and text[a - 2] == "年" and mtxt.isdigit() else a
            if y > 0 and text[y - 1] == "年":
                ypos = y - 1
                if ypos > 1 and text[ypos - 1] in _SP and text[ypos - 2].isdigit():
                    ypos -= 1
                year, ystart = _year_before(text, ypos)
                if year is not None:
                    start = ystart
            elif a > 0 and text[a - 1] in "第每近个":
                continue   # 第13月, 每12月: ordinals and periods, not dates
            dtxt = m.group(1) or m.group(2)
            day = _int(dtxt) if dtxt else None
            if dtxt and day is None:
                continue
            if year is None and day is None:
                continue   # 13月 alone (a count, a typo for 13个月) is not reliably a date
            lunar_window = text[max(0, start - 8):start + 1]
            if _LUNAR.search(lunar_window):
                continue
            end = m.end()
            problem = None
            if not 1 <= month <= 12:
                problem = f"月份“{mtxt}”不存在"
            elif day is not None:
                if year is not None and 1000 <= year <= 9999:
                    last = calendar.monthrange(year, month)[1]
                else:
                    last = 29 if month == 2 else calendar.monthrange(2001, month)[1]
                if not 1 <= day <= last:
                    if month == 2 and day == 29 and year is not None:
                        problem = f"{year}年不是闰年，2月没有29日"
                    else:
                        problem = f"{month}月没有{dtxt}日"
            if problem:
                yield self.finding(doc, start, end, message=f"日期不存在：{problem}")


# ---------------------------------------------------------------------------------------------
# paired punctuation

# (opening characters, closing characters, display name). ( and （ are one kind: mixing them is
# sloppy but readable, and not what this rule is about.
_PAIRS = (("《", "》", "书名号《》"), ("“", "”", "引号“”"), ("（(", "）)", "括号（）"), ("【", "】", "方括号【】"),
          ("〔", "〕", "六角括号〔〕"), ("「", "」", "引号「」"))
_KIND_OF = {}
for _k, (_o, _c, _n) in enumerate(_PAIRS):
    for _ch in _o:
        _KIND_OF[_ch] = (_k, True)
    for _ch in _c:
        _KIND_OF[_ch] = (_k, False)
_QUOTE_KINDS = (1, 5)
_ANY_PAIR_CHAR = re.compile("[" + re.escape("".join(_KIND_OF)) + "]")
# an opening mark with no closing mark of its kind before the next opening mark or line end;
# run on the text and (for closing marks) on the reversed text, it finds every paragraph that may
# be unbalanced; those few paragraphs then get an exact check
# one pattern per character: a pattern that starts with a literal is searched for far faster
# than a character class or an alternation
_UNCLOSED = tuple(
    re.compile(re.escape(ch) + f"(?=[^{re.escape(c)}\\n]*(?:[{re.escape(o)}\\n]|\\Z))")
    for o, c, _ in _PAIRS for ch in o)
_UNOPENED_REV = tuple(
    (ch, re.compile(re.escape(ch) + f"(?=[^{re.escape(o)}\\n]*(?:[{re.escape(c)}\\n]|\\Z))"))
    for o, c, _ in _PAIRS for ch in c)
# 1） a) 一） ⅱ) as list markers, at the start of a line or inline (…被动2）全过程…3)专业…): a
# closing bracket right after a short number or letter that is not part of a longer number (2.5),
# a Latin word or a longer run of Chinese numerals
_LIST_MARKER_BEFORE = re.compile(
    r"(?:(?<![\d.．A-Za-z])\d{1,2}|(?<![\d.．A-Za-z])[A-Za-z]|(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,3}"
    r"|[ⅰ-ⅹⅠ-Ⅻ①-⑳])[\s\u3000]*$")


@register
class UnbalancedPair(Rule):
    """书名号、引号、括号不成对（《》“”（）【】〔〕「」）。

    Why: a missing 》 or ” makes a document title or a quotation run on, and readers cannot tell
    where it ends; it usually means text was lost when the draft was edited. Checked per paragraph,
    with what real documents do allowed: a quotation over several paragraphs (each paragraph opens
    with “ and only the last closes), a title broken over two lines, nested brackets, list markers
    such as 1） or a) that have no opening bracket.
    Example: 「根据《中华人民共和国政府信息公开条例，制定本办法。」
    """
    id = "format.unbalanced-pair"
    category = "format"
    severity = "minor"
    message = "标点不成对"
    defaults = {"span_paragraphs": 5}

    def check(self, doc, ctx):
        text = doc.text
        n = len(text)
        starts = set()
        for pat in _UNCLOSED:
            for m in pat.finditer(text):
                starts.add(text.rfind("\n", 0, m.start()) + 1)
        rev = None
        for ch, pat in _UNOPENED_REV:
            if ch not in text:
                continue
            if rev is None:
                rev = text[::-1]
            for m in pat.finditer(rev):
                pos = n - 1 - m.start()
                starts.add(text.rfind("\n", 0, pos) + 1)
        if not starts:
            return
        # exact per-paragraph check of the candidate paragraphs
        left: list[tuple[int, int, bool]] = []      # (offset, kind, is_open), in text order
        for a in sorted(starts):
            b = text.find("\n", a)
            b = n if b < 0 else b
            stacks: dict[int, list[int]] = {}
            for m in _ANY_PAIR_CHAR.finditer(text, a, b):
                kind, is_open = _KIND_OF[m.group()]
                st = stacks.setdefault(kind, [])
                if is_open:
                    st.append(m.start())
                elif st:
                    st.pop()
                else:
                    left.append((m.start(), kind, False))
            for kind, st in stacks.items():
                left.extend((p, kind, True) for p in st)
        if not left:
            return
        left.sort()
        span = int(self.settings.get("span_paragraphs", 5))
        paired: set[int] = set()
        open_stack: dict[int, list[int]] = {}
        for pos, kind, is_open in left:
            st = open_stack.setdefault(kind, [])
            if is_open:
                st.append(pos)
            elif st and text.count("\n", st[-1], pos) <= span:
                # closes a mark opened a few paragraphs earlier (a quotation or title over lines)
                paired.add(st.pop())
                paired.add(pos)
        for pos, kind, is_open in left:
            if pos in paired:
                continue
            o, c, name = _PAIRS[kind]
            if is_open and kind in _QUOTE_KINDS and self._quote_continues(text, pos):
                continue
            if not is_open and kind == 2 and _LIST_MARKER_BEFORE.search(text, max(0, pos - 6), pos):
                continue        # 1） a) 三） list markers have no opening bracket
            if is_open:
                msg = f"{name}不成对：“{text[pos]}”缺少对应的“{c[0]}”"
            else:
                msg = f"{name}不成对：“{text[pos]}”缺少对应的“{o[0]}”"
            yield self.finding(doc, pos, pos + 1, message=msg)

    @staticmethod
    def _quote_continues(text: str, pos: int) -> bool:
        """A quotation over several paragraphs: every paragraph opens with “ (or 「), only the last closes."""
        nl = text.find("\n", pos)
        while nl >= 0:
            j = nl + 1
            while j < len(text) and text[j] in " \t\u3000\r":
                j += 1
            if j < len(text) and text[j] == "\n":
                nl = j
                continue
            return j < len(text) and text[j] == text[pos]
        return False


# ---------------------------------------------------------------------------------------------
# doubled punctuation

# two or more marks from the pause/stop set in a row; ？ and ！ may start a run (？。) but ？！ and
# ！！ are legitimate, and …… —— are the correct ellipsis and dash
_DOUBLED = re.compile(r"[，。、；：？！][，。、；：]+")
_STOP = "。"


def _suggest(run: str) -> str | None:
    if len(set(run)) == 1:
        if run[0] == "。" and len(run) >= 3:
            return "……"            # 。。。 typed for an ellipsis
        return run[0]
    first, last = run[0], run[-1]
    if first in "？！" and all(c in "，。、；：" for c in run[1:]):
        return first               # ？。 → ？
    if last == _STOP and all(c in "，、；：" for c in run[:-1]):
        return _STOP               # ，。 → 。 (the sentence ends there)
    return None


@register
class DoubledPunctuation(Rule):
    """标点重复或连用（，，　。。　，。　、、　？。 等）。

    Why: doubled marks are the most common slip in pasted and edited drafts and are visible to
    every reader. The correct ellipsis …… and dash —— and the emphatic ？！ are not flagged.
    Example: 「各单位要高度重视，，认真组织实施。。」 → 「，」「。」.
    """
    id = "format.doubled-punctuation"
    category = "format"
    severity = "minor"
    message = "标点符号重复或连用"

    def check(self, doc, ctx):
        text = doc.text
        for m in _DOUBLED.finditer(text):
            run = m.group()
            yield self.finding(doc, m.start(), m.end(), suggestion=_suggest(run),
                               message=f"标点符号重复或连用：“{run}”")
