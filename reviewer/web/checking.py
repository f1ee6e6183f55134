"""Turning what a user sent (an upload, pasted text or HTML, a URL) into a Document and findings.

One Engine per process: building it loads every dictionary, which is far slower than a check.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from ..document import Document
from ..extract import ExtractError, extract
from ..finding import Finding

_engine = None
_engine_lock = threading.Lock()


def engine():
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                from ..engine import Engine
                _engine = Engine()
    return _engine


@dataclass(slots=True)
class Draft:
    """A submitted draft before it is checked: what came in and how to name it."""
    data: bytes
    uri: str
    content_type: str | None = None
    filename: str | None = None
    base_url: str | None = None
    title: str | None = None


def draft_from_text(text: str, uri: str = "draft:text") -> Draft:
    return Draft(text.encode("utf-8"), uri, "text/plain; charset=utf-8")


def draft_from_html(html: str, uri: str = "draft:html") -> Draft:
    return Draft(html.encode("utf-8"), uri, "text/html; charset=utf-8")


def draft_from_upload(storage, uri: str | None = None) -> Draft:
    """A werkzeug FileStorage; the size limit is enforced by MAX_CONTENT_LENGTH before this runs."""
    name = storage.filename or "upload"
    data = storage.read()
    return Draft(data, uri or name, storage.mimetype or None, filename=name)


def draft_from_url(url: str, networks=()) -> Draft:
    from ..netguard import fetch
    src = fetch(url, networks)
    return Draft(src.data, src.uri, src.content_type, base_url=src.base_url)


def to_document(draft: Draft) -> Document:
    """Extract; ExtractError carries a one-line Chinese message for the user."""
    doc = extract(draft.data, draft.uri, draft.content_type, base_url=draft.base_url)
    if not doc.title and draft.title:
        doc.title = draft.title
    return doc


def check_document(doc: Document, suppress: Callable[[Finding], bool] | None = None) -> list[Finding]:
    return engine().check(doc, suppress=suppress)


__all__ = ["Draft", "ExtractError", "check_document", "draft_from_html", "draft_from_text",
           "draft_from_upload", "draft_from_url", "engine", "to_document"]
