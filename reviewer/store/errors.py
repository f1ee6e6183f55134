"""Errors of the store layer. The web layer maps them to HTTP: NotFound 404, Forbidden 403,
Conflict 409, Invalid 400. Every message is one line in Chinese, safe to show to the user."""
from __future__ import annotations


class StoreError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    status = 404
    code = "not_found"


class Forbidden(StoreError):
    status = 403
    code = "forbidden"


class Conflict(StoreError):
    """The object changed since the caller loaded it (stale version) or is no longer in a state
    that allows the action."""
    status = 409
    code = "conflict"


class Invalid(StoreError):
    status = 400
    code = "invalid"
