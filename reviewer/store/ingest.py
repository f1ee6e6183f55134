"""Sweeps into the queue: one item per page or attachment with open findings.

    sweep = create_sweep(session, user, url)            # or agency_id=... from the CLI
    start_sweep(session, sweep.id)
    for each page/attachment checked (with or without findings):
        ingest_sweep_page(session, sweep.id, uri, title, findings, text=doc.text)
    finish_sweep(session, sweep.id)                     # complete=False when the crawl was cut short

Call ingest_sweep_page for every page visited, even with no findings: that is how a finding that
is gone from its page becomes `fixed`. A finding whose fingerprint the agency dismissed, or whose
text the agency whitelisted for its rule, is not raised again. The caller commits (per page or per
batch, as it likes)."""
from __future__ import annotations

import json
from typing import Sequence
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..finding import Finding as ContractFinding
from ..finding import normalize_for_fingerprint
from . import audit
from .errors import Forbidden, Invalid, NotFound
from .models import ACTIVE_FINDING_STATES, Document, Finding, Item, Sweep, User, utcnow
from .review import (_require_active, add_version, can_see, copy_finding_row, current_item, dismissed_fingerprints,
                     fit_uri, new_finding_row, refresh_item, resolve_agency, whitelist_keys)


def _site(url: str) -> str | None:
    try:
        return (urlsplit(url).hostname or "").lower() or None
    except ValueError:
        return None


def create_sweep(session: Session, user: User | None, url: str, agency_id: int | str | None = None,
                 options: dict | None = None) -> Sweep:
    """A new sweep `queued` for `url` in `agency_id` (default: the user's agency). Without a user
    (the CLI, a worker) the agency is required. Submitters may start sweeps of their own agency."""
    if not url or not url.lower().startswith(("http://", "https://")):
        raise Invalid("巡检地址必须以 http:// 或 https:// 开头")
    if user is not None:
        _require_active(user)
        ag = resolve_agency(session, agency_id) if agency_id not in (None, "") else user.agency
        if not can_see(user, ag.id):
            raise Forbidden("无权为其他单位发起巡检")
    else:
        ag = resolve_agency(session, agency_id)
        if ag is None:
            raise Invalid("请指定巡检所属单位")
    if len(url) > 2048:
        raise Invalid("巡检地址过长")
    sweep = Sweep(agency_id=ag.id, url=url, site=_site(url), status="queued",
                  created_by_id=user.id if user else None,
                  options=json.dumps(options, ensure_ascii=False, sort_keys=True) if options else None)
    session.add(sweep)
    session.flush()
    audit.record(session, user, "sweep.create", "sweep", sweep.id, agency_id=ag.id, to_state="queued",
                 detail={"url": url, "options": options or {}})
    return sweep


def get_sweep(session: Session, user: User | None, sweep_id: int) -> Sweep:
    """A sweep (progress and counts in .to_dict()); Forbidden for another agency's. user=None: no check."""
    sweep = session.get(Sweep, sweep_id)
    if sweep is None:
        raise NotFound("巡检任务不存在")
    if user is not None and not can_see(user, sweep.agency_id):
        raise Forbidden("无权查看其他单位的巡检")
    return sweep


def list_sweeps(session: Session, user: User, limit: int = 50) -> list[Sweep]:
    _require_active(user)
    q = select(Sweep).order_by(Sweep.id.desc()).limit(limit)
    if not user.is_admin:
        q = q.where(Sweep.agency_id == user.agency_id)
    return list(session.scalars(q))


def start_sweep(session: Session, sweep_id: int, pages_total: int | None = None) -> Sweep:
    sweep = get_sweep(session, None, sweep_id)
    sweep.status, sweep.started_at = "running", utcnow()
    if pages_total is not None:
        sweep.pages_total = pages_total
    session.flush()
    return sweep


def update_progress(session: Session, sweep_id: int, pages_done: int | None = None,
                    pages_total: int | None = None) -> Sweep:
    """Overwrite the progress counters (ingest_sweep_page already counts pages it is given)."""
    sweep = get_sweep(session, None, sweep_id)
    if pages_done is not None:
        sweep.pages_done = pages_done
    if pages_total is not None:
        sweep.pages_total = pages_total
    session.flush()
    return sweep


