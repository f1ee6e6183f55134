#!/usr/bin/env python3
"""Typo detection benchmark on ../shared/data/csc/ (SIGHAN-15, CSCD-NS, clean People's Daily).

Prints, per set: sentence-level detection and correction precision / recall / F1 (a sentence
counts only when the flagged positions equal the gold positions; for correction the suggested
characters must match too), character-level precision, the share of sentences flagged (on the
clean set: the false-alarm rate) and characters per second on one core (process CPU time, so
other load on the shared machine does not count). These sets measure;
nothing is tuned on them (thresholds come from scripts/tune_typo.py on injected corpus typos).

With --pycorrector, the same figures for pycorrector's Corrector given OUR model as a KenLM
file, run in bench/.venv-pycorrector (python-kenlm and torch live there, never in the project
venv). pycorrector runs about 500 chars/s, so it sees the first --pyc-limit sentences of each set
(ours is also reported on that same subset for a fair side-by-side).

  .venv/bin/python bench/typo.py [--limit N] [--pycorrector] [--pyc-limit 300]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("REVIEWER_CSC_DIR", ROOT.parent / "shared/data/csc"))
PYC_VENV = ROOT / "bench/.venv-pycorrector"


def load_sets(limit: int | None = None) -> dict[str, list[tuple[str, dict[int, str]]]]:
    """Each set: (source sentence, {position: gold character}) pairs."""
    sets = {}
    rows = []
    for line in (DATA / "sighan15_test.tsv").read_text(encoding="utf-8").splitlines():
        p = line.split("\t")
        if len(p) == 3 and len(p[1]) == len(p[2]):
            rows.append((p[1], {i: b for i, (a, b) in enumerate(zip(p[1], p[2])) if a != b}))
    sets["SIGHAN-15"] = rows
    for name, fn in (("CSCD-NS", "cscd_ns_test.json"), ("clean_rmrb", "clean_rmrb.json")):
        rows = []
        for d in json.loads((DATA / fn).read_text(encoding="utf-8")):
            src, tgt = d["original_text"], d["correct_text"]
            if len(src) != len(tgt):
                continue
            rows.append((src, {i: tgt[i] for i in d["wrong_ids"]}))
        sets[name] = rows
    if limit:
        sets = {k: v[:limit] for k, v in sets.items()}
    return sets


def metrics(rows, preds, seconds) -> dict:
    tp_d = tp_c = fp_d = fp_c = fn_d = fn_c = 0
    flagged = char_tp = char_all = 0
    for (src, gold), pred in zip(rows, preds):
        if pred:
            flagged += 1
        char_all += len(pred)
        char_tp += sum(1 for p in pred if p in gold)
        det_ok = set(pred) == set(gold)
        cor_ok = det_ok and all(pred[p] == gold[p] for p in pred)
        if gold:
            if det_ok and pred:
                tp_d += 1
            else:
                fn_d += 1
            if cor_ok and pred:
                tp_c += 1
            else:
                fn_c += 1
        if pred and not det_ok:
            fp_d += 1
        if pred and not cor_ok:
            fp_c += 1

    def prf(tp, fp, fn):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)
    chars = sum(len(s) for s, _ in rows)
    return {"sentences": len(rows), "with_errors": sum(1 for _, g in rows if g),
            "det": prf(tp_d, fp_d, fn_d), "cor": prf(tp_c, fp_c, fn_c),
            "char_p": char_tp / char_all if char_all else 0.0, "flagged": flagged / len(rows) if rows else 0.0,
            "cps": chars / seconds if seconds else 0.0}


def run_ours(rows, everything: bool = False) -> tuple[list[dict[int, str]], float]:
    """typo.suspect and typo.idiom together, configured exactly as the rules are (rules/typo_stat.toml,
    known pairs from dictionaries/typo_confusions.txt), on the rules' folded view of the text.
    Default: what the rules report at their default settings (typo.suspect: confident findings
    only); everything=True: also the uncertain findings (min_confidence = "all")."""
    from reviewer.resources import load_rule_settings
    from reviewer.rules.typo_stat import Idiom, Suspect
    from reviewer.textnorm import normalize
    from reviewer.typo import idioms
    settings = load_rule_settings()
    rule = Suspect(settings.get("typo.suspect"))
    det = rule._detector()
    min_gain = Idiom(settings.get("typo.idiom")).settings["min_gain"]
    preds = []
    t = time.process_time()
    for src, _ in rows:
        pred = {}
        folded = normalize(src).text
        if len(folded) != len(src):
            folded = src
        for s in det.detect(folded):
            if not (everything or rule.is_confident(s)):
                continue
            k = s.pos - s.start
            pred[s.pos] = s.right[k]
        for s in idioms.find(folded, det, min_gain):
            for k, (a, b) in enumerate(zip(s.wrong, s.right)):
                if a != b:
                    pred[s.start + k] = b
        preds.append(pred)
    return preds, time.process_time() - t


def row(label: str, m: dict) -> str:
    d, c = m["det"], m["cor"]
    return (f"{label:<28} {m['sentences']:>5} {d[0]:6.3f} {d[1]:6.3f} {d[2]:6.3f}  {c[0]:6.3f} {c[1]:6.3f} "
            f"{c[2]:6.3f}  {m['char_p']:6.3f} {m['flagged'] * 100:7.2f}% {m['cps']:>9,.0f}")


HEADER = (f"{'system / set':<28} {'sent':>5} {'det P':>6} {'det R':>6} {'det F1':>6}  {'cor P':>6} {'cor R':>6} "
          f"{'cor F1':>6}  {'char P':>6} {'flagged':>8} {'chars/s':>9}")

# runs inside bench/.venv-pycorrector: reads JSON rows on stdin, prints predictions as JSON
PYC_SCRIPT = r"""
import json, sys, time, logging
logging.disable(logging.WARNING)
from pycorrector import Corrector
rows = json.load(sys.stdin)
t0 = time.perf_counter()
m = Corrector(language_model_path=sys.argv[1])
m.check_corrector_initialized() if hasattr(m, "check_corrector_initialized") else None
load = time.perf_counter() - t0
out = {}
for name, sents in rows.items():
    preds = []
    t = time.process_time()
    for s in sents:
        r = m.correct(s)
        pred = {}
        for e in r.get("errors", []):
            wrong, right, pos = e[0], e[1], e[2]
            if len(wrong) == len(right):
                for k, (a, b) in enumerate(zip(wrong, right)):
                    if a != b:
                        pred[pos + k] = b
            else:
                pred[pos] = right[:1]
        preds.append(pred)
    out[name] = {"preds": preds, "seconds": time.process_time() - t}
