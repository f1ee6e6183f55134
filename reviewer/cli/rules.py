"""`reviewer rules list`: every rule with its id, category, default severity and one-line doc."""
from __future__ import annotations

import sys


def add_parser(sub) -> None:
    p = sub.add_parser("rules", help="列出全部规则", description="列出全部规则及其说明。")
    rs = p.add_subparsers(dest="rules_command", metavar="list")
    rs.required = True
    lp = rs.add_parser("list", help="列出全部规则", description="列出每条规则的编号、类别、默认级别和一句话说明。")
    lp.add_argument("--doc", action="store_true", help="显示完整说明（作用、原因、示例）")
    lp.set_defaults(func=run)


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..engine import Engine, REGISTRY
    from ..finding import SEVERITY_LABELS

    enabled = {r.id for r in Engine().rules}
    console = Console(file=sys.stdout, width=max(120, Console().width))
    table = Table(show_lines=args.doc)
    for col in ("规则", "类别", "级别", "启用", "说明"):
        # the doc column folds rather than cuts: the listing is the rules' documentation
        table.add_column(col, no_wrap=col != "说明", overflow="fold")
    for rid, cls in sorted(REGISTRY.items()):
        doc = (cls.__doc__ or "").strip() if args.doc else cls.summary()
        table.add_row(rid, cls.category, SEVERITY_LABELS[cls.severity], "是" if rid in enabled else "否", doc)
    console.print(table)
    return 0
