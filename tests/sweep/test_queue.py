"""`reviewer sweep --queue`: each page's findings go to the review queue (reviewer.store.ingest)."""
from __future__ import annotations

import pytest

from sqlalchemy import func, select

from .portal import Site
from .test_cli_and_drafts import _cli


@pytest.fixture
def queue_db(tmp_path, monkeypatch):
    """A fresh SQLite review store with the agency 示范县, configured for the CLI; yields a sessionmaker."""
    from reviewer.store.accounts import get_or_create_agency
    from reviewer.store.db import make_engine, make_sessionmaker, upgrade

    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with factory() as s:
        get_or_create_agency(s, "示范县")
        s.commit()
    monkeypatch.setenv("REVIEWER_DATABASE_URL", url)
    monkeypatch.setenv("REVIEWER_INSTANCE_PATH", str(tmp_path / "instance"))
    return factory


async def test_sweep_queue_creates_items_and_finishes_the_sweep(portal: Site, tmp_path, queue_db):
    from reviewer.store.models import Item, Sweep

    factory = queue_db
    code, out, err = await _cli("sweep", portal.base + "/", "--rules", "link", "--queue", "--agency", "示范县",
                                "--state", str(tmp_path / "s.sqlite"), "--timeout", "1", "--format", "jsonl")
    assert code == 1, err
    assert "已送入审核队列" in err
    with factory() as s:
        sweep = s.scalar(select(Sweep))
        assert sweep.status == "finished" and sweep.findings_new > 0
        items = s.scalar(select(func.count(Item.id)).where(Item.sweep_id == sweep.id))
        assert items >= 3                       # the home page, the GBK page, the Big5 page ...
    code, _, err = await _cli("sweep", portal.base + "/", "--queue", "--state", str(tmp_path / "s.sqlite"))
    assert code == 2 and "--agency" in err
    code, _, err = await _cli("sweep", portal.base + "/", "--queue", "--agency", "不存在的单位",
                              "--state", str(tmp_path / "s.sqlite"))
    assert code == 2 and "单位不存在" in err and "Traceback" not in err


async def test_swept_items_keep_the_text_their_findings_point_into(portal: Site, tmp_path, queue_db):
    """The item page highlights findings in place: a swept page's item needs its text snapshot."""
    from reviewer.store.models import DocumentVersion, Finding, Item

    from .portal import ID_NUMBER

    factory = queue_db
    code, _, err = await _cli("sweep", portal.base + "/", "--rules", "privacy", "--queue", "--agency", "示范县",
                              "--state", str(tmp_path / "s.sqlite"), "--timeout", "1", "--format", "jsonl")
    assert code == 1, err
    with factory() as s:
        rows = s.execute(select(Finding, DocumentVersion.text)
                         .join(Item, Finding.item_id == Item.id)
                         .join(DocumentVersion, Item.document_version_id == DocumentVersion.id)
                         .where(Finding.rule.like("privacy.%"))).all()
        assert rows, "no privacy finding reached the queue"
        assert any(ID_NUMBER in text for _, text in rows)
        for f, text in rows:
            assert text, f"item of {f.uri} has no text snapshot"
            assert text[f.start:f.end] == f.text
