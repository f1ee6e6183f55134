"""The review flows: submit a draft, the queue, the item page, decisions, whitelists, dashboard.

Rules enforced here (the web layer only maps errors to HTTP):
- a user sees and acts only within their own agency; an admin everywhere (Forbidden otherwise);
- only reviewers and admins decide; an author cannot approve their own draft (Forbidden);
- an item with an open or confirmed critical finding cannot be approved (Invalid);
- a decision made against a stale `expected_version`, on a superseded item or on an item already
  approved/rejected is refused (Conflict);
- every decision appends an audit entry (who, when, what, why) in the same transaction.
Nothing here commits: the caller owns the transaction (reviewer.store.db.session_scope).
"""
from __future__ import annotations

import difflib
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable, Sequence

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, lazyload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..finding import SEVERITIES, SEVERITY_RANK, CATEGORIES
from ..finding import Finding as ContractFinding
from ..finding import fingerprint as make_fingerprint
from ..finding import normalize_for_fingerprint
from ..masking import mask_all
from . import audit
from .errors import Conflict, Forbidden, Invalid, NotFound
from .models import (ACTIVE_FINDING_STATES, ITEM_STATES, Agency, Document, DocumentVersion,
                     Finding, Item, Sweep, User, WhitelistEntry, utcnow)

ACTIONS = ("approve", "reject", "confirm", "dismiss")
FINDING_ACTIONS = {"confirm": "confirmed", "dismiss": "dismissed"}
ITEM_ACTIONS = {"approve": "approved", "reject": "rejected"}
MAX_PER_PAGE = 200
MAX_COMMENT = 2000

# ---------------------------------------------------------------------------------------------
# scope


def can_see(user: User, agency_id: int) -> bool:
    return user.is_admin or user.agency_id == agency_id


def _require_active(user: User) -> None:
    if user is None or not user.active:
        raise Forbidden("用户未登录或已停用")


def _require_reviewer(user: User) -> None:
    _require_active(user)
    if not user.can_review:
        raise Forbidden("只有审核人或管理员可以作出审核决定")


def _comment(comment: str | None) -> str | None:
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT:
        raise Invalid(f"意见不能超过 {MAX_COMMENT} 个字符")
    return comment


def resolve_agency(session: Session, agency: int | str | None) -> Agency | None:
    """An Agency from its id (int or digits) or name; None for None/''. NotFound if unknown."""
    if agency is None or agency == "":
        return None
    if isinstance(agency, int) or (isinstance(agency, str) and agency.isdigit()):
        found = session.get(Agency, int(agency))
    else:
        found = session.scalar(select(Agency).where(Agency.name == agency))
    if found is None:
        raise NotFound("单位不存在")
    return found


# ---------------------------------------------------------------------------------------------
# internals shared with ingest.py


MAX_URI_BYTES = 2000     # under the 2048-character columns and PostgreSQL's btree entry limit


def fit_uri(uri: str) -> str:
    """A uri that fits the indexed columns (PostgreSQL enforces their length and the size of an
    index entry): an overlong one is cut and made unique again with a hash of the whole."""
    raw = uri.encode("utf-8")
    if len(raw) <= MAX_URI_BYTES:
        return uri
    head = raw[:MAX_URI_BYTES - 42].decode("utf-8", "ignore")
    return head + "#~" + hashlib.sha1(raw).hexdigest()


def _clip(value: str | None, n: int) -> str | None:
    return value[:n] if value else value


def _rank(severity: str) -> int:
    return SEVERITY_RANK.get(severity, 0)


COUNT_KEYS = SEVERITIES + CATEGORIES       # Item.n_<key> columns


def _counters(rows: Iterable[tuple[str, str, int]]) -> dict:
    """Item column values from (severity, category, n) of its open/confirmed findings."""
    values = {"n_" + k: 0 for k in COUNT_KEYS}
    for sev, cat, n in rows:
        if sev in SEVERITIES:
            values["n_" + sev] += n
        if cat in CATEGORIES:
            values["n_" + cat] += n
    values["open_count"] = sum(values["n_" + s] for s in SEVERITIES)
    values["severity_rank"] = max((_rank(s) for s in SEVERITIES if values["n_" + s]), default=-1)
    return values


