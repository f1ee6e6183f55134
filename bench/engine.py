"""Rule-engine benchmark: throughput, draft latency, start-up time and peak memory.

    python bench/engine.py [--corpus PATH] [--chunk 10000] [--repeat 200]

Prints figures; asserts nothing. Throughput runs the rules over the corpus cut into
draft-sized documents (one core, in-process, extraction excluded); latency checks one
10,000-character draft end to end (extract + rules); start-up is a fresh `reviewer check`
process on a one-line draft.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "gov_docs.txt"
# the statistical typo layer (issue 5) has its own benchmark and throughput target
PRECISE = ["privacy", "secrecy", "tampering", "sensitive", "format",
           "typo.confusion", "typo.official-expression", "typo.agency-name"]


def chunks(text: str, size: int) -> list[str]:
    out, cur, n = [], [], 0
    for line in text.splitlines(keepends=True):
        cur.append(line)
        n += len(line)
        if n >= size:
            out.append("".join(cur))
            cur, n = [], 0
    if cur:
        out.append("".join(cur))
    return out


def throughput(engine, docs_text: list[str]) -> tuple[float, dict[str, float], int]:
    from reviewer.document import Document
    from reviewer.engine import Context
    ctx = Context()
    per_rule: dict[str, float] = defaultdict(float)
    total_chars, found = sum(map(len, docs_text)), 0
    t0 = time.perf_counter()
    for i, text in enumerate(docs_text):
        doc = Document(uri=f"bench:{i}", kind="text", text=text)
        for rule in engine.rules:
            r0 = time.perf_counter()
            found += sum(1 for _ in rule.check(doc, ctx))
            per_rule[rule.id] += time.perf_counter() - r0
    elapsed = time.perf_counter() - t0
    return total_chars / elapsed, {k: total_chars / v for k, v in per_rule.items() if v}, found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--chunk", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()

    from reviewer.engine import Context, Engine
    from reviewer.extract import extract

    text = args.corpus.read_text(encoding="utf-8")
    docs = chunks(text, args.chunk)
    print(f"corpus: {args.corpus.name}, {len(text):,} chars in {len(docs):,} documents of ~{args.chunk:,} chars")

    for label, only in (("precise rules (issue 2)", PRECISE), ("all enabled rules", None)):
        try:
            engine = Engine(only=only)
        except ValueError as e:          # a family not built yet
            print(f"{label}: skipped ({e})")
            continue
        engine.rules = [r for r in engine.rules if r.category not in ("link", "site")]
        t0 = time.perf_counter()
        engine.check(__import__("reviewer.document", fromlist=["Document"]).Document(uri="warm", kind="text", text=docs[0]))
        warm = time.perf_counter() - t0
        cps, per_rule, found = throughput(engine, docs)
        print(f"\n{label}: {len(engine.rules)} rules, first-document warm-up {warm * 1000:.0f} ms")
        print(f"  throughput: {cps:,.0f} chars/s on one core ({found:,} findings)")
        for rid, v in sorted(per_rule.items(), key=lambda kv: kv[1]):
            print(f"    {rid:<32} {v:>14,.0f} chars/s")

    draft = docs[len(docs) // 2][:10_000]
    while len(draft) < 10_000:
        draft += docs[0]
    data = draft[:10_000].encode("utf-8")
    ctx = Context()
    for label, only in (("precise rules (issue 2)", PRECISE), ("all enabled rules", None)):
        engine = Engine(only=only)
        engine.rules = [r for r in engine.rules if r.category not in ("link", "site")]
        engine.check(extract(data, "draft:warm", "text/plain; charset=utf-8"), ctx)
        lat = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            engine.check(extract(data, "draft:bench", "text/plain; charset=utf-8"), ctx)
            lat.append((time.perf_counter() - t0) * 1000)
        lat.sort()
        p95 = lat[int(0.95 * (len(lat) - 1))]
        print(f"\n10,000-char draft, extract + {label}, {args.repeat} runs: "
              f"p50 {statistics.median(lat):.1f} ms, p95 {p95:.1f} ms, max {lat[-1]:.1f} ms")

    exe = [sys.executable, "-m", "reviewer", "check", "-", "--format", "jsonl"]
    starts = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(exe, input="关于做好防汛工作的通知".encode(), capture_output=True, cwd=ROOT, check=False)
        starts.append(time.perf_counter() - t0)
    print(f"start-up: `reviewer check` of a one-line draft, median of 5: {statistics.median(starts):.2f} s "
          f"(min {min(starts):.2f} s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process): {peak:.0f} MB RSS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
