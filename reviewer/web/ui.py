"""The web UI: queue, item page with decisions, draft submission, sweeps, dashboard."""
from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import (Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request,
                   url_for)
from sqlalchemy import func, select

from ..extract import ExtractError
from ..finding import CATEGORIES, CATEGORY_LABELS, SEVERITIES, SEVERITY_LABELS
from ..masking import mask_all
from ..store import review
from ..store.errors import StoreError
from ..store.models import Agency, Item, Sweep
from . import cache, chart, db, drafts, render
from .auth import login_required
from .filters import ITEM_STATUS_LABELS

log = logging.getLogger(__name__)
bp = Blueprint("ui", __name__)
PER_PAGE = 50


@bp.app_context_processor
def _nav():
    user = g.get("user")
    if user is None:
        return {}
    q = select(func.count(Item.id)).where(Item.status == "pending", Item.superseded_by_id.is_(None))
    if not user.is_admin:
        q = q.where(Item.agency_id == user.agency_id)
    scope = "admin" if user.is_admin else user.agency_id
    return {"pending_count": cache.counts_cache().get(("pending", scope), lambda: db.session().scalar(q) or 0)}


@bp.route("/")
def index():
    return redirect(url_for("ui.queue"))


# ------------------------------------------------------------------------------------ the queue

FILTERS = ("status", "category", "severity", "agency", "site", "date_from", "date_to")


