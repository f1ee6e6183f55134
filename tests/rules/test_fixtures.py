"""Every rule's own fixture (tests/rules/fixtures/<rule-id>.toml): positives must fire, decoys stay clean.

A fixture holds [[positive]] entries (text, the expected `match` texts, optional `suggestion`s and
`severity`) and [[negative]] entries (text that must raise nothing from that rule). `input = "html"`
runs the text through the HTML extractor first; `date` sets the document's publication date.
"""
from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from reviewer.engine import Context, Engine, discover
from reviewer.extract import extract
from reviewer.document import Document

FIXTURES = Path(__file__).parent / "fixtures"
# registered only with the pycorrector extra and a local KenLM model; tested in tests/typo
OPTIONAL_RULES = {"typo.pycorrector"}


def _doc(entry: dict) -> Document:
    kind = entry.get("input", "text")
    if kind == "text":
        doc = Document(uri="draft:test", kind="text", text=entry["text"])
    else:
        doc = extract(entry["text"].encode("utf-8"), "draft:test." + kind,
                      "text/html; charset=utf-8" if kind == "html" else None)
    if "date" in entry:
        doc.published = date.fromisoformat(entry["date"])
    return doc


def _cases():
    for path in sorted(FIXTURES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        rid = path.stem
        for i, e in enumerate(data.get("positive", [])):
            yield pytest.param(rid, "positive", e, id=f"{rid}-pos{i}")
        for i, e in enumerate(data.get("negative", [])):
            yield pytest.param(rid, "negative", e, id=f"{rid}-neg{i}")


_engines: dict[str, Engine] = {}


def _engine(rid: str) -> Engine:
    if rid not in _engines:
        _engines[rid] = Engine(only=[rid])
    return _engines[rid]


@pytest.mark.parametrize("rid,kind,entry", list(_cases()))
def test_fixture(rid, kind, entry):
    doc = _doc(entry)
    ctx = Context(today=date.fromisoformat(entry["today"])) if "today" in entry else Context()
    found = [f for f in _engine(rid).check(doc, ctx) if f.rule == rid]
    if kind == "negative":
        assert found == [], [(f.text, f.message) for f in found]
        return
    assert sorted(f.text for f in found) == sorted(entry["match"])
    for f in found:
        assert doc.text[f.start:f.end] == f.text if f.start is not None else True
    if "suggestion" in entry:
        assert sorted(str(f.suggestion) for f in found) == sorted(entry["suggestion"])
    if "severity" in entry:
        assert {f.severity for f in found} == {entry["severity"]}


def test_every_rule_has_positives_and_decoys():
    missing = []
    for rid, cls in sorted(discover().items()):
        if getattr(cls, "io", False) or rid in OPTIONAL_RULES:
            # rules that need the network or a whole site are tested against local servers instead
            continue
        path = FIXTURES / f"{rid}.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if not data.get("positive") or not data.get("negative"):
            missing.append(rid)
    assert missing == [], f"rules without a fixture of positives and decoys: {missing}"