def refresh_item(item: Item, touch: bool = True) -> bool:
    """Recompute the queue's sort key and counters from the item's findings. The item's row is
    updated, and so its `version` bumped, when a counter changed or `touch` (a decision on one of
    its findings changes the item even when no counter moves). Returns whether it was updated."""
    values = _counters((f.severity, f.category, 1) for f in item.findings if f.status in ACTIVE_FINDING_STATES)
    changed = False
    for k, v in values.items():
        if getattr(item, k) != v:
            setattr(item, k, v)
            changed = True
    if changed or touch:
        item.updated_at = utcnow()
    return changed or touch


def recount_items(session: Session, item_ids: Sequence[int] | None = None) -> int:
    """Recompute the counters of these items (all when None) from their findings, for loaders
    that insert findings in bulk without going through submit_draft/ingest_sweep_page. Does not
    bump `version`. Returns the number of items updated."""
    from sqlalchemy import update
    q = select(Item.id)
    if item_ids is not None:
        q = q.where(Item.id.in_(list(item_ids)))
    ids = list(session.scalars(q))
    updated = 0
    for i in range(0, len(ids), 1000):
        chunk = ids[i:i + 1000]
        rows: dict[int, list] = {k: [] for k in chunk}
        for item_id, sev, cat, n in session.execute(
                select(Finding.item_id, Finding.severity, Finding.category, func.count())
                .where(Finding.item_id.in_(chunk), Finding.status.in_(ACTIVE_FINDING_STATES))
                .group_by(Finding.item_id, Finding.severity, Finding.category)):
            rows[item_id].append((sev, cat, n))
        params = [{"_id": k, **_counters(v)} for k, v in rows.items()]
        from sqlalchemy import bindparam
        stmt = (update(Item.__table__).where(Item.__table__.c.id == bindparam("_id"))
                .values({c: bindparam(c) for c in params[0] if c != "_id"}))
        session.execute(stmt, params)
        updated += len(params)
    return updated


def whitelist_keys(session: Session, agency_id: int) -> set[tuple[str, str]]:
    rows = session.execute(select(WhitelistEntry.rule, WhitelistEntry.normalized)
                           .where(WhitelistEntry.agency_id == agency_id))
    return {(r, n) for r, n in rows}


def whitelist_suppressor(session: Session, agency_id: int) -> Callable[[ContractFinding], bool]:
    """A callable for reviewer.engine.Engine.check(suppress=...): True for a finding whose rule and
    normalized text the agency whitelisted. Loads the list once; build one per check or sweep."""
    keys = whitelist_keys(session, agency_id)

    def suppress(f) -> bool:
        return bool(keys) and (f.rule, normalize_for_fingerprint(f.text or "")) in keys
    return suppress


def dismissed_fingerprints(session: Session, agency_id: int, fingerprints: Iterable[str]) -> set[str]:
    """Which of these fingerprints the agency already dismissed (they are not raised again)."""
    fps = list(set(fingerprints))
    out: set[str] = set()
    for i in range(0, len(fps), 500):
        out.update(session.scalars(select(Finding.fingerprint).where(
            Finding.agency_id == agency_id, Finding.status == "dismissed",
            Finding.fingerprint.in_(fps[i:i + 500]))))
    return out


def _rekey(f: ContractFinding, uri: str, text: str | None) -> ContractFinding:
    """A finding computed with another uri, moved onto the stored document's uri so fingerprints
    stay stable across versions (same recipe as reviewer.engine.Rule.finding)."""
    if f.uri == uri:
        return f
    context = ""
    if text is not None and f.start is not None and f.end is not None:
        context = text[max(0, f.start - 8):f.start] + "\x1e" + text[f.end:f.end + 8]
    d = f.to_dict()
    d.update(uri=uri, fingerprint=make_fingerprint(f.rule, uri, f.text, context))
    return ContractFinding(**d)


def new_finding_row(f: ContractFinding, item: Item, status: str = "open") -> Finding:
    if f.severity not in SEVERITIES:
        raise Invalid(f"未知的问题级别：{f.severity}")
    return Finding(
        item=item, agency_id=item.agency_id, document_id=item.document_id, rule=f.rule, category=f.category,
        severity=f.severity, severity_rank=_rank(f.severity), uri=fit_uri(f.uri), part=_clip(f.part, 200) or "body",
        start=f.start,
        end=f.end, text=f.text or "", excerpt=f.excerpt or "", message=f.message or "", suggestion=f.suggestion,
        fingerprint=f.fingerprint, status=status)


