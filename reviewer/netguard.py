"""SSRF guard: a URL submitted for checking must not reach loopback, private, link-local or
reserved addresses unless the administrator allowed that network (config `allowed_networks`).

The host is resolved here and every address it resolves to is checked, because a public-looking
name can point at 127.0.0.1. The fetch then connects only to the addresses checked here (see
`pinned_fetch`), so a DNS answer that changes between check and connect (rebinding) cannot slip
through.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit

from .extract.limits import ExtractError, MAX_INPUT_BYTES

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Blocked(ExtractError):
    """The URL points where the service must not go; str(e) is a Chinese message for the user."""


def parse_networks(values: Iterable[str] | str | None) -> list[Network]:
    """'10.0.0.0/8, 192.168.1.5' -> networks; a bad entry is a configuration error (ValueError)."""
    if not values:
        return []
    if isinstance(values, str):
        values = values.replace(";", ",").split(",")
    nets = []
    for v in values:
        v = str(v).strip()
        if v:
            nets.append(ipaddress.ip_network(v, strict=False))
    return nets


def is_public(addr: Address) -> bool:
    """True for an ordinary internet address; False for anything internal or special."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return not (addr.is_loopback or addr.is_private or addr.is_link_local or addr.is_reserved
                or addr.is_multicast or addr.is_unspecified or not addr.is_global)


def allowed(addr: Address, networks: Iterable[Network] = ()) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    if any(addr.version == n.version and addr in n for n in networks):
        return True
    return is_public(addr)


@dataclass(slots=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int
    addresses: list[str]


def resolve(host: str, port: int) -> list[Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Blocked(f"无法解析域名 {host}") from None
    out: list[Address] = []
    for info in infos:
        a = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if a not in out:
            out.append(a)
    if not out:
        raise Blocked(f"无法解析域名 {host}")
    return out


def check_url(url: str, networks: Iterable[Network] = ()) -> Target:
    """Validate `url` and its resolved addresses; raise Blocked with a Chinese message if refused."""
    networks = list(networks)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise Blocked("网址格式不正确") from None
    if parts.scheme not in ("http", "https"):
        raise Blocked("只能检查 http 或 https 网址")
    host = parts.hostname
    if not host:
        raise Blocked("网址缺少主机名")
    if parts.username or parts.password:
        raise Blocked("网址中不能包含用户名或密码")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        literal = ipaddress.ip_address(host)
        addrs = [literal]
    except ValueError:
        addrs = resolve(host, port)
    refused = [a for a in addrs if not allowed(a, networks)]
    if refused:
        # say which address, never why the network is internal: enough for a user, nothing more
        raise Blocked(f"出于安全原因，不能访问内部或保留网络地址（{host} → {refused[0]}）；"
                      "如确需检查内网网站，请联系管理员在 allowed_networks 中放行该网段")
    return Target(url=url.strip(), scheme=parts.scheme, host=host, port=port,
                  addresses=[str(a) for a in addrs])


class _PinnedResolver:
    """aiohttp resolver that answers only with the addresses the guard checked."""

    def __init__(self, target: Target):
        self.target = target

    async def resolve(self, host, port=0, family=socket.AF_INET):
        if host != self.target.host:
            raise OSError(f"unexpected host {host}")
        out = []
        for a in self.target.addresses:
            fam = socket.AF_INET6 if ":" in a else socket.AF_INET
            out.append({"hostname": host, "host": a, "port": port, "family": fam,
                        "proto": 0, "flags": socket.AI_NUMERICHOST})
        return out

    async def close(self):
        return None


MAX_REDIRECTS = 5


async def guarded_fetch(url: str, networks: Iterable[Network] = (), limit: int = MAX_INPUT_BYTES,
                        timeout: float = 20.0):
    """Fetch `url` through the guard, following redirects only to allowed places.

    Returns reviewer.sources.Source. Each hop is checked and pinned to its checked addresses.
    """
    import aiohttp
    from yarl import URL

    from .sources import USER_AGENT, Source

    networks = list(networks)
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        target = check_url(current, networks)
        connector = aiohttp.TCPConnector(resolver=_PinnedResolver(target), use_dns_cache=False)
        try:
            async with aiohttp.ClientSession(connector=connector,
                                             timeout=aiohttp.ClientTimeout(total=timeout)) as session:
                async with session.get(current, allow_redirects=False,
                                       headers={"User-Agent": USER_AGENT}) as resp:
                    if resp.status in (301, 302, 303, 307, 308) and "Location" in resp.headers:
                        current = str(resp.url.join(URL(resp.headers["Location"])))
                        continue
                    if resp.status >= 400:
                        raise ExtractError(f"{current}：服务器返回 HTTP {resp.status}")
                    if (resp.content_length or 0) > limit:
                        raise ExtractError(f"{current}：内容过大，上限 {limit >> 20} MB")
                    chunks, total = [], 0
                    async for chunk in resp.content.iter_chunked(1 << 16):
                        total += len(chunk)
                        if total > limit:
                            raise ExtractError(f"{current}：内容过大，上限 {limit >> 20} MB")
                        chunks.append(chunk)
                    return Source(uri=current, data=b"".join(chunks),
                                  content_type=resp.headers.get("Content-Type"), base_url=current)
        except aiohttp.ClientError as e:
            raise ExtractError(f"{current}：无法访问（{type(e).__name__}）") from None
        except asyncio.TimeoutError:
            raise ExtractError(f"{current}：访问超时（{timeout:.0f} 秒）") from None
    raise ExtractError(f"{url}：重定向次数过多")


def fetch(url: str, networks: Iterable[Network] = (), limit: int = MAX_INPUT_BYTES, timeout: float = 20.0):
    """Synchronous wrapper for WSGI views."""
    return asyncio.run(guarded_fetch(url, networks, limit, timeout))
