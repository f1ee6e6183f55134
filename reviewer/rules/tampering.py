"""tampering: injected gambling and porn spam, hidden links, malicious scripts, foreign iframes.

Text rules (spam template, spam terms) work on any document; the structural rules read what the
HTML extractor records: `Document.links` (with `hidden`), `scripts` (inline bodies and src URLs),
`iframes`, and the "title" / "meta" / "hidden" segments.

A host is foreign when it is neither the document's own site (same registrable domain) nor on the
trusted list (dictionaries/trusted_hosts.txt: government domains, central media, statistics, map
and CDN services). A draft without a URL has no site of its own: every absolute link is foreign.
"""
from __future__ import annotations

import base64
import binascii
import functools
import re
from urllib.parse import unquote, urlsplit

import ahocorasick_rs

from ..engine import Rule, register
from ..resources import wordlist

# ---------------------------------------------------------------------------------------------
# spam vocabulary

_ALNUM_BYTE = [chr(c).isascii() and chr(c).isalnum() for c in range(256)]
SUSPECT_PARTS = frozenset(("title", "meta", "hidden"))
# enforcement and warning words: a spam term next to one of them is being reported on, not sold
_COUNTER = re.compile(
    "打击|整治|查处|取缔|抓获|破获|侦破|涉嫌|违法|犯罪|非法|严禁|禁止|举报|专项|案件|警方|公安|民警|治理|"
    "防范|警惕|谨防|远离|危害|诱饵|诱骗|诱导|陷阱|诈骗|涉赌|涉黄|扫黄|打非|赌资|团伙|嫌疑|拘留|判处|刑事|"
    "骗局|清理|净网|查封|关停|封堵|处罚|曝光|揭露|抵制|拒绝")
_COUNTER_RADIUS = 40


class SpamMatcher:
    """Aho-Corasick over the spam terms; Latin letters match in any case, never inside a Latin word.

    The text is matched as UTF-8 bytes: bytes.lower() folds ASCII only (so offsets never move) and
    the byte DFA is about four times faster than matching the str; the few hits are mapped back to
    character offsets.
    """

    def __init__(self, entries):
        seen: dict[str, frozenset] = {}
        for e in entries:
            w = e.word.lower()
            if w and w not in seen:
                seen[w] = frozenset(e.tags)
        self.words = list(seen)
        self.tags = [seen[w] for w in self.words]
        self.latin_edge = [(w[0].isascii() and w[0].isalnum(), w[-1].isascii() and w[-1].isalnum())
                           for w in self.words]
        self.ac = ahocorasick_rs.BytesAhoCorasick(
            [w.encode("utf-8") for w in self.words], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.DFA) if self.words else None

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """(index of the term, start, end) for every match, character offsets into `text`."""
        if self.ac is None or not text:
            return []
        raw = text.encode("utf-8", "surrogatepass")
        low = raw.lower()
        found = self.ac.find_matches_as_indexes(low)
        if not found:
            return []
        n = len(low)
        out = []
        ascii_text = len(raw) == len(text)
        pos_b = pos_c = 0
        for i, s, e in found:
            ls, le = self.latin_edge[i]
            if ls and s > 0 and _ALNUM_BYTE[low[s - 1]]:
                continue
            if le and e < n and _ALNUM_BYTE[low[e]]:
                continue
            if ascii_text:
                cs, ce = s, e
            else:
                # matches start and end on character boundaries: count characters incrementally
                pos_c += len(raw[pos_b:s].decode("utf-8", "surrogatepass"))
                pos_b = s
                cs = pos_c
                ce = cs + len(raw[s:e].decode("utf-8", "surrogatepass"))
            out.append((i, cs, ce))
        return out

    def strong(self, i: int) -> bool:
        return "strong" in self.tags[i]

    def kind(self, i: int) -> str:
        return "色情" if "porn" in self.tags[i] else "赌博"


@functools.lru_cache(maxsize=8)
def spam_matcher(name: str) -> SpamMatcher:
    return SpamMatcher(wordlist(name))


def counter_context(text: str, start: int, end: int) -> bool:
    """Is the term at start:end written about (an enforcement report, a warning) rather than sold?"""
    a = max(0, start - _COUNTER_RADIUS)
    nl = text.rfind("\n", a, start)
    if nl >= 0:
        a = nl + 1
    b = min(len(text), end + _COUNTER_RADIUS)
    nl = text.find("\n", end, b)
    if nl >= 0:
        b = nl
    return _COUNTER.search(text, a, b) is not None


