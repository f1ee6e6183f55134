"""Caches for the read-heavy views, kept exact with the database's data version.

Two layers, both checked against reviewer.store.version (a counter every writing transaction
bumps, read once per request before anything else):

- `counts_cache()`: the queue's filter counts (aggregates over every open finding of an agency:
  tens of milliseconds with 100,000 findings) and similar small values, per (scope, filters).
- `cached_response(kind)`: whole answers of list views (the queue page, GET /api/v1/items), per
  (who is asking, path, query string). A hit is served without loading the user, querying or
  rendering; it is valid only while the data version is the one it was rendered under, so a
  decision, a submission or a sweep made by any process shows on the very next read. Who is
  asking is the session's user id (pages) or the API token's hash (API): the answer was rendered
  for that user when they were active, and any change to users, tokens or data bumps the version.
  Pages carry the session's CSRF token: it is cut out when stored and the asking session's own
  token put back when served. A page with pending flash messages is never stored nor served.

Entries also expire after TTL seconds, and the cache is bounded (cleared when full).
"""
from __future__ import annotations

import functools
import hashlib
import threading
import time
from typing import Callable

from flask import current_app, g, request, session

from ..store import version as data_version_mod

TTL = 30.0
MAX_ENTRIES = 2000
_NO_VERSION = object()
CSRF_MARK = b"\x00csrf\x00"
RENDER_WAIT = 5.0            # seconds a thread waits for another's render of the same answer


_local = threading.local()


def _read_version(engine):
    """The counter through a connection of this thread's own, outside the pool and in autocommit:
    one round trip (a pooled checkout adds a pre-ping and SQLAlchemy's bookkeeping, which cost
    more than the cached answer itself)."""
    if engine.dialect.name != "postgresql":
        # SQLite reads a local file through the pool (an in-memory database lives in its pooled
        # connection: taking that out of the pool would lose it)
        return data_version_mod.current(engine)
    conn = getattr(_local, "conn", None)
    if conn is None or getattr(_local, "engine", None) is not engine:
        if conn is not None:           # another app's database (tests make many)
            try:
                conn.close()
            except Exception:
                pass
        fairy = engine.raw_connection()
        conn = fairy.driver_connection
        fairy.detach()                 # ours for the thread's life, not counted in the pool
        conn.autocommit = True
        _local.conn, _local.engine = conn, engine
    try:
        cur = conn.cursor()
        cur.execute("SELECT n FROM data_version WHERE id = 1")
        row = cur.fetchone()
        cur.close()
    except Exception:
        _local.conn = None
        try:
            conn.close()
        except Exception:
            pass
        raise
    if row is None:                    # an emptied database: put the row back (store.version)
        return data_version_mod.current(engine)
    return row[0]


def data_version():
    """The data version, read once per request (before the view reads any data)."""
    v = g.get("_data_version", _NO_VERSION)
    if v is _NO_VERSION:
        try:
            v = _read_version(current_app.extensions["reviewer.engine"])
        except Exception:        # e.g. a database older than the counter: cache nothing
            v = None
        g._data_version = v
    return v


