"""robots.txt per host, fetched once per sweep; honoured unless --ignore-robots."""
from __future__ import annotations

import asyncio
import logging
from urllib.robotparser import RobotFileParser
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


class Robots:
    def __init__(self, fetch_text, user_agent: str, ignore: bool = False):
        """fetch_text(url) -> (status, text) coroutine; any failure counts as 'no robots.txt'."""
        self._fetch_text = fetch_text
        self._agent = user_agent
        self.ignore = ignore
        self._parsers: dict[str, RobotFileParser | None] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def _parser(self, url: str) -> RobotFileParser | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self._parsers:
            return self._parsers[origin]
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin in self._parsers:
                return self._parsers[origin]
            parser: RobotFileParser | None = None
            try:
                status, text = await self._fetch_text(origin + "/robots.txt")
                parser = RobotFileParser()
                if status in (401, 403):
                    parser.disallow_all = True        # the RFC: access denied to robots.txt means all denied
                elif 400 <= status < 500 or status >= 500 or text is None:
                    parser = None                     # none, or unreachable: crawl as if no rules
                else:
                    parser.parse(text.splitlines())
                if parser is not None:
                    parser.modified()             # can_fetch() refuses everything until this is set
            except Exception as e:  # robots.txt must never stop a sweep
                log.debug("robots.txt of %s: %s", origin, e)
                parser = None
            self._parsers[origin] = parser
            return parser

    async def allowed(self, url: str) -> bool:
        if self.ignore:
            return True
        parser = await self._parser(url)
        return True if parser is None else parser.can_fetch(self._agent, url)

    def allowed_now(self, url: str) -> bool:
        """Like allowed(), from what is already loaded (hosts not seen yet count as allowed)."""
        if self.ignore:
            return True
        parts = urlsplit(url)
        parser = self._parsers.get(f"{parts.scheme}://{parts.netloc}")
        return True if parser is None else parser.can_fetch(self._agent, url)

    async def crawl_delay(self, url: str) -> float:
        if self.ignore:
            return 0.0
        parser = await self._parser(url)
        if parser is None:
            return 0.0
        try:
            return float(parser.crawl_delay(self._agent) or 0.0)
        except (TypeError, ValueError):
            return 0.0
