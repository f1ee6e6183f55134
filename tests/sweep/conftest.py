from __future__ import annotations

import socket

import pytest

from reviewer.crawl.sweep import SweepOptions, run_sweep

from .portal import TODAY, Site


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
async def portal(aiohttp_server):
    site = Site(refused_port=free_port())
    server = await aiohttp_server(site.app, host="127.0.0.1")
    site.base = f"http://127.0.0.1:{server.port}"
    return site


def options(site, tmp_path, **kw) -> SweepOptions:
    base = dict(start_url=site.base + "/", state_path=str(tmp_path / "state.sqlite"), timeout=1.0,
                backoff=0.05, retries=2, today=TODAY)
    base.update(kw)
    return SweepOptions(**base)


async def sweep(site, tmp_path, **kw):
    pages = []
    summary = await run_sweep(options(site, tmp_path, **kw), on_page=pages.append)
    return summary, pages
