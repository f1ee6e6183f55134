"""The JSON API against the contract in DESIGN.md, on SQLite and PostgreSQL (db_url fixture)."""
from __future__ import annotations

import io

import pytest

from .helpers import DRAFT, ID_NUMBER, SECRET_DRAFT, bearer, login, submit_api
from .site import LocalSite

CONTRACT = {"rule", "category", "severity", "uri", "part", "start", "end", "text", "excerpt", "message",
            "suggestion", "fingerprint"}


@pytest.fixture
def client(web_app):
    return web_app.test_client()


def _error(resp, status: int, code: str | None = None) -> str:
    assert resp.status_code == status, resp.data[:300]
    body = resp.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    if code:
        assert body["error"]["code"] == code
    return body["error"]["message"]


# ---------------------------------------------------------------------------------------- checks

def test_check_text_returns_contract_findings_and_queues_nothing(client, web_tokens):
    r = client.post("/api/v1/checks", json={"text": DRAFT}, headers=bearer(web_tokens["sub_a"]))
    assert r.status_code == 200
    findings = r.get_json()["findings"]
    ids = [f for f in findings if f["rule"] == "privacy.id-card"]
    assert ids and ids[0]["text"] == ID_NUMBER
    assert all(set(f) == CONTRACT for f in findings)
    assert DRAFT[ids[0]["start"]:ids[0]["end"]] == ID_NUMBER
    items = client.get("/api/v1/items", headers=bearer(web_tokens["rev_a"])).get_json()
    assert items["total"] == 0 and items["items"] == []


def test_check_html_and_file_upload(client, web_tokens):
    r = client.post("/api/v1/checks", json={"html": "<html><body><p>机密★10年</p></body></html>"},
                    headers=bearer(web_tokens["sub_a"]))
    assert r.status_code == 200
    assert any(f["rule"] == "secrecy.classification-mark" for f in r.get_json()["findings"])
    data = {"file": (io.BytesIO(SECRET_DRAFT.encode("gb18030")), "通知.txt")}
    r = client.post("/api/v1/checks", data=data, content_type="multipart/form-data",
                    headers=bearer(web_tokens["sub_a"]))
    assert r.status_code == 200
    assert any(f["text"].startswith("机密★") for f in r.get_json()["findings"])


def test_check_needs_exactly_one_input(client, web_tokens):
    msg = _error(client.post("/api/v1/checks", json={}, headers=bearer(web_tokens["sub_a"])), 400)
    assert "text" in msg
    msg = _error(client.post("/api/v1/checks", json={"text": "a", "html": "b"}, headers=bearer(web_tokens["sub_a"])), 400)
    assert "只能提供一个" in msg
    _error(client.post("/api/v1/checks", data="not json", content_type="application/json",
                       headers=bearer(web_tokens["sub_a"])), 400)


# ---------------------------------------------------------------------------------------- auth

def test_api_requires_a_valid_bearer_token(client, web_tokens):
    _error(client.post("/api/v1/checks", json={"text": DRAFT}), 401, "unauthorized")
    _error(client.get("/api/v1/items", headers=bearer("rvw_not-a-real-token")), 401)
    _error(client.get("/api/v1/items", headers={"Authorization": "Basic abc"}), 401)


def test_api_ignores_the_session_cookie(client):
    # the API is exempt from CSRF, so a logged-in browser session must not work there
    assert login(client, "rev_a").status_code == 302
    _error(client.get("/api/v1/items"), 401)
    _error(client.post("/api/v1/checks", json={"text": DRAFT}), 401)


# ---------------------------------------------------------------------------------------- queue

def test_submission_is_pending_with_masked_findings(client, web_tokens):
    r = submit_api(client, web_tokens["sub_a"], title="公示")
    assert r.status_code == 201
    body = r.get_json()
    assert body["status"] == "pending" and isinstance(body["id"], int)
    f = next(f for f in body["findings"] if f["rule"] == "privacy.id-card")
    assert ID_NUMBER not in f["text"] and "*" in f["text"] and f["status"] == "open"
    assert ID_NUMBER not in r.get_data(as_text=True)


