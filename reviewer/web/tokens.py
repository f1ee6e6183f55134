"""API tokens in the web UI: an officer creates a token for scripts (shown once) and revokes it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ..store import accounts
from ..store.errors import StoreError
from ..store.models import ApiToken
from . import db
from .auth import login_required

bp = Blueprint("tokens", __name__)


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    s = db.session()
    created = None
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "create":
                created = accounts.create_token(s, g.user, actor=g.user)
            elif action == "revoke":
                row = s.get(ApiToken, request.form.get("token_id", type=int) or 0)
                # one's own tokens; an administrator may revoke anyone's (a leaked token)
                if row is None or (row.user_id != g.user.id and not g.user.is_admin):
                    abort(404)
                if row.revoked_at is None:
                    accounts.revoke_token(s, row.id, actor=g.user)
                    flash(f"令牌 {row.prefix}… 已撤销，使用它的脚本将无法再访问", "ok")
            else:
                abort(400)
            s.commit()
        except StoreError as e:
            s.rollback()
            flash(e.message, "error")
        if created is None:
            return redirect(url_for("tokens.tokens"))
    q = select(ApiToken).order_by(ApiToken.id.desc())
    if not g.user.is_admin:
        q = q.where(ApiToken.user_id == g.user.id)
    # the new token is rendered into this one response only, never stored or redirected with
    return render_template("tokens.html", tokens=list(s.scalars(q)), created=created)
