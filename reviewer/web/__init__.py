"""The Flask service: app factory, blueprints for auth, the web UI and the JSON API."""
from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

log = logging.getLogger(__name__)
csrf = CSRFProtect()

DEFAULT_UPLOAD_LIMIT = 50 << 20

# Flask settings derived from the project configuration (reviewer.config), then from `config`.
DEFAULTS = {
    "MAX_CONTENT_LENGTH": DEFAULT_UPLOAD_LIMIT,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_NAME": "reviewer_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "LOGIN_MAX_FAILURES": 5,           # failures per (address, user name) ...
    "LOGIN_WINDOW_SECONDS": 15 * 60,   # ... within this window lock that pair out for the window
    "ALLOWED_NETWORKS": [],            # networks a checked URL may reach although internal (SSRF)
    "PER_PAGE": 50,
    "JSON_AS_ASCII": False,
}


def _project_config() -> dict:
    """Flask settings from reviewer.config (defaults < TOML file < REVIEWER_* environment)."""
    from ..config import load_settings
    st = load_settings()
    out = {"INSTANCE_PATH": str(st.instance_path), "DATABASE_URL": st.database_url,
           "BROKER_URL": st.broker_url, "ALLOWED_NETWORKS": list(st.allowed_networks),
           "MAX_CONTENT_LENGTH": st.upload_limit, "SETTINGS": st}
    if st.secret_key:
        out["SECRET_KEY"] = st.secret_key
    secure = os.environ.get("REVIEWER_SESSION_COOKIE_SECURE", "")
    if secure:
        # behind HTTPS in production; off by default so http://127.0.0.1:5000 works out of the box
        out["SESSION_COOKIE_SECURE"] = secure.lower() in ("1", "true", "yes", "on")
    return out


def _secret_key(app: Flask) -> str:
    """A configured key, else one generated once and kept in the instance folder (0600)."""
    path = Path(app.instance_path) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def create_app(config: dict | None = None) -> Flask:
    cfg = {**DEFAULTS, **_project_config(), **(config or {})}
    instance = cfg.get("INSTANCE_PATH") or os.environ.get("REVIEWER_INSTANCE_PATH")
    app = Flask(__name__, instance_path=str(Path(instance).resolve()) if instance else None,
                instance_relative_config=True)
    app.config.update(cfg)
    if not app.config.get("SECRET_KEY"):
        st = app.config.get("SETTINGS")
        app.config["SECRET_KEY"] = st.ensure_secret_key() if st is not None else _secret_key(app)

    from ..netguard import parse_networks
    app.config["ALLOWED_NETWORKS"] = parse_networks(app.config.get("ALLOWED_NETWORKS"))
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from . import db
    db.init_app(app)
    csrf.init_app(app)

    from . import auth, api, errors, security, tokens, ui
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(ui.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(tokens.bp)
    csrf.exempt(api.bp)       # the API authenticates with a Bearer token, never with the cookie

    from . import filters
    filters.init_app(app)

    return app


__all__ = ["create_app", "csrf"]