def copy_finding_row(old: Finding, item: Item) -> Finding:
    """A persisting finding carried onto a newer item with its status and decision."""
    row = new_finding_row(old.to_contract(), item, old.status)
    row.decided_by_id, row.decided_at, row.comment = old.decided_by_id, old.decided_at, old.comment
    row.first_sweep_id, row.last_sweep_id = old.first_sweep_id, old.last_sweep_id
    return row


def current_item(session: Session, document_id: int) -> Item | None:
    """The newest, not superseded item of a document."""
    return session.scalar(select(Item).where(Item.document_id == document_id, Item.superseded_by_id.is_(None))
                          .order_by(Item.id.desc()).limit(1))


def add_version(session: Session, document: Document, text: str, user: User | None, *, content: bytes | None = None,
                content_type: str | None = None, filename: str | None = None) -> DocumentVersion:
    number = (session.scalar(select(func.max(DocumentVersion.number))
                             .where(DocumentVersion.document_id == document.id)) or 0) + 1
    v = DocumentVersion(document_id=document.id, number=number, text=text or "", content=content,
                        content_type=_clip(content_type, 100), filename=_clip(filename, 255),
                        sha256=hashlib.sha256((text or "").encode("utf-8")).hexdigest(),
                        created_by_id=user.id if user else None)
    session.add(v)
    session.flush()
    return v


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        # another session changed the item between our read and this write; the caller rolls back
        raise Conflict("该条目刚被他人修改，请刷新后重试") from None


# ---------------------------------------------------------------------------------------------
# drafts


def draft_uri(session: Session, user: User, document_id: int | None = None) -> str:
    """The uri to extract and check a draft under, so its fingerprints stay stable across
    resubmissions: the stored uri of `document_id`, else a fresh `draft:<random>`."""
    if document_id is not None:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFound("文稿不存在")
        if not can_see(user, doc.agency_id):
            raise Forbidden("无权访问其他单位的文稿")
        return doc.uri
    return "draft:" + uuid.uuid4().hex[:16]


def submit_draft(session: Session, user: User, doc, findings: Sequence[ContractFinding], uri: str | None = None,
                 document_id: int | None = None, *, content: bytes | None = None, content_type: str | None = None,
                 filename: str | None = None, title: str | None = None) -> Item:
    """Put a checked draft into the queue: a new item `pending` with its findings.

    `doc` is the reviewer.document.Document that was checked (its text is the snapshot the offsets
    point into); `findings` what Engine.check returned (ideally with
    suppress=whitelist_suppressor(...)). The document is `document_id`, else the agency's
    document with `uri`, else a new one (uri `uri` or `draft:<random>`; see draft_uri()).
    A resubmission is a new version of that document: the previous item is superseded (it leaves
    the queue), its open/confirmed findings whose fingerprint no longer appears become `fixed`,
    confirmed ones that persist stay confirmed. Findings whitelisted for the agency or whose
    fingerprint the agency dismissed before are not raised again. `content` keeps the original
    upload bytes. Audited as item.submit."""
    _require_active(user)
    agency_id = user.agency_id
    document = None
    if document_id is not None:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound("文稿不存在")
        if not can_see(user, document.agency_id):
            raise Forbidden("无权向其他单位的文稿提交新版本")
        agency_id = document.agency_id
    elif uri:
        uri = fit_uri(uri)
        document = session.scalar(select(Document).where(Document.agency_id == agency_id, Document.uri == uri))
    text = getattr(doc, "text", "") or ""
    title = (title or getattr(doc, "title", None) or filename or None)
    if title:
        title = title.strip()[:500]
    if document is None:
        document = Document(agency_id=agency_id, uri=uri or draft_uri(session, user), title=title,
                            kind=getattr(doc, "kind", None), source="draft", created_by_id=user.id)
        session.add(document)
        session.flush()
    elif title:
        document.title = title
    version = add_version(session, document, text, user, content=content, content_type=content_type,
                          filename=filename)
    previous = current_item(session, document.id)
    item = Item(agency_id=document.agency_id, document_id=document.id, document_version_id=version.id,
                submitter_id=user.id, status="pending", uri=document.uri, title=title or document.title,
                site=document.site)
    session.add(item)
    session.flush()

    fs = [_rekey(f, document.uri, text) for f in findings]
    keys = whitelist_keys(session, document.agency_id)
    dismissed = dismissed_fingerprints(session, document.agency_id, (f.fingerprint for f in fs))
    prev_by_fp = {}
    if previous is not None:
        prev_by_fp = {f.fingerprint: f for f in previous.findings}
    seen: set[str] = set()
    suppressed = 0
    for f in fs:
        if f.fingerprint in dismissed or (f.rule, normalize_for_fingerprint(f.text or "")) in keys:
            suppressed += 1
            continue
        old = prev_by_fp.get(f.fingerprint)
        row = new_finding_row(f, item, "confirmed" if old is not None and old.status == "confirmed" else "open")
        if old is not None and old.status == "confirmed":
            row.decided_by_id, row.decided_at, row.comment = old.decided_by_id, old.decided_at, old.comment
        seen.add(f.fingerprint)
        session.add(row)
    fixed = 0
    if previous is not None:
        now = utcnow()
        for old in previous.findings:
            if old.status in ACTIVE_FINDING_STATES and old.fingerprint not in seen:
                old.status, old.decided_at, old.comment = "fixed", now, "新版本中已不再出现"
                fixed += 1
        previous.superseded_by_id = item.id
        refresh_item(previous)
    session.flush()
    session.refresh(item, ["findings"])
    refresh_item(item)
    _flush(session)
    audit.record(session, user, "item.submit", "item", item.id, agency_id=item.agency_id, to_state="pending",
                 detail={"document_id": document.id, "version": version.number, "findings": len(item.findings),
                         "suppressed": suppressed, "fixed": fixed,
                         "previous_item_id": previous.id if previous else None})
    return item


