"""Errors: JSON {"error": {"code", "message"}} under /api/, a Chinese HTML page elsewhere."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extract import ExtractError

log = logging.getLogger(__name__)

CONFLICT_MESSAGE = "该条目已被他人修改，请刷新后重试"

MESSAGES = {
    400: ("bad_request", "请求不正确"),
    401: ("unauthorized", "请先登录或提供有效的 API 令牌"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "找不到该资源"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", CONFLICT_MESSAGE),
    413: ("too_large", "上传内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("internal_error", "服务器内部错误，请稍后再试"),
}


class ApiError(Exception):
    def __init__(self, status: int, message: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or MESSAGES.get(status, ("error", ""))[0]
        self.message = message or MESSAGES.get(status, ("", "出错了"))[1]


def too_large_message() -> str:
    from flask import current_app
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"上传内容过大：单次上传不能超过 {limit / (1 << 20):g} MB，请压缩或拆分后再试"


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json" and not request.accept_mimetypes.accept_html)


def respond(status: int, message: str, code: str | None = None, headers: dict | None = None):
    code = code or MESSAGES.get(status, ("error", ""))[0]
    if wants_json():
        resp = jsonify({"error": {"code": code, "message": message}})
    else:
        resp = make_response(render_template("error.html", status=status, message=message))
    resp.status_code = status
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _rollback() -> None:
    from flask import g
    s = g.get("db")
    if s is not None:
        try:
            s.rollback()
        except Exception:
            g.pop("db", None)


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(e: ApiError):
        return respond(e.status, e.message, e.code)

    @app.errorhandler(ExtractError)
    def _extract_error(e: ExtractError):
        return respond(400, str(e), "unreadable_input")

    @app.errorhandler(CSRFError)
    def _csrf(e: CSRFError):
        return respond(400, "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试", "csrf")

    @app.errorhandler(413)
    def _too_large(e):
        return respond(413, too_large_message(), "too_large")

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        code, message = MESSAGES.get(e.code or 500, ("error", e.description or "出错了"))
        return respond(e.code or 500, message, code)

    from ..store.errors import StoreError

    @app.errorhandler(StoreError)
    def _store(e: StoreError):
        _rollback()
        return respond(e.status, e.message, e.code)

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        if isinstance(e, HTTPException):
            return _http(e)
        log.exception("unhandled error on %s %s", request.method, request.path)
        _rollback()       # the error page itself queries (the nav badge): not on an aborted transaction
        return respond(500, MESSAGES[500][1])
