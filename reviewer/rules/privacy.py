"""privacy: personal numbers published unmasked (身份证、手机号、银行卡、护照、通行证) and rosters.

All rules read one shared analysis (rules/_pii.py): a single pre-scan for digit runs, then
validation (region table, birth date, check digit, Luhn, allocated prefixes) and context (labels
before the number, table column headers, negative labels such as 订单号/编号/流水号, URLs and file
names). Masked forms never fire. A number that belongs to a roster row (a name with an ID or mobile
number in a table or a row-like line) is reported once, as that row, while privacy.personal-list
runs; with that rule off, the numbers are reported one by one.
"""
from __future__ import annotations

from ..engine import Rule, register
from ._pii import analyse

ROW_RULE = "privacy.personal-list"


class _NumberRule(Rule):
    category = "privacy"
    kinds: tuple[str, ...] = ()

    def _rows_active(self) -> bool:
        # Engine sets `peers` to the ids of the rules it runs; outside an Engine assume the default
        peers = getattr(self, "peers", None)
        return True if peers is None else ROW_RULE in peers

    def check(self, doc, ctx):
        if not doc.text:
            return
        a = analyse(doc, ctx.today)
        rows = self._rows_active()
        for c in a.candidates:
            if c.kind in self.kinds and not (rows and c.in_row):
                yield self.finding(doc, c.start, c.end, suggestion=c.suggestion)


@register
class IdCard(_NumberRule):
    """未脱敏的居民身份证号码（18 位，含港澳台居民居住证；15 位旧号码须有“身份证”等标签）。

    Why: an ID number in a published page identifies a person for life and is the key to fraud;
    the 政务公开 rules require masking it (330824********1232). A number counts only if it passes the
    region table (every county code ever issued, and 81/82/83 residence permits), a real birth date
    not in the future and the ISO 7064 MOD 11-2 check digit, and no serial label (订单号、编号、流水号)
    or credit-code label stands right before it. A 15-digit number has no check digit, so it needs
    an ID label or an ID column header.
    Example: 「申请人：张三，身份证号码：330824199001011232」 → 330824********1232.
    """
    id = "privacy.id-card"
    severity = "critical"
    message = "公开内容含未脱敏的居民身份证号码"
    kinds = ("id18", "id15")


@register
class IdMaskWeak(_NumberRule):
    """身份证号码脱敏不充分：遮盖了末尾，但仍露出出生日期（33082419900101****）。

    Why: the usual convention hides positions 7–14 (the birth date); a mask over the last four
    still publishes region and date of birth, which together with a name identify the person.
    Example: 「身份证号：33082419900101****」 → 330824************.
    """
    id = "privacy.id-mask-weak"
    severity = "minor"
    message = "身份证号码脱敏不充分，仍显示出生日期，应遮盖第 7–14 位"
    kinds = ("id-mask-weak",)


@register
class Mobile(_NumberRule):
    """未脱敏的手机号码（含 +86/0086 前缀、中间带空格或短横线的写法）。

    Why: a private mobile number in a published notice exposes its owner to nuisance and fraud
    calls. Only allocated prefixes count (13x, 145/147/149, 15x, 162/165–167, 170–178, 18x, 19x);
    numbers inside URLs and file names, after a serial label, landlines and hotlines (12345,
    400-/800-) never fire. Major rather than critical: a contact person's work mobile is sometimes
    published on purpose; the officer decides.
    Example: 「联系人：李四 13812345678」 → 138****5678.
    """
    id = "privacy.mobile"
    severity = "major"
    message = "公开内容含未脱敏的手机号码"
    kinds = ("mobile",)


@register
class BankCard(_NumberRule):
    """未脱敏的银行卡号（16–19 位，Luhn 校验，银联 62 开头；其他卡组织须有“卡号/账号”等标签）。

    Why: a card number with a name is enough for social-engineering fraud. Luhn alone passes one
    random number in ten, so a card also needs an issuer prefix, and non-UnionPay prefixes need a
    card label. An 18-digit number that is a valid ID is reported as an ID, never as a card.
    Example: 「补贴发放至银行卡号 6222021234567890128」 → 6222***********0128.
    """
    id = "privacy.bank-card"
    severity = "critical"
    message = "公开内容含未脱敏的银行卡号"
    kinds = ("card",)


@register
class Passport(_NumberRule):
    """未脱敏的护照号码（E/G/D/S/P 开头等格式，须紧跟“护照”标签）。

    Why: passport numbers identify a person abroad and at the border. The shapes collide with model
    and part numbers, so only a number right after a passport label (or under a passport column)
    fires.
    Example: 「护照号码：E12345678」 → E1234****.
    """
    id = "privacy.passport"
    severity = "major"
    message = "公开内容含未脱敏的护照号码"
    kinds = ("passport",)


@register
class TravelPermit(_NumberRule):
    """未脱敏的往来港澳通行证号码（C+8 位数字、C+字母+7 位数字、旧版 W+8 位，须紧跟“通行证”标签）。

    Why: the permit number identifies its holder like a passport does. Only numbers right after a
    通行证 label (or under such a column) fire.
    Example: 「往来港澳通行证：C12345678」 → C1234****.
    """
    id = "privacy.travel-permit"
    severity = "major"
    message = "公开内容含未脱敏的往来港澳通行证号码"
    kinds = ("permit",)


@register
class PersonalList(Rule):
    """名单或表格逐行列出姓名及身份证号码/手机号码（每行一条）。

    Why: a roster (补贴发放名单、困难群众名单、考生名单 …) that pairs names with ID or mobile numbers
    is the typical mass leak the inspections find. Each row is one finding with the whole row as
    text and the masked row (张*、330824********1232、138****5678) as suggestion; the numbers in
    the row are not reported again on their own. A row is a table row (HTML, docx, xlsx) or a line
    of separated cells (「张三  330824199001011232  13812345678」); rows with only a mobile number
    count in a list of two rows or more (a single 联系人 line is a contact, reported by
    privacy.mobile).
    Example: 「1  张三  330824199001011232  13812345678」 → 「1  张*  330824********1232  138****5678」.
    """
    id = ROW_RULE
    category = "privacy"
    severity = "critical"
    message = "名单/表格中列有姓名及未脱敏的身份证号码或手机号码（个人信息泄露）"

    def check(self, doc, ctx):
        if not doc.text:
            return
        for r in analyse(doc, ctx.today).rows:
            kinds = {c.kind for c in r.members}
            what = "、".join(label for kind, label in _LABELS if kind & kinds)
            yield self.finding(doc, r.start, r.end, suggestion=r.suggestion,
                               message=f"名单/表格中列有姓名及未脱敏的{what}（个人信息泄露）")


# what a roster row shows, in the order an officer reads it
_LABELS = ((frozenset(("id18", "id15", "id18-unchecked")), "身份证号码"), (frozenset(("mobile",)), "手机号码"),
           (frozenset(("card",)), "银行卡号"), (frozenset(("passport",)), "护照号码"),
           (frozenset(("permit",)), "通行证号码"), (frozenset(("id-mask-weak",)), "出生日期"))