# ---------------------------------------------------------------------------------------------
# the queue


@dataclass
class ItemPage:
    items: list[Item]
    total: int
    page: int
    per_page: int
    counts: dict[int, dict]                       # item id -> {"critical": n, ..., "total": n} (active)
    # "status" and "agency": items per value; "severity" and "category": items having an
    # open/confirmed finding of that value (what the matching filter would list)
    facets: dict[str, dict] = field(default_factory=dict)

    def item_dict(self, item: Item) -> dict:
        return item_summary(item, self.counts.get(item.id))

    def to_dict(self) -> dict:
        """The API shape of GET /api/v1/items."""
        return {"items": [self.item_dict(i) for i in self.items], "total": self.total, "page": self.page,
                "per_page": self.per_page, "facets": self.facets}


def item_summary(item: Item, counts: dict | None = None) -> dict:
    """An item as the list shows it (no finding texts, so nothing to mask but the title)."""
    return {
        "id": item.id, "status": item.status, "uri": item.uri, "title": mask_all(item.title or ""),
        "agency": item.agency.name if item.agency else None, "agency_id": item.agency_id, "site": item.site,
        "sweep_id": item.sweep_id, "document_id": item.document_id,
        "severity": SEVERITIES[len(SEVERITIES) - 1 - item.severity_rank] if item.severity_rank >= 0 else None,
        "open": item.open_count, "counts": counts if counts is not None else item.counts, "version": item.version,
        "submitter_id": item.submitter_id,
        "created_at": item.created_at.isoformat() if item.created_at else None,
        "updated_at": item.updated_at.isoformat() if item.updated_at else None,
        "decided_at": item.decided_at.isoformat() if item.decided_at else None,
        "superseded_by": item.superseded_by_id,
    }


def _as_datetime(d, end: bool = False) -> datetime | None:
    if d is None or d == "":
        return None
    if isinstance(d, str):
        try:
            d = date.fromisoformat(d) if len(d) <= 10 else datetime.fromisoformat(d)
        except ValueError:
            raise Invalid(f"日期格式应为 YYYY-MM-DD：{d}") from None
    if isinstance(d, datetime):
        return d
    return datetime.combine(d, time.min) + (timedelta(days=1) if end else timedelta())


def _scope(user: User, agency: Agency | None):
    """Item conditions for what `user` may see, narrowed to `agency` if given."""
    if agency is not None:
        if not can_see(user, agency.id):
            raise Forbidden("无权查看其他单位的条目")
        return [Item.agency_id == agency.id]
    return [] if user.is_admin else [Item.agency_id == user.agency_id]


