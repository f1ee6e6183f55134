"""Where documents come from for `reviewer check`: file paths, URLs and standard input."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from .extract.limits import ExtractError, MAX_INPUT_BYTES


@dataclass(slots=True)
class Source:
    uri: str
    data: bytes
    content_type: str | None = None
    base_url: str | None = None


def read_path(path: str, limit: int = MAX_INPUT_BYTES) -> Source:
    try:
        size = os.path.getsize(path)
        if size > limit:
            raise ExtractError(f"{path}：文件过大（{size >> 20} MB），上限 {limit >> 20} MB")
        with open(path, "rb") as f:
            return Source(uri=path, data=f.read())
    except FileNotFoundError:
        raise ExtractError(f"{path}：文件不存在") from None
    except IsADirectoryError:
        raise ExtractError(f"{path}：是目录，不是文件") from None
    except PermissionError:
        raise ExtractError(f"{path}：没有读取权限") from None


def read_stdin(limit: int = MAX_INPUT_BYTES) -> Source:
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise ExtractError(f"标准输入过大，上限 {limit >> 20} MB")
    return Source(uri="draft:stdin", data=data)


async def fetch_url(url: str, limit: int = MAX_INPUT_BYTES, timeout: float = 30.0) -> Source:
    """Fetch a URL for `reviewer check`. The operator runs the CLI on their own machine, so every
    network is allowed here; the service's URL checks go through netguard with the configured ones."""
    import ipaddress

    from .netguard import guarded_fetch
    everywhere = [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
    return await guarded_fetch(url, everywhere, limit, timeout)


USER_AGENT = "Mozilla/5.0 (compatible; reviewer/0.1; +政务公开形式审查)"


def is_url(arg: str) -> bool:
    return arg.startswith(("http://", "https://"))
