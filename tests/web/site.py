"""A real local HTTP site (aiohttp in a thread) for URL checks and sweeps."""
from __future__ import annotations

import asyncio
import threading

from aiohttp import web

from .helpers import ID_NUMBER

PAGES = {
    "/": '<html><head><title>示范县政府</title></head><body><a href="/a.html">通知</a> <a href="/b.html">公示</a></body></html>',
    "/a.html": '<html><head><title>通知</title></head><body><p>机密★10年 关于开展工作的通知。</p></body></html>',
    "/b.html": f'<html><head><title>公示</title></head><body><p>申请人李四，身份证号码{ID_NUMBER}。</p></body></html>',
}


class LocalSite:
    def __init__(self, pages: dict[str, str] | None = None):
        self.pages = dict(pages or PAGES)
        self.loop = asyncio.new_event_loop()
        self.port = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _handle(self, request: web.Request):
        body = self.pages.get(request.path)
        if body is None:
            return web.Response(status=404, text="not found")
        if body.startswith("REDIRECT "):
            raise web.HTTPFound(body.split(" ", 1)[1])
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    def _run(self):
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    def __enter__(self):
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc):
        async def stop():
            await self.runner.cleanup()
        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"
