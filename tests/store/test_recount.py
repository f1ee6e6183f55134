"""Bulk loaders insert findings directly; recount_items() brings the queue counters in line."""
from __future__ import annotations

from sqlalchemy import insert, update

from reviewer.store import accounts, review
from reviewer.store.models import Finding, Item

from .helpers import ID_NUMBER, MOBILE, doc, finding


def test_recount_items_matches_refresh(db_session):
    s = db_session
    u = accounts.create_user(s, "sub", "submitter", "甲单位")
    rev = accounts.create_user(s, "rev", "reviewer", "甲单位")
    d = doc(f"号码{ID_NUMBER}，电话{MOBILE}。", uri="draft:r")
    item = review.submit_draft(s, u, d, [finding(d, ID_NUMBER), finding(d, MOBILE, "privacy.mobile", severity="major")],
                               uri="draft:r")
    s.commit()
    expected = dict(item.counts)
    assert expected == {"critical": 1, "major": 1, "total": 2} and item.n_privacy == 2
    # a loader zeroes/bypasses the counters, then adds a finding behind the ORM's back
    s.execute(update(Item).values(n_critical=0, n_major=0, n_privacy=0, open_count=0, severity_rank=-1))
    s.execute(insert(Finding), [{"item_id": item.id, "agency_id": item.agency_id, "document_id": item.document_id,
                                 "rule": "link.dead", "category": "link", "severity": "minor", "severity_rank": 1,
                                 "uri": item.uri, "part": "link", "text": "http://x", "excerpt": "", "message": "m",
                                 "fingerprint": "f" * 24, "status": "open"}])
    assert review.recount_items(s) == 1
    s.commit()
    s.expire_all()
    item = s.get(Item, item.id)
    assert item.counts == {"critical": 1, "major": 1, "minor": 1, "total": 3}
    assert (item.n_privacy, item.n_link, item.severity_rank) == (2, 1, 3)
    assert review.list_items(s, rev, category="link").total == 1
    assert review.list_items(s, rev).to_dict()["items"][0]["counts"]["minor"] == 1