out["load"] = load
print(json.dumps(out))
"""


def run_pycorrector(sets, arpa: str) -> dict | None:
    py = PYC_VENV / "bin/python"
    if not py.exists():
        print(f"pycorrector: {py} missing (python3 -m venv {PYC_VENV}; pip install torch==2.13.0 pycorrector kenlm)")
        return None
    payload = json.dumps({k: [s for s, _ in v] for k, v in sets.items()})
    r = subprocess.run([str(py), "-c", PYC_SCRIPT, arpa], input=payload, capture_output=True, text=True)
    if r.returncode != 0:
        print("pycorrector failed:", r.stderr.strip().splitlines()[-3:])
        return None
    out = json.loads(r.stdout.strip().splitlines()[-1])
    for v in out.values():
        if isinstance(v, dict):
            v["preds"] = [{int(k): c for k, c in p.items()} for p in v["preds"]]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--pycorrector", action="store_true")
    ap.add_argument("--pyc-limit", type=int, default=300)
    ap.add_argument("--arpa", default="/tmp/reviewer-charlm.arpa")
    args = ap.parse_args()
    sets = load_sets(args.limit)

    t = time.perf_counter()
    from reviewer.rules.typo_stat import Suspect, _pairs
    from reviewer.typo import idioms
    from reviewer.typo.detector import resources
    resources(_pairs(Suspect.defaults["confusions"]))
    print(f"model load: {time.perf_counter() - t:.2f}s (charlm + lexicon + candidates)")
    t = time.perf_counter()
    idioms.pattern_index()
    print(f"idiom index: {time.perf_counter() - t:.2f}s")
    print(HEADER)
    print("default settings (typo.idiom, and typo.suspect's confident findings: min_confidence = \"confident\"):")
    for name, rows in sets.items():
        preds, secs = run_ours(rows)
        print(row(f"reviewer  {name}", metrics(rows, preds, secs)))
    print("--all view (min_confidence = \"all\": the uncertain typo.suspect findings too, as info):")
    for name, rows in sets.items():
        preds, secs = run_ours(rows, everything=True)
        print(row(f"all       {name}", metrics(rows, preds, secs)))

    if args.pycorrector:
        sub = {k: v[:args.pyc_limit] for k, v in sets.items()}
        if not os.path.exists(args.arpa):
            subprocess.run([sys.executable, str(ROOT / "scripts/build_lm.py"), "--arpa", args.arpa], check=True)
        out = run_pycorrector(sub, args.arpa)
        print(f"\nside by side on the first {args.pyc_limit} sentences of each set "
              f"(pycorrector Corrector + our model as KenLM ARPA)")
        print(HEADER)
        for name, rows in sub.items():
            preds, secs = run_ours(rows)
            print(row(f"reviewer  {name}", metrics(rows, preds, secs)))
            if out:
                print(row(f"pycorr.   {name}", metrics(rows, out[name]["preds"], out[name]["seconds"])))
        if out:
            print(f"pycorrector load: {out['load']:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
