"""Security headers on every response, and login throttling."""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from flask import Flask

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    app.extensions["reviewer.throttle"] = LoginThrottle(app.config["LOGIN_MAX_FAILURES"],
                                                        app.config["LOGIN_WINDOW_SECONDS"])

    @app.after_request
    def _headers(resp):
        h = resp.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if resp.mimetype in ("text/html", "application/json"):
            # pages and API answers carry personal data: never in a shared cache
            h.setdefault("Cache-Control", "no-store")
        return resp


class LoginThrottle:
    """Failed logins per key (address and user name) in a sliding window, in process memory.

    Keyed on both so one attacker cannot lock a colleague out from elsewhere, and a user who
    mistypes does not lock out the whole office behind one NAT address.
    """

    def __init__(self, max_failures: int, window: float):
        self.max_failures = max_failures
        self.window = window
        self._fails: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque:
        q = self._fails[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> int:
        """Seconds until a login may be tried again (0: allowed now)."""
        now = time.monotonic()
        wait = 0
        with self._lock:
            for key in keys:
                q = self._prune(key, now)
                if len(q) >= self.max_failures:
                    wait = max(wait, int(self.window - (now - q[0])) + 1)
        return wait

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._fails.pop(key, None)
