"""`reviewer check`: pre-check drafts from paths, URLs or standard input (contract in DESIGN.md)."""
from __future__ import annotations

import asyncio
import logging
import sys

from ..finding import SEVERITIES, at_least

log = logging.getLogger(__name__)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "check", help="检查文稿（文件、网址或标准输入）",
        description="检查一个或多个文稿：.txt .html .docx .xlsx .xls .pdf（按内容识别类型），网址，或 - 表示标准输入。",
        epilog="退出码：0 无达到 --fail-on 级别的问题；1 有；2 用法错误或无法读取输入。")
    p.add_argument("inputs", nargs="+", metavar="PATH|URL|-", help="文件路径、http(s) 网址或 -（标准输入）")
    p.add_argument("--format", choices=("text", "json", "jsonl"), default="text", help="输出格式（默认 text）")
    p.add_argument("--fail-on", choices=SEVERITIES, default="major", metavar="SEVERITY",
                   help="有此级别或更高级别的问题时退出码为 1：critical|major|minor|info（默认 major）")
    p.add_argument("--rules", metavar="LIST", help="只运行这些类别或规则，逗号分隔，如 typo,privacy.id-card")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..engine import Context, Engine
    from ..extract import ExtractError, extract
    from ..sources import fetch_url, is_url, read_path, read_stdin

    try:
        engine = Engine(only=args.rules.split(",") if args.rules else None)
    except ValueError as e:
        print(f"reviewer: 错误：{e}", file=sys.stderr)
        return 2

    results, errors = [], 0
    ctx = Context()
    for arg in args.inputs:
        try:
            if arg == "-":
                src = read_stdin()
            elif is_url(arg):
                src = asyncio.run(fetch_url(arg))
            else:
                src = read_path(arg)
            doc = extract(src.data, src.uri, src.content_type, base_url=src.base_url)
        except ExtractError as e:
            msg = str(e)
            if arg not in msg:
                msg = f"{arg}：{msg}" if msg.startswith("无法读取") else f"无法读取 {arg}：{msg}"
            print(f"reviewer: {msg}", file=sys.stderr)
            errors += 1
            continue
        findings = engine.check(doc, ctx)
        findings += _check_links(engine, doc)
        results.append((doc, findings))

    out = sys.stdout
    if args.format == "jsonl":
        from ..sinks.jsonout import write_jsonl
        for _, fs in results:
            write_jsonl(fs, out)
    elif args.format == "json":
        from ..sinks.jsonout import write_json
        write_json(results, out, errors)
    else:
        from rich.console import Console
        from ..sinks.terminal import print_document, print_summary
        console = Console(file=out, highlight=False)
        for doc, fs in results:
            print_document(console, doc, fs)
        print_summary(console, len(results), [f for _, fs in results for f in fs], errors)

    if errors:
        return 2
    failing = any(at_least(f.severity, args.fail_on) for _, fs in results for f in fs)
    return 1 if failing else 0


def _check_links(engine, doc) -> list:
    """Link rules do I/O; they run only when the link category is enabled and the module exists."""
    if "link" not in engine.categories() or not doc.links:
        return []
    try:
        from ..links.check import check_document_links
    except ModuleNotFoundError:
        return []
    return asyncio.run(check_document_links(doc, engine))
