"""`reviewer sweep URL`: crawl a whole portal, every page, attachment and link (contract in DESIGN.md)."""
from __future__ import annotations

import asyncio
import signal
import sys

from ..finding import SEVERITIES, at_least


def add_parser(sub) -> None:
    p = sub.add_parser(
        "sweep", help="全站巡检：页面、附件、链接和栏目",
        description="从起始网址抓取整个网站：每个页面和附件运行全部规则，每个链接（站内、站外、图片、附件）检查一次，"
                    "失效链接在出现它的每个页面上报告。",
        epilog="退出码：0 无达到 --fail-on 级别的问题；1 有；2 用法错误或起始网址无效。")
    p.add_argument("url", metavar="URL", help="起始网址（通常是网站首页）")
    p.add_argument("--max-pages", type=int, default=50_000, metavar="N", help="最多抓取的页面和附件数（默认 50000）")
    p.add_argument("--max-depth", type=int, default=50, metavar="N", help="最大链接深度（默认 50）")
    p.add_argument("--concurrency", type=int, default=4, metavar="N", help="每个主机的并发请求数（默认 4）")
    p.add_argument("--delay", type=float, default=0.0, metavar="SEC", help="同一主机两次请求之间的间隔秒数")
    p.add_argument("--allow-host", action="append", default=[], metavar="HOST", help="一并抓取的其他主机（可重复）")
    p.add_argument("--include", action="append", default=[], metavar="REGEX", help="只抓取匹配此正则的网址（可重复）")
    p.add_argument("--exclude", action="append", default=[], metavar="REGEX", help="不抓取匹配此正则的网址（可重复）")
    p.add_argument("--allow-network", action="append", default=[], metavar="CIDR",
                   help="允许检查的内网网段（默认不访问内网和本机地址，起始主机除外），如 10.0.0.0/8")
    p.add_argument("--ignore-robots", action="store_true", help="不遵守 robots.txt（仅用于本单位自己的网站）")
    p.add_argument("--timeout", type=float, default=15.0, metavar="SEC", help="单次请求超时秒数（默认 15）")
    p.add_argument("--format", choices=("text", "jsonl"), default="text", help="输出格式（默认 text）")
    p.add_argument("--output", metavar="FILE", help="把结果写入文件而不是标准输出")
    p.add_argument("--fail-on", choices=SEVERITIES, default="major", metavar="SEVERITY",
                   help="有此级别或更高级别的问题时退出码为 1（默认 major）")
    p.add_argument("--rules", metavar="LIST", help="只运行这些类别或规则，逗号分隔，如 link 或 link,site")
    p.add_argument("--state", metavar="FILE", help="巡检状态数据库（SQLite）路径，默认在用户数据目录下")
    p.add_argument("--resume", action="store_true", help="从上次中断处继续")
    p.add_argument("--queue", action="store_true", help="把发现的问题送入审核队列（需同时给出 --agency）")
    p.add_argument("--agency", metavar="A", help="--queue 时巡检所属单位（名称或编号）")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="内容检查（文本提取和规则）使用的工作进程数，0 表示在抓取进程内完成（默认：CPU 核数减一，最多 4）")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..crawl.content import default_jobs
    from ..crawl.sweep import SweepOptions, run_sweep
    from ..crawl.urls import normalize
    from ..engine import Engine

    if normalize(args.url) is None:
        print(f"reviewer: 错误：无效的起始网址：{args.url}（需要 http:// 或 https:// 开头）", file=sys.stderr)
        return 2
    for flag, value in (("--max-pages", args.max_pages), ("--concurrency", args.concurrency)):
        if value < 1:
            print(f"reviewer: 错误：{flag} 必须大于 0", file=sys.stderr)
            return 2
    rules = args.rules.split(",") if args.rules else None
    try:
        Engine(only=rules)
    except ValueError as e:
        print(f"reviewer: 错误：{e}", file=sys.stderr)
        return 2
    import ipaddress
    import re
    for net in args.allow_network:
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError:
            print(f"reviewer: 错误：无效的网段 {net}", file=sys.stderr)
            return 2
    for pattern in args.include + args.exclude:
        try:
            re.compile(pattern)
        except re.error as e:
            print(f"reviewer: 错误：无效的正则表达式 {pattern!r}：{e}", file=sys.stderr)
            return 2

    queue = None
    if args.queue:
        if not args.agency:
            print("reviewer: 错误：--queue 需要用 --agency 指定巡检所属单位", file=sys.stderr)
            return 2
        try:
            queue = _Queue(args.config, args.agency, args.url, {
                "max_pages": args.max_pages, "max_depth": args.max_depth, "rules": args.rules})
        except _QueueError as e:
            print(f"reviewer: 错误：{e}", file=sys.stderr)
            return 2

    options = SweepOptions(
        start_url=args.url, max_pages=args.max_pages, max_depth=args.max_depth, concurrency=args.concurrency,
        delay=args.delay, allow_hosts=args.allow_host, include=args.include, exclude=args.exclude,
        ignore_robots=args.ignore_robots, state_path=args.state, resume=args.resume, rules=rules,
        timeout=args.timeout, allowed_networks=args.allow_network,
        jobs=default_jobs() if args.jobs is None else max(0, args.jobs))

    try:
        out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    except OSError as e:
        print(f"reviewer: 错误：无法写入 {args.output}：{e.strerror}", file=sys.stderr)
        return 2

    console = None
    if args.format == "text":
        from rich.console import Console
        console = Console(file=out, highlight=False)
    worst = {"failing": False}

    def on_page(result) -> None:
        if any(at_least(f.severity, args.fail_on) for f in result.findings):
            worst["failing"] = True
        if queue is not None:
            queue.page(result)
        if args.format == "jsonl":
            from ..sinks.jsonout import write_jsonl
            write_jsonl(result.findings, out)
        elif result.findings:
            from ..sinks.terminal import print_document
            print_document(console, result, result.findings)

    progress = None
    if not args.no_progress and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
        err = Console(file=sys.stderr, highlight=False)
        progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} 页"),
                            TextColumn("{task.fields[rate]:.1f} 页/秒"), TextColumn("错误 {task.fields[errors]}"),
                            TextColumn("链接 {task.fields[links]}"), TimeElapsedColumn(), console=err, transient=True)
        task = progress.add_task("抓取", total=1, rate=0.0, errors=0, links=0)

    def on_progress(p: dict) -> None:
        if progress is None:
            return
        if p.get("phase") == "report":     # second pass: findings page by page
            total = max(p["pages"] + p["attachments"], p["reported"], 1)
            progress.update(task, description="汇总", completed=p["reported"], total=total, rate=p["rate"],
                            errors=p["errors"], links=p["links_checked"])
        else:
            progress.update(task, description="抓取", completed=p["done"], total=max(p["seen"], p["done"], 1),
                            rate=p["rate"], errors=p["errors"], links=p["links_checked"])

    interrupted = False
    # a scheduler's timeout (SIGTERM) stops the sweep the way Ctrl-C does: the frontier is saved
    # for --resume and the content workers are shut down, not orphaned
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if progress is not None:
            progress.start()
        summary = asyncio.run(run_sweep(options, on_page=on_page, on_progress=on_progress))
    except KeyboardInterrupt:
        interrupted = True
        summary = None
    except ValueError as e:
        print(f"reviewer: 错误：{e}", file=sys.stderr)
        return 2
    finally:
        if progress is not None:
            progress.stop()
        if out is not sys.stdout:
            out.close()
    if interrupted:
        if queue is not None:
            queue.finish(None, error="巡检被中断")
        print("reviewer: 已中断；用 --resume 可从中断处继续", file=sys.stderr)
        return 130
    if queue is not None:
        queue.finish(summary)
        print(f"已送入审核队列：巡检编号 {queue.sweep_id}", file=sys.stderr)
    _print_summary(summary)
    return 1 if worst["failing"] else 0


