"""secrecy: classification marks and internal-only notices that must never go online."""
from __future__ import annotations

import re

from ..engine import Rule, register
from ..resources import wordlist

# 密级★期限: 机密★10年, 秘密★1年, 绝密★长期, 机密★会议开始前, also ☆/* and spaced forms
_MARK = re.compile(r"(绝密|机密|秘密)\s*[★☆✭⭐\*＊]\s*(\d{1,2}\s*年|长期|[\u4e00-\u9fff]{1,8}前)?")
# a bare level word alone on its line (top-left of the first page) is a mark too
_BARE_HEADER = re.compile(r"(?m)^[ \t\u3000]*(绝密|机密)[ \t\u3000]*$")
# what may stand before and after a mark for it to be a mark rather than words in a sentence
_OPEN = set(" \t\r\n\u3000（(【[〔《“\"：:，,。；;、★☆|")
_CLOSE = set(" \t\r\n\u3000）)】]〕》”\"，,。；;、！!★☆|")


@register
class ClassificationMark(Rule):
    """国家秘密密级标志（绝密★、机密★、秘密★及保密期限）。

    Why: a document carrying a state-secret mark must never be published; publishing one is a
    veto item (泄露国家秘密) in the national inspection. The bare word 秘密 is ordinary Chinese, so a
    star or a line of its own is required.
    Example: 「机密★10年」 at the top of an uploaded notice.
    """
    id = "secrecy.classification-mark"
    category = "secrecy"
    severity = "critical"
    message = "出现国家秘密密级标志，涉密文件严禁上网公开"

    def check(self, doc, ctx):
        for m in _MARK.finditer(doc.text):
            yield self.finding(doc, m.start(), m.end())
        for m in _BARE_HEADER.finditer(doc.text):
            yield self.finding(doc, m.start(1), m.end(1))


@register
class InternalMark(Rule):
    """内部资料、内部文件、注意保密、不得外传、此件不公开等不宜公开标识。

    Why: local 保密审查 rules keep anything marked for internal use off the web; an inspection counts
    it as a disclosure failure. Only the marks themselves fire: a mark stands alone, between line
    breaks, spaces, brackets or punctuation. Inside a sentence (不得以内部文件形式印发, 宗教内部资料性
    出版物, 各单位要注意保密) the words describe, they do not mark; 保密审查 is about the process.
    Example: 「（此件不公开）」 left in the 公开属性 line of a published notice.
    """
    id = "secrecy.internal-mark"
    category = "secrecy"
    severity = "critical"
    message = "出现“内部资料/注意保密/不得外传/此件不公开”等不宜公开标识"
    defaults = {"dictionary": "secrecy_marks.txt"}

    def __init__(self, settings=None):
        super().__init__(settings)
        words = sorted({e.word for e in wordlist(self.settings["dictionary"])}, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, words))) if words else None

    def check(self, doc, ctx):
        if self._pattern is None:
            return
        text = doc.text
        for m in self._pattern.finditer(text):
            a, b = m.start(), m.end()
            if (a == 0 or text[a - 1] in _OPEN) and (b == len(text) or text[b] in _CLOSE):
                yield self.finding(doc, a, b)
