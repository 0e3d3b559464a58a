"""Japanese text and date helpers used by every app."""

import datetime
import re
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


def format_wareki_month(day: datetime.date) -> str:
    """令和8年10月 (令和元年5月 in the era's first year)."""
    text = format_wareki(day.replace(day=1))
    return text[: text.index("年") + 1] + f"{day.month}月"


def format_wareki_fiscal_year(year: int) -> str:
    """令和8年度 for fiscal year 2026 (April 2026 – March 2027): named by the era in force from
    May, so fiscal year 2019 is 令和元年度."""
    text = format_wareki(datetime.date(year, 5, 1))
    return text[: text.index("年")] + "年度"


def fold(text: str) -> str:
    """Normalise text for search: full/half width (NFKC), katakana→hiragana, case.

    「ﾄｯﾄﾘ」, 「トットリ」 and 「とっとり」 all fold to 「とっとり」.
    """
    normalised = unicodedata.normalize("NFKC", text or "")
    return jaconv.kata2hira(normalised).casefold().strip()


def bigrams(folded: str) -> str:
    """The two-character runs of each word of `folded` text as words between spaces
    (「さとう はなこ」 → 「 さと とう なこ はな 」): a trigram index on such a column serves a
    two-character search word as `LIKE '% とう %'`, which it cannot do on the text itself
    (a trigram needs three characters, and Japanese names are often two)."""
    grams = sorted({word[i : i + 2] for word in folded.split() for i in range(len(word) - 1)})
    return f" {' '.join(grams)} " if grams else ""


# Dashes people type in Japanese text (hyphen, minus, long vowel marks); NFKC leaves these alone.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ", "-"))
_POSTAL_CODE = re.compile(r"^\d{3}-?\d{4}$")
_PHONE = re.compile(r"^[0-9\-()]{10,13}$")
# After fold(): hiragana, what is left of the katakana block (ー, ・, ヷ…), and spaces.
_KANA = re.compile(r"^[\u3041-\u309f\u30a0-\u30ff\s]+$")
# 2024-03-12, 2024/3/12, 2024年3月12日 (full width digits are folded first).
_DATE = re.compile(r"^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?$")


def is_kana(text: str) -> bool:
    """True for a reading written in hiragana or katakana (full or half width)."""
    return bool(_KANA.match(fold(text)))


def normalize_postal_code(text: str) -> str | None:
    """「〒６８０ー０００１」 → 「680-0001」; None when it is not 7 digits."""
    value = unicodedata.normalize("NFKC", text or "").translate(_DASHES).replace("〒", "").strip()
    if not _POSTAL_CODE.match(value):
        return None
    digits = value.replace("-", "")
    return f"{digits[:3]}-{digits[3:]}"


def normalize_phone(text: str) -> str | None:
    """Half width digits and ASCII dashes; None unless it has the shape of a Japanese number."""
    value = unicodedata.normalize("NFKC", text or "").translate(_DASHES).strip()
    return value if _PHONE.match(value) else None


def parse_date(text: str) -> datetime.date | None:
    """A date as people type it in forms and spreadsheets; None when it cannot be read."""
    match = _DATE.match(unicodedata.normalize("NFKC", str(text or "")).strip())
    if not match:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