class _QueueError(Exception):
    pass


class _Queue:
    """Hands each page's findings to the review queue (reviewer.store.ingest), committing in batches."""

    BATCH = 50

    def __init__(self, config: str | None, agency: str, url: str, options: dict):
        try:
            from ..store import ingest
            from ..store.db import is_schema_missing, open_store
            from ..store.errors import StoreError
        except ImportError:
            raise _QueueError("审核队列（reviewer.store）不可用，无法使用 --queue") from None
        self.ingest, self.StoreError = ingest, StoreError
        _settings, _engine, factory = open_store(config)
        self.session = factory()
        try:
            sweep = ingest.create_sweep(self.session, None, url, agency_id=agency, options=options)
            ingest.start_sweep(self.session, sweep.id)
            self.session.commit()
        except StoreError as e:
            self.session.rollback()
            raise _QueueError(e.message) from None
        except Exception as e:
            self.session.rollback()
            if is_schema_missing(e):
                raise _QueueError("审核队列数据库尚未初始化，请先运行 reviewer db upgrade") from None
            raise
        self.sweep_id = sweep.id
        self.pending = 0

    def page(self, result) -> None:
        self.ingest.ingest_sweep_page(self.session, self.sweep_id, result.uri, result.title, result.findings,
                                      text=result.text, kind=result.kind)
        self.pending += 1
        if self.pending >= self.BATCH:
            self.session.commit()
            self.pending = 0

    def finish(self, summary, error: str | None = None) -> None:
        complete = summary is not None and not summary.interrupted
        self.ingest.finish_sweep(self.session, self.sweep_id, complete=complete, error=error)
        self.session.commit()
        self.session.close()


def _print_summary(s) -> None:
    from ..finding import CATEGORY_LABELS, SEVERITY_LABELS
    cats = "，".join(f"{CATEGORY_LABELS.get(c, c)} {n}" for c, n in sorted(s.by_category.items(), key=lambda x: -x[1]))
    sev = "，".join(f"{SEVERITY_LABELS[k]} {s.by_severity[k]}" for k in SEVERITY_LABELS if s.by_severity.get(k))
    rate = (s.pages + s.attachments) / s.elapsed if s.elapsed else 0.0
    print(
        f"巡检完成{'（续）' if s.resumed else ''}{'（提前结束）' if s.interrupted else ''}：页面 {s.pages}，附件 {s.attachments}，"
        f"未变化 {s.unchanged}，失败 {s.failed}，跳过 {s.skipped}；检查链接 {s.links_checked} 个"
        f"（请求 {s.link_requests} 次），失效 {s.dead_links} 个；发现问题 {s.findings} 个"
        + (f"（{sev}；{cats}）" if s.findings else "")
        + f"；下载 {s.bytes / 1e6:.1f} MB，用时 {s.elapsed:.1f} 秒（{rate:.1f} 页/秒）", file=sys.stderr)
