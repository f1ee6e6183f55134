"""Which link targets may be fetched: private, loopback and intranet addresses are not (SSRF guard).

A draft's links are never fetched when they point inside the network the service runs in. A sweep
trusts its own start host (the operator's site may well live on 127.0.0.1 or a private address);
tests and benchmarks name the networks they serve from explicitly.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Iterable

from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

_INTRANET_SUFFIXES = (".local", ".lan", ".intranet", ".internal", ".intra", ".corp", ".home", ".home.arpa",
                      ".localdomain", ".localhost", ".test", ".invalid")


class BlockedAddress(OSError):
    """A name resolved to an address the policy forbids fetching."""


def _ip(host: str):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_internal_ip(ip) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified or (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT))


_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def internal_host_reason(host: str) -> str | None:
    """Why `host` is not a public internet address (by its literal form), or None."""
    host = (host or "").lower().rstrip(".")
    if not host:
        return None
    ip = _ip(host)
    if ip is not None:
        if ip.is_loopback:
            return "本机地址"
        return "内网地址" if is_internal_ip(ip) else None
    if host == "localhost":
        return "本机地址"
    if "." not in host or host.endswith(_INTRANET_SUFFIXES):
        return "内网主机名"
    return None


class _TrustedHosts(set):
    """A set whose changes drop the policy's verdict cache (the sweep adds a redirected start host)."""

    def __init__(self, policy):
        super().__init__()
        self._policy = policy

    def add(self, host):
        super().add(host)
        self._policy._cache = {}

    def update(self, hosts):
        super().update(hosts)
        self._policy._cache = {}


class AddressPolicy:
    """Trusted hosts are fetched whatever they resolve to; other names must resolve to public addresses."""

    def __init__(self, allowed_networks: Iterable[str] = (), trusted_hosts: Iterable[str] = ()):
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in allowed_networks]
        self._cache: dict[str, str | None] = {}
        self.trusted = _TrustedHosts(self)
        self.trusted.update(h.lower() for h in trusted_hosts if h)

    def _ip_allowed(self, ip) -> bool:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        return not is_internal_ip(ip) or any(ip in n for n in self.allowed if n.version == ip.version)

    def blocked_reason(self, host: str) -> str | None:
        """Why a link to `host` must not be fetched (reported as link.internal-address), or None."""
        try:
            return self._cache[host]
        except KeyError:
            pass
        reason = self._blocked_reason(host)
        if len(self._cache) < 100_000:
            self._cache[host] = reason
        return reason

    def _blocked_reason(self, host: str) -> str | None:
        host = (host or "").lower()
        if host in self.trusted:
            return None
        ip = _ip(host)
        if ip is not None:
            return None if self._ip_allowed(ip) else internal_host_reason(host) or "内网地址"
        reason = internal_host_reason(host)
        if reason and self.allowed:
            return None          # an intranet name may be fetched if it resolves into an allowed network
        return reason

    def resolved_allowed(self, host: str, addresses: Iterable[str]) -> bool:
        if host.lower() in self.trusted:
            return True
        return all(self._ip_allowed(ipaddress.ip_address(a)) for a in addresses)


class GuardedResolver(AbstractResolver):
    """Refuses names that resolve to internal addresses (a public name pointing inside is SSRF too)."""

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None):
        self.policy = policy
        self.inner = inner or DefaultResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        infos = await self.inner.resolve(host, port, family)
        if not self.policy.resolved_allowed(host, [i["host"] for i in infos]):
            raise BlockedAddress(f"{host} 解析到内网地址")
        return infos

    async def close(self) -> None:
        await self.inner.close()
