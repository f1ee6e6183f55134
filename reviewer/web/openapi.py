"""The OpenAPI document, generated with apispec from the API views themselves.

Each API view declares its operation with @operation(...) beside its code; a small apispec plugin
turns the Flask URL rule into an OpenAPI path, so the spec cannot drift from the routes.
"""
from __future__ import annotations

import re

from apispec import APISpec, BasePlugin
from flask import Flask

_RULE_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def operation(**op):
    """Attach an OpenAPI operation object to a view function."""
    def deco(fn):
        fn.__openapi__ = op
        return fn
    return deco


class FlaskViewPlugin(BasePlugin):
    def path_helper(self, path=None, operations=None, parameters=None, *, view=None, app=None, **kwargs):
        rule = next(r for r in app.url_map.iter_rules() if app.view_functions[r.endpoint] is view)
        for arg in rule.arguments:
            parameters.append({"name": arg, "in": "path", "required": True,
                               "schema": {"type": "integer" if "int:" in rule.rule else "string"}})
        methods = sorted(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
        for m in methods:
            operations[m] = dict(getattr(view, "__openapi__", {}))
        return _RULE_ARG.sub(r"{\1}", rule.rule)


FINDING = {
    "type": "object",
    "description": "一个问题（DESIGN.md 中的 Finding 合约字段）",
    "required": ["rule", "category", "severity", "uri", "part", "start", "end", "text", "excerpt",
                 "message", "suggestion", "fingerprint"],
    "properties": {
        "rule": {"type": "string", "example": "privacy.id-card"},
        "category": {"type": "string", "enum": ["link", "typo", "sensitive", "privacy", "secrecy",
                                                 "tampering", "format", "site"]},
        "severity": {"type": "string", "enum": ["critical", "major", "minor", "info"]},
        "uri": {"type": "string"}, "part": {"type": "string"},
        "start": {"type": "integer", "nullable": True}, "end": {"type": "integer", "nullable": True},
        "text": {"type": "string"}, "excerpt": {"type": "string"}, "message": {"type": "string"},
        "suggestion": {"type": "string", "nullable": True}, "fingerprint": {"type": "string"},
        "id": {"type": "integer", "description": "存入审核队列的问题才有"},
        "status": {"type": "string", "enum": ["open", "confirmed", "dismissed", "fixed"]},
    },
}
ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "example": "conflict"},
        "message": {"type": "string", "example": "该条目已被他人修改，请刷新后重试"}}}},
}
ITEM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "status": {"type": "string", "enum": ["pending", "approved", "rejected"]},
        "uri": {"type": "string"}, "title": {"type": "string", "nullable": True},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"},
                   "description": "待处理问题数，按类别"},
        "severity": {"type": "string", "nullable": True}, "agency": {"type": "string"},
        "site": {"type": "string", "nullable": True}, "version": {"type": "integer"},
        "document_id": {"type": "integer"}, "document_version": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
ITEM_LIST = {
    "type": "object", "required": ["items", "total", "page", "per_page"],
    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                   "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}},
}
SWEEP = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "url": {"type": "string"}, "status": {"type": "string",
                   "enum": ["queued", "running", "finished", "failed"]},
                   "progress": {"type": "object"}, "counts": {"type": "object"}},
}


def error_responses(*codes: int) -> dict:
    text = {400: "请求不正确", 401: "未认证", 403: "无权限", 404: "不存在", 409: "冲突（已被他人修改）",
            413: "上传内容过大"}
    return {str(c): {"description": text[c], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for c in codes}


def build_spec(app: Flask) -> dict:
    spec = APISpec(title="reviewer 政务公开审查 API", version=_version(), openapi_version="3.0.3",
                   plugins=[FlaskViewPlugin()],
                   info={"description": "文稿预检、送审、审核队列与全站巡检。API 客户端使用 "
                                        "`Authorization: Bearer TOKEN`（`reviewer token create NAME` 生成）。"})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Finding", FINDING)
    spec.components.schema("Error", ERROR)
    spec.components.schema("Item", ITEM)
    spec.components.schema("ItemList", ITEM_LIST)
    spec.components.schema("Sweep", SWEEP)
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            view = app.view_functions[rule.endpoint]
            if rule.rule.startswith("/api/") and hasattr(view, "__openapi__"):
                spec.path(view=view, app=app)
    d = spec.to_dict()
    d["security"] = [{"bearer": []}]
    return d


def _version() -> str:
    from .. import __version__
    return __version__
