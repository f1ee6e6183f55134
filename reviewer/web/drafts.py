"""What the UI and the API share: reading a draft from a request, checking it, queueing it."""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy.orm import Session

from ..extract import ExtractError
from ..finding import Finding as ContractFinding
from ..store import review
from ..store.models import User
from .checking import Draft, check_document, draft_from_html, draft_from_text, draft_from_url, to_document

MAX_PASTE_CHARS = 5_000_000


@dataclass
class Incoming:
    draft: Draft
    title: str | None = None
    document_id: int | None = None


def _payload() -> dict:
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ExtractError("请求体必须是 JSON 对象")
        return body
    return request.form.to_dict()


def read_incoming(allow_url: bool = True) -> Incoming:
    """A draft from a multipart upload (`file`) or from `text`, `html` or `url` (JSON or form)."""
    body = _payload()
    title = (body.get("title") or "").strip() or None
    doc_id = body.get("document") or body.get("document_id")
    try:
        document_id = int(doc_id) if doc_id not in (None, "") else None
    except (TypeError, ValueError):
        raise ExtractError("document 必须是文稿编号（整数）") from None
    storage = request.files.get("file")
    if storage is not None and storage.filename:
        data = storage.read()
        if not data.strip():
            raise ExtractError("上传的文件是空的")
        name = storage.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
        return Incoming(Draft(data, name, storage.mimetype or None, filename=name), title or None, document_id)
    given = [k for k in ("text", "html", "url") if isinstance(body.get(k), str) and body[k].strip()]
    if not given:
        raise ExtractError("请上传文件，或提供 text、html、url 之一")
    if len(given) > 1:
        raise ExtractError(f"text、html、url 只能提供一个（收到：{'、'.join(given)}）")
    kind = given[0]
    value = body[kind]
    if kind in ("text", "html") and len(value) > MAX_PASTE_CHARS:
        raise ExtractError(f"粘贴的内容过长（超过 {MAX_PASTE_CHARS // 10000} 万字）")
    if kind == "text":
        return Incoming(draft_from_text(value), title, document_id)
    if kind == "html":
        return Incoming(draft_from_html(value), title, document_id)
    if not allow_url:
        raise ExtractError("此处不支持网址")
    return Incoming(draft_from_url(value.strip(), current_app.config["ALLOWED_NETWORKS"]), title, document_id)


def check_only(session: Session, user: User, inc: Incoming):
    """Extract and check with the agency's whitelist; nothing is stored. Returns (doc, findings)."""
    doc = to_document(inc.draft)
    if inc.title and not doc.title:
        doc.title = inc.title
    findings = check_document(doc, suppress=review.whitelist_suppressor(session, user.agency_id))
    return doc, findings


def submit(session: Session, user: User, inc: Incoming):
    """Check and queue: returns the new pending Item (the caller commits)."""
    uri = review.draft_uri(session, user, inc.document_id)
    d = inc.draft
    # extraction sees the file name (its extension breaks content-sniffing ties); the store keeps
    # findings under the document's stable uri so fingerprints survive resubmission
    doc = to_document(d)
    agency_id = user.agency_id
    if inc.document_id is not None:
        from ..store.models import Document
        agency_id = session.get(Document, inc.document_id).agency_id
    findings = check_document(doc, suppress=review.whitelist_suppressor(session, agency_id))
    return review.submit_draft(session, user, doc, findings, uri=uri, document_id=inc.document_id,
                               content=d.data if d.filename else None, content_type=d.content_type,
                               filename=d.filename, title=inc.title or doc.title)


def finding_json(f: ContractFinding) -> dict:
    return f.to_dict()


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
