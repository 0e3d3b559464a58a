"""Japanese text and date helpers used by every app."""

import datetime
import unicodedata

import jaconv

# (first day, era name); newest first.
_ERAS = [
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
]


def format_date(value: datetime.date) -> str:
    """2026年3月31日"""
    return f"{value.year}年{value.month}月{value.day}日"


def format_wareki(value: datetime.date) -> str:
    """令和8年3月31日; the first year of an era prints as 元年 (令和元年5月1日)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    for start, name in _ERAS:
        if value >= start:
            year = value.year - start.year + 1
            year_text = "元" if year == 1 else str(year)
            return f"{name}{year_text}年{value.month}月{value.day}日"
    raise ValueError(f"No Japanese era is defined for {value.isoformat()}.")


def fold(text: str) -> str:
    """Normalise text for search: full/half width (NFKC), katakana→hiragana, case.

    「ﾄｯﾄﾘ」, 「トットリ」 and 「とっとり」 all fold to 「とっとり」.
    """
    normalised = unicodedata.normalize("NFKC", text or "")
    return jaconv.kata2hira(normalised).casefold().strip()
