"""Sweep state in SQLite: validators and content hash per URL, findings kept for unchanged pages,
link results with a TTL (successes only), and the frontier for --resume.

One writer (the sweep's event loop thread); commits are batched so the disk is not the bottleneck.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from pathlib import Path

from ..finding import Finding
from ..links.classify import OK, LinkResult

SCHEMA_VERSION = "3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, hash TEXT, kind TEXT, title TEXT,
    encoding TEXT, findings TEXT, links TEXT, ids TEXT, column_info TEXT, fetched_at REAL,
    sweep INTEGER, changed INTEGER, status INTEGER, verdict TEXT);
CREATE INDEX IF NOT EXISTS pages_sweep ON pages(sweep);
CREATE TABLE IF NOT EXISTS redirects (url TEXT PRIMARY KEY, final TEXT);
CREATE TABLE IF NOT EXISTS links (
    url TEXT PRIMARY KEY, verdict TEXT, status INTEGER, detail TEXT, final_url TEXT, checked_at REAL);
CREATE TABLE IF NOT EXISTS frontier (
    url TEXT PRIMARY KEY, depth INTEGER, kind TEXT, done INTEGER DEFAULT 0, seq INTEGER);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS texts (url TEXT PRIMARY KEY, text BLOB);
CREATE TABLE IF NOT EXISTS cloaking (url TEXT PRIMARY KEY, sweep INTEGER, finding TEXT);
"""


def default_state_path(start_url: str) -> Path:
    import hashlib
    import platformdirs
    from .urls import netloc_of
    d = Path(platformdirs.user_data_dir("reviewer", appauthor=False)) / "sweeps"
    d.mkdir(parents=True, exist_ok=True)
    name = netloc_of(start_url).replace(":", "_") or "site"
    return d / f"{name}-{hashlib.sha1(start_url.encode()).hexdigest()[:8]}.sqlite"


