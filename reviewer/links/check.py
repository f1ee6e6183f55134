"""Link findings for one document: shared by the sweep (every page) and `reviewer check` (drafts)."""
from __future__ import annotations

import asyncio
from typing import Iterable, NamedTuple

from ..crawl.urls import host_of, split_fragment, url_kind
from ..finding import Finding, excerpt_of, fingerprint
from .classify import BLOCKED, DEAD, INTERNAL, OK, SOFT404

SUBRESOURCE_TAGS = frozenset({"img", "script", "link", "iframe", "frame", "embed", "source", "video", "audio", "object"})
_RULE_OF = {DEAD: "link.dead", BLOCKED: "link.blocked", SOFT404: "link.soft-404", INTERNAL: "link.internal-address"}


class Occurrence(NamedTuple):
    """One link as it appears on a page (compact: thousands of these pass through a sweep)."""
    url: str | None        # absolute, normalised, no fragment; None when not fetched (mailto: ...)
    tag: str
    text: str
    fragment: str
    hidden: bool
    start: int | None = None
    end: int | None = None


class LinkRules:
    """The enabled link rules of an engine, turned into findings with their configured severities."""

    def __init__(self, engine):
        self.rules = {r.id: r for r in engine.rules if r.category == "link"}

    def __bool__(self) -> bool:
        return bool(self.rules)

    def make(self, rid: str, page_uri: str, target: str, occ: Occurrence, message: str,
             doc_text: str | None = None, suggestion: str | None = None) -> Finding | None:
        rule = self.rules.get(rid)
        if rule is None:
            return None
        if occ.hidden:
            message += "（隐藏链接）"
        if doc_text is not None and occ.start is not None and occ.end is not None:
            context = excerpt_of(doc_text, occ.start, occ.end)
        else:
            context = occ.text or ""
        # the anchor text a reader sees, then the target: people find the link by either
        excerpt = f"{context} → {target}" if context else target
        return Finding(rule=rid, category="link", severity=rule.level, uri=page_uri, part="link",
                       start=occ.start, end=occ.end, text=target, excerpt=excerpt, message=message,
                       suggestion=suggestion, fingerprint=fingerprint(rid, page_uri, target))


def _message(rule_msg: str, detail: str) -> str:
    return f"{rule_msg}：{detail}" if detail else rule_msg


async def link_findings(page_uri: str, occurrences: Iterable[Occurrence], checker, rules: LinkRules, *,
                        ids: set[str] | None = None, doc_text: str | None = None,
                        page_url_for_fragments: str | None = None, may_get=None) -> list[Finding]:
    """Check every distinct target once and report it once per rule on this page.

    Page links are checked with a short GET (to see soft 404s) unless may_get(url) says no
    (robots.txt forbids reading it); everything else with HEAD."""
    if not rules:
        return []
    findings: list[Finding] = []
    first: dict[str, Occurrence] = {}
    https_page = page_uri.startswith("https://")
    reported: set[tuple[str, str]] = set()

    def add(f: Finding | None):
        if f is not None and (f.rule, f.text) not in reported:
            reported.add((f.rule, f.text))
            findings.append(f)

    for occ in occurrences:
        if occ.url is None:
            continue
        if occ.fragment and ids is not None and page_url_for_fragments and occ.url == page_url_for_fragments:
            frag = occ.fragment
            if frag not in ids and frag not in ("top", "_top") and not frag.startswith(("!", "/")):
                add(rules.make("link.fragment", page_uri, f"{occ.url}#{frag}", occ,
                               f"页内锚点 #{frag} 不存在", doc_text))
        if https_page and occ.url.startswith("http://") and occ.tag in SUBRESOURCE_TAGS and "link.insecure" in rules.rules:
            add(rules.make("link.insecure", page_uri, occ.url, occ, rules.rules["link.insecure"].message, doc_text,
                           suggestion="https://" + occ.url[len("http://"):]))
        if occ.url not in first or (first[occ.url].hidden and not occ.hidden):
            first[occ.url] = occ

    targets = []
    for u, occ in first.items():
        reason = checker.policy.blocked_reason(host_of(u))
        if reason is None:
            targets.append(u)
        elif "link.internal-address" in rules.rules:
            add(rules.make("link.internal-address", page_uri, u, occ,
                           _message(rules.rules["link.internal-address"].message, reason), doc_text))

    wanted = {r for r in rules.rules if r in ("link.dead", "link.blocked", "link.soft-404", "link.internal-address")}
    if wanted and targets:
        results = [checker.known(u) for u in targets]          # most are known: no task for those
        unknown = [i for i, r in enumerate(results) if r is None]
        if unknown:
            fresh = await asyncio.gather(*(checker.check(targets[i], soft=url_kind(targets[i], first[targets[i]].tag)
                                                         == "page" and (may_get is None or may_get(targets[i])))
                                           for i in unknown), return_exceptions=True)
            for i, r in zip(unknown, fresh):
                results[i] = r
        for u, res in zip(targets, results):
            if isinstance(res, BaseException):
                if isinstance(res, asyncio.CancelledError):
                    raise res
                continue
            if res.verdict == OK:
                continue
            rid = _RULE_OF.get(res.verdict)
            if rid is None or rid not in rules.rules:
                continue
            detail = "" if rid == "link.soft-404" else res.detail
            add(rules.make(rid, page_uri, u, first[u], _message(rules.rules[rid].message, detail), doc_text))
    return findings


async def check_document_links(doc, engine, *, allowed_networks: Iterable[str] | None = None, timeout: float = 10.0,
                               retries: int = 1, backoff: float = 0.5) -> list[Finding]:
    """Check a draft's links. Links into private, loopback or link-local networks are reported as
    link.internal-address and never fetched, unless `allowed_networks` names them (tests do; by
    default the administrator's REVIEWER_ALLOWED_NETWORKS setting, else none)."""
    if allowed_networks is None:
        allowed_networks = _configured_networks()
    from .client import HostLimiter, LinkChecker, make_session
    from .netguard import AddressPolicy

    rules = LinkRules(engine)
    if not rules or not doc.links:
        return []
    base = doc.uri if doc.uri.startswith(("http://", "https://")) else None
    occurrences = []
    for link in doc.links:
        url, frag = split_fragment(link.href, base, doc.encoding or "utf-8")
        if url is None and link.href.startswith("#") and base is None:
            continue
        occurrences.append(Occurrence(url, link.tag, link.text or "", frag, link.hidden, link.start, link.end))
    ids = None
    if doc.kind == "html" and doc.raw and base:
        from .collect import _IDS, parse
        root = parse(doc.raw)
        ids = {str(v) for v in _IDS(root)} if root is not None else None
    policy = AddressPolicy(allowed_networks)
    async with make_session(policy, timeout=timeout) as session:
        checker = LinkChecker(session, HostLimiter(4), policy, retries=retries, backoff=backoff)
        return await link_findings(doc.uri, occurrences, checker, rules, ids=ids, doc_text=doc.text,
                                   page_url_for_fragments=base and split_fragment(base)[0])


def _configured_networks() -> list[str]:
    try:
        from ..config import load_settings
        return list(load_settings().allowed_networks or [])
    except Exception:          # no or bad configuration: block every internal address
        return []
