"""URL normalisation the way browsers encode links, and the kind of resource a URL names."""
from __future__ import annotations

import codecs
import functools
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from ..extract.text import canonical_encoding

ATTACHMENT_EXTS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "wps", "et"})
# never crawled: only link-checked (HEAD), their bodies are not read
RESOURCE_EXTS = frozenset({
    "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "tif", "tiff",
    "css", "js", "mjs", "map", "woff", "woff2", "ttf", "eot", "otf",
    "zip", "rar", "7z", "gz", "tgz", "bz2", "xz", "tar", "iso", "exe", "msi", "apk", "dmg",
    "mp3", "mp4", "avi", "wmv", "flv", "mov", "mkv", "wav", "swf", "ppt", "pptx", "txt", "xml", "json",
    "ofd", "ceb", "caj",
})
NOT_FETCHED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "sms:", "ftp:", "file:", "about:", "#")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MULTI_SLASH = re.compile(r"/{2,}")


def extension(url: str) -> str:
    # hot path (every link of every page): plain string work instead of urlsplit
    path = url.split("#", 1)[0].split("?", 1)[0]
    if "://" in path:
        path = path.split("://", 1)[1]
        path = path[path.find("/"):] if "/" in path else ""
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def url_kind(url: str, tag: str = "a") -> str:
    """'page' (crawl and parse), 'attachment' (download and extract) or 'resource' (only check)."""
    if tag in ("img", "script", "link", "source", "video", "audio", "embed", "object", "track"):
        return "resource"
    ext = extension(url)
    if ext in ATTACHMENT_EXTS:
        return "attachment"
    if ext in RESOURCE_EXTS:
        return "resource"
    return "page"


def normalize(href: str, base: str | None = None, encoding: str | None = "utf-8") -> str | None:
    """Absolute, browser-encoded URL without fragment, or None for what is not fetched over HTTP.

    Paths are percent-encoded as UTF-8 and queries in the page's own encoding, exactly as a
    browser does it (GBK pages link to GBK-encoded queries); the host is lower-cased, the default
    port and the fragment dropped.
    """
    url, _ = split_fragment(href, base, encoding)
    return url


def split_fragment(href: str, base: str | None = None, encoding: str | None = "utf-8") -> tuple[str | None, str]:
    href = (href or "").strip()
    if "\n" in href or "\r" in href or "\t" in href:
        href = href.replace("\n", "").replace("\r", "").replace("\t", "")
    if not href or href.lower().startswith(NOT_FETCHED_SCHEMES[:-1]):
        return None, ""
    # the same navigation links recur on every page: resolve each (origin or directory, href) once
    if href.startswith(("http://", "https://")):
        key_base = None
    elif href.startswith("/") and not href.startswith("//") and base:
        m = _ORIGIN.match(base)
        key_base = m.group(0) if m else base
        # fast path for the common site-absolute ASCII link on a normalised page URL: nothing to
        # escape, no dot segments, so joining is concatenation (same result as the slow path)
        if m and _PLAIN_PATH.match(href) and "/." not in href and "//" not in href \
                and _NORMALISED_ORIGIN.match(key_base):
            return key_base + href, ""
    else:
        key_base = base
    return _split_cached(href, key_base, encoding)


_ORIGIN = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*")
_NORMALISED_ORIGIN = re.compile(r"^https?://[a-z0-9.\-]+(?::\d+)?$")
_PLAIN_PATH = re.compile(r"^/[A-Za-z0-9\-._~/]*(?:\?[A-Za-z0-9\-._~=&+,;:@/]*)?$")


@functools.lru_cache(maxsize=4096)
def _split_cached(href: str, base: str | None, encoding: str | None) -> tuple[str | None, str]:
    if base:
        try:
            href = urljoin(base, href)
        except ValueError:
            return None, ""
    enc = canonical_encoding(encoding) or "utf-8"
    try:
        codecs.lookup(enc)
        url = safe_url_string(href, encoding=enc)
    except (LookupError, ValueError, UnicodeError):
        try:
            url = safe_url_string(href, encoding="utf-8")
        except (ValueError, UnicodeError):
            return None, ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None, ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None, ""
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    path = _MULTI_SLASH.sub("/", parts.path) or "/"
    return urlunsplit((scheme, netloc, path, parts.query, "")), parts.fragment


_HOST = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)")


@functools.lru_cache(maxsize=1 << 16)     # every link of every page asks, and navigation links recur
def host_of(url: str) -> str:
    m = _HOST.match(url)
    return m.group(1).lower().strip("[]") if m else ""


@functools.lru_cache(maxsize=1 << 16)
def netloc_of(url: str) -> str:
    return urlsplit(url).netloc.lower()
