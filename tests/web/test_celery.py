"""Sweeps through Celery on the real local Redis: the API enqueues, a worker runs the sweep.

Redis missing: the test skips, unless CI is set, then it fails.
"""
from __future__ import annotations

import os
import time

import pytest

from .helpers import bearer
from .site import LocalSite

REDIS_URL = os.environ.get("REVIEWER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    import redis
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as e:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required when CI is set: {e}")
        pytest.skip(f"Redis unavailable: {e}")
    return REDIS_URL


def test_sweep_runs_on_a_celery_worker(web_app, redis_url, web_tokens):
    from celery.contrib.testing.worker import start_worker

    from reviewer import tasks
    from reviewer.netguard import parse_networks
    from reviewer.store.models import Sweep

    web_app.config["BROKER_URL"] = redis_url
    web_app.config["ALLOWED_NETWORKS"] = parse_networks("127.0.0.0/8")
    tasks.celery.conf.broker_url = redis_url
    client = web_app.test_client()
    h = bearer(web_tokens["rev_a"])
    with LocalSite() as site, start_worker(tasks.celery, pool="solo", perform_ping_check=False,
                                           queues=["reviewer"], shutdown_timeout=30):
        r = client.post("/api/v1/sweeps", json={"url": site.url("/"), "max_pages": 10}, headers=h)
        assert r.status_code == 202
        sid = r.get_json()["id"]
        assert sid not in web_app.extensions.get("reviewer.sweep_threads", {})    # not a thread: Celery
        factory = web_app.extensions["reviewer.db"]
        status = None
        for _ in range(240):
            with factory() as s:
                status = s.get(Sweep, sid).status
            if status in ("finished", "failed"):
                break
            time.sleep(0.5)
    body = client.get(f"/api/v1/sweeps/{sid}", headers=h).get_json()
    assert body["status"] == "finished", body
    assert body["counts"]["new"] >= 2
    items = client.get("/api/v1/items", headers=h).get_json()
    assert {site.url("/a.html"), site.url("/b.html")} <= {i["uri"] for i in items["items"]}