# ---------------------------------------------------------------------------------------------
# the phrase_phrase_phrase template

# at least three phrases (letters, digits, CJK; no spaces) joined by single underscores
_CHAIN = re.compile(r"[^\W_]{1,40}(?:[_＿][^\W_]{1,40}){2,}")
_WORDCH = re.compile(r"[^\W_]")
_QUERY = re.compile(r"怎么|叫什么|是什么|哪个|靠谱|正规|官网|网址|入口|下载|app|登录|登陆|注册|打不开|安全吗|送|手机版", re.I)
_BRAND_PREFIX = re.compile(r"[0-9a-z]{2,12}", re.I)


def _underscores(text: str):
    """Start of every run of underscores (half or full width), found with str.find (fast)."""
    for ch in ("_", "＿"):
        i = text.find(ch)
        while i >= 0:
            j = i + 1
            while j < len(text) and text[j] in "_＿":
                j += 1
            yield i, j
            i = text.find(ch, j)


_chain_cache: tuple[str | None, int, list] = (None, 0, [])


def template_chains(text: str, matcher: SpamMatcher) -> list[tuple[int, int, str]]:
    """Spans of `seg_seg_seg` runs that look like the spam template, with the reason for each."""
    global _chain_cache
    if "_" not in text and "＿" not in text:
        return []
    cached_text, cached_matcher, cached = _chain_cache
    if cached_text is text and cached_matcher == id(matcher):
        return cached               # spam-terms asks for the chains spam-template just found
    out: list[tuple[int, int, str]] = []
    pos_done = 0
    for us, ue in sorted(_underscores(text)):
        if us < pos_done or ue - us > 1:
            continue                  # inside a chain already seen, or a ____ blank to fill in
        a = us
        while a > 0 and us - a < 40 and _WORDCH.match(text, a - 1):
            a -= 1
        m = _CHAIN.match(text, a)
        if not m or m.end() <= us:
            continue
        pos_done = m.end()
        chain = m.group()
        segs = re.split(r"[_＿]", chain)
        if any(len(s) < 2 for s in segs) or not any("\u4e00" <= c <= "\u9fff" for c in chain):
            continue                  # identifiers, file names without Chinese, a_b_c
        reason = _chain_reason(chain, segs, matcher)
        if reason:
            out.append((m.start(), m.end(), reason))
    if len(out) > 1:
        out = _trim_to_known(text, out)
    _chain_cache = (text, id(matcher), out)
    return out


def _seps(s: str) -> int:
    return s.count("_") + s.count("＿")


