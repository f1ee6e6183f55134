"""Speed of the privacy rule family: chars/s over the government-document corpus and over a
number-dense roster (the worst case: every line holds candidates to validate). Prints figures."""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reviewer.document import Document  # noqa: E402
from reviewer.engine import Context, Engine  # noqa: E402
from reviewer.rules._pii import id_check_char, luhn  # noqa: E402

CORPUS = Path("/work/shared/data/corpus/gov_docs.txt")


def timed(engine: Engine, text: str, runs: int = 3) -> tuple[float, int]:
    best, n = float("inf"), 0
    for _ in range(runs):
        doc = Document(uri="bench", kind="text", text=text)   # a new doc: no cached analysis
        t = time.perf_counter()
        n = len(engine.check(doc, Context()))
        best = min(best, time.perf_counter() - t)
    return best, n


def roster(lines: int) -> str:
    rng = random.Random(1)
    out = ["序号 姓名 身份证号码 联系电话 银行卡号 金额"]
    for i in range(lines):
        d17 = "330824" + f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" \
              + f"{rng.randint(0, 999):03d}"
        card = "622202" + "".join(rng.choice("0123456789") for _ in range(12))
        card += next(c for c in "0123456789" if luhn(card + c))
        out.append(f"{i + 1} 张{'三四五六七'[i % 5]} {d17 + id_check_char(d17)} 138{rng.randint(0, 99999999):08d} "
                   f"{card} {rng.randint(100, 9999)}")
    return "\n".join(out) + "\n"


def main() -> None:
    engine = Engine(only=["privacy"])
    engine.check(Document(uri="warm", kind="text", text="身份证号 330824199001011230"), Context())
    if CORPUS.exists():
        text = CORPUS.read_text(encoding="utf-8")
        dt, n = timed(engine, text)
        print(f"corpus   {len(text):>10,} chars  {dt:6.3f} s  {len(text) / dt / 1e6:6.1f} M chars/s  findings {n}")
    text = roster(20000)
    dt, n = timed(engine, text)
    print(f"roster   {len(text):>10,} chars  {dt:6.3f} s  {len(text) / dt / 1e6:6.1f} M chars/s  findings {n}"
          f"  ({n / dt:,.0f} rows/s)")


if __name__ == "__main__":
    main()
