"""The review queue store: models, migrations and the flows the web app and the CLI call.

    from reviewer.store import db, review, ingest, accounts, audit
    from reviewer.store.errors import NotFound, Forbidden, Conflict, Invalid   # -> 404/403/409/400

Every function takes a SQLAlchemy Session first and never commits; the caller owns the
transaction (db.session_scope)."""
from .errors import Conflict, Forbidden, Invalid, NotFound, StoreError

__all__ = ["Conflict", "Forbidden", "Invalid", "NotFound", "StoreError"]
