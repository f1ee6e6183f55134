"""Agencies, users, passwords and API tokens; `reviewer user add` and `reviewer token create`."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from reviewer.cli import main
from reviewer.store import accounts
from reviewer.store.errors import Invalid, NotFound
from reviewer.store.models import Agency, ApiToken, User


def test_create_user_creates_agency_and_hashes_password(db_session):
    u = accounts.create_user(db_session, "alice", "submitter", "甲单位", "correct horse")
    db_session.commit()
    assert u.agency.name == "甲单位"
    assert u.password_hash and "correct horse" not in u.password_hash
    assert u.password_hash.startswith("scrypt:")
    v = accounts.create_user(db_session, "bob", "reviewer", "甲单位", "battery staple")
    assert v.agency_id == u.agency_id
    assert db_session.scalar(select(Agency).where(Agency.name == "甲单位")) is not None
    assert len(db_session.scalars(select(Agency)).all()) == 1


@pytest.mark.parametrize("name,role,password,message", [
    ("", "reviewer", "password1", "用户名不能为空"),
    ("x", "boss", "password1", "角色必须是"),
    ("x", "reviewer", "short", "密码至少"),
])
def test_create_user_rejects_bad_input(db_session, name, role, password, message):
    with pytest.raises(Invalid, match=message):
        accounts.create_user(db_session, name, role, "甲单位", password)


def test_duplicate_user_is_refused(db_session):
    accounts.create_user(db_session, "alice", "submitter", "甲单位", "password1")
    with pytest.raises(Invalid, match="已存在"):
        accounts.create_user(db_session, "alice", "reviewer", "乙单位", "password2")


def test_authenticate(db_session):
    u = accounts.create_user(db_session, "alice", "submitter", "甲单位", "password1")
    assert accounts.authenticate(db_session, "alice", "password1") is u
    assert accounts.authenticate(db_session, "alice", "password2") is None
    assert accounts.authenticate(db_session, "nobody", "password1") is None
    u.active = False
    assert accounts.authenticate(db_session, "alice", "password1") is None


def test_tokens_are_stored_hashed_and_resolve_to_their_user(db_session):
    u = accounts.create_user(db_session, "alice", "reviewer", "甲单位")
    token = accounts.create_token(db_session, u)
    db_session.commit()
    assert token.startswith("rvw_") and len(token) > 40
    row = db_session.scalar(select(ApiToken))
    assert token not in (row.token_hash, row.prefix) and len(row.token_hash) == 64
    assert accounts.user_for_token(db_session, token) is u
    assert row.last_used_at is not None
    assert accounts.user_for_token(db_session, token + "x") is None
    assert accounts.user_for_token(db_session, "") is None
    second = accounts.create_token(db_session, u)
    assert second != token
    accounts.revoke_token(db_session, row.id)
    assert accounts.user_for_token(db_session, token) is None
    assert accounts.user_for_token(db_session, second) is u
    u.active = False
    assert accounts.user_for_token(db_session, second) is None


def test_user_by_name_unknown(db_session):
    with pytest.raises(NotFound):
        accounts.user_by_name(db_session, "nobody")


def test_cli_user_add_and_token_create(db_url, db_sessionmaker, monkeypatch, capsys):
    monkeypatch.setenv("REVIEWER_DATABASE_URL", db_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert main(["user", "add", "王审核", "--role", "reviewer", "--agency", "开化县政府办", "--password-stdin"]) == 0
    assert "已创建用户 王审核" in capsys.readouterr().out
    assert main(["token", "create", "王审核"]) == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert token.startswith("rvw_") and "\n" not in token
    assert "只显示这一次" in captured.err
    with db_sessionmaker() as s:
        user = accounts.user_by_name(s, "王审核")
        assert user.role == "reviewer" and user.agency.name == "开化县政府办"
        assert accounts.authenticate(s, "王审核", "s3cret-pass") is not None
        assert accounts.user_for_token(s, token).id == user.id
    # a second add of the same name, and a token for an unknown user: one line, exit 1
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert main(["user", "add", "王审核", "--role", "reviewer", "--agency", "x", "--password-stdin"]) == 1
    assert capsys.readouterr().err.strip() == "reviewer: 错误：用户 王审核 已存在"
    assert main(["token", "create", "nobody"]) == 1
    assert "用户 nobody 不存在" in capsys.readouterr().err


def test_cli_user_add_without_password_on_a_pipe(db_url, db_sessionmaker, monkeypatch, capsys):
    monkeypatch.setenv("REVIEWER_DATABASE_URL", db_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["user", "add", "bot", "--role", "submitter", "--agency", "甲单位"]) == 0
    assert "未设置密码" in capsys.readouterr().out
    with db_sessionmaker() as s:
        assert s.scalar(select(User).where(User.name == "bot")).password_hash is None


def test_cli_user_add_bad_role_is_usage_error(db_url, monkeypatch, capsys):
    monkeypatch.setenv("REVIEWER_DATABASE_URL", db_url)
    with pytest.raises(SystemExit) as e:
        main(["user", "add", "x", "--role", "boss", "--agency", "甲"])
    assert e.value.code == 2


def test_cli_before_db_upgrade_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REVIEWER_DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert main(["token", "create", "x"]) == 1
    assert "请先运行 `reviewer db upgrade`" in capsys.readouterr().err