def list_items(session: Session, user: User, status: str | None = None, category: str | None = None,
               severity: str | None = None, agency: int | str | None = None, site: str | None = None,
               date_from=None, date_to=None, page: int = 1, per_page: int = 20, *,
               with_facets: bool = True, include_superseded: bool = False) -> ItemPage:
    """The review queue, sorted by severity (critical first) then age (oldest first).

    Filters: status (pending/approved/rejected; None = all), category and severity (items with an
    open/confirmed finding of that kind), agency (id or name; non-admins only their own, another
    raises Forbidden), site (host), date_from/date_to (date or 'YYYY-MM-DD', on submission
    time, both inclusive). Superseded items (an older version) are left out unless asked.
    `counts` gives each listed item's open/confirmed findings per severity; `facets` counts
    items per status and agency, and per severity and category the items the matching filter
    would list."""
    _require_active(user)
    if status not in (None, "") and status not in ITEM_STATES:
        raise Invalid(f"状态必须是 {' / '.join(ITEM_STATES)} 之一")
    if category not in (None, "") and category not in CATEGORIES:
        raise Invalid(f"未知的问题类别：{category}")
    if severity not in (None, "") and severity not in SEVERITIES:
        raise Invalid(f"未知的问题级别：{severity}")
    try:
        page, per_page = max(1, int(page or 1)), min(MAX_PER_PAGE, max(1, int(per_page or 20)))
    except (TypeError, ValueError):
        raise Invalid("页码必须是正整数") from None
    ag = resolve_agency(session, agency)
    base = _scope(user, ag)
    if not include_superseded:
        base.append(Item.superseded_by_id.is_(None))
    if site:
        base.append(Item.site == site)
    start, end = _as_datetime(date_from), _as_datetime(date_to, end=True)
    if start:
        base.append(Item.created_at >= start)
    if end:
        base.append(Item.created_at < end)
    conds = list(base)
    if status:
        conds.append(Item.status == status)
    if category:
        conds.append(getattr(Item, "n_" + category) > 0)
    if severity:
        conds.append(getattr(Item, "n_" + severity) > 0)

    total = session.scalar(select(func.count(Item.id)).where(*conds)) or 0
    # the document is not part of a list entry: joined eagerly (the model's default) it makes the
    # database join every item in scope with its document before it can sort and cut the page
    items = list(session.scalars(
        select(Item).options(lazyload(Item.document)).where(*conds)
        .order_by(Item.severity_rank.desc(), Item.created_at, Item.id)
        .offset((page - 1) * per_page).limit(per_page)))
    counts = {i.id: i.counts for i in items}
    facets: dict[str, dict] = {}
    if with_facets:
        facets["status"] = {s: n for s, n in session.execute(
            select(Item.status, func.count()).where(*base).group_by(Item.status))}
        # items having open/confirmed findings of each severity and category, under the
        # status filter: one pass over the items in scope, no join with findings
        fbase = base + ([Item.status == status] if status else [])
        cols = [func.coalesce(func.sum(case((getattr(Item, "n_" + k) > 0, 1), else_=0)), 0) for k in COUNT_KEYS]
        row = session.execute(select(*cols).where(*fbase)).one()
        by_key = dict(zip(COUNT_KEYS, row))
        facets["severity"] = {k: int(by_key[k]) for k in SEVERITIES if by_key[k]}
        facets["category"] = {k: int(by_key[k]) for k in CATEGORIES if by_key[k]}
        if user.is_admin:
            facets["agency"] = {name: n for name, n in session.execute(
                select(Agency.name, func.count(Item.id)).join(Item, Item.agency_id == Agency.id)
                .where(*conds).group_by(Agency.name))}
    return ItemPage(items, total, page, per_page, counts, facets)


def get_item(session: Session, user: User, item_id: int) -> Item:
    """An item with its findings and content snapshot. NotFound, or Forbidden for another agency's."""
    _require_active(user)
    item = session.scalar(select(Item).where(Item.id == item_id)
                          .options(selectinload(Item.findings), selectinload(Item.document_version)))
    if item is None:
        raise NotFound("条目不存在")
    if not can_see(user, item.agency_id):
        raise Forbidden("无权查看其他单位的条目")
    return item