@bp.route("/queue")
@cache.cached_response("html")
@login_required
def queue():
    s = db.session()
    args = request.args
    f = {k: args.get(k, "") for k in FILTERS}
    if "status" not in args:
        f["status"] = "pending"          # the queue proper; "全部" sends status=
    try:
        page = max(1, int(args.get("page", 1)))
    except ValueError:
        page = 1
    try:
        kw = dict(status=f["status"] or None, category=f["category"] or None, severity=f["severity"] or None,
                  agency=f["agency"] or None, site=f["site"] or None, date_from=f["date_from"] or None,
                  date_to=f["date_to"] or None)
        result = review.list_items(s, g.user, page=page, per_page=PER_PAGE, with_facets=False, **kw)
        scope = "admin" if g.user.is_admin else g.user.agency_id
        facets = cache.counts_cache().get(
            ("facets", scope, tuple(sorted(kw.items()))),
            lambda: review.list_items(s, g.user, page=1, per_page=1, with_facets=True, **kw).facets)
    except StoreError as e:
        flash(e.message, "error")
        return redirect(url_for("ui.queue"))
    rows = []
    item_base = url_for("ui.item", item_id=0)[:-1]
    for it in result.items:
        d = review.item_summary(it, result.counts.get(it.id))
        d["created_at"] = it.created_at
        d["url"] = item_base + str(it.id)
        d["uri_masked"] = mask_all(it.uri)          # the title is masked by item_summary already
        # open findings per category, from the item's denormalised counters
        d["cats"] = {c: getattr(it, "n_" + c, 0) for c in CATEGORIES if getattr(it, "n_" + c, 0)}
        rows.append(d)

    def filter_url(key, value):
        q = {k: v for k, v in f.items() if v}
        if "status" not in q:
            q["status"] = ""
        if str(f.get(key)) == str(value):
            q.pop(key, None)
            if key == "status":
                q["status"] = ""
        else:
            q[key] = value
        return url_for("ui.queue") + "?" + urlencode(q)

    def page_url(p):
        q = {k: v for k, v in f.items()}
        q["page"] = p
        return url_for("ui.queue") + "?" + urlencode(q)

    facet_groups = [("status", "状态", lambda v: ITEM_STATUS_LABELS.get(v, v)),
                    ("severity", "待处理问题（按级别）", lambda v: SEVERITY_LABELS.get(v, v)),
                    ("category", "待处理问题（按类别）", lambda v: CATEGORY_LABELS.get(v, v))]
    if g.user.is_admin:
        facet_groups.append(("agency", "单位", lambda v: v))
    counts = dict(facets)
    counts["severity"] = {k: counts.get("severity", {})[k] for k in SEVERITIES if k in counts.get("severity", {})}
    counts["category"] = {k: counts.get("category", {})[k] for k in CATEGORIES if k in counts.get("category", {})}
    agencies = list(s.scalars(select(Agency).order_by(Agency.name))) if g.user.is_admin else []
    sq = select(Item.site).where(Item.site.is_not(None)).distinct().order_by(Item.site).limit(200)
    if not g.user.is_admin:
        sq = sq.where(Item.agency_id == g.user.agency_id)
    sites = cache.counts_cache().get(("sites", scope), lambda: list(s.scalars(sq)))
    pages = max(1, (result.total + result.per_page - 1) // result.per_page)
    return render_template("queue.html", items=rows, total=result.total, page=result.page, pages=pages, f=f,
                           counts=counts, facet_groups=facet_groups, filter_url=filter_url, page_url=page_url,
                           agencies=agencies, sites=sites)


# ------------------------------------------------------------------------------------ an item

def _render_item(item_id: int, status: int = 200):
    s = db.session()
    item = review.get_item(s, g.user, item_id)
    findings = sorted(item.findings, key=lambda f: (f.start if f.start is not None else -1, f.id))
    diff = prev = None
    fixed = []
    info = review.item_diff(s, g.user, item_id)
    if info["previous_item_id"]:
        prev = s.get(Item, info["previous_item_id"])
        diff = render.diff_lines(prev.document_version.text, item.text)
        resolved = set(info["resolved"])
        fixed = [f for f in prev.findings if f.id in resolved and f.status == "fixed"]
    history = review.item_history(s, g.user, item_id, limit=50)
    html = render.highlight(item.text, findings, masked=True)
    own = item.submitter_id is not None and item.submitter_id == g.user.id
    return render_template("item.html", item=item, findings=findings, doc_html=html, diff=diff, prev_item=prev,
                           fixed=fixed, history=history, can_review=g.user.can_review, own=own), status


@bp.route("/items/<int:item_id>")
@login_required
def item(item_id: int):
    return _render_item(item_id)


def _decision_failed(item_id: int, e: StoreError):
    db.session().rollback()
    flash(e.message, "error")
    if isinstance(e, review.Forbidden) and "其他单位" in e.message:
        abort(403)
    return _render_item(item_id, e.status)


@bp.route("/items/<int:item_id>/decision", methods=["POST"])
@login_required
def decide(item_id: int):
    form = request.form
    action = form.get("action", "")
    whitelist = action == "whitelist" or form.get("whitelist") in ("1", "on", "true")
    if action == "whitelist":
        action = "dismiss"
    s = db.session()
    try:
        review.decide(s, g.user, item_id, action, form.get("finding") or None, form.get("comment"),
                      whitelist=whitelist, expected_version=form.get("version") or None)
        s.commit()
        cache.changed()
    except StoreError as e:
        return _decision_failed(item_id, e)
    done = {"approve": "已通过（签发）", "reject": "已退回", "confirm": "已确认该问题",
            "dismiss": "已排除该问题" + ("，并加入本单位白名单" if whitelist else "")}[action]
    flash(done, "ok")
    if action in ("approve", "reject"):
        return redirect(url_for("ui.item", item_id=item_id))
    return redirect(url_for("ui.item", item_id=item_id) + (f"#f{form.get('finding')}" if form.get("finding") else ""))


@bp.route("/items/<int:item_id>/bulk", methods=["POST"])
@login_required
def bulk(item_id: int):
    s = db.session()
    ids = [int(x) for x in request.form.getlist("finding") if x.isdigit()]
    action = request.form.get("action", "")
    if action not in ("confirm", "dismiss"):
        abort(400)
    # the page's version: a bulk action on a page that is out of date is a conflict like any other
    current = review.get_item(s, g.user, item_id)
    v = request.form.get("version")
    if v and v.isdigit() and int(v) != current.version:
        return _decision_failed(item_id, review.Conflict("该条目已被他人修改，请刷新后重试"))
    mine = {f.id for f in current.findings}
    try:
        result = review.bulk_decide(s, g.user, action, finding_ids=[i for i in ids if i in mine],
                                    comment=request.form.get("comment"))
        s.commit()
        cache.changed()
    except StoreError as e:
        return _decision_failed(item_id, e)
    label = "确认" if action == "confirm" else "排除"
    flash(f"已批量{label} {len(result.done)} 条问题" + (f"，{len(result.failed)} 条未处理：{result.failed[0][1]}"
                                                  if result.failed else ""), "ok" if not result.failed else "warning")
    return redirect(url_for("ui.item", item_id=item_id))


@bp.route("/items/<int:item_id>/findings/<int:finding_id>/reveal", methods=["POST"])
@login_required
def reveal(item_id: int, finding_id: int):
    s = db.session()
    try:
        item = review.get_item(s, g.user, item_id)
        if finding_id not in {f.id for f in item.findings}:
            raise review.NotFound("该条目中没有这个问题")
        text = review.reveal_number(s, g.user, finding_id, request.form.get("reason"))
        s.commit()
    except StoreError as e:
        s.rollback()
        return jsonify({"error": {"code": e.code, "message": e.message}}), e.status
    return jsonify({"text": text})


# ------------------------------------------------------------------------------------ submit

@bp.route("/submit", methods=["GET", "POST"])
@login_required
def submit():
    s = db.session()
    document = None
    doc_id = request.values.get("document")
    if doc_id and doc_id.isdigit():
        from ..store.models import Document
        document = s.get(Document, int(doc_id))
        if document is None or not review.can_see(g.user, document.agency_id):
            abort(404)
    limit_mb = f"{current_app.config['MAX_CONTENT_LENGTH'] / (1 << 20):g}"
    ctx = dict(document=document, form=request.form, limit_mb=limit_mb, checked=None, checked_html=None)
    if request.method == "GET":
        return render_template("submit.html", **ctx)
    try:
        inc = drafts.read_incoming(allow_url=False)
        if request.form.get("mode") == "check":
            doc, findings = drafts.check_only(s, g.user, inc)
            spans = [_Span(i, f) for i, f in enumerate(findings)]
            ctx.update(checked=findings, checked_html=render.highlight(doc.text, spans, masked=True))
            return render_template("submit.html", **ctx)
        item = drafts.submit(s, g.user, inc)
        s.commit()
        cache.changed()
    except ExtractError as e:
        s.rollback()
        flash(str(e), "error")
        return render_template("submit.html", **ctx), 400
    except StoreError as e:
        s.rollback()
        flash(e.message, "error")
        return render_template("submit.html", **ctx), e.status
    n = len(item.findings)
    flash(f"已提交送审（第 {item.document_version.number} 版），发现 {n} 处问题" if n else
          f"已提交送审（第 {item.document_version.number} 版），未发现问题", "ok")
    return redirect(url_for("ui.item", item_id=item.id))


class _Span:
    """A contract Finding seen as a highlight span (it has no row id yet)."""

    def __init__(self, i, f):
        self.id, self.start, self.end = i, f.start, f.end
        self.category, self.severity, self.status = f.category, f.severity, "open"


# ------------------------------------------------------------------------------------ sweeps

@bp.route("/sweeps", methods=["GET", "POST"])
@login_required
def sweeps():
    s = db.session()
    if request.method == "POST":
        from .. import tasks
        try:
            sweep = tasks.create_sweep(s, g.user, request.form.get("url", ""),
                                       max_pages=request.form.get("max_pages"),
                                       max_depth=request.form.get("max_depth"))
            s.commit()
        except (StoreError, ExtractError, ValueError) as e:
            s.rollback()
            flash(getattr(e, "message", None) or str(e), "error")
            return redirect(url_for("ui.sweeps"))
        tasks.start_sweep(current_app._get_current_object(), sweep.id)
        flash(f"巡检 #{sweep.id} 已开始，发现的问题将进入审核队列", "ok")
        return redirect(url_for("ui.sweep", sweep_id=sweep.id))
    q = select(Sweep).order_by(Sweep.id.desc()).limit(100)
    if not g.user.is_admin:
        q = q.where(Sweep.agency_id == g.user.agency_id)
    return render_template("sweeps.html", sweeps=list(s.scalars(q)), can_review=g.user.can_review)


@bp.route("/sweeps/<int:sweep_id>")
@login_required
def sweep(sweep_id: int):
    sw = db.session().get(Sweep, sweep_id)
    if sw is None or not review.can_see(g.user, sw.agency_id):
        abort(404)
    return render_template("sweep.html", sweep=sw)


# ------------------------------------------------------------------------------------ dashboard

@bp.route("/dashboard")
@login_required
def dashboard():
    data = review.dashboard(db.session(), g.user)
    cat = [(c, CATEGORY_LABELS[c], data["by_category"][c]) for c in CATEGORIES if c in data["by_category"]]
    sev = [(x, SEVERITY_LABELS[x], data["by_severity"][x]) for x in SEVERITIES if x in data["by_severity"]]
    ag = sorted(data["by_agency"].items(), key=lambda kv: -kv[1])
    status_counts = review.list_items(db.session(), g.user, per_page=1).facets.get("status", {})
    st = [(k, ITEM_STATUS_LABELS.get(k, k), status_counts[k]) for k in ITEM_STATUS_LABELS if k in status_counts]
    points = _trend_points(data["trend"])
    return render_template(
        "dashboard.html", total_open=sum(data["by_category"].values()),
        by_category=chart.bars(cat, "按类别的待处理问题"), by_severity=chart.bars(sev, "按严重程度的待处理问题"),
        by_agency=chart.bars([(a, a, n) for a, n in ag], "按单位的待处理问题"),
        by_status=chart.bars(st, "按状态的条目"), trend=chart.trend(points, "历次巡检的待处理问题"))


def _trend_points(trend: list[dict]) -> list[tuple[str, dict]]:
    """Per finished sweep, the findings that were present in it, by category: first seen in that
    sweep or before, not fixed by then, not dismissed (the same reading as the sweep report)."""
    from ..store.ingest import present_in
    from ..store.models import Document, Finding
    if not trend:
        return []
    s = db.session()
    out = []
    for t in trend:
        sw = s.get(Sweep, t["sweep_id"])
        rows = s.execute(
            select(Finding.category, func.count()).join(Document, Document.id == Finding.document_id)
            .where(*present_in(sw), Finding.status != "dismissed")
            .group_by(Finding.category))
        out.append((f"#{sw.id}", {c: n for c, n in rows}))
    return out


@bp.route("/healthz")
def healthz():
    return jsonify({"ok": True})


__all__ = ["bp", "mask_all"]
