"""`reviewer token create NAME`: print a new API token for that user, once."""
from __future__ import annotations

import sys

from ._store import run_guarded, transaction


def add_parser(sub) -> None:
    p = sub.add_parser("token", help="API 令牌", description="API 令牌管理。")
    ts = p.add_subparsers(dest="token_command", metavar="create")
    ts.required = True
    c = ts.add_parser("create", help="为用户生成新的 API 令牌（只显示一次）",
                      description="为用户生成新的 API 令牌并打印到标准输出。令牌只保存哈希，之后无法再次查看。")
    c.add_argument("name", metavar="NAME", help="用户名")
    c.set_defaults(func=lambda args: run_guarded(run, args))


def run(args) -> int:
    from ..store import accounts
    with transaction() as session:
        user = accounts.user_by_name(session, args.name)
        token = accounts.create_token(session, user)
    print(token)
    print(f"已为用户 {args.name} 生成 API 令牌（请求头 Authorization: Bearer <令牌>）；令牌只显示这一次，请妥善保存。",
          file=sys.stderr)
    return 0