def test_items_pagination_sorting_and_filters(client, web_tokens):
    t = web_tokens["sub_a"]
    assert submit_api(client, t, text="普通的工作通知，没有问题。\n").status_code == 201
    secret = submit_api(client, t, text=SECRET_DRAFT).get_json()["id"]
    privacy = submit_api(client, t).get_json()["id"]
    h = bearer(web_tokens["rev_a"])
    p1 = client.get("/api/v1/items?per_page=2", headers=h).get_json()
    assert (p1["total"], p1["page"], p1["per_page"], len(p1["items"])) == (3, 1, 2, 2)
    p2 = client.get("/api/v1/items?per_page=2&page=2", headers=h).get_json()
    assert len(p2["items"]) == 1 and p2["page"] == 2
    # critical first, then by age: the clean draft comes last
    order = [i["id"] for i in p1["items"] + p2["items"]]
    assert order[:2] == [secret, privacy]
    assert set(p1["items"][0]) >= {"id", "status", "uri", "title", "counts"}
    only = client.get("/api/v1/items?category=secrecy", headers=h).get_json()
    assert [i["id"] for i in only["items"]] == [secret]
    assert client.get("/api/v1/items?status=approved", headers=h).get_json()["total"] == 0
    _error(client.get("/api/v1/items?severity=huge", headers=h), 400)


def test_agency_isolation(client, web_tokens):
    item = submit_api(client, web_tokens["sub_a"]).get_json()["id"]
    hb = bearer(web_tokens["rev_b"])
    assert client.get("/api/v1/items", headers=hb).get_json()["total"] == 0
    _error(client.get(f"/api/v1/items/{item}", headers=hb), 403, "forbidden")
    _error(client.post(f"/api/v1/items/{item}/decision", json={"action": "reject", "comment": "x"}, headers=hb), 403)
    _error(client.get("/api/v1/items?agency=甲局", headers=hb), 403)
    # the admin sees every agency
    assert client.get("/api/v1/items", headers=bearer(web_tokens["admin"])).get_json()["total"] == 1
    assert client.get(f"/api/v1/items/{item}", headers=bearer(web_tokens["rev_a"])).status_code == 200


def test_submitter_cannot_decide_and_author_cannot_approve_own(client, web_tokens):
    item = submit_api(client, web_tokens["sub_a"], text="普通通知。\n").get_json()["id"]
    _error(client.post(f"/api/v1/items/{item}/decision", json={"action": "approve"},
                       headers=bearer(web_tokens["sub_a"])), 403)
    own = submit_api(client, web_tokens["rev_a"], text="审核人自己起草的通知。\n").get_json()["id"]
    msg = _error(client.post(f"/api/v1/items/{own}/decision", json={"action": "approve"},
                             headers=bearer(web_tokens["rev_a"])), 403)
    assert "自己" in msg
    r = client.post(f"/api/v1/items/{own}/decision", json={"action": "approve", "comment": "同意"},
                    headers=bearer(web_tokens["rev_a2"]))
    assert r.status_code == 200 and r.get_json()["status"] == "approved"


def test_stale_version_and_decided_item_conflict(client, web_tokens):
    body = submit_api(client, web_tokens["sub_a"]).get_json()
    item = body["id"]
    h = bearer(web_tokens["rev_a"])
    seen = client.get(f"/api/v1/items/{item}", headers=h).get_json()["version"]
    fid = body["findings"][0]["id"]
    # a colleague acts first
    r = client.post(f"/api/v1/items/{item}/decision", json={"action": "confirm", "finding": fid, "version": seen},
                    headers=bearer(web_tokens["rev_a2"]))
    assert r.status_code == 200
    msg = _error(client.post(f"/api/v1/items/{item}/decision",
                             json={"action": "reject", "comment": "退回", "version": seen}, headers=h), 409, "conflict")
    assert "已被他人修改" in msg
    fresh = client.get(f"/api/v1/items/{item}", headers=h).get_json()["version"]
    assert client.post(f"/api/v1/items/{item}/decision", json={"action": "reject", "comment": "退回", "version": fresh},
                       headers=h).status_code == 200
    _error(client.post(f"/api/v1/items/{item}/decision", json={"action": "reject", "comment": "再退"}, headers=h), 409)


