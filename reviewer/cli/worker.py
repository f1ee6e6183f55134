"""`reviewer worker`: a Celery worker for sweeps on REVIEWER_BROKER_URL."""
from __future__ import annotations

import sys


def add_parser(sub) -> None:
    p = sub.add_parser("worker", help="启动巡检任务执行进程（Celery，需 REVIEWER_BROKER_URL）",
                       description="从消息队列（REVIEWER_BROKER_URL，如 redis://127.0.0.1:6379/0）领取巡检任务并执行。")
    p.add_argument("--concurrency", type=int, default=2, help="并发任务数（默认 2）")
    p.add_argument("--loglevel", default="INFO", help="日志级别（默认 INFO）")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..config import ConfigError, load_settings
    try:
        settings = load_settings()
    except ConfigError as e:
        print(f"reviewer: 错误：{e}", file=sys.stderr)
        return 2
    if not settings.broker_url:
        print("reviewer: 错误：未配置消息队列，请设置 REVIEWER_BROKER_URL（如 redis://127.0.0.1:6379/0）",
              file=sys.stderr)
        return 2
    from ..tasks import celery
    celery.conf.broker_url = settings.broker_url
    celery.worker_main(["worker", f"--concurrency={args.concurrency}", f"--loglevel={args.loglevel}",
                        "-Q", "reviewer", "--without-gossip", "--without-mingle"])
    return 0
