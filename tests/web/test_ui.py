"""The web UI: login, throttling, CSRF, cookies, submitting, the item page, decisions, masking."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from .helpers import DRAFT, ID_NUMBER, SECRET_DRAFT, csrf_from, login, page_csrf, submit_api

MASKED = "110105********002X"


@pytest.fixture
def client(web_app):
    return web_app.test_client()


def _submit_form(client, text=DRAFT, **extra):
    token = page_csrf(client, "/submit")
    return client.post("/submit", data={"csrf_token": token, "text": text, "mode": "submit", **extra})


def _item_id(resp) -> int:
    assert resp.status_code == 302, resp.data[:500]
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def test_pages_need_login(client):
    for path in ("/queue", "/items/1", "/submit", "/dashboard", "/sweeps"):
        r = client.get(path)
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_login_sets_a_hardened_cookie_and_rejects_bad_passwords(client):
    r = login(client, "rev_a", "wrong-password")
    assert r.status_code == 401 and "用户名或密码错误" in r.get_data(as_text=True)
    r = login(client, "rev_a")
    assert r.status_code == 302
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/queue").status_code == 200


def test_login_is_throttled(client):
    for _ in range(5):
        assert login(client, "rev_a", "wrong-password").status_code == 401
    r = login(client, "rev_a")         # even the right password, while locked out
    assert r.status_code == 429 and "登录失败次数过多" in r.get_data(as_text=True)
    # another user from the same address is not locked out
    assert login(client, "rev_a2").status_code == 302


def test_open_redirect_after_login_is_refused(client):
    token = csrf_from(client.get("/login").data)
    r = client.post("/login", data={"username": "rev_a", "password": "correct-horse-1", "csrf_token": token,
                                    "next": "//evil.example/"})
    assert r.headers["Location"] == "/queue"


def test_forms_need_the_csrf_token(client):
    r = client.post("/login", data={"username": "rev_a", "password": "correct-horse-1"})
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)
    login(client, "sub_a")
    r = client.post("/submit", data={"text": DRAFT, "mode": "submit"})
    assert r.status_code == 400
    item = _item_id(_submit_form(client))
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    login(client, "rev_a")
    r = client.post(f"/items/{item}/decision", data={"action": "reject", "comment": "x"})
    assert r.status_code == 400 and "安全令牌" in r.get_data(as_text=True)


def test_submit_highlights_in_place_and_masks(client, web_app):
    login(client, "sub_a")
    item = _item_id(_submit_form(client, title=f"公示 {ID_NUMBER}"))
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    login(client, "rev_a")
    html = client.get(f"/items/{item}").get_data(as_text=True)
    assert ID_NUMBER not in html
    m = re.search(r'<mark class="hl cat-privacy[^"]*"[^>]*>([^<]+)</mark>', html)
    assert m and m.group(1) == MASKED
    assert "身份证" in html                 # the finding's Chinese message is shown
    queue = client.get("/queue").get_data(as_text=True)
    assert f"/items/{item}" in queue and ID_NUMBER not in queue and MASKED in queue


def test_reveal_is_audited(client, web_app):
    from reviewer.store.models import AuditEntry, Finding
    login(client, "sub_a")
    item = _item_id(_submit_form(client))
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    login(client, "rev_a")
    token = page_csrf(client, f"/items/{item}")
    factory = web_app.extensions["reviewer.db"]
    with factory() as s:
        fid = s.scalar(select(Finding.id).where(Finding.item_id == item, Finding.rule == "privacy.id-card"))
    r = client.post(f"/items/{item}/findings/{fid}/reveal", headers={"X-CSRFToken": token})
    assert r.status_code == 200 and r.get_json()["text"] == ID_NUMBER
    with factory() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "finding.reveal"))
        assert entry is not None and entry.actor_name == "rev_a" and ID_NUMBER not in entry.detail
    # without the token: refused
    assert client.post(f"/items/{item}/findings/{fid}/reveal").status_code == 400


def test_decisions_through_the_item_page(client, web_app):
    from reviewer.store.models import Finding, Item
    login(client, "sub_a")
    item = _item_id(_submit_form(client, text=SECRET_DRAFT + DRAFT))
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    login(client, "rev_a")
    page = client.get(f"/items/{item}").get_data(as_text=True)
    token = csrf_from(page)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    factory = web_app.extensions["reviewer.db"]
    with factory() as s:
        fids = {f.rule: f.id for f in s.scalars(select(Finding).where(Finding.item_id == item))}
    r = client.post(f"/items/{item}/decision", data={"csrf_token": token, "action": "whitelist", "version": version,
                                                     "finding": fids["privacy.id-card"], "comment": "虚构号码"})
    assert r.status_code == 302
    assert "加入本单位白名单" in client.get(r.headers["Location"]).get_data(as_text=True)
    # the page we loaded is now stale: approving from it is a conflict, with the Chinese message
    r = client.post(f"/items/{item}/decision", data={"csrf_token": token, "action": "confirm", "version": version,
                                                     "finding": fids["secrecy.classification-mark"]})
    assert r.status_code == 409 and "已被他人修改" in r.get_data(as_text=True)
    page = client.get(f"/items/{item}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    r = client.post(f"/items/{item}/bulk", data={"csrf_token": token, "action": "dismiss", "version": version,
                                                 "finding": [fids["secrecy.classification-mark"]], "comment": "样例"})
    assert r.status_code == 302
    page = client.get(f"/items/{item}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    r = client.post(f"/items/{item}/decision", data={"csrf_token": token, "action": "approve", "version": version})
    assert r.status_code == 302
    with factory() as s:
        assert s.get(Item, item).status == "approved"


def test_author_sees_approval_disabled(client):
    login(client, "rev_a")
    item = _item_id(_submit_form(client, text="审核人自己写的通知。\n"))
    html = client.get(f"/items/{item}").get_data(as_text=True)
    assert re.search(r'id="approve-button"[^>]*disabled', html)
    token = csrf_from(html)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    r = client.post(f"/items/{item}/decision", data={"csrf_token": token, "action": "approve", "version": version})
    assert r.status_code == 403 and "自己" in r.get_data(as_text=True)


def test_other_agency_item_is_forbidden(client, web_tokens):
    item = submit_api(client, web_tokens["sub_a"]).get_json()["id"]
    login(client, "rev_b")
    assert client.get(f"/items/{item}").status_code == 403
    assert f"/items/{item}" not in client.get("/queue").get_data(as_text=True)


def test_resubmission_shows_a_diff_and_fixed_findings(client, web_tokens):
    login(client, "sub_a")
    first = _item_id(_submit_form(client))
    html = client.get(f"/submit?document={_doc_id(client, web_tokens, first)}").get_data(as_text=True)
    token = csrf_from(html)
    doc_id = re.search(r'name="document" value="(\d+)"', html).group(1)
    r = client.post("/submit", data={"csrf_token": token, "mode": "submit", "document": doc_id,
                                     "text": DRAFT.replace(ID_NUMBER, MASKED) + "补充说明。\n"})
    second = _item_id(r)
    page = client.get(f"/items/{second}").get_data(as_text=True)
    assert "与上一版" in page and "本版已修复 1 处问题" in page
    assert 'class="add"' in page and "补充说明" in page


def _doc_id(client, web_tokens, item):
    return client.get(f"/api/v1/items/{item}",
                      headers={"Authorization": f"Bearer {web_tokens['rev_a']}"}).get_json()["document_id"]


def test_upload_limit_page_in_chinese(client, web_app):
    web_app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    login(client, "sub_a")
    token = page_csrf(client, "/submit")
    r = client.post("/submit", data={"csrf_token": token, "mode": "submit",
                                     "file": (io.BytesIO(b"x" * ((1 << 20) + 1)), "big.txt")},
                    content_type="multipart/form-data")
    assert r.status_code == 413 and "不能超过 1 MB" in r.get_data(as_text=True)


def test_check_only_does_not_queue(client, web_tokens):
    login(client, "sub_a")
    token = page_csrf(client, "/submit")
    r = client.post("/submit", data={"csrf_token": token, "mode": "check", "text": DRAFT})
    assert r.status_code == 200 and "检查结果" in r.get_data(as_text=True)
    assert client.get("/api/v1/items", headers={"Authorization": f"Bearer {web_tokens['rev_a']}"}).get_json()["total"] == 0


def test_queue_filters_counts_and_dashboard(client, web_tokens):
    submit_api(client, web_tokens["sub_a"], text=SECRET_DRAFT)
    submit_api(client, web_tokens["sub_a"])
    login(client, "rev_a")
    html = client.get("/queue").get_data(as_text=True)
    assert "共 2 条" in html and "涉密标识 1" in html
    html = client.get("/queue?status=&category=secrecy").get_data(as_text=True)
    assert "共 1 条" in html
    dash = client.get("/dashboard").get_data(as_text=True)
    assert dash.count("<svg") >= 4 and "<script" not in dash.split("<main>")[1].split("</main>")[0]
