"""A small time-bounded cache for the queue's filter counts.

The counts per filter (status, category, severity, agency, site) are aggregates over every open
finding of an agency: with 100,000 findings they cost tens of milliseconds, far more than the page
of items itself. They are kept for a few seconds per (scope, filters) and dropped at once when this
process records a decision or a submission; another process's change shows within TTL seconds.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from flask import current_app

TTL = 10.0
MAX_ENTRIES = 2000


class TTLCache:
    def __init__(self, ttl: float = TTL):
        self.ttl = ttl
        self._data: dict = {}
        self._lock = threading.Lock()
        self.generation = 0

    def get(self, key, compute: Callable[[], object]):
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
            gen = self.generation
        if hit is not None and hit[0] > now and hit[1] == gen:
            return hit[2]
        value = compute()
        with self._lock:
            if len(self._data) >= MAX_ENTRIES:
                self._data.clear()
            self._data[key] = (now + self.ttl, gen, value)
        return value

    def invalidate(self) -> None:
        with self._lock:
            self.generation += 1
            self._data.clear()


def counts_cache() -> TTLCache:
    return current_app.extensions.setdefault("reviewer.counts", TTLCache())


def changed() -> None:
    """Call after committing anything that changes what the queue counts."""
    counts_cache().invalidate()
