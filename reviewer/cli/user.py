"""`reviewer user add NAME --role submitter|reviewer|admin --agency A [--password-stdin]`."""
from __future__ import annotations

import getpass
import sys

from ._store import CliError, run_guarded, transaction


def add_parser(sub) -> None:
    p = sub.add_parser("user", help="用户管理", description="用户管理。")
    us = p.add_subparsers(dest="user_command", metavar="add")
    us.required = True
    add = us.add_parser("add", help="新建用户（单位不存在时自动创建）",
                        description="新建用户；单位不存在时自动创建。不带 --password-stdin 时在终端中输入密码，"
                                    "非终端环境下则创建只能用 API 令牌登录的用户。")
    add.add_argument("name", metavar="NAME", help="用户名")
    add.add_argument("--role", required=True, choices=("submitter", "reviewer", "admin"),
                     help="角色：submitter 信息员，reviewer 审核人，admin 管理员")
    add.add_argument("--agency", required=True, help="所属单位名称")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    add.set_defaults(func=lambda args: run_guarded(run, args))


def _password(args) -> str | None:
    if args.password_stdin:
        pw = sys.stdin.readline().rstrip("\r\n")
        if not pw:
            raise CliError("标准输入中没有读到密码", 2)
        return pw
    if sys.stdin.isatty():
        pw = getpass.getpass("密码：")
        if pw != getpass.getpass("再次输入密码："):
            raise CliError("两次输入的密码不一致", 2)
        return pw
    return None


def run(args) -> int:
    from ..store import accounts
    password = _password(args)
    with transaction() as session:
        user = accounts.create_user(session, args.name, args.role, args.agency, password)
        agency = user.agency.name
    role = {"submitter": "信息员", "reviewer": "审核人", "admin": "管理员"}[args.role]
    note = "" if password else "（未设置密码，只能用 `reviewer token create` 生成的令牌访问 API）"
    print(f"已创建用户 {args.name}：{role}，单位 {agency}{note}")
    return 0
