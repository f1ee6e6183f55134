"""A compact character n-gram backoff model: sorted 64-bit keys searched with bisect.

Each n-gram is a key of 16-bit character ids packed into one integer, so the whole model is a
few flat arrays that load with one read and decompress (well under a second) and need no numpy.
Log10 probabilities and backoffs are quantised to 1/20 and stored as unsigned bytes.
"""
from __future__ import annotations

import json
import struct
import zlib
from array import array
from bisect import bisect_left
from pathlib import Path

UNK, BOS, EOS = 0, 1, 2
FIRST_ID = 3
SPECIAL = ("<unk>", "<s>", "</s>")
QSTEP = 20.0                      # quantisation: value = -q / QSTEP (log10)
MAGIC = b"RVLM1\n"


def is_heldout(sentence: str) -> bool:
    """The 5% of corpus sentences never counted by the model: tuning data for thresholds."""
    return zlib.crc32(sentence.encode("utf-8")) % 20 == 0


def _q(x: float) -> int:
    return max(0, min(255, round(-x * QSTEP)))


class CharLM:
    def __init__(self, chars: list[str], order: int, uni_p: array, uni_b: array,
                 keys: list[array], probs: list[array], backs: list[array]):
        self.order = order
        self.chars = chars
        self.ids = {c: i + FIRST_ID for i, c in enumerate(chars)}
        # per character the log10 probability as float: the common path
        self.uni_p = [-q / QSTEP for q in uni_p]
        self.uni_b = [-q / QSTEP for q in uni_b]
        self.keys, self.probs, self.backs = keys, probs, backs   # index k-2 for order k

    # ------------------------------------------------------------ persistence
    @staticmethod
    def write(path: Path, chars: list[str], models: list) -> None:
        order = len(models) - 1
        V = len(chars) + FIRST_ID
        assert V < 65536
        uni_p = array("B", [255] * V)
        uni_b = array("B", [0] * V)
        for (w,), (p, b) in models[1].items():
            uni_p[w], uni_b[w] = _q(p), _q(b)
        blobs = [uni_p.tobytes(), uni_b.tobytes()]
        for k in range(2, order + 1):
            items = sorted((_pack(g), pb) for g, pb in models[k].items())
            blobs.append(array("Q", [x[0] for x in items]).tobytes())
            blobs.append(array("B", [_q(x[1][0]) for x in items]).tobytes())
            if k < order:
                blobs.append(array("B", [_q(x[1][1]) for x in items]).tobytes())
        comp = [zlib.compress(b, 6) for b in blobs]
        header = json.dumps({"order": order, "chars": "".join(chars),
                             "sizes": [len(c) for c in comp]}, ensure_ascii=False).encode("utf-8")
        with open(path, "wb") as f:
            f.write(MAGIC + struct.pack("<I", len(header)) + header)
            for c in comp:
                f.write(c)

    @classmethod
    def load(cls, path: Path) -> "CharLM":
        data = Path(path).read_bytes()
        if not data.startswith(MAGIC):
            raise ValueError(f"不是错别字语言模型文件：{path}")
        pos = len(MAGIC)
        (hl,) = struct.unpack_from("<I", data, pos)
        pos += 4
        header = json.loads(data[pos:pos + hl].decode("utf-8"))
        pos += hl
        blobs = []
        for size in header["sizes"]:
            blobs.append(zlib.decompress(data[pos:pos + size]))
            pos += size
        order = header["order"]

        def arr(code, raw):
            a = array(code)
            a.frombytes(raw)
            return a
        uni_p, uni_b = arr("B", blobs[0]), arr("B", blobs[1])
        keys, probs, backs = [], [], []
        i = 2
        for k in range(2, order + 1):
            keys.append(arr("Q", blobs[i]))
            probs.append(arr("B", blobs[i + 1]))
            i += 2
            if k < order:
                backs.append(arr("B", blobs[i]))
                i += 1
        return cls(list(header["chars"]), order, uni_p, uni_b, keys, probs, backs)

    # ------------------------------------------------------------ scoring
    def encode(self, text: str) -> list[int]:
        get = self.ids.get
        return [get(c, UNK) for c in text]

    def logp(self, ids: list[int], i: int) -> float:
        """log10 P(ids[i] | up to order-1 previous ids), with ARPA backoff."""
        w = ids[i]
        lo = max(0, i - self.order + 1)
        bo = 0.0
        for s in range(lo, i):                    # longest history first
            k = i - s + 1                          # order of the n-gram ids[s..i]
            key = 0
            for x in ids[s:i + 1]:
                key = (key << 16) | x
            keys = self.keys[k - 2]
            j = bisect_left(keys, key)
            if j < len(keys) and keys[j] == key:
                return bo - self.probs[k - 2][j] / QSTEP
            # back off: add the history's backoff weight
            hk = key >> 16
            if k - 1 == 1:
                bo += self.uni_b[hk]
            else:
                hkeys = self.keys[k - 3]
                j = bisect_left(hkeys, hk)
                if j < len(hkeys) and hkeys[j] == hk:
                    bo -= self.backs[k - 3][j] / QSTEP
        return bo + self.uni_p[w]

    def score(self, ids: list[int], start: int, end: int) -> float:
        """Sum of log10 P over positions start..end-1 of ids."""
        lp = self.logp
        return sum(lp(ids, i) for i in range(start, end))

    # ------------------------------------------------------------ export
    def token(self, i: int) -> str:
        return SPECIAL[i] if i < FIRST_ID else self.chars[i - FIRST_ID]

    def write_arpa(self, path: str) -> int:
        V = len(self.chars) + FIRST_ID
        counts = [V] + [len(k) for k in self.keys]
        with open(path, "w", encoding="utf-8") as f:
            f.write("\\data\\\n")
            for k, n in enumerate(counts, 1):
                f.write(f"ngram {k}={n}\n")
            f.write("\n\\1-grams:\n")
            for w in range(V):
                p = -99.0 if w == BOS else self.uni_p[w]
                f.write(f"{p:.3f}\t{self.token(w)}\t{self.uni_b[w]:.3f}\n")
            for k in range(2, self.order + 1):
                f.write(f"\n\\{k}-grams:\n")
                keys, probs = self.keys[k - 2], self.probs[k - 2]
                backs = self.backs[k - 2] if k < self.order else None
                mask = 0xFFFF
                for j, key in enumerate(keys):
                    toks = " ".join(self.token((key >> (16 * (k - 1 - t))) & mask) for t in range(k))
                    line = f"{-probs[j] / QSTEP:.3f}\t{toks}"
                    if backs is not None:
                        line += f"\t{-backs[j] / QSTEP:.3f}"
                    f.write(line + "\n")
            f.write("\n\\end\\\n")
        return sum(counts)


def _pack(ids) -> int:
    key = 0
    for x in ids:
        key = (key << 16) | x
    return key
