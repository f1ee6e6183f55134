"""Jinja filters and globals: Chinese labels, local times, masking."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Flask

from ..finding import CATEGORIES, CATEGORY_LABELS, SEVERITIES, SEVERITY_LABELS
from ..masking import mask_all

ITEM_STATUS_LABELS = {"pending": "待审核", "approved": "已通过", "rejected": "已退回"}
FINDING_STATUS_LABELS = {"open": "待处理", "confirmed": "已确认", "dismissed": "已排除", "fixed": "已修复"}
SWEEP_STATUS_LABELS = {"queued": "排队中", "running": "进行中", "finished": "已完成", "failed": "失败"}
ROLE_LABELS = {"submitter": "信息员", "reviewer": "审核人", "admin": "管理员"}
AUDIT_ACTIONS = {
    "item.submit": "提交送审", "item.approve": "通过（签发）", "item.reject": "退回", "finding.confirm": "确认问题",
    "finding.dismiss": "排除问题", "finding.reveal": "查看个人信息原文", "whitelist.add": "加入白名单",
    "whitelist.remove": "移出白名单", "sweep.create": "发起巡检", "sweep.finish": "巡检结束",
}
ALL_STATES = {**ITEM_STATUS_LABELS, **FINDING_STATUS_LABELS, **SWEEP_STATUS_LABELS}
CST = timezone(timedelta(hours=8))    # times are stored naive UTC; officers read Beijing time


def localtime(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(CST).strftime(fmt)


def age(dt: datetime | None) -> str:
    if dt is None:
        return ""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    secs = (now - dt).total_seconds()
    if secs < 3600:
        return f"{max(1, int(secs // 60))} 分钟"
    if secs < 86400:
        return f"{int(secs // 3600)} 小时"
    return f"{int(secs // 86400)} 天"


def init_app(app: Flask) -> None:
    env = app.jinja_env
    env.filters.update(
        cat_label=lambda c: CATEGORY_LABELS.get(c, c), sev_label=lambda s: SEVERITY_LABELS.get(s, s),
        item_status=lambda s: ITEM_STATUS_LABELS.get(s, s), finding_status=lambda s: FINDING_STATUS_LABELS.get(s, s),
        sweep_status=lambda s: SWEEP_STATUS_LABELS.get(s, s), role_label=lambda r: ROLE_LABELS.get(r, r),
        audit_action=lambda a: AUDIT_ACTIONS.get(a, a), state_label=lambda x: ALL_STATES.get(x, x) if x else "",
        localtime=localtime, age=age, mask=lambda s: mask_all(s) if s else s,
    )
    env.globals.update(CATEGORIES=CATEGORIES, SEVERITIES=SEVERITIES, CATEGORY_LABELS=CATEGORY_LABELS,
                       SEVERITY_LABELS=SEVERITY_LABELS, ITEM_STATUS_LABELS=ITEM_STATUS_LABELS,
                       FINDING_STATUS_LABELS=FINDING_STATUS_LABELS)
