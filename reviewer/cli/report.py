"""`reviewer report SWEEP_ID --format xlsx|html`: a sweep's findings, personal numbers masked."""
from __future__ import annotations

import sys
from pathlib import Path

from ._store import CliError, run_guarded, transaction


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="导出巡检报告（xlsx 或 html）",
                       description="导出一次巡检的报告：概况与问题清单。身份证号、手机号等默认脱敏。")
    p.add_argument("sweep_id", metavar="SWEEP_ID", type=int, help="巡检编号")
    p.add_argument("--format", required=True, choices=("xlsx", "html"), help="报告格式")
    p.add_argument("--output", "-o", help="输出文件（默认 sweep-<编号>.<格式>；- 表示标准输出）")
    p.add_argument("--unmasked", action="store_true", help="不脱敏（会写入审计日志）")
    p.set_defaults(func=lambda args: run_guarded(run, args))


def run(args) -> int:
    from ..store.report import build_report
    with transaction() as session:
        data = build_report(session, args.sweep_id, args.format, masked=not args.unmasked)
    out = args.output or f"sweep-{args.sweep_id}.{args.format}"
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        Path(out).write_bytes(data)
    except OSError as e:
        raise CliError(f"无法写入 {out}：{e.strerror}", 2) from None
    print(f"已生成巡检报告：{out}", file=sys.stderr)
    return 0