def item_history(session: Session, user: User, item_id: int, limit: int = 100) -> list:
    """The audit entries about this item and its findings, newest first."""
    item = get_item(session, user, item_id)
    ids = [str(f.id) for f in item.findings]
    from .models import AuditEntry
    q = (select(AuditEntry).where(or_(and_(AuditEntry.object_type == "item", AuditEntry.object_id == str(item.id)),
                                      and_(AuditEntry.object_type == "finding", AuditEntry.object_id.in_(ids))))
         .order_by(AuditEntry.id.desc()).limit(limit))
    return list(session.scalars(q))


def item_diff(session: Session, user: User, item_id: int) -> dict:
    """How this version differs from the previous one of the same document.

    {"previous_item_id", "previous_version", "version", "lines": unified-diff lines of the text,
     "new": [finding ids], "persisting": [finding ids], "resolved": [previous finding ids]}.
    The lines carry the document text as is; mask before showing them outside the item page."""
    item = get_item(session, user, item_id)
    prev = session.scalar(select(Item).where(Item.superseded_by_id == item.id).order_by(Item.id.desc()).limit(1))
    out = {"previous_item_id": None, "previous_version": None, "version": item.document_version.number,
           "lines": [], "new": [f.id for f in item.findings], "persisting": [], "resolved": []}
    if prev is None:
        return out
    old_fps = {f.fingerprint for f in prev.findings}
    new_fps = {f.fingerprint for f in item.findings}
    out.update(
        previous_item_id=prev.id, previous_version=prev.document_version.number,
        lines=list(difflib.unified_diff(prev.document_version.text.splitlines(), item.text.splitlines(),
                                        f"第 {prev.document_version.number} 版", f"第 {item.document_version.number} 版",
                                        lineterm="", n=2)),
        new=[f.id for f in item.findings if f.fingerprint not in old_fps],
        persisting=[f.id for f in item.findings if f.fingerprint in old_fps],
        resolved=[f.id for f in prev.findings if f.fingerprint not in new_fps])
    return out


# ---------------------------------------------------------------------------------------------
# decisions


def _find_finding(item: Item, finding) -> Finding:
    if finding is None or finding == "":
        raise Invalid("请指明要处理的问题（finding）")
    for f in item.findings:
        if (isinstance(finding, int) or str(finding).isdigit()) and f.id == int(finding):
            return f
        if isinstance(finding, str) and f.fingerprint == finding:
            return f
    raise NotFound("该条目中没有这个问题")


def add_whitelist(session: Session, user: User, agency_id: int, rule: str, text: str, reason: str | None = None,
                  finding_id: int | None = None) -> WhitelistEntry:
    """Whitelist `text` for `rule` in the agency (reviewers for their own, admins anywhere);
    returns the existing entry if there is one. Audited."""
    _require_reviewer(user)
    if not can_see(user, agency_id):
        raise Forbidden("无权修改其他单位的白名单")
    norm = normalize_for_fingerprint(text or "")
    if not rule or not norm:
        raise Invalid("白名单需要规则和文字")
    if len(norm) > 500:
        raise Invalid("白名单文字过长（最多 500 字）")
    entry = session.scalar(select(WhitelistEntry).where(WhitelistEntry.agency_id == agency_id,
                                                        WhitelistEntry.rule == rule, WhitelistEntry.normalized == norm))
    if entry is not None:
        return entry
    entry = WhitelistEntry(agency_id=agency_id, rule=rule, text=mask_all(text), normalized=norm,
                           created_by_id=user.id, reason=_comment(reason), finding_id=finding_id)
    session.add(entry)
    session.flush()
    audit.record(session, user, "whitelist.add", "whitelist", entry.id, agency_id=agency_id, reason=entry.reason,
                 detail={"rule": rule, "text": entry.text, "finding_id": finding_id})
    return entry


def list_whitelist(session: Session, user: User, agency: int | str | None = None) -> list[WhitelistEntry]:
    _require_active(user)
    ag = resolve_agency(session, agency)
    q = select(WhitelistEntry).order_by(WhitelistEntry.created_at.desc())
    if ag is not None:
        if not can_see(user, ag.id):
            raise Forbidden("无权查看其他单位的白名单")
        q = q.where(WhitelistEntry.agency_id == ag.id)
    elif not user.is_admin:
        q = q.where(WhitelistEntry.agency_id == user.agency_id)
    return list(session.scalars(q))


