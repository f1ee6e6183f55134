"""Agencies, users, passwords and API tokens.

Passwords: werkzeug.security (scrypt). API tokens: `rvw_` + 43 random characters; only the SHA-256
is stored, so a leaked database does not leak usable tokens (a token has 256 bits of entropy, so
an unsalted fast hash is enough, and lookups stay a single indexed equality)."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .errors import Forbidden, Invalid, NotFound
from .models import ROLES, Agency, ApiToken, User, utcnow

TOKEN_PREFIX = "rvw_"
MIN_PASSWORD = 8
# compared against when the user does not exist, so a login takes the same time either way
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def get_or_create_agency(session: Session, name: str) -> Agency:
    name = (name or "").strip()
    if not name:
        raise Invalid("单位名称不能为空")
    agency = session.scalar(select(Agency).where(Agency.name == name))
    if agency is None:
        agency = Agency(name=name)
        session.add(agency)
        session.flush()
    return agency


def create_user(session: Session, name: str, role: str, agency: str | Agency, password: str | None = None,
                actor: User | None = None) -> User:
    """Create a user in `agency` (an Agency or a name; created if missing). Invalid when the name
    is taken, the role unknown or the password shorter than 8 characters. Audited."""
    name = (name or "").strip()
    if not name:
        raise Invalid("用户名不能为空")
    if role not in ROLES:
        raise Invalid(f"角色必须是 {' / '.join(ROLES)} 之一")
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise Invalid(f"用户 {name} 已存在")
    ag = agency if isinstance(agency, Agency) else get_or_create_agency(session, agency)
    user = User(name=name, role=role, agency_id=ag.id, agency=ag)
    if password is not None:
        set_password(session, user, password, audit_it=False)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id, agency_id=ag.id,
                 detail={"name": name, "role": role, "agency": ag.name}, actor_name="cli")
    return user


def set_password(session: Session, user: User, password: str, audit_it: bool = True) -> None:
    if password is None or len(password) < MIN_PASSWORD:
        raise Invalid(f"密码至少 {MIN_PASSWORD} 个字符")
    user.password_hash = generate_password_hash(password)
    if audit_it:
        session.flush()
        audit.record(session, None, "user.password", "user", user.id, agency_id=user.agency_id, actor_name="cli")


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user


def user_by_name(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == (name or "").strip()))
    if user is None:
        raise NotFound(f"用户 {name} 不存在")
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, else None (same cost either way).
    Throttling of repeated failures is the web layer's job."""
    user = session.scalar(select(User).where(User.name == (name or "").strip()))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, actor: User | None = None) -> str:
    """A new API token for `user`; returns it in clear text, the only time it is available. Audited."""
    if not user.active:
        raise Forbidden("该用户已停用")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_hash_token(token), prefix=token[:10])
    session.add(row)
    session.flush()
    audit.record(session, actor, "token.create", "token", row.id, agency_id=user.agency_id,
                 detail={"user": user.name, "prefix": row.prefix}, actor_name="cli")
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning this (not revoked) token, else None. Updates last_used_at."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token.strip())))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user


def revoke_token(session: Session, token_id: int, actor: User | None = None) -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("令牌不存在")
    row.revoked_at = utcnow()
    audit.record(session, actor, "token.revoke", "token", row.id, agency_id=row.user.agency_id, actor_name="cli")
