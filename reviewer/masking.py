"""Masking of personal numbers for suggestions, exports and log lines.

Deliberately unvalidated: anything shaped like an ID, mobile, card or passport number is masked,
because a log line or an export must never carry one, and over-masking there costs nothing.
Full-width digits (１３８…) are folded to ASCII first so they cannot slip through.
"""
from __future__ import annotations

import re

MASK = "*"
_SPACES = re.compile(r"[\s\-－]")
_NON_DIGITS = re.compile(r"\D")
_FW = str.maketrans("０１２３４５６７８９－Ｘｘ＋", "0123456789-Xx+")
_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})[ ]?(\d{8})[ ]?(\d{3}[\dXx])(?![0-9A-Za-z])")
# a masked ID that still shows the birth date (33082419900101****) is masked again properly
_ID_WEAK = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})([\d*＊×●]{4})(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)")
_CARD = re.compile(r"(?<!\d)(\d{4}(?:[ -]?\d{4}){2,3}[ -]?\d{0,3})(?!\d)")
_MOBILE = re.compile(r"(?<![\d])((?:\+|00)?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_PASSPORT = re.compile(r"(?<![0-9A-Za-z])([A-Z]{1,2}\d{3,4})(\d{4})(?![0-9A-Za-z])")


def mask_id(number: str) -> str:
    """330824199001011232 -> 330824********1232; a 15-digit ID hides its birth date: 330824******123."""
    digits = _SPACES.sub("", number.translate(_FW))
    if len(digits) == 15:
        return digits[:6] + MASK * 6 + digits[-3:]
    return digits[:6] + MASK * (len(digits) - 10) + digits[-4:]


def mask_mobile(number: str) -> str:
    """13812345678 -> 138****5678; a country prefix is kept as written (+86 138****5678)."""
    number = number.translate(_FW)
    m = _MOBILE.fullmatch(number.strip())
    if not m:
        digits = _NON_DIGITS.sub("", number)
        return digits[:3] + MASK * 4 + digits[-4:]
    return (m.group(1) or "") + m.group(2) + MASK * 4 + m.group(4)


def mask_card(number: str) -> str:
    """6222021234567890123 -> 6222***********0123 (keeps the issuer prefix and the last four)."""
    digits = _NON_DIGITS.sub("", number.translate(_FW))
    return digits[:4] + MASK * (len(digits) - 8) + digits[-4:]


def mask_passport(number: str) -> str:
    """E12345678 -> E1234****, CA1234567 -> CA123****: keeps the letters and the first digits."""
    number = number.translate(_FW).upper()
    return number[:-4] + MASK * 4


def _star(s: str, hide: range) -> str:
    """Replace the digits of `s` whose ordinal is in `hide` by the mask char, keeping every separator."""
    out, k = [], 0
    for ch in s:
        if "0" <= ch <= "9":
            out.append(MASK if k in hide else ch)
            k += 1
        else:
            out.append(ch)
    return "".join(out)


def _mask_mobile_in_place(m: re.Match) -> str:
    p = sum(c.isdigit() for c in (m.group(1) or ""))
    return _star(m.group(0), range(p + 3, p + 7))


def mask_all(text: str) -> str:
    """Mask every ID-, card-, mobile- or passport-shaped number in `text`.

    Length-preserving (digits become `*`, separators stay), so a masked text lines up with the
    original: the web view masks a whole span and slices it.
    """
    text = text.translate(_FW)
    text = _ID18.sub(lambda m: _star(m.group(0), range(6, 14)), text)
    text = _ID_WEAK.sub(lambda m: m.group(1) + MASK * 8 + m.group(3), text)
    text = _ID15.sub(lambda m: _star(m.group(0), range(6, 12)), text)
    text = _CARD.sub(lambda m: _star(m.group(0), range(4, sum(c.isdigit() for c in m.group(0)) - 4)), text)
    text = _MOBILE.sub(_mask_mobile_in_place, text)
    return _PASSPORT.sub(lambda m: m.group(1) + MASK * 4, text)