def remove_whitelist(session: Session, user: User, entry_id: int, reason: str | None = None) -> None:
    _require_reviewer(user)
    entry = session.get(WhitelistEntry, entry_id)
    if entry is None:
        raise NotFound("白名单条目不存在")
    if not can_see(user, entry.agency_id):
        raise Forbidden("无权修改其他单位的白名单")
    audit.record(session, user, "whitelist.remove", "whitelist", entry.id, agency_id=entry.agency_id,
                 reason=_comment(reason), detail={"rule": entry.rule, "text": entry.text})
    session.delete(entry)
    session.flush()


def decide(session: Session, user: User, item_id: int, action: str, finding_id: int | str | None = None,
           comment: str | None = None, whitelist: bool = False, expected_version: int | None = None) -> Item:
    """Apply one decision and audit it; returns the item (its `version` bumped).

    action approve|reject act on the item; confirm|dismiss on one finding of it (`finding_id`:
    its id, or its fingerprint). `whitelist=True` with dismiss also whitelists the finding's text
    for its rule in the item's agency (and dismisses the same text under the same rule elsewhere
    in this item). `expected_version` is the item `version` the user saw; a different current
    value raises Conflict. See the module doc for the rules (Forbidden / Invalid / Conflict)."""
    if action not in ACTIONS:
        raise Invalid(f"操作必须是 {' / '.join(ACTIONS)} 之一")
    _require_reviewer(user)
    item = get_item(session, user, item_id)
    comment = _comment(comment)
    if expected_version is not None:
        try:
            expected_version = int(expected_version)
        except (TypeError, ValueError):
            raise Invalid("版本号必须是整数") from None
        if expected_version != item.version:
            raise Conflict("该条目在您打开后已被他人修改，请刷新页面查看最新状态后再操作")
    if item.superseded_by_id is not None:
        raise Conflict("该文稿已提交新版本，请审核最新版本")
    if item.status != "pending":
        raise Conflict(f"该条目已{'通过' if item.status == 'approved' else '退回'}，不能再修改")
    if whitelist and action != "dismiss":
        raise Invalid("只有“排除”时才能加入白名单")
    now = utcnow()
    if action in ITEM_ACTIONS:
        if finding_id not in (None, ""):
            raise Invalid("通过或退回针对整个条目，不能指定单个问题")
        if action == "approve":
            if item.submitter_id is not None and item.submitter_id == user.id:
                raise Forbidden("不能审核通过自己提交的文稿（谁公开谁审查，需由他人签发）")
            critical = [f for f in item.findings if f.status in ACTIVE_FINDING_STATES and f.severity == "critical"]
            if critical:
                raise Invalid(f"仍有 {len(critical)} 个严重问题未排除，不能通过；请先修改文稿或逐条排除")
        before = item.status
        item.status, item.decided_by_id, item.decided_at, item.comment = ITEM_ACTIONS[action], user.id, now, comment
        item.updated_at = now
        _flush(session)
        audit.record(session, user, f"item.{action}", "item", item.id, agency_id=item.agency_id, from_state=before,
                     to_state=item.status, reason=comment, detail={"version": item.version, "uri": item.uri})
        return item

    f = _find_finding(item, finding_id)
    if f.status == "fixed":
        raise Conflict("该问题已在新版本中修复，无需处理")
    before = f.status
    f.status, f.decided_by_id, f.decided_at, f.comment = FINDING_ACTIONS[action], user.id, now, comment
    others: list[Finding] = []
    entry = None
    if whitelist:
        norm = normalize_for_fingerprint(f.text)
        for g in item.findings:
            if g is not f and g.rule == f.rule and g.status == "open" and normalize_for_fingerprint(g.text) == norm:
                g.status, g.decided_by_id, g.decided_at, g.comment = "dismissed", user.id, now, comment
                others.append(g)
        entry = add_whitelist(session, user, item.agency_id, f.rule, f.text, comment, finding_id=f.id)
    refresh_item(item)
    _flush(session)
    audit.record(session, user, f"finding.{action}", "finding", f.id, agency_id=item.agency_id, from_state=before,
                 to_state=f.status, reason=comment,
                 detail={"item_id": item.id, "rule": f.rule, "fingerprint": f.fingerprint,
                         "whitelist_id": entry.id if entry else None, "also": [g.id for g in others]})
    return item


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)                    # ids acted on
    failed: list[tuple[int, str]] = field(default_factory=list)      # (id, Chinese message)

    def to_dict(self) -> dict:
        return {"done": self.done, "failed": [{"id": i, "message": m} for i, m in self.failed]}


