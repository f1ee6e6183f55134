"""Text normalisation for word matching, with every offset mapped back to the original text.

Two views of a text are built, both cheap enough to run on every document:

* ``Normalized.text`` (the *folded* view): each character folded on its own: NFKC (full width,
  compatibility forms, circled digits), lower case, traditional → simplified through a 1:1
  character table derived from OpenCC ``t2s``, and look-alike letters and digits (Cyrillic ``о``,
  Greek ``ο``, ``⓿`` ``❶`` ``➀`` …) to ASCII. A character whose NFKC form is longer (``㈤`` →
  ``(五)``, ``ﬁ`` → ``fi``) expands; when nothing in the text expands (the usual case) the
  view has the text's length and offsets are the identity. Pure punctuation expansions (``…`` →
  ``...``) are not expanded: they are noise either way.
* ``Normalized.stripped()`` (the *stripped* view): the folded view without noise characters
  (spaces, punctuation, symbols, format and control characters, combining marks), so that
  ``赌*博``, ``赌 博`` and ``赌。博`` all read ``赌博``. It is built in blocks so that mapping a
  hit back costs one small block scan, not a per-character map of the whole text.

Why per character and length preserving: findings carry offsets into the original text (the
contract), and phrase-level OpenCC or whole-string NFKC change lengths unpredictably. The 1:1
table agrees with phrase-level t2s on 99.99 % of characters (measured, notes §2.3).
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata

__all__ = ["Normalized", "Stripped", "normalize", "fold", "fold_stripped", "is_noise", "is_han"]

# Look-alikes NFKC leaves alone: Cyrillic/Greek letters that render like Latin ones, and digit
# forms without a compatibility decomposition (dingbat and double-circled digits).
_LOOKALIKES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g",
    "ո": "n", "ս": "u", "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ı": "i",
    "⓿": "0", "⓪": "0", "🄀": "0",
}
for _i, _base in enumerate((0x2776, 0x2780, 0x278A, 0x24F5)):   # ❶ ➀ ➊ ⓵ … nine each
    for _k in range(9):
        _LOOKALIKES[chr(_base + _k)] = str(_k + 1)

# code points beyond the BMP worth folding: math alphanumerics, enclosed alphanumerics,
# segmented digits, CJK compatibility ideographs supplement
_SUPPLEMENTARY = ((0x1D400, 0x1D800), (0x1F100, 0x1F200), (0x1FBF0, 0x1FBFA), (0x2F800, 0x2FA20))
_NOISE_CATEGORIES = frozenset(("Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Mn", "Me",
                               "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"))


def is_noise(ch: str) -> bool:
    return unicodedata.category(ch) in _NOISE_CATEGORIES


def is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F or 0xF900 <= o <= 0xFAFF


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict, re.Pattern, re.Pattern, re.Pattern]:
    """(fold table, foldable-run regex, expanding-char regex, noise regex); built once.

    Noise characters are left out of the fold table: they are dropped in the stripped view and
    never part of a word, and leaving them alone keeps the common case (simplified text with
    full-width punctuation) free of replacements: a regex scan that rarely matches is far faster
    than `str.translate` over every character.
    """
    t2s = _t2s_table()
    table: dict[int, str] = {}
    expanding: set[int] = set()

    def fold_one(ch: str) -> str:
        out = []
        for c in unicodedata.normalize("NFKC", ch):
            for d in c.lower():
                d = t2s.get(d, d)
                out.append(_LOOKALIKES.get(d, d))
        return "".join(out)

    cps = [cp for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
    for lo, hi in _SUPPLEMENTARY:
        cps.extend(range(lo, hi))
    for cp in cps:
        ch = chr(cp)
        if (unicodedata.is_normalized("NFKC", ch) and ch.lower() == ch
                and ch not in t2s and ch not in _LOOKALIKES):
            continue
        if is_noise(ch):
            continue
        f = fold_one(ch)
        if f == ch or not f:
            continue
        if len(f) > 1:
            core = "".join(c for c in f if not is_noise(c))
            if not core:
                continue
            if len(core) == 1:                # ㈤ → 五, ⑴ → 1, ⒈ → 1: keep the length
                f = core
            else:
                expanding.add(cp)             # ﬁ → fi, Ⅲ → iii, ㎏ → kg
        table[cp] = f
    # sre checks a class holding code points above U+FFFF range by range; a BMP-only class is a
    # bitmap lookup (10x faster). Texts with astral characters (rare) take the full classes.
    fold_cps = sorted(table)
    noise_cps = [cp for cp in _NOISE_SCAN if is_noise(chr(cp))]
    fold_re = _Classes(fold_cps, "+")
    expand_re = _Classes(sorted(expanding), "")
    noise_re = _Classes(noise_cps, "+")
    return table, fold_re, expand_re, noise_re


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class _Classes:
    """A character-class regex split into a fast BMP-only pattern and a full one."""
    __slots__ = ("bmp", "full")

    def __init__(self, cps: list[int], suffix: str):
        bmp = [c for c in cps if c < 0x10000]
        self.bmp = re.compile("[" + _char_class(bmp) + "]" + suffix) if bmp else re.compile("(?!)")
        self.full = re.compile("[" + _char_class(cps) + "]" + suffix) if cps else re.compile("(?!)")

    def for_text(self, text: str) -> re.Pattern:
        return self.full if _ASTRAL.search(text) else self.bmp


_NOISE_SCAN = [cp for cp in (*range(0x10000), *range(0x1F000, 0x1FB00), 0xE0001, *range(0xE0020, 0xE0080))
               if not 0xD800 <= cp <= 0xDFFF]


def _char_class(cps: list[int]) -> str:
    """A regex character-class body for sorted code points, as ranges."""
    out, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        a, b = chr(cps[i]), chr(cps[j])
        out.append(re.escape(a) if i == j else f"{re.escape(a)}-{re.escape(b)}")
        i = j + 1
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _t2s_table() -> dict[str, str]:
    """Traditional → simplified, one character to one character, derived from OpenCC t2s."""
    import opencc
    chars = [chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):          # never seen; fall back to no script folding
        return {}
    return {c: o for c, o in zip(chars, converted) if len(o) == 1 and o != c}


class Normalized:
    """The folded view of `source`, with a sparse map of the few characters that expanded."""
    __slots__ = ("source", "text", "_fa", "_sa", "_len", "_extra", "_stripped", "cache")

    def __init__(self, source: str):
        table, fold_re, expand_re, _ = _tables()
        self.source = source
        self.cache: dict = {}            # per-text results shared by the rules that read this view
        self._stripped: Stripped | None = None
        fold_re = fold_re.for_text(source)
        expand_re = expand_re.for_text(source)

        def repl(m: re.Match) -> str:
            return m.group().translate(table)

        # expansions: folded start, source offset, folded length, extra characters so far
        self._fa: list[int] = []
        self._sa: list[int] = []
        self._len: list[int] = []
        self._extra: list[int] = []
        if expand_re.search(source) is None:
            self.text = fold_re.sub(repl, source)
            return
        pieces, pos, extra = [], 0, 0
        for m in expand_re.finditer(source):
            a = m.start()
            pieces.append(fold_re.sub(repl, source[pos:a]))
            f = table[ord(source[a])]
            pieces.append(f)
            self._fa.append(a + extra)
            self._sa.append(a)
            self._len.append(len(f))
            extra += len(f) - 1
            self._extra.append(extra)
            pos = a + 1
        pieces.append(fold_re.sub(repl, source[pos:]))
        self.text = "".join(pieces)

    def to_source(self, i: int) -> int:
        """The source offset of the character folded character i came from (i may be len(text))."""
        k = bisect.bisect_right(self._fa, i)
        if k == 0:
            return i
        if i < self._fa[k - 1] + self._len[k - 1]:
            return self._sa[k - 1]
        return i - self._extra[k - 1]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span [a, b) covering folded span [start, end) (whole expanded characters)."""
        if not self._fa:
            return start, end
        if end <= start:
            a = self.to_source(start)
            return a, a
        return self.to_source(start), self.to_source(end - 1) + 1

    def stripped(self) -> "Stripped":
        if self._stripped is None:
            self._stripped = Stripped(self.text)
        return self._stripped