class VersionedCache:
    """key -> value, valid while the data version is unchanged and for at most `ttl` seconds."""

    def __init__(self, ttl: float = TTL, max_entries: int = MAX_ENTRIES):
        self.ttl = ttl
        self.max_entries = max_entries
        self._data: dict = {}
        self._lock = threading.Lock()
        self._version = None
        self._inflight: dict = {}

    def lookup(self, key, version):
        if version is None:
            return None
        hit = self._data.get(key)
        if hit is not None and hit[0] == version and hit[1] > time.monotonic():
            return hit[2]
        return None

    def store(self, key, version, value) -> None:
        if version is None:
            return
        with self._lock:
            if version != self._version:
                # a newer version makes every older entry useless: drop them at once
                if self._version is not None and version < self._version:
                    return           # a slow request rendered under an older version
                self._data.clear()
                self._version = version
            elif len(self._data) >= self.max_entries:
                self._data.clear()
            self._data[key] = (version, time.monotonic() + self.ttl, value)

    def begin(self, key) -> tuple[bool, threading.Event]:
        """(True, event) for the first thread to render `key`; (False, its event) for others."""
        with self._lock:
            ev = self._inflight.get(key)
            if ev is not None:
                return False, ev
            ev = self._inflight[key] = threading.Event()
            return True, ev

    def end(self, key, event: threading.Event) -> None:
        with self._lock:
            self._inflight.pop(key, None)
        event.set()

    def fetch(self, key, version, produce: Callable[[], object]):
        """(cached value, None) or (None, what produce() returned). One thread at a time produces a
        key: when a write has emptied the cache, the threads asking for the same thing wait for
        the first one's stored answer instead of all computing it (a page costs 10-15 ms of CPU,
        a served copy well under 1 ms). produce() stores what may be kept."""
        hit = self.lookup(key, version)
        if hit is not None:
            return hit, None
        leader, event = self.begin(key)
        if not leader:
            event.wait(RENDER_WAIT)
            hit = self.lookup(key, version)
            return (hit, None) if hit is not None else (None, produce())
        try:
            return None, produce()
        finally:
            self.end(key, event)

    def get(self, key, compute: Callable[[], object]):
        v = data_version()

        def produce():
            value = compute()
            self.store(key, v, value)
            return value
        hit, value = self.fetch(key, v, produce)
        return hit if hit is not None else value

    def invalidate(self) -> None:
        with self._lock:
            self._data.clear()


def counts_cache() -> VersionedCache:
    return current_app.extensions.setdefault("reviewer.counts", VersionedCache(ttl=10.0))


def response_cache() -> VersionedCache:
    return current_app.extensions.setdefault("reviewer.responses", VersionedCache())


def changed() -> None:
    """Call after committing a change. The data version already tells every process; this only
    frees this process's memory early."""
    counts_cache().invalidate()
    response_cache().invalidate()


def _who(kind: str):
    if kind == "api":
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        return "t:" + hashlib.sha256(token.encode("utf-8")).hexdigest()
    uid = session.get("uid")
    if uid is None or "_flashes" in session:
        return None
    return f"u:{uid}"


def cached_response(kind: str):
    """Decorator (outermost, above the login/token guard) for GET views whose answer depends only
    on the user, the path and the query string. `kind`: "html" (session cookie) or "api" (Bearer)."""
    def deco(view):
        @functools.wraps(view)
        def wrapped(*a, **kw):
            if request.method != "GET" or current_app.config.get("RESPONSE_CACHE") is False:
                return view(*a, **kw)
            who = _who(kind)
            if who is None:
                return view(*a, **kw)
            v = data_version()              # before the view reads anything
            key = (kind, who, request.path, request.query_string)
            cache = response_cache()
            hit, resp = cache.fetch(key, v, lambda: _render(kind, who, key, v, cache, view, a, kw))
            return _serve(kind, hit) if hit is not None else resp
        return wrapped
    return deco


def _render(kind, who, key, v, cache, view, a, kw):
    resp = current_app.make_response(view(*a, **kw))
    if (resp.status_code == 200 and not resp.direct_passthrough and who == _who(kind)
            and "_flashes" not in session):
        body = resp.get_data()
        if kind == "html":
            from flask_wtf.csrf import generate_csrf
            body = body.replace(generate_csrf().encode("ascii"), CSRF_MARK)
        cache.store(key, v, (body, resp.mimetype, resp.status_code))
    return resp


def _serve(kind: str, hit):
    body, mimetype, status = hit
    if kind == "html":
        from flask_wtf.csrf import generate_csrf
        body = body.replace(CSRF_MARK, generate_csrf().encode("ascii"))
    return current_app.response_class(body, status=status, mimetype=mimetype)