def test_critical_finding_blocks_approval_until_dismissed_and_whitelist_applies_to_agency(client, web_tokens):
    body = submit_api(client, web_tokens["sub_a"]).get_json()
    item, h = body["id"], bearer(web_tokens["rev_a"])
    fid = next(f["id"] for f in body["findings"] if f["rule"] == "privacy.id-card")
    _error(client.post(f"/api/v1/items/{item}/decision", json={"action": "approve"}, headers=h), 400)
    r = client.post(f"/api/v1/items/{item}/decision",
                    json={"action": "dismiss", "finding": fid, "comment": "测试用虚构号码", "whitelist": True}, headers=h)
    assert r.status_code == 200
    assert next(f for f in r.get_json()["findings"] if f["id"] == fid)["status"] == "dismissed"
    r = client.post(f"/api/v1/items/{item}/decision", json={"action": "approve", "comment": "可以发布"}, headers=h)
    assert r.get_json()["status"] == "approved"
    # the whitelisted text no longer raises the rule for agency A, in checks and submissions ...
    rules_a = {f["rule"] for f in client.post("/api/v1/checks", json={"text": DRAFT},
                                              headers=bearer(web_tokens["sub_a"])).get_json()["findings"]}
    assert "privacy.id-card" not in rules_a
    assert all(f["rule"] != "privacy.id-card" for f in submit_api(client, web_tokens["sub_a"]).get_json()["findings"])
    # ... but still does for agency B
    rules_b = {f["rule"] for f in client.post("/api/v1/checks", json={"text": DRAFT},
                                              headers=bearer(web_tokens["sub_b"])).get_json()["findings"]}
    assert "privacy.id-card" in rules_b


def test_bulk_dismiss_needs_a_reason(client, web_tokens):
    body = submit_api(client, web_tokens["sub_a"], text=SECRET_DRAFT + DRAFT).get_json()
    ids = [f["id"] for f in body["findings"]]
    h = bearer(web_tokens["rev_a"])
    _error(client.post(f"/api/v1/items/{body['id']}/decision", json={"action": "dismiss", "findings": ids}, headers=h), 400)
    r = client.post(f"/api/v1/items/{body['id']}/decision",
                    json={"action": "dismiss", "findings": ids, "comment": "样例文稿"}, headers=h)
    assert r.status_code == 200 and sorted(r.get_json()["bulk"]["done"]) == sorted(ids)
    assert {f["status"] for f in r.get_json()["findings"]} == {"dismissed"}


def test_resubmission_is_a_new_version_with_fixed_findings(client, web_tokens):
    first = submit_api(client, web_tokens["sub_a"]).get_json()
    fixed_text = DRAFT.replace(ID_NUMBER, "110105********002X")
    second = submit_api(client, web_tokens["sub_a"], text=fixed_text, document=first["document_id"]).get_json()
    assert second["document_id"] == first["document_id"] and second["version"] == 2
    assert all(f["rule"] != "privacy.id-card" for f in second["findings"])
    old = client.get(f"/api/v1/items/{first['id']}", headers=bearer(web_tokens["rev_a"])).get_json()
    assert any(f["status"] == "fixed" for f in old["findings"])
    listed = client.get("/api/v1/items", headers=bearer(web_tokens["rev_a"])).get_json()
    assert [i["id"] for i in listed["items"]] == [second["id"]]      # the old version left the queue


# ---------------------------------------------------------------------------------------- limits and errors

def test_upload_limit_is_413_with_a_chinese_message(web_app, client, web_tokens):
    web_app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    data = {"file": (io.BytesIO(b"a" * ((1 << 20) + 10)), "big.txt")}
    r = client.post("/api/v1/checks", data=data, content_type="multipart/form-data",
                    headers=bearer(web_tokens["sub_a"]))
    msg = _error(r, 413, "too_large")
    assert "1 MB" in msg and "上传" in msg


def test_json_errors_for_unknown_things(client, web_tokens):
    h = bearer(web_tokens["rev_a"])
    _error(client.get("/api/v1/items/999999", headers=h), 404, "not_found")
    _error(client.get("/api/v1/nothing-here", headers=h), 404)
    _error(client.get("/api/v1/checks", headers=h), 405)
    item = submit_api(client, web_tokens["sub_a"]).get_json()["id"]
    _error(client.post(f"/api/v1/items/{item}/decision", json={"action": "explode"}, headers=h), 400)


def test_security_headers(client, web_tokens):
    for r in (client.get("/login"), client.get("/api/v1/items", headers=bearer(web_tokens["rev_a"]))):
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "http" not in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"]


# ---------------------------------------------------------------------------------------- openapi

