"""`reviewer audit verify`: check the audit log's hash chain (exit 0 intact, 1 broken)."""
from __future__ import annotations

from ._store import run_guarded, transaction


def add_parser(sub) -> None:
    p = sub.add_parser("audit", help="审计日志", description="审计日志。")
    s = p.add_subparsers(dest="audit_command", metavar="verify")
    s.required = True
    v = s.add_parser("verify", help="校验审计日志是否被篡改",
                     description="逐条校验审计日志的哈希链：完整时退出码 0，发现被改动或删除的记录时退出码 1。")
    v.set_defaults(func=lambda args: run_guarded(run, args))


def run(args) -> int:
    from ..store import audit
    with transaction() as session:
        result = audit.verify(session)
    if result.ok:
        print(result.message)
        return 0
    print(result.message)
    return 1