def bulk_decide(session: Session, user: User, action: str, *, finding_ids: Sequence[int] = (),
                item_ids: Sequence[int] = (), comment: str | None = None, whitelist: bool = False) -> BulkResult:
    """Many decisions with one reason (required): confirm/dismiss for `finding_ids`, approve/reject
    for `item_ids`. Each one is checked and audited like decide(); one refused does not stop the
    others (each runs in a savepoint) and is listed in `failed`."""
    if action not in ACTIONS:
        raise Invalid(f"操作必须是 {' / '.join(ACTIONS)} 之一")
    _require_reviewer(user)
    if not _comment(comment):
        raise Invalid("批量操作必须填写理由")
    ids = list(dict.fromkeys(int(i) for i in (finding_ids if action in FINDING_ACTIONS else item_ids)))
    if not ids:
        raise Invalid("请至少选择一项")
    if len(ids) > 1000:
        raise Invalid("一次最多处理 1000 项")
    result = BulkResult()
    for i in ids:
        try:
            with session.begin_nested():
                if action in FINDING_ACTIONS:
                    f = session.get(Finding, i)
                    if f is None:
                        raise NotFound("问题不存在")
                    decide(session, user, f.item_id, action, f.id, comment, whitelist)
                else:
                    decide(session, user, i, action, None, comment)
            result.done.append(i)
        except (NotFound, Forbidden, Conflict, Invalid) as e:
            result.failed.append((i, e.message))
    return result


def reveal_number(session: Session, user: User, finding_id: int, reason: str | None = None) -> str:
    """The unmasked text of a finding, for a reviewer who must see it; audited (finding.reveal)."""
    _require_reviewer(user)
    f = session.get(Finding, finding_id)
    if f is None:
        raise NotFound("问题不存在")
    if not can_see(user, f.agency_id):
        raise Forbidden("无权查看其他单位的条目")
    audit.record(session, user, "finding.reveal", "finding", f.id, agency_id=f.agency_id, reason=_comment(reason),
                 detail={"item_id": f.item_id, "rule": f.rule})
    return f.text


# ---------------------------------------------------------------------------------------------
# dashboard


def dashboard(session: Session, user: User, agency: int | str | None = None, trend_limit: int = 30) -> dict:
    """Open (open + confirmed) findings of current items by category, severity and agency, and the
    trend across the last finished sweeps ({"sweep_id", "url", "site", "finished_at", "open",
    "new", "fixed"}, oldest first)."""
    _require_active(user)
    ag = resolve_agency(session, agency)
    scope = _scope(user, ag)
    base = [Item.superseded_by_id.is_(None), *scope]
    # sums of the per-item counters: no scan of the findings table
    row = session.execute(select(*[func.coalesce(func.sum(getattr(Item, "n_" + k)), 0) for k in COUNT_KEYS])
                          .where(*base)).one()
    totals = {k: int(v) for k, v in zip(COUNT_KEYS, row) if v}
    by_agency = {name: int(n) for name, n in session.execute(
        select(Agency.name, func.sum(Item.open_count)).join(Item, Item.agency_id == Agency.id)
        .where(*base, Item.open_count > 0).group_by(Agency.name))}
    sq = select(Sweep).where(Sweep.status == "finished").order_by(Sweep.finished_at.desc()).limit(trend_limit)
    if ag is not None:
        sq = sq.where(Sweep.agency_id == ag.id)
    elif not user.is_admin:
        sq = sq.where(Sweep.agency_id == user.agency_id)
    sweeps = list(session.scalars(sq))[::-1]
    pending = session.scalar(select(func.count(Item.id)).where(
        Item.status == "pending", Item.superseded_by_id.is_(None), *scope)) or 0
    return {
        "by_category": {k: totals[k] for k in CATEGORIES if k in totals},
        "by_severity": {k: totals[k] for k in SEVERITIES if k in totals}, "by_agency": by_agency,
        "pending_items": pending,
        "trend": [{"sweep_id": s.id, "url": s.url, "site": s.site,
                   "finished_at": s.finished_at.isoformat() if s.finished_at else None,
                   "open": s.findings_open, "new": s.findings_new, "fixed": s.findings_fixed} for s in sweeps],
    }
