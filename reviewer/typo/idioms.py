"""Four-character idioms misspelt by one character (再接再励 → 再接再厉).

A window of four Han characters that is neither an idiom nor a known word, and that becomes an
idiom of the shipped list when one character is replaced by a confusable one (same pinyin or
similar shape), is proposed when the general-domain word route prefers the idiom: 一年之际 stays
(一年/之际 are common words), 再接再励 is flagged (再/接/再/励 is no word at all).
"""
from __future__ import annotations

import threading
from bisect import bisect_right
from dataclasses import dataclass

import ahocorasick_rs

from . import candidates as cands
from .detector import HAN_RUN, Detector, protected_mask, resources

_lock = threading.Lock()
# One slip leaves one half of the idiom intact: idioms by their first and by their second half,
# and an automaton over all halves that finds, in one pass in C, the few windows worth a look (a
# Python test of every window was most of this rule's time; a table of every one-character
# wildcard took 34 MB).
_halves: tuple[ahocorasick_rs.AhoCorasick, int, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]] | None = None
_pinyin: dict[str, frozenset[str]] | None = None


def _sounds(a: str, b: str) -> bool:
    global _pinyin
    if _pinyin is None:
        _pinyin = cands.load_pinyin()
    pa, pb = _pinyin.get(a), _pinyin.get(b)
    return bool(pa and pb and pa & pb)


def pattern_index() -> tuple:
    """(automaton over every half, how many first halves, idioms by first half, by second half)."""
    global _halves
    with _lock:
        if _halves is None:
            by_first: dict[str, list[str]] = {}
            by_second: dict[str, list[str]] = {}
            for w in sorted(cands.load_idioms()):
                by_first.setdefault(w[:2], []).append(w)
                by_second.setdefault(w[2:], []).append(w)
            _halves = (ahocorasick_rs.AhoCorasick(list(by_first) + list(by_second)), len(by_first),
                       {k: tuple(v) for k, v in by_first.items()}, {k: tuple(v) for k, v in by_second.items()})
        return _halves


def _near(w: str, by_first: dict, by_second: dict) -> list[tuple[int, str]]:
    """(position, idiom) for every idiom that differs from the window w in exactly one character."""
    out = []
    for idioms, ks, half in ((by_second, (0, 1), w[2:]), (by_first, (2, 3), w[:2])):
        for idiom in idioms.get(half, ()):
            diff = [k for k in ks if idiom[k] != w[k]]
            if len(diff) == 1:
                out.append((diff[0], idiom))
    return out


def _common(c: str) -> bool:
    """Official documents are written in common characters: a correction to one outside GB 2312
    (学学相长 -> 敩学相长) is an idiom's archaic spelling, not what the writer meant."""
    try:
        c.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _crossed(s: str, i: int, lex: dict, min_bucket: int = 8) -> bool:
    """A common word straddling either edge of s[i:i+4] (我国|居民|生产 around 国居民生): the
    window is not a unit of the sentence, so not an idiom either."""
    for a in range(max(0, i - 3), i):                  # words that start before and end inside
        for b in range(i + 1, min(len(s), i + 4) + 1):
            if 2 <= b - a <= 4 and lex.get(s[a:b], 0) >= min_bucket:
                return True
    for a in range(i + 1, i + 4):                      # words that start inside and end after
        for b in range(i + 5, min(len(s), a + 4) + 1):
            if lex.get(s[a:b], 0) >= min_bucket:
                return True
    return False


@dataclass(frozen=True, slots=True)
class IdiomSlip:
    start: int
    end: int
    wrong: str
    right: str
    gain: float


def find(text: str, det: Detector | None = None, min_gain: float = 2.0) -> list[IdiomSlip]:
    det = det or Detector(resources())
    halves, n_first, by_first, by_second = pattern_index()
    starts = {a if k < n_first else a - 2 for k, a, _ in halves.find_matches_as_indexes(text, overlapping=True)}
    lex, table = det.res.lex, det.res.table
    mask = protected_mask(text)
    out: list[IdiomSlip] = []
    runs = [(m.start(), m.end()) for m in HAN_RUN.finditer(text) if m.end() - m.start() >= 4]
    run_starts = [a for a, _ in runs]
    free = 0                                  # windows before this overlap the last finding
    for st in sorted(starts):
        r = bisect_right(run_starts, st) - 1
        if st < free or r < 0 or st + 4 > runs[r][1]:
            continue
        base = runs[r][0]
        s, i = text[base:runs[r][1]], st - base
        w = s[i:i + 4]
        hit = None
        # the wildcard lookups are cheap and almost always empty, so they go before the
        # boundary test, which costs a dozen lexicon probes per window
        near = _near(w, by_first, by_second)
        if near and w not in lex and not any(mask[st:st + 4]) and not _crossed(s, i, lex):
            for k, idiom in near:
                c = idiom[k]
                if _common(c) and (any(x == c for x, _ in table.get(w[k], ())) or _sounds(w[k], c)):
                    gain = det._seg(idiom) - det._seg(w)
                    # the word route speaks for the idiom, but not against an official-text model
                    # that prefers what is written by as much as it needs to propose a change of
                    # its own (上市公司兼顾 is not 公私兼顾)
                    if gain > min_gain and (hit is None or gain > hit.gain) \
                            and det._delta(text, st + k, c) > -det.s.margin[1]:
                        hit = IdiomSlip(st, st + 4, w, idiom, gain)
        if hit:
            out.append(hit)
            free = st + 4
    return out
