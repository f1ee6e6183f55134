"""Sweep reports as xlsx or html: the sweep's summary and every finding present in it.

Personal numbers are masked unless masked=False (the CLI's --unmasked, which is audited).
Cells are always written as text, so a crawled page cannot smuggle a formula into the workbook."""
from __future__ import annotations

import html
import io
from collections import Counter

from sqlalchemy.orm import Session

from ..finding import CATEGORY_LABELS, SEVERITIES, SEVERITY_LABELS
from ..masking import mask_all
from . import audit
from .ingest import get_sweep, sweep_findings
from .models import Finding, Sweep

STATUS_LABELS = {"open": "待处理", "confirmed": "已确认", "dismissed": "已排除", "fixed": "已修复"}
SWEEP_STATUS_LABELS = {"queued": "排队中", "running": "进行中", "finished": "已完成", "failed": "失败"}
COLUMNS = ("级别", "类别", "规则", "页面", "位置", "问题文字", "上下文", "说明", "建议", "状态", "指纹")
FORMATS = ("xlsx", "html")


def _row(f: Finding, masked: bool) -> list[str]:
    m = mask_all if masked else (lambda s: s)
    return [SEVERITY_LABELS.get(f.severity, f.severity), CATEGORY_LABELS.get(f.category, f.category), f.rule,
            f.uri, f.part or "", m(f.text or ""), m(f.excerpt or ""), f.message or "", m(f.suggestion or ""),
            STATUS_LABELS.get(f.status, f.status), f.fingerprint]


def _summary(sweep: Sweep, findings: list[Finding]) -> list[tuple[str, str]]:
    sev = Counter(f.severity for f in findings if f.status in ("open", "confirmed"))
    fmt = lambda d: d.strftime("%Y-%m-%d %H:%M:%S") + " UTC" if d else "—"  # noqa: E731
    return [
        ("巡检编号", str(sweep.id)), ("网址", sweep.url), ("状态", SWEEP_STATUS_LABELS.get(sweep.status, sweep.status)),
        ("开始时间", fmt(sweep.started_at)), ("结束时间", fmt(sweep.finished_at)),
        ("已检查页面", str(sweep.pages_done)), ("新发现问题", str(sweep.findings_new)),
        ("已修复问题", str(sweep.findings_fixed)), ("本次列出问题", str(len(findings))),
        *[(f"待处理·{SEVERITY_LABELS[s]}", str(sev.get(s, 0))) for s in SEVERITIES],
    ]


def build_report(session: Session, sweep_id: int, fmt: str, masked: bool = True, user=None) -> bytes:
    """The report of sweep `sweep_id` as xlsx or html bytes. `user` (if given) must see the sweep."""
    if fmt not in FORMATS:
        from .errors import Invalid
        raise Invalid("报告格式必须是 xlsx 或 html")
    sweep = get_sweep(session, user, sweep_id)
    findings = sweep_findings(session, sweep_id)
    if not masked:
        audit.record(session, user, "report.unmasked", "sweep", sweep.id, agency_id=sweep.agency_id,
                     actor_name="cli", detail={"format": fmt, "findings": len(findings)})
    rows = [_row(f, masked) for f in findings]
    summary = _summary(sweep, findings)
    return _xlsx(summary, rows) if fmt == "xlsx" else _html(sweep, summary, rows)


def _xlsx(summary, rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"

    def put(sheet, r, c, value):
        cell = sheet.cell(row=r, column=c)
        cell.value = value
        cell.data_type = "s"          # text, never a formula, whatever the page contained
        return cell
    for c, name in enumerate(COLUMNS, 1):
        cell = put(ws, 1, c, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B22222")
    for r, row in enumerate(rows, 2):
        for c, v in enumerate(row, 1):
            put(ws, r, c, v)
    widths = (6, 8, 22, 50, 12, 24, 50, 40, 24, 8, 26)
    for c, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(rows) + 1)}"
    s2 = wb.create_sheet("概况")
    for r, (k, v) in enumerate(summary, 1):
        put(s2, r, 1, k).font = Font(bold=True)
        put(s2, r, 2, v)
    s2.column_dimensions["A"].width = 16
    s2.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_CSS = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top}
th{background:#b22222;color:#fff;position:sticky;top:0}tr.critical td:first-child{background:#fdd;font-weight:bold}
tr.major td:first-child{background:#ffe7c2}.summary td:first-child{font-weight:bold;width:10em}
td.uri{word-break:break-all;max-width:28em}"""


def _html(sweep: Sweep, summary, rows) -> bytes:
    e = html.escape
    sev_by_label = {v: k for k, v in SEVERITY_LABELS.items()}
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>巡检报告 #{sweep.id} {e(sweep.site or '')}</title><style>{_CSS}</style></head><body>",
           f"<h1>网站巡检报告 #{sweep.id}</h1>", '<table class="summary">']
    out += [f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in summary]
    out.append("</table><h2>问题清单</h2><table><thead><tr>")
    out += [f"<th>{e(c)}</th>" for c in COLUMNS]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cls = sev_by_label.get(row[0], "")
        cells = "".join(f'<td class="uri">{e(v)}</td>' if i == 3 else f"<td>{e(v)}</td>" for i, v in enumerate(row))
        out.append(f'<tr class="{cls}">{cells}</tr>')
    if not rows:
        out.append(f'<tr><td colspan="{len(COLUMNS)}">本次巡检未发现问题。</td></tr>')
    out.append("</tbody></table></body></html>")
    return "\n".join(out).encode("utf-8")
