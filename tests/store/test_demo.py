"""The demo seed used by `make run`: agency, users with printed credentials, demo drafts checked."""
from __future__ import annotations

from sqlalchemy import func, select

from reviewer.demo import DEMO_AGENCY, drafts_dir, seed
from reviewer.store import accounts, review
from reviewer.store.models import Item


def test_seed_is_complete_and_idempotent(db_session):
    lines: list[str] = []
    creds = seed(db_session, out=lines.append)
    db_session.commit()
    assert set(creds) == {"demo-submitter", "demo-reviewer", "demo-admin"}
    for name, password in creds.items():
        assert accounts.authenticate(db_session, name, password) is not None
        assert any(name in line and password in line for line in lines)
    files = [p for p in drafts_dir().iterdir() if p.is_file()]
    assert files, "demo/drafts/ ships with the project"
    items = db_session.scalars(select(Item)).all()
    assert len(items) == len(files) + 1
    assert all(i.status == "pending" and i.agency.name == DEMO_AGENCY for i in items)
    reviewer = accounts.user_by_name(db_session, "demo-reviewer")
    page = review.list_items(db_session, reviewer, status="pending")
    assert page.total == len(items)
    top = page.items[0]                                  # the synthetic notice with an ID number
    assert top.severity_rank == 3 and "privacy.id-card" in {f.rule for f in top.findings}
    # the samples carry no critical finding
    assert all(i.severity_rank < 3 for i in items if i.id != top.id)
    seed(db_session, out=lines.append)
    db_session.commit()
    assert db_session.scalar(select(func.count(Item.id))) == len(items)
