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
    import aiohttp
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            async with session.get(url, headers={"User-Agent": USER_AGENT}) as resp:
                if resp.status >= 400:
                    raise ExtractError(f"{url}：服务器返回 HTTP {resp.status}")
                if (resp.content_length or 0) > limit:
                    raise ExtractError(f"{url}：内容过大，上限 {limit >> 20} MB")
                chunks, total = [], 0
                async for chunk in resp.content.iter_chunked(1 << 16):
                    total += len(chunk)
                    if total > limit:
                        raise ExtractError(f"{url}：内容过大，上限 {limit >> 20} MB")
                    chunks.append(chunk)
                return Source(uri=str(resp.url), data=b"".join(chunks),
                              content_type=resp.headers.get("Content-Type"), base_url=str(resp.url))
    except aiohttp.ClientError as e:
        raise ExtractError(f"{url}：无法访问（{type(e).__name__}）") from None
    except TimeoutError:
        raise ExtractError(f"{url}：访问超时（{timeout:.0f} 秒）") from None


USER_AGENT = "Mozilla/5.0 (compatible; reviewer/0.1; +政务公开形式审查)"


def is_url(arg: str) -> bool:
    return arg.startswith(("http://", "https://"))
