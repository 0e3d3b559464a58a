import datetime

import pytest

from core.japanese import fold, format_date, format_wareki


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2019, 12, 31), "令和元年12月31日"),
        (datetime.date(2020, 1, 1), "令和2年1月1日"),
        (datetime.date(2026, 3, 31), "令和8年3月31日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_wareki_changes_era_on_the_first_day_of_the_new_one(day, expected):
    assert format_wareki(day) == expected


def test_wareki_accepts_a_datetime():
    assert format_wareki(datetime.datetime(2026, 11, 24, 23, 59)) == "令和8年11月24日"


def test_plain_japanese_date():
    assert format_date(datetime.date(2026, 3, 31)) == "2026年3月31日"


@pytest.mark.parametrize("variant", ["とっとり", "トットリ", "ﾄｯﾄﾘ"])
def test_fold_matches_hiragana_katakana_and_half_width(variant):
    assert fold(variant) == "とっとり"


def test_fold_normalises_full_width_latin_and_digits():
    assert fold("ＮＰＯ法人　１２３") == fold("npo法人 123")
