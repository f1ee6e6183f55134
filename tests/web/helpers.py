"""Small helpers for the service tests: token headers, CSRF tokens, logging in through the form."""
from __future__ import annotations

import re

# a valid 18-digit ID (checksum X) and a classification mark, both critical
ID_NUMBER = "11010519491231002X"
DRAFT = f"关于张三同志的公示\n申请人张三，身份证号码{ID_NUMBER}，现予公示。\n"
SECRET_DRAFT = "机密★10年\n关于某项工作的通知\n"
PASSWORD = "correct-horse-1"

_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def csrf_from(html: bytes | str) -> str:
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    m = _CSRF.search(html)
    assert m, "page has no CSRF token"
    return m.group(1)


def login(client, name: str, password: str = PASSWORD):
    token = csrf_from(client.get("/login").data)
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token})


def page_csrf(client, path: str = "/queue") -> str:
    return csrf_from(client.get(path).data)


def submit_api(client, token: str, text: str = DRAFT, **extra):
    return client.post("/api/v1/submissions", json={"text": text, **extra}, headers=bearer(token))
