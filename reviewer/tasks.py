"""Sweeps started from the UI or the API: a Celery task on REVIEWER_BROKER_URL (Redis locally), or,
with no broker configured, a background thread in the web process (one machine, SQLite).

Both paths run run_sweep(): the same crawler and rules as `reviewer sweep` (reviewer.crawl.sweep),
each page and attachment fed to the store's sweep ingest, committed per page so progress shows.
The start URL passes the SSRF guard when the sweep is created.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading

from .masking import mask_all

log = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 500
DEFAULT_MAX_DEPTH = 5


def _int(v, default: int, lo: int, hi: int) -> int:
    try:
        n = int(v) if v not in (None, "") else default
    except (TypeError, ValueError):
        raise ValueError("页面数和深度必须是整数") from None
    return max(lo, min(hi, n))


def create_sweep(session, user, url: str, max_pages=None, max_depth=None, agency=None):
    """Validate the start URL against the SSRF guard now (a clear error for the user) and create
    the sweep `queued`. The caller commits, then calls start_sweep()."""
    from flask import current_app

    from .netguard import check_url
    from .store import ingest
    url = (url or "").strip()
    check_url(url, current_app.config["ALLOWED_NETWORKS"])
    options = {"max_pages": _int(max_pages, DEFAULT_MAX_PAGES, 1, 100_000),
               "max_depth": _int(max_depth, DEFAULT_MAX_DEPTH, 0, 50)}
    return ingest.create_sweep(session, user, url, agency_id=agency, options=options)


# ------------------------------------------------------------------------------------ dispatch

def _celery_app(broker_url: str):
    from celery import Celery
    app = Celery("reviewer", broker=broker_url, backend=None)
    app.conf.update(task_serializer="json", accept_content=["json"], task_acks_late=True,
                    worker_prefetch_multiplier=1, broker_connection_retry_on_startup=True,
                    task_default_queue="reviewer")
    return app


def _broker_url() -> str | None:
    from .config import load_settings
    return load_settings().broker_url


celery = _celery_app(_broker_url() or "redis://127.0.0.1:6379/0")


@celery.task(name="reviewer.sweep")
def sweep_task(sweep_id: int, database_url: str | None = None, allowed_networks: list[str] | None = None) -> dict:
    """The worker side: its own engine on the database the web app named."""
    from .config import load_settings
    from .store.db import make_engine, make_sessionmaker
    settings = load_settings()
    url = database_url or settings.database_url
    nets = allowed_networks if allowed_networks is not None else list(settings.allowed_networks)
    engine = make_engine(url)
    try:
        return run_sweep(make_sessionmaker(engine), sweep_id, nets)
    finally:
        engine.dispose()


@celery.task(name="reviewer.ping")
def ping() -> str:
    return "pong"


def start_sweep(app, sweep_id: int) -> str:
    """Send the sweep to Celery when a broker is configured, else run it in a daemon thread.
    Returns "celery" or "thread"."""
    broker = app.config.get("BROKER_URL")
    nets = [str(n) for n in app.config.get("ALLOWED_NETWORKS", [])]
    if broker:
        celery.conf.broker_url = broker
        sweep_task.apply_async(args=[sweep_id, app.config["DATABASE_URL"], nets])
        return "celery"
    factory = app.extensions["reviewer.db"]
    t = threading.Thread(target=_thread_main, args=(factory, sweep_id, nets), name=f"sweep-{sweep_id}",
                         daemon=True)
    t.start()
    app.extensions.setdefault("reviewer.sweep_threads", {})[sweep_id] = t
    return "thread"


def _thread_main(factory, sweep_id, nets):
    try:
        run_sweep(factory, sweep_id, nets)
    except Exception:   # a thread has no one to report to but the log (and the sweep row, in run_sweep)
        log.exception("sweep %s failed", sweep_id)


# ------------------------------------------------------------------------------------ the sweep

def run_sweep(factory, sweep_id: int, networks=()) -> dict:
    """Crawl with reviewer.crawl.sweep and ingest every page and attachment into the queue; the
    sweep row ends `finished` or `failed` with a Chinese error. The store's ingest applies the
    agency whitelist and the dismissed fingerprints, so nothing decided once is raised again."""
    from .crawl.sweep import SweepOptions
    from .crawl.sweep import run_sweep as crawl
    from .store import ingest
    from .store.db import session_scope

    with session_scope(factory) as s:
        sweep = ingest.start_sweep(s, sweep_id)
        start_url = sweep.url
        options = json.loads(sweep.options or "{}")
    # content rules stay in this process (jobs=0): a Celery prefork worker is daemonic and may not
    # start processes of its own, and the service's sweeps are one portal at a time anyway
    opts = SweepOptions(start_url=start_url, max_pages=int(options.get("max_pages", DEFAULT_MAX_PAGES)),
                        max_depth=int(options.get("max_depth", DEFAULT_MAX_DEPTH)), state_path=":memory:",
                        allowed_networks=[str(n) for n in networks])

    def on_page(result) -> None:
        # one short transaction per page: progress shows while the sweep runs
        with session_scope(factory) as s:
            ingest.ingest_sweep_page(s, sweep_id, result.uri, result.title, result.findings,
                                     text=result.text, kind=result.kind)

    try:
        summary = asyncio.run(crawl(opts, on_page=on_page))
        with session_scope(factory) as s:
            sweep = ingest.finish_sweep(s, sweep_id, complete=not summary.interrupted
                                        and summary.pages < opts.max_pages)
            return sweep.to_dict()
    except Exception as e:
        log.exception("sweep %s failed", sweep_id)
        with session_scope(factory) as s:
            ingest.finish_sweep(s, sweep_id, complete=False, error=f"巡检出错：{mask_all(str(e))[:300]}")
        raise
