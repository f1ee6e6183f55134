"""`reviewer serve [--host H] [--port P]`: the review service on a production WSGI server."""
from __future__ import annotations

import sys


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="启动审核服务（网页界面与 API）",
                       description="启动审核服务。数据库、密钥等由 REVIEWER_* 环境变量或 --config 指定。")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=5000, help="端口（默认 5000）")
    p.add_argument("--threads", type=int, default=16, help="工作线程数（默认 16）")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..config import ConfigError
    try:
        from ..web import create_app
        app = create_app()
    except ConfigError as e:
        print(f"reviewer: 错误：{e}", file=sys.stderr)
        return 2
    print(f"审核服务已启动：http://{args.host}:{args.port}/  （Ctrl+C 停止）", file=sys.stderr)
    try:
        from waitress import serve
    except ModuleNotFoundError:      # development fallback
        app.run(host=args.host, port=args.port, threaded=True)
        return 0
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="reviewer")
    return 0