def ingest_sweep_page(session: Session, sweep_id: int, uri: str, title: str | None,
                      findings: Sequence[ContractFinding], agency_id: int | None = None, *, text: str | None = None,
                      kind: str | None = None, content: bytes | None = None,
                      content_type: str | None = None) -> Item | None:
    """Record one visited page or attachment; returns the item holding its open findings, or None.

    New findings go onto the document's current item if it is still pending, else onto a new item
    (a new version with `text` as its snapshot) that carries the still-present findings over.
    Findings of the current item that no longer appear become `fixed`; persisting ones are marked
    seen in this sweep. `agency_id` defaults to the sweep's."""
    sweep = get_sweep(session, None, sweep_id)
    agency_id = agency_id or sweep.agency_id
    uri = fit_uri(uri)
    if sweep.status == "queued":
        sweep.status, sweep.started_at = "running", utcnow()
    document = session.scalar(select(Document).where(Document.agency_id == agency_id, Document.uri == uri))
    if document is None:
        document = Document(agency_id=agency_id, uri=uri, title=(title or None) and title[:500], kind=kind,
                            source="sweep", site=_site(uri) or sweep.site)
        session.add(document)
        session.flush()
    elif title:
        document.title = title[:500]
    document.last_sweep_id = sweep.id

    keys = whitelist_keys(session, agency_id)
    unique: dict[str, ContractFinding] = {}
    for f in findings:
        unique.setdefault(f.fingerprint, f)
    dismissed = dismissed_fingerprints(session, agency_id, unique)
    wanted = {fp: f for fp, f in unique.items()
              if fp not in dismissed and (f.rule, normalize_for_fingerprint(f.text or "")) not in keys}
    sweep.findings_suppressed += len(unique) - len(wanted)

    cur = current_item(session, document.id)
    active = {f.fingerprint: f for f in cur.findings if f.status in ACTIVE_FINDING_STATES} if cur else {}
    now = utcnow()
    fixed = 0
    for fp, row in active.items():
        if fp in wanted:
            row.last_sweep_id = sweep.id
        else:
            row.status, row.decided_at, row.comment, row.fixed_sweep_id = "fixed", now, "巡检中已不再出现", sweep.id
            fixed += 1
    fresh = [f for fp, f in wanted.items() if fp not in active]
    sweep.findings_fixed += fixed
    sweep.findings_new += len(fresh)
    sweep.pages_done += 1
    target = cur if (cur is not None and cur.status == "pending") else None
    if fresh and target is None:
        version = add_version(session, document, text or "", None, content=content, content_type=content_type)
        target = Item(agency_id=agency_id, document_id=document.id, document_version_id=version.id,
                      sweep_id=sweep.id, status="pending", uri=uri, title=document.title, site=document.site)
        session.add(target)
        session.flush()
        if cur is not None:
            for fp, row in active.items():
                if fp in wanted:
                    session.add(copy_finding_row(row, target))
            cur.superseded_by_id = target.id
        sweep.items_created += 1
    for f in fresh:
        row = new_finding_row(f, target)
        row.first_sweep_id = row.last_sweep_id = sweep.id
        session.add(row)
    session.flush()
    for it in {cur, target} - {None}:
        session.refresh(it, ["findings"])
        # a page seen again unchanged must not bump the item's version under a reviewer's feet
        refresh_item(it, touch=False)
    session.flush()
    holder = target or cur
    if holder is not None and holder.open_count > 0:
        return holder
    return None


def finish_sweep(session: Session, sweep_id: int, complete: bool = True, error: str | None = None) -> Sweep:
    """Close the sweep: `finished` (or `failed` with `error`). When the crawl covered the whole
    site (`complete`), open findings on pages of that site the sweep did not visit again become
    `fixed`. Stores the counts the dashboard's trend reads. Audited."""
    sweep = get_sweep(session, None, sweep_id)
    now = utcnow()
    if complete and not error:
        gone_docs = select(Document.id).where(
            Document.agency_id == sweep.agency_id, Document.source == "sweep", Document.site == sweep.site,
            (Document.last_sweep_id.is_(None)) | (Document.last_sweep_id != sweep.id))
        items = list(session.scalars(select(Item).where(Item.document_id.in_(gone_docs),
                                                        Item.superseded_by_id.is_(None), Item.open_count > 0)))
        for it in items:
            for f in it.findings:
                if f.status in ACTIVE_FINDING_STATES:
                    f.status, f.decided_at, f.comment, f.fixed_sweep_id = "fixed", now, "巡检中该页面已不存在", sweep.id
                    sweep.findings_fixed += 1
            refresh_item(it, touch=False)
    sweep.findings_open = session.scalar(
        select(func.count(Finding.id)).join(Item, Finding.item_id == Item.id).join(Document, Document.id == Item.document_id)
        .where(Finding.agency_id == sweep.agency_id, Finding.status.in_(ACTIVE_FINDING_STATES),
               Item.superseded_by_id.is_(None), Document.source == "sweep", Document.site == sweep.site)) or 0
    sweep.status = "failed" if error else "finished"
    sweep.error = error
    sweep.finished_at = now
    session.flush()
    audit.record(session, None, "sweep.finish", "sweep", sweep.id, agency_id=sweep.agency_id, to_state=sweep.status,
                 actor_name="sweeper", reason=error,
                 detail={"pages": sweep.pages_done, "new": sweep.findings_new, "fixed": sweep.findings_fixed,
                         "open": sweep.findings_open})
    return sweep


def present_in(sweep: Sweep) -> tuple:
    """WHERE terms (with Finding joined to its Document) for the findings present in that sweep:
    on its agency's site, first seen in it or before, not fixed by then."""
    return (Finding.agency_id == sweep.agency_id, Document.site == sweep.site, Document.source == "sweep",
            Finding.first_sweep_id.is_not(None), Finding.first_sweep_id <= sweep.id,
            (Finding.fixed_sweep_id.is_(None)) | (Finding.fixed_sweep_id > sweep.id))


def sweep_findings(session: Session, sweep_id: int) -> list[Finding]:
    """The findings present in that sweep, one per fingerprint, by severity then uri: what its
    report lists."""
    sweep = get_sweep(session, None, sweep_id)
    rows = session.scalars(
        select(Finding).join(Document, Document.id == Finding.document_id)
        .where(*present_in(sweep)).order_by(Finding.id.desc()))
    best: dict[str, Finding] = {}
    for f in rows:
        best.setdefault(f.fingerprint, f)
    return sorted(best.values(), key=lambda f: (-f.severity_rank, f.uri, f.start if f.start is not None else -1))
