"""Masking of personal numbers for suggestions, exports and log lines.

Deliberately unvalidated: anything shaped like an ID, mobile or card number is masked, because a
log line or an export must never carry one, and over-masking there costs nothing.
"""
from __future__ import annotations

import re

MASK = "*"
_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})[ ]?(\d{8})[ ]?(\d{3}[\dXx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)")
_CARD = re.compile(r"(?<!\d)(\d{4}(?:[ -]?\d{4}){2,3}[ -]?\d{0,3})(?!\d)")
_MOBILE = re.compile(r"(?<![\d])((?:\+|00)?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")


def mask_id(number: str) -> str:
    """330824199001011232 -> 330824********1232 (keeps region and the last four)."""
    digits = re.sub(r"\s", "", number)
    return digits[:6] + MASK * (len(digits) - 10) + digits[-4:]


def mask_mobile(number: str) -> str:
    """13812345678 -> 138****5678; a country prefix is kept as written."""
    m = _MOBILE.fullmatch(number.strip())
    if not m:
        digits = re.sub(r"\D", "", number)
        return digits[:3] + MASK * 4 + digits[-4:]
    return (m.group(1) or "") + m.group(2) + MASK * 4 + m.group(4)


def mask_card(number: str) -> str:
    """6222021234567890123 -> 6222***********0123 (keeps the issuer prefix and the last four)."""
    digits = re.sub(r"\D", "", number)
    return digits[:4] + MASK * (len(digits) - 8) + digits[-4:]


def mask_all(text: str) -> str:
    """Mask every ID-, card- or mobile-shaped number in `text`."""
    text = _ID18.sub(lambda m: mask_id(m.group(0)), text)
    text = _CARD.sub(lambda m: mask_card(m.group(0)), text)
    text = _ID15.sub(lambda m: mask_id(m.group(0)), text)
    return _MOBILE.sub(lambda m: mask_mobile(m.group(0)), text)
