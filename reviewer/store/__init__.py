"""The review queue store: models, migrations and the flows the web app and the CLI call.

Every function takes a SQLAlchemy Session first and never commits; the caller owns the
transaction (db.session_scope). Errors (errors.py) carry a one-line Chinese `message` and map to
HTTP: NotFound 404, Forbidden 403, Conflict 409, Invalid 400.

db        make_engine(url), make_sessionmaker(engine), session_scope(factory), upgrade(engine_or_url),
          open_store(config_file) -> (settings, engine, factory)
accounts  create_user, authenticate, create_token (clear text once), user_for_token, revoke_token,
          get_or_create_agency, user_by_name, set_password
review    draft_uri, submit_draft, list_items -> ItemPage(.to_dict()), get_item, item_summary,
          item_diff, item_history, decide, bulk_decide, whitelist_suppressor, add/list/remove_whitelist,
          reveal_number (audited), dashboard, can_see, recount_items (after bulk inserts)
ingest    create_sweep, start_sweep, update_progress, ingest_sweep_page, finish_sweep, get_sweep,
          list_sweeps, sweep_findings
audit     record, verify -> VerifyResult, entries
report    build_report(session, sweep_id, "xlsx"|"html", masked=True)
"""
from .errors import Conflict, Forbidden, Invalid, NotFound, StoreError

__all__ = ["Conflict", "Forbidden", "Invalid", "NotFound", "StoreError"]
