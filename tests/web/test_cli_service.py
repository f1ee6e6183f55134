"""`reviewer serve` on its real WSGI server, and `reviewer worker`'s refusal without a broker."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .helpers import csrf_from


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_on_its_port(db_url, tmp_path):
    port = _free_port()
    env = {**os.environ, "REVIEWER_DATABASE_URL": db_url, "REVIEWER_INSTANCE_PATH": str(tmp_path / "inst")}
    env.pop("REVIEWER_BROKER_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "reviewer", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.load(r)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stderr.read().decode())
                time.sleep(0.2)
        assert body == {"ok": True}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
            page = r.read()
            assert "登录" in page.decode() and csrf_from(page)
            assert r.headers["X-Frame-Options"] == "DENY"
        # the secret key generated on first start is kept in the instance folder, private
        key = tmp_path / "inst" / "secret_key"
        assert key.exists() and (key.stat().st_mode & 0o077) == 0
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stderr.close()


def test_worker_needs_a_broker(tmp_path):
    env = {**os.environ, "REVIEWER_INSTANCE_PATH": str(tmp_path)}
    env.pop("REVIEWER_BROKER_URL", None)
    r = subprocess.run([sys.executable, "-m", "reviewer", "worker"], env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2
    assert "REVIEWER_BROKER_URL" in r.stderr and "Traceback" not in r.stderr


def test_head_request_is_not_a_failed_login(web_app):
    client = web_app.test_client()
    for _ in range(10):
        assert client.head("/login").status_code == 200
    token = csrf_from(client.get("/login").data)
    r = client.post("/login", data={"username": "rev_a", "password": "correct-horse-1", "csrf_token": token})
    assert r.status_code == 302
