"""Findings for people: grouped by document, coloured by severity, excerpt and suggestion shown."""
from __future__ import annotations

from rich.console import Console
from rich.text import Text

from ..finding import CATEGORY_LABELS, SEVERITY_LABELS, SEVERITY_RANK, Finding

STYLE = {"critical": "bold white on red", "major": "bold red", "minor": "yellow", "info": "cyan"}


def print_document(console: Console, doc, findings: list[Finding]) -> None:
    title = f" {doc.title}" if doc.title else ""
    console.print(Text.assemble((doc.uri, "bold underline"), (f" [{doc.kind}]{title}", "dim")))
    if not findings:
        console.print(Text("  ✓ 未发现问题", style="green"))
        return
    for f in sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.start or 0)):
        where = f.part + (f" @{f.start}" if f.start is not None else "")
        line = Text("  ")
        line.append(f" {SEVERITY_LABELS[f.severity]} ", style=STYLE[f.severity])
        line.append(f" {CATEGORY_LABELS.get(f.category, f.category)} {f.rule} ", style="bold")
        line.append(f"{where}  ", style="dim")
        line.append(f.message)
        console.print(line)
        if f.excerpt:
            ex = Text("      ")
            i = f.excerpt.find(f.text) if f.text else -1
            if i >= 0:
                ex.append(f.excerpt[:i]).append(f.text, style="reverse").append(f.excerpt[i + len(f.text):])
            else:
                ex.append(f.excerpt)
            console.print(ex)
        elif f.text:
            console.print(Text("      " + f.text))
        if f.suggestion:
            console.print(Text("      建议：", style="green").append(f.suggestion, style="bold green"))


def print_summary(console: Console, docs: int, findings: list[Finding], errors: int) -> None:
    by = {s: 0 for s in SEVERITY_LABELS}
    for f in findings:
        by[f.severity] += 1
    parts = "，".join(f"{SEVERITY_LABELS[s]} {n}" for s, n in by.items() if n)
    console.print(Text(f"\n共检查 {docs} 个文档，发现 {len(findings)} 个问题" + (f"（{parts}）" if parts else "")
                       + (f"，{errors} 个无法读取" if errors else ""), style="bold"))