class SweepState:
    def __init__(self, path: str | os.PathLike):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        if self._version() not in (None, SCHEMA_VERSION):
            # state from an older layout: it is only a cache, start it afresh
            self.db.executescript("DROP TABLE IF EXISTS pages; DROP TABLE IF EXISTS links; "
                                  "DROP TABLE IF EXISTS frontier; DROP TABLE IF EXISTS redirects; DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS texts; "
                                  "DROP TABLE IF EXISTS cloaking;")
        self.db.executescript(SCHEMA)
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('schema', ?)", (SCHEMA_VERSION,))
        self._pending = 0
        self._last_commit = time.monotonic()
        self._seq = 0
        self.db.execute("BEGIN")

    def _version(self) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.OperationalError:
            return None
        return row[0] if row else "1"

    # -- batching -------------------------------------------------------------------------------
    def _touch(self) -> None:
        self._pending += 1
        if self._pending >= 500 or time.monotonic() - self._last_commit > 2.0:
            self.commit()

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")
        self._pending = 0
        self._last_commit = time.monotonic()

    def close(self) -> None:
        try:
            self.db.execute("COMMIT")
        except sqlite3.OperationalError:
            pass
        self.db.close()

    # -- meta -----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", (key, value))
        self._touch()

    # -- pages ----------------------------------------------------------------------------------
    def page_get(self, url: str) -> dict | None:
        row = self.page_row(url)
        if not row:
            return None
        keys = ("etag", "last_modified", "hash", "kind", "title", "encoding", "findings", "links", "ids", "column_info",
                "fetched_at", "sweep", "changed", "status", "verdict")
        return dict(zip(keys, row))

    def page_put(self, url: str, *, etag, last_modified, hash, kind, title, encoding,
                 findings: list[Finding], links: list, ids, column_info, sweep: int = 0, changed: bool = True,
                 status: int | None = None, verdict: str = OK) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO pages VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (url, etag, last_modified, hash, kind, title, encoding,
             json.dumps([f.to_dict() for f in findings], ensure_ascii=False),
             json.dumps(links, ensure_ascii=False, separators=(",", ":")),
             json.dumps(sorted(ids), ensure_ascii=False) if ids is not None else None,
             json.dumps(column_info, ensure_ascii=False) if column_info else None, time.time(),
             sweep, int(changed), status, verdict))
        self._touch()

    def text_put(self, url: str, text: str | None) -> None:
        """Keep the extracted text of a page with findings (compressed), so the review queue can show
        the findings in place; pages without findings keep nothing, which keeps the state small."""
        if text:
            self.db.execute("INSERT OR REPLACE INTO texts VALUES(?,?)", (url, zlib.compress(text.encode("utf-8"), 3)))
        else:
            self.db.execute("DELETE FROM texts WHERE url=?", (url,))

    def text_get(self, url: str) -> str | None:
        row = self.db.execute("SELECT text FROM texts WHERE url=?", (url,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def page_seen(self, url: str, etag, last_modified, sweep: int, status: int | None) -> None:
        """An unchanged page: its row stands (findings, links), stamped with this sweep."""
        self.db.execute("UPDATE pages SET etag=?, last_modified=?, fetched_at=?, sweep=?, changed=0, status=? "
                        "WHERE url=?", (etag, last_modified, time.time(), sweep, status, url))
        self._touch()

    def page_row(self, url: str) -> tuple | None:
        return self.db.execute(
            "SELECT etag, last_modified, hash, kind, title, encoding, findings, links, ids, column_info, fetched_at, "
            "sweep, changed, status, verdict FROM pages WHERE url=?", (url,)).fetchone()

    def sweep_pages(self, sweep: int, batch: int = 200):
        """Rows of the pages visited in sweep `sweep`, in visiting order, read in batches."""
        last = 0
        while True:
            self.commit()
            rows = self.db.execute(
                "SELECT rowid, url, kind, title, findings, links, ids, column_info, changed, status FROM pages "
                "WHERE sweep=? AND rowid>? ORDER BY rowid LIMIT ?", (sweep, last, batch)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [r[1:] for r in rows]

    def sweep_verdicts(self, sweep: int):
        return self.db.execute("SELECT url, verdict, status FROM pages WHERE sweep=?", (sweep,)).fetchall()

    def redirect_put(self, url: str, final: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO redirects VALUES(?, ?)", (url, final))
        self._touch()

    def redirect_get(self, url: str) -> str | None:
        row = self.db.execute("SELECT final FROM redirects WHERE url=?", (url,)).fetchone()
        return row[0] if row else None

    def cloak_put(self, url: str, sweep: int, finding: Finding | None) -> None:
        """The cloaking comparison of a page in this sweep (None: the crawler saw what people see)."""
        self.db.execute("INSERT OR REPLACE INTO cloaking VALUES(?,?,?)",
                        (url, sweep, json.dumps(finding.to_dict(), ensure_ascii=False) if finding else None))
        self._touch()

    def cloak_findings(self, sweep: int) -> dict[str, Finding]:
        rows = self.db.execute("SELECT url, finding FROM cloaking WHERE sweep=? AND finding IS NOT NULL", (sweep,))
        return {url: Finding(**json.loads(f)) for url, f in rows}

    @staticmethod
    def findings_of(row: dict) -> list[Finding]:
        return [Finding(**d) for d in json.loads(row["findings"] or "[]")]

    # -- links ----------------------------------------------------------------------------------
    def link_get(self, url: str, ttl: float) -> LinkResult | None:
        row = self.db.execute("SELECT verdict, status, detail, final_url, checked_at FROM links WHERE url=?",
                              (url,)).fetchone()
        if not row or row[0] != OK or time.time() - row[4] > ttl:
            return None
        return LinkResult(url, row[0], row[1], row[2], row[3], cached=True)

    def link_put(self, r: LinkResult) -> None:
        if r.verdict != OK or r.cached:
            return
        self.db.execute("INSERT OR REPLACE INTO links VALUES(?,?,?,?,?,?)",
                        (r.url, r.verdict, r.status, r.detail, r.final_url, time.time()))
        self._touch()

    # -- frontier -------------------------------------------------------------------------------
    def frontier_reset(self) -> None:
        self.db.execute("DELETE FROM frontier")
        self._seq = 0

    def frontier_add(self, url: str, depth: int, kind: str) -> None:
        self._seq += 1
        self.db.execute("INSERT OR IGNORE INTO frontier(url, depth, kind, done, seq) VALUES(?,?,?,0,?)",
                        (url, depth, kind, self._seq))
        self._touch()

    def frontier_done(self, url: str) -> None:
        self.db.execute("UPDATE frontier SET done=1 WHERE url=?", (url,))
        self._touch()

    def frontier_load(self) -> tuple[set[str], list[tuple[str, int, str]], int]:
        """(every URL already seen, the pending ones in discovery order, how many were done)."""
        seen, pending, done = set(), [], 0
        for url, depth, kind, d in self.db.execute("SELECT url, depth, kind, done FROM frontier ORDER BY seq"):
            seen.add(url)
            if d:
                done += 1
            else:
                pending.append((url, depth, kind))
        row = self.db.execute("SELECT MAX(seq) FROM frontier").fetchone()
        self._seq = row[0] or 0
        return seen, pending, done