def _trim_to_known(text: str, chains: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The template replaces a name, so in running text its first and last phrases run on into the
    sentence (…围绕365叫什么_…_365bet送彩金政务公开工作…). Where the same template also stands alone
    (a title, a line of its own), cut the run-on copies to that exact text."""
    n = len(text)
    exact = {text[s:e] for s, e, _ in chains
             if (e >= n or not _WORDCH.match(text, e)) and (s == 0 or not _WORDCH.match(text, s - 1))}
    if not exact:
        return chains
    out = []
    for s, e, reason in chains:
        chunk = text[s:e]
        seps = _seps(chunk)
        best = min((x for x in exact if len(x) < len(chunk) and _seps(x) == seps and x in chunk),
                   key=len, default=None)
        if best:
            s += chunk.find(best)
            e = s + len(best)
        out.append((s, e, reason))
    return out


def _chain_reason(chain: str, segs: list[str], matcher: SpamMatcher) -> str | None:
    hits = matcher.find(chain)
    if hits:
        words = sorted({matcher.words[i] for i, _, _ in hits})
        return "含推广词：" + "、".join(words[:5])
    query = sum(1 for s in segs if _QUERY.search(s))
    # the same brand token (365, bet365, pg) opening three phrases, asked about like a search query
    prefixes = [m.group().lower() for m in (_BRAND_PREFIX.match(s) for s in segs) if m]
    if prefixes and query >= 1:
        top = max(set(prefixes), key=prefixes.count)
        if prefixes.count(top) >= 3 and not (top.isdigit() and len(top) == 4):   # 2023_2023年… is a year
            return f"以“{top}”开头的搜索短语堆砌"
    # the same Chinese brand opening three phrases, at least two of them search queries
    if query >= 2:
        heads = [s[:2] for s in segs]
        top = max(set(heads), key=heads.count)
        if heads.count(top) >= 3:
            return f"以“{top}”开头的搜索短语堆砌"
    return None


# ---------------------------------------------------------------------------------------------
# hosts

_MULTI_SUFFIX = frozenset(("gov.cn", "com.cn", "net.cn", "org.cn", "edu.cn", "ac.cn", "mil.cn",
                           "com.hk", "org.hk", "gov.hk", "com.tw", "gov.mo", "co.uk"))
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def host_of(url: str | None) -> str | None:
    """Lowercase host of an absolute http(s) or protocol-relative URL, else None."""
    if not url:
        return None
    u = url.strip()
    low = u[:8].lower()
    if not (low.startswith("http://") or low.startswith("https://") or u.startswith("//")):
        return None
    try:
        h = urlsplit(u if not u.startswith("//") else "http:" + u).hostname
    except ValueError:
        return None
    return h.rstrip(".") if h else None


def site_of(host: str) -> str:
    """The registrable domain: www.kaihua.gov.cn -> kaihua.gov.cn, a.b.example.com -> example.com."""
    if _IPV4.match(host):
        return host
    labels = host.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _MULTI_SUFFIX:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def doc_host(doc) -> str | None:
    h = host_of(doc.uri)
    if h:
        return h
    for key in ("SiteDomain", "sitedomain", "og:url", "url"):
        v = doc.meta.get(key)
        if v:
            return host_of(v) or host_of("http://" + v.strip().split("/")[0])
    return None


class HostPolicy:
    """Decides whether a host is foreign to a document."""

    def __init__(self, trusted: list[str]):
        self.trusted = tuple(sorted({t.lower().lstrip(".") for t in trusted if t}))

    def is_trusted(self, host: str) -> bool:
        return any(host == t or host.endswith("." + t) for t in self.trusted)

    def foreign(self, host: str | None, own: str | None) -> bool:
        if not host:
            return False
        if own and site_of(host) == site_of(own):
            return False
        return not self.is_trusted(host)


@functools.lru_cache(maxsize=8)
def host_policy(name: str) -> HostPolicy:
    return HostPolicy([e.word for e in wordlist(name)])


class _TamperingRule(Rule):
    """Shared settings: the spam list and the trusted-host list."""
    category = "tampering"
    defaults = {"dictionary": "spam_terms.txt", "trusted_hosts": "trusted_hosts.txt"}

    @property
    def matcher(self) -> SpamMatcher:
        return spam_matcher(self.settings["dictionary"])

    @property
    def hosts(self) -> HostPolicy:
        return host_policy(self.settings["trusted_hosts"])


# ---------------------------------------------------------------------------------------------
# text rules

@register
class SpamTemplate(_TamperingRule):
    """“短语_短语_短语”式赌博/色情推广模板（替换地名、机构名的关键词堆砌）。

    Why: the commonest seeded tampering of government pages replaces a place or agency name in the
    title, 发布机构 and body with three long-tail search phrases joined by underscores, so that
    search engines index the page for the gambling brand. Page titles such as
    「通知标题_通知公告_某某县人民政府」 also use underscores, so a run counts only when its phrases
    carry spam vocabulary or are search queries about one brand.
    Example: 「…365叫什么_365体育怎么打不开了_365bet送彩金」.
    """
    id = "tampering.spam-template"
    severity = "critical"
    message = "疑似被篡改：出现“短语_短语_短语”式赌博/色情推广关键词堆砌"

    def check(self, doc, ctx):
        for s, e, reason in template_chains(doc.text, self.matcher):
            yield self.finding(doc, s, e, message=f"{self.message}（{reason}）")


@register
class SpamTerms(_TamperingRule):
    """页面中出现多个不同的赌博、色情推广词（或标题、meta、隐藏区域中出现推广词）。

    Why: injected spam sprinkles brand names and promotion jargon into the page, often only in the
    title, the meta keywords or hidden blocks that readers never see. Single words are not enough
    (a report on fighting gambling names 百家乐 or 六合彩): terms are scored by where they stand
    (title, meta and hidden blocks weigh more; brand names and jargon marked `strong` weigh more)
    and the page fires only when distinct terms add up; terms next to enforcement words (打击,
    查处, 涉嫌 …) do not count.
    Example: a page whose meta keywords read 「澳门新葡京,百家乐,真人娱乐」.
    """
    id = "tampering.spam-terms"
    severity = "critical"
    message = "疑似被篡改：出现赌博/色情推广内容"
    defaults = {**_TamperingRule.defaults, "threshold": 3, "max_findings": 50}

    def check(self, doc, ctx):
        text = doc.text
        m = self.matcher
        hits = m.find(text)
        if not hits:
            return
        chains = template_chains(text, m) if ("_" in text or "＿" in text) else []
        counted = []
        best: dict[int, int] = {}
        for i, s, e in hits:
            if any(cs <= s < ce for cs, ce, _ in chains):
                continue            # reported by tampering.spam-template
            if counter_context(text, s, e):
                continue
            part = doc.part_at(s)
            w = (3 if m.strong(i) else 2) if part in SUSPECT_PARTS else (2 if m.strong(i) else 1)
            best[i] = max(best.get(i, 0), w)
            counted.append((i, s, e, part))
        if sum(best.values()) < int(self.settings["threshold"]):
            return
        n = len(best)
        for i, s, e, part in counted[: int(self.settings["max_findings"])]:
            where = {"title": "标题", "meta": "meta 关键词/描述", "hidden": "隐藏区域"}.get(part, "正文")
            yield self.finding(doc, s, e, message=f"疑似被篡改：{where}出现{m.kind(i)}推广词（本页共 {n} 个不同推广词）")


# ---------------------------------------------------------------------------------------------
# structural rules (HTML)

# hiding techniques that menus and tab panels do not use: off-screen, zero size, font-size 0,
# opacity 0, clip. display:none and visibility:hidden are how dropdown menus and inactive tabs hide,
# so with them only a container of nothing but foreign links (or a spam anchor) is the strong sign
_STEALTH = re.compile(r"^(?:off-screen|zero-size|font-size:0|opacity:0|clip)")


def _stealthy(reason: str) -> bool:
    return _STEALTH.search(reason) is not None


_SEPARATORS = re.compile(r"[\s|｜·•、，,;；/\\\-—_]+")


@register
class HiddenLink(_TamperingRule):
    """隐藏的外部链接（display:none、移出屏幕、字号为 0 等区域中指向其他网站的链接）。

    Why: hidden link blocks are how tampered pages pass search-engine weight to gambling and porn
    sites; a reader never sees them, and "发布或链接色情、赌博内容" is a veto item. Hidden menus
    that point to the site itself or to other government sites (a 政府网站导航 dropdown) are normal
    and stay clean. Critical when the sign is strong: a hidden container holding nothing but
    foreign links, a spam anchor text, or a technique menus do not use (off-screen, font-size 0,
    zero size); otherwise (an inactive tab or a dropdown mixing in one media link) major.
    Example: ``<div style="display:none"><a href="http://bet.example/">澳门新葡京</a></div>``.
    """
    id = "tampering.hidden-link"
    severity = "critical"
    message = "疑似被篡改：隐藏的外部链接"
    defaults = {**_TamperingRule.defaults, "weak_severity": "major"}

    def check(self, doc, ctx):
        own = doc_host(doc)
        bad = [l for l in doc.links
               if l.hidden and l.tag in ("a", "area") and self.hosts.foreign(host_of(l.href), own)]
        if not bad:
            return
        text = doc.text
        only_external = self._containers_of_only_links(doc, bad)
        m = self.matcher
        for link in bad:
            host = host_of(link.href)
            reason = link.hidden_reason or "不可见"
            details = [f"指向 {host}", reason]
            strong = _stealthy(reason)
            has_span = link.start is not None and link.end is not None and link.end > link.start
            if has_span:
                if m.find(text[link.start:link.end]):
                    details.append("锚文本含赌博/色情推广词")
                    strong = True
                seg = self._segment(doc, link.start)
                if seg is not None and id(seg) in only_external:
                    details.append("所在隐藏区域只有外部链接")
                    strong = True
            elif m.find(link.text or ""):
                details.append("含赌博/色情推广词")
                strong = True
            # a menu or an inactive tab mixing foreign links with other content is probably
            # navigation: still reported, one level lower
            severity = None if strong else self.settings.get("weak_severity", "major")
            msg = f"{self.message}（{'，'.join(details)}）：{link.href}"
            if has_span:
                yield self.finding(doc, link.start, link.end, message=msg, severity=severity)
            else:
                yield self.finding(doc, None, None, text=link.href, part="link", message=msg, severity=severity)

    @staticmethod
    def _segment(doc, pos):
        for seg in doc.segments:
            if seg.start <= pos < seg.end:
                return seg
        return None

    def _containers_of_only_links(self, doc, bad) -> set[int]:
        """Hidden segments whose whole text is the anchor text of foreign links."""
        out = set()
        text = doc.text
        for seg in doc.segments:
            if seg.part != "hidden":
                continue
            inside = [l for l in bad if l.start is not None and seg.start <= l.start < seg.end]
            if not inside:
                continue
            rest, pos = [], seg.start
            for l in sorted(inside, key=lambda l: l.start):
                rest.append(text[pos:l.start])
                pos = max(pos, l.end)
            rest.append(text[pos:seg.end])
            if not _SEPARATORS.sub("", "".join(rest)):
                out.add(id(seg))
        return out


@register
class ForeignIframe(_TamperingRule):
    """嵌入其他网站页面的 iframe（隐藏或零尺寸的为严重）。

    Why: a zero-size or hidden iframe loads another site's page in every visitor's browser (a
    classic 挂马 and traffic hijack). A visible frame of a trusted service (a map, a government
    platform, a central-media video) is normal; a visible frame of an unknown site is only shown
    for information.
    Example: ``<iframe src="http://x.example/" width="0" height="0">``.
    """
    id = "tampering.foreign-iframe"
    severity = "critical"
    message = "疑似挂马：隐藏的外部 iframe"
    defaults = {**_TamperingRule.defaults, "visible_severity": "info"}

    def check(self, doc, ctx):
        own = doc_host(doc)
        for fr in doc.iframes:
            host = host_of(fr.href)
            if not self.hosts.foreign(host, own):
                continue
            if fr.hidden:
                yield self.finding(doc, None, None, text=fr.href, part="link",
                                   message=f"{self.message}（{fr.hidden_reason or '不可见'}，指向 {host}）")
            else:
                yield self.finding(doc, None, None, text=fr.href, part="link",
                                   severity=self.settings.get("visible_severity", "info"),
                                   message=f"页面嵌入了其他网站的页面（{host}），请确认来源可信")


@register
class ExternalScript(_TamperingRule):
    """引用了不在可信名单中的外部网站脚本。

    Why: an injected ``<script src=http://…/tj.js>`` runs whatever its owner serves, today or after
    the domain lapses. Statistics, map and CDN hosts on the trusted list are normal.
    Example: ``<script src="http://cdn.unknown.example/a.js"></script>``.
    """
    id = "tampering.external-script"
    severity = "minor"
    message = "引用了其他网站的脚本，请确认来源可信"

    def check(self, doc, ctx):
        own = doc_host(doc)
        seen = set()
        for link in doc.links:
            if link.tag != "script" or link.href in seen:
                continue
            seen.add(link.href)
            host = host_of(link.href)
            if self.hosts.foreign(host, own):
                yield self.finding(doc, None, None, text=link.href, part="script",
                                   message=f"{self.message}（{host}）")


# --- scripts: decoding obfuscation, then looking for redirects, cloaking and foreign writes

_WS = re.compile(r"\s+")
_FROMCHARCODE = re.compile(r"fromCharCode\s*\(\s*((?:0x[0-9a-fA-F]+|\d+)(?:\s*,\s*(?:0x[0-9a-fA-F]+|\d+))*)\s*\)")
_HEX_RUN = re.compile(r"(?:\\x[0-9a-fA-F]{2}){6,}")
_UNI_RUN = re.compile(r"(?:\\u[0-9a-fA-F]{4}){6,}")
_PCT_RUN = re.compile(r"(?:%[0-9a-fA-F]{2}[^%'\"]{0,4}){6,}")
_ATOB = re.compile(r"atob\s*\(\s*['\"]([A-Za-z0-9+/=]{12,})['\"]")
_PACKED = re.compile(
    r"eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,\s*[dr]\s*\).*?\}\s*\(\s*"
    r"(['\"])(?P<p>.*?)(?<!\\)\1\s*,\s*(?P<a>\d+)\s*,\s*(?P<c>\d+)\s*,\s*(['\"])(?P<k>.*?)(?<!\\)\5\s*\.split",
    re.S)
_EVALISH = re.compile(r"\beval\s*\(|\bnew\s+Function\s*\(|\bFunction\s*\(\s*['\"]")
_OBF_CALL = re.compile(
    r"\beval\s*\(\s*(?:String\s*\.\s*fromCharCode|unescape|atob|decodeURI(?:Component)?|escape)\s*\(|"
    r"\beval\s*\(\s*['\"](?:\\x|%[0-9a-fA-F]{2})")
_REDIRECT = re.compile(
    r"location\s*(?:\.\s*href\s*)?=(?!=)|location\s*\.\s*(?:replace|assign)\s*\(|location\s*\[\s*['\"]href['\"]\s*\]\s*=")
_REFERRER_OR_UA = re.compile(r"document\s*\.\s*referrer|navigator\s*\.\s*userAgent", re.I)
_SEARCH_ENGINES = re.compile(
    r"baidu|google|sogou|soso|\bso\.com|sm\.cn|bing\.|yahoo|youdao|yisou|spider|crawler|haosou|bingbot", re.I)
_WRITE = re.compile(r"document\s*\.\s*write(?:ln)?\s*\(")
_TLDS = (r"(?:com|net|org|cn|info|xyz|top|cc|vip|club|site|online|live|app|me|tv|co|io|biz|wang|shop|ltd|pw|ws|"
         r"la|hk|tw|mo|asia|fun|icu|win|bet|games|casino|gov|edu)")
# http(s)://host with any name; a protocol-relative //host or a quoted bare host only with a known
# TLD, so that comments (//document.write) and property paths (window.top) are not taken for hosts
_URL_HOST = re.compile(r"https?://([a-z0-9][a-z0-9.-]*\.[a-z]{2,})", re.I)
_BARE_HOST = re.compile(r"(?:(?<![:\w])//|['\"]\s*)((?:[a-z0-9-]+\.)+" + _TLDS + r")(?=[/:'\"?#\s]|$)", re.I)


def _unpack(m: re.Match) -> str:
    """Dean Edwards' p,a,c,k,e,d packer: substitute base-`a` word indexes back by their keywords."""
    p, a, c, k = m.group("p"), int(m.group("a")), int(m.group("c")), m.group("k").split("|")
    if not 2 <= a <= 62:
        return ""
    digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def enc(n: int) -> str:
        s = ""
        while True:
            s = digits[n % a] + s
            n //= a
            if n == 0:
                return s

    table = {enc(i): (k[i] if i < len(k) and k[i] else enc(i)) for i in range(min(c, 20000))}
    return re.sub(r"\b\w+\b", lambda w: table.get(w.group(), w.group()), p.replace("\\'", "'"))


def decode_layers(code: str) -> tuple[str, list[str]]:
    """The decoded text of every obfuscation layer found, and the names of the techniques."""
    out, how = [], []
    for m in _FROMCHARCODE.finditer(code):
        try:
            out.append("".join(chr(int(x, 0)) for x in re.split(r"\s*,\s*", m.group(1).strip())))
            how.append("String.fromCharCode")
        except (ValueError, OverflowError):
            pass
    for m in _HEX_RUN.finditer(code):
        out.append(bytes.fromhex(m.group().replace("\\x", "")).decode("utf-8", "replace"))
        how.append("十六进制转义")
    for m in _UNI_RUN.finditer(code):
        out.append("".join(chr(int(h, 16)) for h in re.findall(r"\\u([0-9a-fA-F]{4})", m.group())))
        how.append("Unicode 转义")
    for m in _PCT_RUN.finditer(code):
        out.append(unquote(m.group()))
        how.append("URL 编码")
    for m in _ATOB.finditer(code):
        try:
            out.append(base64.b64decode(m.group(1) + "==", validate=False).decode("utf-8", "replace"))
            how.append("Base64")
        except (binascii.Error, ValueError):
            pass
    if "p,a,c,k,e" in _WS.sub("", code[:20000]):
        # bounded: the lazy groups of the packer pattern must not run over a huge script
        for m in _PACKED.finditer(code[:200_000]):
            out.append(_unpack(m))
            how.append("packer 压缩")
    return "\n".join(out), how


def script_hosts(code: str) -> set[str]:
    hosts = {h.lower().rstrip(".") for h in _URL_HOST.findall(code)}
    hosts.update(h.lower() for h in _BARE_HOST.findall(code))
    return hosts


_ANY_URL = re.compile(r"(?:https?:)?//[^\s'\"()<>]+", re.I)


def _cloaking(code: str) -> bool:
    """document.referrer or navigator.userAgent compared with search-engine or crawler names.

    Names inside URLs (hm.baidu.com of 百度统计) do not count, and a name must follow the check
    closely: a mobile-version redirect next to a statistics snippet is not cloaking."""
    if _REFERRER_OR_UA.search(code) is None:
        return False
    bare = _ANY_URL.sub(" ", code)
    for m in _REFERRER_OR_UA.finditer(bare):
        if _SEARCH_ENGINES.search(bare, max(0, m.start() - 200), m.end() + 300):
            return True
    return False


def _snippet(code: str, limit: int = 160) -> str:
    s = _WS.sub(" ", code.strip())
    return s if len(s) <= limit else s[:limit] + "…"


@register
class MaliciousScript(_TamperingRule):
    """恶意脚本：跳转到其他网站、按搜索引擎来源区别对待访客、document.write 写入外部链接、混淆加密的加载器。

    Why: hijacked pages keep their visible content and add a script that sends visitors arriving
    from a search engine (document.referrer, navigator.userAgent) to a gambling site, writes
    hidden links with document.write, or hides all of that behind eval(String.fromCharCode…) or
    long hex escapes. Obfuscation layers are decoded and checked again. A mobile-version redirect
    inside the site and statistics snippets (百度统计, CNZZ 站长统计) are normal and stay clean.
    Example: ``if(document.referrer.indexOf("baidu")>0){location.href="http://bet.example/"}``.
    """
    id = "tampering.malicious-script"
    severity = "critical"
    message = "疑似挂马：恶意脚本"
    defaults = {**_TamperingRule.defaults, "obfuscated_severity": "major"}

    def check(self, doc, ctx):
        own = doc_host(doc)
        srcs = {l.href for l in doc.links if l.tag == "script"}
        for code in doc.scripts:
            if code in srcs or not code.strip():
                continue
            verdict = self.judge(code, own)
            if verdict:
                severity, why = verdict
                yield self.finding(doc, None, None, text=_snippet(code), part="script",
                                   severity=severity, message=f"{self.message}：{why}")
        for link in doc.links:
            if link.tag == "meta-refresh" and self.hosts.foreign(host_of(link.href), own):
                yield self.finding(doc, None, None, text=link.href, part="meta",
                                   message=f"{self.message}：页面通过 meta refresh 自动跳转到其他网站（{host_of(link.href)}）")

    def judge(self, code: str, own: str | None) -> tuple[str, str] | None:
        decoded, how = decode_layers(code)
        allc = code + "\n" + decoded if decoded else code
        foreign = sorted(h for h in script_hosts(allc) if self.hosts.foreign(h, own))
        where = f"（{'、'.join(foreign[:3])}）" if foreign else ""
        redirect = _REDIRECT.search(allc) is not None
        cloaking = _cloaking(allc)
        writes = _WRITE.search(allc) is not None
        evalish = _EVALISH.search(code) is not None
        spam = bool(self.matcher.find(allc))
        # obfuscation proper: eval of a decoder call, or a long run of hex escapes. Unicode escapes
        # alone are how minifiers write Chinese strings, and packed plugins are decoded above.
        obfuscated = _OBF_CALL.search(code) is not None or \
            sum(len(m.group()) for m in _HEX_RUN.finditer(code)) >= 160
        weak = self.settings.get("obfuscated_severity", "major")
        techniques = "、".join(sorted(set(how))) or "eval"
        if redirect and cloaking:
            if foreign or spam or obfuscated:
                return "critical", f"脚本按搜索引擎来源或爬虫区别对待访客并跳转{where}"
            return weak, "脚本按搜索引擎来源或爬虫决定是否跳转，请核查跳转目标"
        if redirect and (foreign or spam):
            return "critical", f"脚本将访客跳转到其他网站{where}"
        if cloaking and (foreign or writes or spam):
            return "critical", f"脚本按搜索引擎来源或爬虫区别对待访客{where}"
        if writes and (foreign or spam):
            return "critical", f"脚本用 document.write 写入指向其他网站的内容{where}"
        if how and (foreign or spam) and evalish:
            return "critical", f"混淆加密（{techniques}）的脚本加载其他网站内容{where}"
        if obfuscated:
            return weak, f"脚本经过混淆加密（{techniques}），请核查来源"
        return None
