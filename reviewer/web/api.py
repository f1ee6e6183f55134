"""The JSON API (contract in DESIGN.md). Bearer token auth; errors {"error": {"code", "message"}}."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from ..store import ingest, review
from . import cache, db, drafts
from .auth import token_required
from .errors import ApiError
from .openapi import build_spec, error_responses, operation

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DRAFT_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {
            "type": "object",
            "description": "text、html、url 三者选一",
            "properties": {"text": {"type": "string"}, "html": {"type": "string"},
                           "url": {"type": "string", "format": "uri",
                                   "description": "仅当 SSRF 防护允许时才会抓取（内网、回环、链路本地地址被拒绝）"},
                           "title": {"type": "string"},
                           "document": {"type": "integer", "description": "提交新版本时：原文稿编号"}}}},
        "multipart/form-data": {"schema": {
            "type": "object", "properties": {"file": {"type": "string", "format": "binary"},
                                             "title": {"type": "string"}, "document": {"type": "integer"}}}},
    },
}


def _findings_ref():
    return {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}}


@bp.route("/checks", methods=["POST"])
@token_required
@operation(summary="预检文稿（不进入审核队列）", tags=["checks"], requestBody=DRAFT_BODY,
           responses={"200": {"description": "问题清单", "content": {"application/json": {"schema": {
               "type": "object", "required": ["findings"], "properties": {"findings": _findings_ref()}}}}},
               **error_responses(400, 401, 413)})
def checks():
    inc = drafts.read_incoming()
    _, findings = drafts.check_only(db.session(), g.user, inc)
    # the caller's own text, not stored: returned as the CLI prints it (contract fields exactly)
    return jsonify({"findings": [f.to_dict() for f in findings]})


@bp.route("/submissions", methods=["POST"])
@token_required
@operation(summary="提交文稿送审（检查后进入审核队列）", tags=["submissions"], requestBody=DRAFT_BODY,
           responses={"201": {"description": "已进入审核队列", "content": {"application/json": {"schema": {
               "type": "object", "required": ["id", "status", "findings"],
               "properties": {"id": {"type": "integer"}, "status": {"type": "string"},
                              "document_id": {"type": "integer"}, "version": {"type": "integer"},
                              "findings": _findings_ref()}}}}},
               **error_responses(400, 401, 403, 404, 413)})
def submissions():
    s = db.session()
    inc = drafts.read_incoming()
    item = drafts.submit(s, g.user, inc)
    s.commit()
    cache.changed()
    return jsonify({"id": item.id, "status": item.status, "document_id": item.document_id,
                    "version": item.document_version.number, "item_version": item.version,
                    "findings": [f.to_dict() for f in item.findings]}), 201


LIST_PARAMS = [
    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["pending", "approved", "rejected"]}},
    {"name": "category", "in": "query", "schema": {"type": "string"}},
    {"name": "severity", "in": "query", "schema": {"type": "string", "enum": ["critical", "major", "minor", "info"]}},
    {"name": "agency", "in": "query", "schema": {"type": "string"}, "description": "单位编号或名称（管理员）"},
    {"name": "site", "in": "query", "schema": {"type": "string"}},
    {"name": "date_from", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "date_to", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 20}},
]


@bp.route("/items", methods=["GET"])
@cache.cached_response("api")
@token_required
@operation(summary="审核队列（按严重程度和等待时间排序）", tags=["items"], parameters=LIST_PARAMS,
           responses={"200": {"description": "一页条目", "content": {"application/json": {"schema": {
               "$ref": "#/components/schemas/ItemList"}}}}, **error_responses(400, 401, 403)})
def items():
    a = request.args
    page = review.list_items(db.session(), g.user, status=a.get("status") or None,
                             category=a.get("category") or None, severity=a.get("severity") or None,
                             agency=a.get("agency") or None, site=a.get("site") or None,
                             date_from=a.get("date_from") or None, date_to=a.get("date_to") or None,
                             page=a.get("page", 1), per_page=a.get("per_page", 20),
                             with_facets=a.get("facets") in ("1", "true"))
    return jsonify(page.to_dict())


@bp.route("/items/<int:item_id>", methods=["GET"])
@token_required
@operation(summary="一个条目及其问题（个人信息已脱敏）", tags=["items"],
           responses={"200": {"description": "条目", "content": {"application/json": {"schema": {
               "allOf": [{"$ref": "#/components/schemas/Item"},
                         {"type": "object", "properties": {"findings": _findings_ref()}}]}}}},
               **error_responses(401, 403, 404)})
def item(item_id: int):
    it = review.get_item(db.session(), g.user, item_id)
    return jsonify(_item_json(it))


def _item_json(it) -> dict:
    d = review.item_summary(it)
    d["findings"] = [f.to_dict() for f in sorted(it.findings, key=lambda f: (f.start or -1, f.id))]
    return d


@bp.route("/items/<int:item_id>/decision", methods=["POST"])
@token_required
@operation(summary="审核决定：通过、退回、确认或排除问题", tags=["items"],
           requestBody={"required": True, "content": {"application/json": {"schema": {
               "type": "object", "required": ["action"],
               "properties": {
                   "action": {"type": "string", "enum": ["approve", "reject", "confirm", "dismiss"]},
                   "finding": {"oneOf": [{"type": "integer"}, {"type": "string"}],
                               "description": "confirm/dismiss 的问题编号或指纹"},
                   "findings": {"type": "array", "items": {"type": "integer"},
                                "description": "批量 confirm/dismiss（须填写 comment）"},
                   "comment": {"type": "string"},
                   "whitelist": {"type": "boolean", "description": "dismiss 时加入本单位白名单"},
                   "version": {"type": "integer", "description": "读取时条目的 version；不符则 409"}}}}}},
           responses={"200": {"description": "决定后的条目", "content": {"application/json": {"schema": {
               "$ref": "#/components/schemas/Item"}}}}, **error_responses(400, 401, 403, 404, 409)})
def decision(item_id: int):
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "请求体必须是 JSON 对象，如 {\"action\": \"approve\"}")
    s = db.session()
    action = body.get("action")
    if isinstance(body.get("findings"), list):
        review.get_item(s, g.user, item_id)         # scope and existence first
        mine = {f.id for f in review.get_item(s, g.user, item_id).findings}
        ids = [i for i in body["findings"] if isinstance(i, int)]
        if any(i not in mine for i in ids):
            raise ApiError(404, "该条目中没有这些问题")
        if body.get("version") is not None and body["version"] != review.get_item(s, g.user, item_id).version:
            raise ApiError(409)
        result = review.bulk_decide(s, g.user, action, finding_ids=ids, comment=body.get("comment"),
                                    whitelist=bool(body.get("whitelist")))
        s.commit()
        cache.changed()
        out = _item_json(review.get_item(s, g.user, item_id))
        out["bulk"] = result.to_dict()
        return jsonify(out)
    it = review.decide(s, g.user, item_id, action, body.get("finding"), body.get("comment"),
                       whitelist=bool(body.get("whitelist")), expected_version=body.get("version"))
    s.commit()
    cache.changed()
    return jsonify(_item_json(it))


@bp.route("/sweeps", methods=["POST"])
@token_required
@operation(summary="发起全站巡检（问题进入审核队列）", tags=["sweeps"],
           requestBody={"required": True, "content": {"application/json": {"schema": {
               "type": "object", "required": ["url"],
               "properties": {"url": {"type": "string", "format": "uri"},
                              "max_pages": {"type": "integer"}, "max_depth": {"type": "integer"},
                              "agency": {"type": "string", "description": "管理员可指定单位"}}}}}},
           responses={"202": {"description": "已开始", "content": {"application/json": {"schema": {
               "type": "object", "required": ["id"], "properties": {"id": {"type": "integer"},
                                                                    "status": {"type": "string"}}}}}},
               **error_responses(400, 401, 403)})
def start_sweep():
    from .. import tasks
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "请求体必须是 JSON 对象，如 {\"url\": \"https://www.example.gov.cn/\"}")
    s = db.session()
    try:
        sweep = tasks.create_sweep(s, g.user, body.get("url") or "", body.get("max_pages"), body.get("max_depth"),
                                   agency=body.get("agency"))
    except ValueError as e:
        raise ApiError(400, str(e)) from None
    s.commit()
    tasks.start_sweep(current_app._get_current_object(), sweep.id)
    return jsonify({"id": sweep.id, "status": sweep.status}), 202


@bp.route("/sweeps/<int:sweep_id>", methods=["GET"])
@token_required
@operation(summary="巡检进度与计数", tags=["sweeps"],
           responses={"200": {"description": "巡检", "content": {"application/json": {"schema": {
               "$ref": "#/components/schemas/Sweep"}}}}, **error_responses(401, 403, 404)})
def sweep(sweep_id: int):
    return jsonify(ingest.get_sweep(db.session(), g.user, sweep_id).to_dict())


@bp.route("/openapi.json", methods=["GET"])
@operation(summary="本 API 的 OpenAPI 3 描述（由代码生成）", tags=["meta"], security=[],
           responses={"200": {"description": "OpenAPI 文档"}})
def openapi():
    spec = current_app.extensions.get("reviewer.openapi")
    if spec is None:
        spec = current_app.extensions["reviewer.openapi"] = build_spec(current_app)
    return jsonify(spec)


@bp.errorhandler(ApiError)
def _api_error(e: ApiError):
    return jsonify({"error": {"code": e.code, "message": e.message}}), e.status