class Stripped:
    """The folded text without noise characters, mapped back in blocks of BLOCK characters."""
    BLOCK = 4096
    __slots__ = ("source", "text", "_cum", "_index")

    def __init__(self, folded: str):
        noise_re = _tables()[3].for_text(folded)
        self.source = folded
        parts, cum = [], [0]
        for b in range(0, len(folded), self.BLOCK):
            p = noise_re.sub("", folded[b:b + self.BLOCK])
            parts.append(p)
            cum.append(cum[-1] + len(p))
        self.text = "".join(parts)
        self._cum = cum
        self._index: dict[int, list[int]] = {}

    def to_folded(self, i: int) -> int:
        """The folded-view offset of stripped character i (i < len(text))."""
        k = bisect.bisect_right(self._cum, i) - 1      # right: skips blocks that were all noise
        idx = self._index.get(k)
        if idx is None:
            base = k * self.BLOCK
            block = self.source[base:base + self.BLOCK]
            noise_re = _tables()[3].for_text(block)
            idx, pos = [], 0
            for m in noise_re.finditer(block):
                idx.extend(range(base + pos, base + m.start()))
                pos = m.end()
            idx.extend(range(base + pos, base + len(block)))
            self._index[k] = idx
        return idx[i - self._cum[k]]

    def folded_span(self, start: int, end: int) -> tuple[int, int]:
        """The folded span from the first to the last character of stripped span [start, end)."""
        return self.to_folded(start), self.to_folded(end - 1) + 1


@functools.lru_cache(maxsize=4)
def normalize(text: str) -> Normalized:
    """The folded view of `text`, cached: every rule reading the same document shares it."""
    return Normalized(text)


def fold(s: str) -> str:
    """The folded form of a dictionary word (the same folding as the text)."""
    return Normalized(s).text


def fold_stripped(s: str) -> str:
    f = fold(s)
    return _tables()[3].for_text(f).sub("", f)


def warm() -> None:
    """Build the tables now (rules call this at construction, so the first check is not slower)."""
    _tables()
