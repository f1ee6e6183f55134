"""The rule engine: a registry of rule classes, their settings, and one pass over a Document."""
from __future__ import annotations

import importlib
import logging
import pkgutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, ClassVar, Iterable

from .document import Document
from .finding import CATEGORIES, SEVERITIES, Finding, excerpt_of, fingerprint
from .resources import load_rule_settings

log = logging.getLogger(__name__)

REGISTRY: dict[str, type["Rule"]] = {}


def register(cls: type["Rule"]) -> type["Rule"]:
    assert cls.category in CATEGORIES, cls
    assert cls.severity in SEVERITIES, cls
    assert cls.id.startswith(cls.category + "."), cls
    REGISTRY[cls.id] = cls
    return cls


def discover() -> dict[str, type["Rule"]]:
    """Import every module of reviewer.rules so their @register decorators run."""
    from . import rules as pkg
    for mod in pkgutil.iter_modules(pkg.__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{mod.name}")
    return REGISTRY


@dataclass
class Context:
    """What a rule may know beyond the document: today, and what an agency has whitelisted."""
    today: date = field(default_factory=date.today)


class Rule:
    """Base of every rule. The class docstring is the rule's doc: first line, then why, then an example."""
    id: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[str]
    message: ClassVar[str]
    defaults: ClassVar[dict] = {}
    enabled_by_default: ClassVar[bool] = True

    def __init__(self, settings: dict | None = None):
        self.settings = {**self.defaults, **(settings or {})}
        self.level = self.settings.get("severity", self.severity)

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    def check(self, doc: Document, ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, doc: Document, start: int | None, end: int | None, *, text: str | None = None,
                message: str | None = None, suggestion: str | None = None, severity: str | None = None,
                part: str | None = None, context: str | None = None) -> Finding:
        if text is None:
            text = doc.text[start:end] if start is not None else ""
        if context is None and start is not None:
            context = doc.text[max(0, start - 8):start] + "\x1e" + doc.text[end:end + 8]
        return Finding(
            rule=self.id, category=self.category, severity=severity or self.level, uri=doc.uri,
            part=part or doc.part_at(start), start=start, end=end, text=text,
            excerpt=excerpt_of(doc.text, start, end), message=message or self.message,
            suggestion=suggestion, fingerprint=fingerprint(self.id, doc.uri, text, context or ""),
        )


def select(rule_ids: Iterable[str], only: Iterable[str] | None) -> list[str]:
    """Filter rule ids by a --rules list of categories or ids; unknown names are an error."""
    ids = list(rule_ids)
    if not only:
        return ids
    wanted = [w.strip() for w in only if w.strip()]
    known = set(ids) | {i.split(".", 1)[0] for i in ids} | set(REGISTRY) | set(CATEGORIES)
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise ValueError(f"未知的规则或类别：{', '.join(unknown)}（用 `reviewer rules list` 查看）")
    return [i for i in ids if i in wanted or i.split(".", 1)[0] in wanted]


class Engine:
    """Runs the enabled rules over a Document. Build once, use for many documents."""

    def __init__(self, only: Iterable[str] | None = None, rules_dirs: tuple[Path, ...] = (),
                 overrides: dict[str, dict] | None = None):
        discover()
        settings = load_rule_settings(rules_dirs)
        for rid, o in (overrides or {}).items():
            settings.setdefault(rid, {}).update(o)
        enabled = [rid for rid, cls in sorted(REGISTRY.items())
                   if settings.get(rid, {}).get("enabled", cls.enabled_by_default)]
        explicit = select(REGISTRY, only) if only else None
        if explicit is not None:
            # naming a rule explicitly runs it even if the TOML leaves it off
            enabled = [rid for rid in sorted(REGISTRY) if rid in explicit]
        self.rules: list[Rule] = [REGISTRY[rid](settings.get(rid)) for rid in enabled]
        peers = frozenset(r.id for r in self.rules)
        for r in self.rules:
            r.peers = peers    # which siblings run too (a privacy number defers to its roster row)

    def categories(self) -> set[str]:
        return {r.category for r in self.rules}

    def check(self, doc: Document, ctx: Context | None = None,
              suppress: Callable[[Finding], bool] | None = None) -> list[Finding]:
        ctx = ctx or Context()
        findings: list[Finding] = []
        for problem in doc.problems:
            findings.append(Finding(
                rule="format.unreadable", category="format", severity="info", uri=doc.uri, part="body",
                start=None, end=None, text="", excerpt="", message=problem, suggestion=None,
                fingerprint=fingerprint("format.unreadable", doc.uri, problem)))
        for rule in self.rules:
            try:
                found = list(rule.check(doc, ctx))
            except Exception:  # a broken rule must not lose the other rules' findings
                log.exception("rule %s failed on %s", rule.id, doc.uri)
                continue
            findings.extend(f for f in found if not (suppress and suppress(f)))
        findings.sort(key=lambda f: (f.start if f.start is not None else -1, f.rule))
        return findings
