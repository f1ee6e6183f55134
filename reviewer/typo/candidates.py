"""Candidate tables: which characters a character is mistaken for, and the shipped word lists.

Tiers (lower is more likely to be a real confusion, so it needs less evidence):
  0 known confused pairs (dictionaries/typo_confusions.txt, single-character differences)
  1 same pinyin, same tone      2 similar shape      3 same pinyin, other tone
"""
from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def load_candidates(path: Path = DATA / "candidates.tsv") -> dict[str, tuple[tuple[str, int], ...]]:
    table: dict[str, tuple[tuple[str, int], ...]] = {}
    # about 400,000 entries name some 30,000 distinct (character, tier) pairs: sharing one tuple per
    # pair instead of a new tuple and a new one-character string per entry saves 45 MB per process
    pairs: dict[tuple[str, int], tuple[str, int]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            ch, same, other, shape = line.rstrip("\n").split("\t")
            table[ch] = tuple(pairs.setdefault((c, t), (c, t))
                              for t, chars in ((1, same), (2, shape), (3, other)) for c in chars)
    return table


def load_lexicon(path: Path = DATA / "lexicon.txt") -> dict[str, int]:
    with open(path, encoding="utf-8") as f:
        f.readline()
        text = f.read()
    parts = text.split()
    return dict(zip(parts[0::2], map(int, parts[1::2])))


def load_idioms(path: Path = DATA / "idioms.txt") -> frozenset[str]:
    with open(path, encoding="utf-8") as f:
        return frozenset(l.strip() for l in f if l.strip() and not l.startswith("#"))


def add_pairs(table: dict, pairs) -> None:
    """Known confusions (wrong, right) of equal length differing in one character become tier 0."""
    for wrong, right in pairs:
        if len(wrong) != len(right):
            continue
        diff = [(a, b) for a, b in zip(wrong, right) if a != b]
        if len(diff) == 1:
            a, b = diff[0]
            rest = tuple(x for x in table.get(a, ()) if x[0] != b)
            table[a] = ((b, 0),) + rest


def load_names(path: Path = DATA / "names.txt") -> tuple[frozenset[str], frozenset[str]]:
    """(surname characters, given-name characters)."""
    with open(path, encoding="utf-8") as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    return frozenset(lines[0]), frozenset(lines[1])


def load_pinyin(path: Path = DATA / "pinyin.tsv") -> dict[str, frozenset[str]]:
    """Character -> its toneless pinyin readings."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                ch, py = line.rstrip("\n").split("\t")
                out[ch] = frozenset(py.split(","))
    return out
