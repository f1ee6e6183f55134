"""Log in and out (session cookie + CSRF), API tokens (Bearer), and the login_required guards."""
from __future__ import annotations

import functools
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import inspect
from flask import (Blueprint, current_app, flash, g, redirect, render_template, request, session,
                   url_for)

from ..store import accounts
from ..store.models import ApiToken, User
from . import db
from .errors import ApiError

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
TOKEN_TOUCH = timedelta(minutes=5)


def _throttle():
    return current_app.extensions["reviewer.throttle"]


def load_session_user() -> User | None:
    uid = session.get("uid")
    if uid is None:
        return None
    user = db.session().get(User, uid)
    if user is None or not user.active:
        session.clear()
        return None
    return user


def load_token_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    s = db.session()
    user = accounts.user_for_token(s, token.strip())
    if user is not None:
        # last_used_at: written at most every few minutes, not on every read (a write per API call
        # would serialise the API on that row); a request that commits anyway carries it along
        for obj in list(s.dirty):
            if isinstance(obj, ApiToken):
                old = inspect(obj).attrs.last_used_at.history.deleted
                if not old or old[0] is None or obj.last_used_at - old[0] > TOKEN_TOUCH:
                    s.commit()
    return user


def login_required(view):
    @functools.wraps(view)
    def wrapped(*a, **kw):
        g.user = load_session_user()
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        return view(*a, **kw)
    return wrapped


def token_required(view):
    """API views: a Bearer token only. The API is exempt from CSRF, so it must never accept the
    session cookie, or any page on the web could post to it in a logged-in user's name."""
    @functools.wraps(view)
    def wrapped(*a, **kw):
        g.user = load_token_user()
        if g.user is None:
            raise ApiError(401, "缺少或无效的 API 令牌（请在 Authorization 头中提供 Bearer 令牌）")
        return view(*a, **kw)
    return wrapped


def _safe_next(target: str | None) -> str:
    # only a path on this site: an absolute or scheme-relative URL would be an open redirect
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("ui.queue")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method != "POST":       # GET and HEAD
        if load_session_user() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("login.html", next=request.args.get("next", ""))
    name = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    keys = (f"ip:{request.remote_addr}|{name.lower()}", f"user:{name.lower()}:{request.remote_addr}")
    wait = _throttle().retry_after(*keys)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        flash(f"登录失败次数过多，请 {minutes} 分钟后再试", "error")
        return render_template("login.html", next=request.form.get("next", ""), username=name), 429
    user = accounts.authenticate(db.session(), name, password)
    if user is None:
        _throttle().failed(*keys)
        log.warning("failed login for a user name from %s", request.remote_addr)
        flash("用户名或密码错误", "error")
        return render_template("login.html", next=request.form.get("next", ""), username=name), 401
    _throttle().succeeded(*keys)
    session.clear()           # a fresh session on login: no fixation
    session["uid"] = user.id
    session.permanent = True
    flash(f"欢迎，{user.name}", "ok")
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    flash("已退出登录", "ok")
    return redirect(url_for("auth.login"))
