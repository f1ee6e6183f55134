"""`reviewer serve [--host H] [--port P] [--workers N] [--threads T]`: the review service on a
production WSGI server.

One Python process uses one core at a time (the GIL), and rendering pages is CPU work, so with
more than one worker the service runs under gunicorn: N processes of T threads each (threads cover
the time spent waiting for the database). `--workers 1` serves from one process with waitress.
"""
from __future__ import annotations

import os
import sys


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="启动审核服务（网页界面与 API）",
                       description="启动审核服务。数据库、密钥等由 REVIEWER_* 环境变量或 --config 指定。")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=5000, help="端口（默认 5000）")
    p.add_argument("--workers", type=int, default=_default_workers(),
                   help="工作进程数（默认为 CPU 核数，最多 4；1 表示单进程）")
    p.add_argument("--threads", type=int, default=8, help="每个进程的工作线程数（默认 8）")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..config import ConfigError
    try:
        from ..web import create_app
        # made once here, before any worker starts: the secret key generated on first start is
        # written once, and a broken configuration is reported once, in one line
        app = create_app()
    except ConfigError as e:
        print(f"reviewer: 错误：{e}", file=sys.stderr)
        return 2
    workers = max(1, args.workers)
    threads = max(1, args.threads)
    print(f"审核服务已启动：http://{args.host}:{args.port}/  （{workers} 个进程 × {threads} 个线程；Ctrl+C 停止）",
          file=sys.stderr)
    if workers > 1:
        try:
            return _gunicorn(app, args.host, args.port, workers, threads)
        except ModuleNotFoundError:
            pass
    try:
        from waitress import serve
    except ModuleNotFoundError:      # development fallback
        app.run(host=args.host, port=args.port, threaded=True)
        return 0
    serve(app, host=args.host, port=args.port, threads=threads, ident="reviewer")
    return 0


def _gunicorn(app, host: str, port: int, workers: int, threads: int) -> int:
    from gunicorn.app.base import BaseApplication

    def post_fork(_server, _worker):
        # no database connection crosses a fork: each worker opens its own
        app.extensions["reviewer.engine"].dispose(close=False)

    class Server(BaseApplication):
        def load_config(self):
            for k, v in {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
                         "threads": threads, "timeout": 120, "graceful_timeout": 10, "backlog": 512,
                         "post_fork": post_fork, "accesslog": None}.items():
                self.cfg.set(k, v)

        def load(self):
            return app

    Server().run()
    return 0
