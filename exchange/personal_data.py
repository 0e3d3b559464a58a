"""The board's check for personal data of individuals in a post or message.

It warns, it does not forbid: an organisation's own phone number is fine to post, a resident's is
not, and only a person can tell. The poster confirms the warning, the 事務局 sees it when checking
the post. Phone numbers and postcodes are recognised by core.japanese's own rules (full width and
any dash), addresses by a block number after a place, names by an honorific (〜さん, 〜様, 〜氏).
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from core.japanese import normalize_phone, normalize_postal_code

# Candidates: runs of digits and dashes (full width folded first), checked by core.japanese.
_DIGIT_RUN = re.compile(r"[0-9(][0-9\-()‐‑‒–—―−ーｰ]{8,16}[0-9]")
_POSTCODE_RUN = re.compile(r"(?<![0-9-])〒?\s?[0-9]{3}[-‐‑‒–—―−ーｰ]?[0-9]{4}(?![0-9-])")
# 「1丁目2番3号」, 「2番地」, 「東町2-15」 (a place written in kanji, then block numbers).
_ADDRESS = re.compile(
    r"[0-9]+丁目|[0-9]+番地|[0-9]+番[0-9]+号"
    r"|[\u4e00-\u9fff]{1,6}(?:市|町|村|区)[\u4e00-\u9fff]{0,6}[0-9]+[-‐−ー][0-9]+(?:[-‐−ー][0-9]+)?"
)
# A name before an honorific: kanji or katakana (not hiragana, to spare 「みなさん」).
_HONORIFIC = re.compile(r"([\u4e00-\u9fff\u30a1-\u30fa\u30fc]{1,8})(さん|さま|様|氏|くん|ちゃん)")
# Words before an honorific that name no one in particular.
_NOT_A_NAME = (
    "皆",
    "客",
    "利用者",
    "参加者",
    "家族",
    "保護者",
    "地域",
    "住民",
    "会員",
    "団体",
    "生徒",
    "児童",
    "高齢者",
    "方々",
    "協力者",
    "ボランティア",
    "スタッフ",
    "担当者",
    "先方",
    "各位",
)


def _is_phone(candidate: str) -> bool:
    """core.japanese's shape of a number, and a Japanese one: 10 or 11 digits from a 0 (so a
    date such as 2026-05-03 is not taken for one)."""
    value = normalize_phone(candidate)
    digits = re.sub(r"[^0-9]", "", value or "")
    return bool(value) and digits.startswith("0") and len(digits) in (10, 11)


def personal_data_warnings(*texts: str) -> list[str]:
    """What in `texts` looks like personal data, one Japanese sentence per kind found."""
    text = unicodedata.normalize("NFKC", "\n".join(t or "" for t in texts))
    found = []
    if any(_is_phone(m.group()) for m in _DIGIT_RUN.finditer(text)):
        found.append(_("It contains what looks like a phone number."))
    postcode = any(normalize_postal_code(m.group()) for m in _POSTCODE_RUN.finditer(text))
    if postcode or _ADDRESS.search(text):
        found.append(_("It contains what looks like a postal address."))
    if any(not m.group(1).endswith(_NOT_A_NAME) for m in _HONORIFIC.finditer(text)):
        found.append(_("It contains what looks like a person's name (〜さん, 〜様, 〜氏)."))
    return found