def test_openapi_is_generated_from_the_routes(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    spec = r.get_json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path, method in (("/api/v1/checks", "post"), ("/api/v1/submissions", "post"), ("/api/v1/items", "get"),
                         ("/api/v1/items/{item_id}/decision", "post"), ("/api/v1/sweeps", "post"),
                         ("/api/v1/sweeps/{sweep_id}", "get"), ("/api/v1/openapi.json", "get")):
        assert method in paths[path], (path, method)
    assert set(spec["components"]["schemas"]["Finding"]["required"]) == CONTRACT
    params = {p["name"] for p in paths["/api/v1/items"]["get"]["parameters"]}
    assert {"status", "category", "severity", "agency", "page"} <= params
    assert "409" in paths["/api/v1/items/{item_id}/decision"]["post"]["responses"]


# ---------------------------------------------------------------------------------------- SSRF and URLs

@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://localhost/", "http://10.1.2.3/",
                                 "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0.0.0.0/",
                                 "http://192.168.1.1/", "file:///etc/passwd"])
def test_url_check_refuses_internal_addresses(client, web_tokens, url):
    msg = _error(client.post("/api/v1/checks", json={"url": url}, headers=bearer(web_tokens["sub_a"])), 400)
    assert "内部" in msg or "http" in msg


def test_url_check_fetches_an_allowed_network(web_app, client, web_tokens):
    from reviewer.netguard import parse_networks
    with LocalSite() as site:
        _error(client.post("/api/v1/checks", json={"url": site.url("/b.html")}, headers=bearer(web_tokens["sub_a"])), 400)
        web_app.config["ALLOWED_NETWORKS"] = parse_networks("127.0.0.0/8")
        r = client.post("/api/v1/checks", json={"url": site.url("/b.html")}, headers=bearer(web_tokens["sub_a"]))
        assert r.status_code == 200
        assert any(f["rule"] == "privacy.id-card" for f in r.get_json()["findings"])


def test_redirect_to_an_internal_address_is_refused(web_app, client, web_tokens):
    from reviewer.netguard import parse_networks
    with LocalSite({"/go": "REDIRECT http://10.0.0.1/secret"}) as site:
        web_app.config["ALLOWED_NETWORKS"] = parse_networks("127.0.0.1/32")
        msg = _error(client.post("/api/v1/checks", json={"url": site.url("/go")},
                                 headers=bearer(web_tokens["sub_a"])), 400)
        assert "10.0.0.1" in msg


# ---------------------------------------------------------------------------------------- sweeps

def test_sweep_into_the_queue(web_app, client, web_tokens):
    from reviewer.netguard import parse_networks
    h = bearer(web_tokens["rev_a"])
    with LocalSite() as site:
        _error(client.post("/api/v1/sweeps", json={"url": site.url("/")}, headers=h), 400)
        web_app.config["ALLOWED_NETWORKS"] = parse_networks("127.0.0.0/8")
        r = client.post("/api/v1/sweeps", json={"url": site.url("/"), "max_pages": 10}, headers=h)
        assert r.status_code == 202
        sid = r.get_json()["id"]
        web_app.extensions["reviewer.sweep_threads"][sid].join(120)
        sweep = client.get(f"/api/v1/sweeps/{sid}", headers=h).get_json()
    assert sweep["status"] == "finished", sweep
    assert sweep["progress"]["pages_done"] >= 3
    items = client.get("/api/v1/items", headers=h).get_json()["items"]
    uris = {i["uri"] for i in items}
    assert site.url("/a.html") in uris and site.url("/b.html") in uris
    _error(client.get(f"/api/v1/sweeps/{sid}", headers=bearer(web_tokens["rev_b"])), 403)
    _error(client.get("/api/v1/sweeps/999999", headers=h), 404)


def test_sweep_started_from_the_ui_feeds_the_dashboard_trend(web_app, client):
    from reviewer.netguard import parse_networks

    from .helpers import page_csrf
    web_app.config["ALLOWED_NETWORKS"] = parse_networks("127.0.0.0/8")
    login(client, "rev_a")
    with LocalSite() as site:
        r = client.post("/sweeps", data={"csrf_token": page_csrf(client, "/sweeps"), "url": site.url("/"),
                                         "max_pages": "10", "max_depth": "2"})
        assert r.status_code == 302
        sid = int(r.headers["Location"].rsplit("/", 1)[1])
        web_app.extensions["reviewer.sweep_threads"][sid].join(120)
    page = client.get(f"/sweeps/{sid}").get_data(as_text=True)
    assert "已完成" in page
    dash = client.get("/dashboard").get_data(as_text=True)
    assert "<polyline" in dash and "涉密标识" in dash
    queue = client.get("/queue").get_data(as_text=True)
    assert "127.0.0.1" in queue
