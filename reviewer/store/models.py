"""SQLAlchemy 2 models of the review queue. The schema itself lives in migrations/versions/;
tests/store/test_migrations.py checks that the migrations and these models agree.

Times are naive UTC everywhere (SQLite keeps no time zone, and the audit hash must read back the
exact value it was computed over)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("submitter", "reviewer", "admin")
ITEM_STATES = ("pending", "approved", "rejected")
FINDING_STATES = ("open", "confirmed", "dismissed", "fixed")
SWEEP_STATES = ("queued", "running", "finished", "failed")
# a finding still needing attention: counted in the queue, the dashboard and the approval gate
ACTIVE_FINDING_STATES = ("open", "confirmed")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Agency(Base):
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="agency")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))                 # one of ROLES
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(back_populates="users", lazy="joined")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_review(self) -> bool:
        return self.role in ("reviewer", "admin")


class ApiToken(Base):
    """An API token; only its SHA-256 is kept, the token itself is shown once."""
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))              # lets an admin tell tokens apart
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(lazy="joined")


class Document(Base):
    """A document as the agency knows it: a draft (uri `draft:<key>`) or a crawled page/attachment
    (its URL). Its versions hold the content snapshots."""
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("agency_id", "uri", name="uq_documents_agency_uri"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    uri: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(10), default="draft")   # draft | sweep
    site: Mapped[str | None] = mapped_column(String(255), index=True)  # host of a crawled page
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_sweep_id: Mapped[int | None] = mapped_column(Integer)          # last sweep that visited it

    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document", order_by="DocumentVersion.number")


class DocumentVersion(Base):
    """A content snapshot: the extracted text the offsets point into, plus the original bytes."""
    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_document_versions_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)                      # 1, 2, 3 ... per document
    text: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[bytes | None] = mapped_column(LargeBinary)        # original bytes (upload)
    content_type: Mapped[str | None] = mapped_column(String(100))
    filename: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))                   # of the text
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")


class Item(Base):
    """One document version with its findings, waiting for sign-off.

    `version` is the optimistic lock: every change to the item or one of its findings bumps it, and
    a decision made against an older value is refused with Conflict."""
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    document_version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"),
                                                     unique=True)
    sweep_id: Mapped[int | None] = mapped_column(ForeignKey("sweeps.id"), index=True)
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))   # the author; None for sweeps
    status: Mapped[str] = mapped_column(String(10), default="pending")       # ITEM_STATES
    uri: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str | None] = mapped_column(String(500))
    site: Mapped[str | None] = mapped_column(String(255), index=True)
    # highest severity (SEVERITY_RANK, critical 3 .. info 0, -1 none) among open/confirmed findings;
    # kept up to date so the queue sorts on an index
    severity_rank: Mapped[int] = mapped_column(Integer, default=-1)
    open_count: Mapped[int] = mapped_column(Integer, default=0)        # open + confirmed findings
    # open + confirmed findings per severity and per category, kept by review.refresh_item: the
    # queue filters and counts on these columns instead of joining 100,000s of findings.
    # A loader that inserts items/findings in bulk (bench) must call review.recount_items() after.
    n_critical: Mapped[int] = mapped_column(Integer, default=0)
    n_major: Mapped[int] = mapped_column(Integer, default=0)
    n_minor: Mapped[int] = mapped_column(Integer, default=0)
    n_info: Mapped[int] = mapped_column(Integer, default=0)
    n_link: Mapped[int] = mapped_column(Integer, default=0)
    n_typo: Mapped[int] = mapped_column(Integer, default=0)
    n_sensitive: Mapped[int] = mapped_column(Integer, default=0)
    n_privacy: Mapped[int] = mapped_column(Integer, default=0)
    n_secrecy: Mapped[int] = mapped_column(Integer, default=0)
    n_tampering: Mapped[int] = mapped_column(Integer, default=0)
    n_format: Mapped[int] = mapped_column(Integer, default=0)
    n_site: Mapped[int] = mapped_column(Integer, default=0)
    superseded_by_id: Mapped[int | None] = mapped_column(Integer)      # a newer version's item
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    comment: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(lazy="joined")
    document_version: Mapped[DocumentVersion] = relationship()
    agency: Mapped[Agency] = relationship(lazy="joined")
    submitter: Mapped[User | None] = relationship(foreign_keys=[submitter_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    findings: Mapped[list["Finding"]] = relationship(
        back_populates="item", order_by="(Finding.start, Finding.id)", cascade="all, delete-orphan")

    # the queue's order (severity first, then oldest first), per agency and across agencies
    __table_args__ = (
        Index("ix_items_queue", agency_id, status, severity_rank.desc(), created_at),
        Index("ix_items_queue_all", status, severity_rank.desc(), created_at),
    )

    # SQLAlchemy adds "AND version = :old" to every UPDATE and bumps it, so two sessions racing
    # on the same item cannot both win (StaleDataError -> Conflict)
    __mapper_args__ = {"version_id_col": version}

    @property
    def text(self) -> str:
        return self.document_version.text

    def count_of(self, key: str) -> int:
        """Open + confirmed findings of a severity or category ("critical", "privacy" ...)."""
        return getattr(self, "n_" + key)

    @property
    def counts(self) -> dict[str, int]:
        """Open + confirmed findings per severity (only non-zero ones) and their total."""
        from ..finding import SEVERITIES
        out = {s: getattr(self, "n_" + s) for s in SEVERITIES if getattr(self, "n_" + s)}
        out["total"] = self.open_count
        return out


class Finding(Base):
    """A finding with every contract field (DESIGN.md) plus its review status."""
    __tablename__ = "findings"
    __table_args__ = (
        Index("ix_findings_queue", "agency_id", "status", "category", "severity"),
        Index("ix_findings_agency_fingerprint", "agency_id", "fingerprint"),
        Index("ix_findings_item", "item_id", "status"),
        Index("ix_findings_document", "document_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    # contract fields
    rule: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    uri: Mapped[str] = mapped_column(String(2048))
    part: Mapped[str] = mapped_column(String(200), default="body")
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    suggestion: Mapped[str | None] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    # review state
    status: Mapped[str] = mapped_column(String(10), default="open")    # FINDING_STATES
    severity_rank: Mapped[int] = mapped_column(Integer, default=0)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # sweeps: first seen in, last seen in, and the sweep that found it gone
    first_sweep_id: Mapped[int | None] = mapped_column(Integer)
    last_sweep_id: Mapped[int | None] = mapped_column(Integer)
    fixed_sweep_id: Mapped[int | None] = mapped_column(Integer)

    item: Mapped[Item] = relationship(back_populates="findings")

    CONTRACT_FIELDS = ("rule", "category", "severity", "uri", "part", "start", "end", "text", "excerpt",
                       "message", "suggestion", "fingerprint")

    def to_contract(self):
        """The reviewer.finding.Finding of this row (for masking, sinks and suppressors)."""
        from ..finding import Finding as F
        return F(**{k: getattr(self, k) for k in self.CONTRACT_FIELDS})

    def to_dict(self, masked: bool = True) -> dict:
        """Contract fields + id and status. Masked by default: lists and exports never carry a
        raw personal number (the reveal action is separate and audited)."""
        f = self.to_contract()
        if masked:
            f = f.masked()
        d = f.to_dict()
        d.update(id=self.id, status=self.status, item_id=self.item_id, comment=self.comment,
                 decided_at=self.decided_at.isoformat() if self.decided_at else None)
        return d


class WhitelistEntry(Base):
    """Per agency: text that no longer raises `rule` for that agency (in checks and sweeps)."""
    __tablename__ = "whitelist_entries"
    __table_args__ = (UniqueConstraint("agency_id", "rule", "normalized", name="uq_whitelist_entry"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    rule: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)               # masked form, for display
    normalized: Mapped[str] = mapped_column(String(500))  # reviewer.finding.normalize_for_fingerprint
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finding_id: Mapped[int | None] = mapped_column(Integer)   # the finding it was made from

    created_by: Mapped[User | None] = relationship()


class Sweep(Base):
    __tablename__ = "sweeps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    site: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default="queued")   # SWEEP_STATES
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    pages_total: Mapped[int | None] = mapped_column(Integer)          # known total, if any
    items_created: Mapped[int] = mapped_column(Integer, default=0)
    findings_new: Mapped[int] = mapped_column(Integer, default=0)
    findings_open: Mapped[int] = mapped_column(Integer, default=0)    # open+confirmed at finish
    findings_fixed: Mapped[int] = mapped_column(Integer, default=0)
    findings_suppressed: Mapped[int] = mapped_column(Integer, default=0)  # dismissed/whitelisted
    error: Mapped[str | None] = mapped_column(Text)
    options: Mapped[str | None] = mapped_column(Text)                  # JSON of the crawl options

    def to_dict(self) -> dict:
        return {
            "id": self.id, "url": self.url, "site": self.site, "status": self.status,
            "agency_id": self.agency_id,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "progress": {"pages_done": self.pages_done, "pages_total": self.pages_total},
            "counts": {"items": self.items_created, "new": self.findings_new, "open": self.findings_open,
                       "fixed": self.findings_fixed, "suppressed": self.findings_suppressed},
            "error": self.error,
        }


class AuditEntry(Base):
    """Append-only. `hash` = sha256(canonical fields + prev_hash); see reviewer.store.audit."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text, default="{}")      # canonical JSON, masked
    # unique: two writers that read the same head cannot both append (no forked chain)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """One row: the hash and count of the last entry, so deleting the newest entries is detected
    too, and concurrent appends serialise on this row."""
    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)


class DataVersion(Base):
    """One row: a counter bumped inside every transaction that writes anything (see
    reviewer.store.version), so a process can tell with one indexed read whether what it cached
    (queue pages, API lists) is still what the database holds, whoever wrote in the meantime."""
    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
