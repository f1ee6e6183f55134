"""`reviewer` command line. Each subcommand lives in its own module with add_parser() and run()."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from .. import __version__

# module name -> subcommand; the modules are imported only when their command runs
COMMANDS = {
    "check": "check", "sweep": "sweep", "serve": "serve", "worker": "worker", "db": "db",
    "user": "user", "token": "token", "rules": "rules", "report": "report", "audit": "audit",
}


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # bad usage: one line, exit 2 (contract)
        self.print_usage(sys.stderr)
        print(f"reviewer: 错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> Parser:
    parser = Parser(prog="reviewer", description="政务公开内容形式审查：错别字、敏感词、个人信息、涉密标识、篡改、链接与栏目。")
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}")
    parser.add_argument("--config", help="TOML 配置文件（也可用环境变量 REVIEWER_CONFIG）")
    parser.add_argument("-v", "--verbose", action="store_true", help="在标准错误输出调试日志")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for name, module in COMMANDS.items():
        try:
            mod = importlib.import_module(f".{module}", __name__)
        except ModuleNotFoundError as e:
            if e.name and e.name.startswith(__name__):
                continue        # a command whose module is not part of this build
            raise
        mod.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.config:
        import os
        os.environ["REVIEWER_CONFIG"] = args.config
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        print("reviewer: 已中断", file=sys.stderr)
        return 130
