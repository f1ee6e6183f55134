"""JSON and JSON Lines output of findings, per the contract."""
from __future__ import annotations

import json
from collections import Counter
from typing import IO, Iterable

from ..finding import Finding


def write_jsonl(findings: Iterable[Finding], out: IO[str]) -> None:
    for f in findings:
        out.write(json.dumps(f.to_dict(), ensure_ascii=False) + "\n")


def summary(results: list[tuple[object, list[Finding]]], errors: int = 0) -> dict:
    all_findings = [f for _, fs in results for f in fs]
    return {
        "documents": len(results),
        "errors": errors,
        "findings": len(all_findings),
        "by_severity": dict(Counter(f.severity for f in all_findings)),
        "by_category": dict(Counter(f.category for f in all_findings)),
    }


def write_json(results: list[tuple[object, list[Finding]]], out: IO[str], errors: int = 0) -> None:
    """results: (Document, findings) pairs."""
    body = {
        "documents": [{"uri": d.uri, "kind": d.kind, "title": d.title,
                       "findings": [f.to_dict() for f in fs]} for d, fs in results],
        "summary": summary(results, errors),
    }
    json.dump(body, out, ensure_ascii=False, indent=2)
    out.write("\n")
