"""The response cache of the queue page and GET /api/v1/items stays exact: every write, by this
app or by another process on the same database, shows on the very next read (SQLite and
PostgreSQL through the db_url fixture)."""
from __future__ import annotations

import re

import pytest

from reviewer.store import review, version
from reviewer.store.accounts import user_by_name
from reviewer.store.db import make_engine, make_sessionmaker, session_scope

from .helpers import bearer, csrf_from, login, submit_api


@pytest.fixture
def client(web_app):
    return web_app.test_client()


def _ids(resp) -> list[int]:
    return [i["id"] for i in resp.get_json()["items"]]


def _cached_keys(app) -> int:
    return len(app.extensions["reviewer.responses"]._data)


def _row_ids(html: bytes) -> set[int]:
    return {int(x) for x in re.findall(rb'href="/items/(\d+)"', html)}


def test_every_writing_transaction_bumps_the_data_version(web_app, db_url):
    engine = make_engine(db_url)
    factory = make_sessionmaker(engine)
    v0 = version.current(engine)
    with session_scope(factory) as s:          # a read only transaction: no bump
        user_by_name(s, "rev_a")
    assert version.current(engine) == v0
    with session_scope(factory) as s:
        user_by_name(s, "rev_a").active = False
    assert version.current(engine) == v0 + 1
    s = factory()
    user_by_name(s, "rev_b").active = False
    s.flush()
    s.rollback()                               # rolled back: nothing to tell
    s.close()
    assert version.current(engine) == v0 + 1
    engine.dispose()


def test_api_list_is_served_from_cache_until_a_write(client, web_app, web_tokens):
    h = bearer(web_tokens["rev_a"])
    first = submit_api(client, web_tokens["sub_a"]).get_json()["id"]
    a = client.get("/api/v1/items?status=pending", headers=h)
    assert _ids(a) == [first] and _cached_keys(web_app) == 1
    b = client.get("/api/v1/items?status=pending", headers=h)
    assert b.data == a.data
    # a submission: visible on the next read
    second = submit_api(client, web_tokens["sub_a"], text="关于某项工作的通知。\n").get_json()["id"]
    assert set(_ids(client.get("/api/v1/items?status=pending", headers=h))) == {first, second}
    # a decision: the rejected item leaves the pending list at once
    r = client.post(f"/api/v1/items/{second}/decision", json={"action": "reject", "comment": "退回"}, headers=h)
    assert r.status_code == 200
    assert _ids(client.get("/api/v1/items?status=pending", headers=h)) == [first]
    assert _ids(client.get("/api/v1/items?status=rejected", headers=h)) == [second]


def test_a_write_by_another_process_is_visible_on_the_next_read(client, web_app, web_tokens, db_url):
    h = bearer(web_tokens["rev_a"])
    item = submit_api(client, web_tokens["sub_a"], text="普通通知。\n").get_json()["id"]
    assert _ids(client.get("/api/v1/items?status=pending", headers=h)) == [item]
    assert login(client, "rev_a").status_code == 302
    assert item in _row_ids(client.get("/queue").data)
    # another process (a CLI, a sweep worker, another server): its own engine, no call into the app
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as s:
        review.decide(s, user_by_name(s, "rev_a2"), item, "approve", comment="同意")
    engine.dispose()
    assert _ids(client.get("/api/v1/items?status=pending", headers=h)) == []
    assert item not in _row_ids(client.get("/queue").data)


def test_cached_queue_page_carries_each_sessions_own_csrf_token(web_app, web_tokens):
    one, two = web_app.test_client(), web_app.test_client()
    submit_api(one, web_tokens["sub_a"])
    assert login(one, "rev_a").status_code == 302 and login(two, "rev_a").status_code == 302
    one.get("/queue")                                   # the welcome flash: never stored
    p1 = one.get("/queue")
    assert _cached_keys(web_app) == 1
    p2 = two.get("/queue")
    two.get("/queue")
    p2 = two.get("/queue")                              # served from the cache
    t1, t2 = csrf_from(p1.data), csrf_from(p2.data)
    assert _row_ids(p1.data) == _row_ids(p2.data)
    # each session's token works for its own session (logging out is a CSRF-protected form)
    assert two.post("/logout", data={"csrf_token": t2}).status_code == 302
    assert one.post("/logout", data={"csrf_token": t1}).status_code == 302


def test_flash_messages_are_not_swallowed_by_a_cached_page(client, web_tokens):
    submit_api(client, web_tokens["sub_a"])
    assert login(client, "rev_a").status_code == 302
    client.get("/queue")
    client.get("/queue")                                # stored
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").data)})
    assert login(client, "rev_a").status_code == 302
    assert "欢迎" in client.get("/queue").data.decode("utf-8")


def test_cache_never_crosses_users_or_agencies(web_app, web_tokens):
    c = web_app.test_client()
    item = submit_api(c, web_tokens["sub_a"]).get_json()["id"]
    ha, hb = bearer(web_tokens["rev_a"]), bearer(web_tokens["rev_b"])
    assert _ids(c.get("/api/v1/items", headers=ha)) == [item]
    assert _ids(c.get("/api/v1/items", headers=hb)) == []
    assert c.get("/api/v1/items", headers=bearer("rvw_not-a-real-token")).status_code == 401
    a, b = web_app.test_client(), web_app.test_client()
    login(a, "rev_a"), login(b, "rev_b")
    for _ in range(2):
        assert item in _row_ids(a.get("/queue").data)
        assert item not in _row_ids(b.get("/queue").data)


def test_a_deactivated_user_is_refused_at_once(client, web_app, web_tokens, db_url):
    h = bearer(web_tokens["rev_a"])
    assert client.get("/api/v1/items", headers=h).status_code == 200
    assert client.get("/api/v1/items", headers=h).status_code == 200      # cached
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as s:
        user_by_name(s, "rev_a").active = False
    engine.dispose()
    assert client.get("/api/v1/items", headers=h).status_code == 401
