"""API tokens in the web UI: create one (shown once), use it, revoke it; nobody else's."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from .helpers import bearer, login, page_csrf

_TOKEN = re.compile(r'<code id="new-token">([^<]+)</code>')


@pytest.fixture
def client(web_app):
    return web_app.test_client()


def _create(client) -> str:
    r = client.post("/tokens", data={"csrf_token": page_csrf(client, "/tokens"), "action": "create"})
    assert r.status_code == 200
    m = _TOKEN.search(r.get_data(as_text=True))
    assert m and "只显示这一次" in r.get_data(as_text=True)
    return m.group(1)


def _token_id(web_app, token: str) -> int:
    from reviewer.store.db import make_sessionmaker
    from reviewer.store.models import ApiToken
    with make_sessionmaker(web_app.config["DB_ENGINE"])() as s:
        return s.scalar(select(ApiToken.id).where(ApiToken.prefix == token[:10]))


def test_create_use_and_revoke_a_token(client, web_app):
    login(client, "rev_a")
    token = _create(client)
    assert client.get("/api/v1/items", headers=bearer(token)).status_code == 200
    page = client.get("/tokens").get_data(as_text=True)
    assert token[:10] in page and token not in page          # listed by prefix, never again in full
    r = client.post("/tokens", data={"csrf_token": page_csrf(client, "/tokens"), "action": "revoke",
                                     "token_id": _token_id(web_app, token)}, follow_redirects=True)
    assert "已撤销" in r.get_data(as_text=True)
    assert client.get("/api/v1/items", headers=bearer(token)).status_code == 401
    from reviewer.store.db import make_sessionmaker
    from reviewer.store.models import AuditEntry
    with make_sessionmaker(web_app.config["DB_ENGINE"])() as s:
        actions = [(e.action, e.actor_name) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("token.create", "rev_a") in actions and ("token.revoke", "rev_a") in actions


def test_another_officers_token_is_neither_listed_nor_revocable(client, web_app, web_tokens):
    login(client, "rev_a")
    mine = _create(client)
    client = web_app.test_client()
    login(client, "rev_b")
    assert mine[:10] not in client.get("/tokens").get_data(as_text=True)
    r = client.post("/tokens", data={"csrf_token": page_csrf(client, "/tokens"), "action": "revoke",
                                     "token_id": _token_id(web_app, mine)})
    assert r.status_code == 404
    assert client.get("/api/v1/items", headers=bearer(mine)).status_code == 200
    # a revoke without the CSRF token is refused before anything happens
    r = client.post("/tokens", data={"action": "revoke", "token_id": _token_id(web_app, web_tokens["rev_b"])})
    assert r.status_code == 400
    assert client.get("/api/v1/items", headers=bearer(web_tokens["rev_b"])).status_code == 200
