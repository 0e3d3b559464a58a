import datetime

import pytest

from core.japanese import (
    bigrams,
    fold,
    format_date,
    format_wareki,
    is_kana,
    normalize_phone,
    normalize_postal_code,
    parse_date,
)


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


def test_bigrams_are_each_words_two_character_runs_as_words():
    assert bigrams("さとう はなこ") == " さと とう なこ はな "
    assert bigrams("佐藤 a") == " 佐藤 "  # a one-character word has none
    assert bigrams("") == ""


def test_fold_normalises_full_width_latin_and_digits():
    assert fold("ＮＰＯ法人　１２３") == fold("npo法人 123")


@pytest.mark.parametrize(
    "text", ["とっとり", "トットリ", "ﾄｯﾄﾘ", "やまだ　はなこ", "コーヒー・ハウス"]
)
def test_kana_accepts_hiragana_katakana_half_width_and_spaces(text):
    assert is_kana(text)


@pytest.mark.parametrize("text", ["鳥取", "tottori", "とっとり1", "", "   "])
def test_kana_refuses_kanji_latin_digits_and_empty(text):
    assert not is_kana(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6800001", "680-0001"), ("〒６８０ー０００１", "680-0001"), ("680‐0001", "680-0001")],
)
def test_postal_code_is_normalised(text, expected):
    assert normalize_postal_code(text) == expected


@pytest.mark.parametrize("text", ["680-001", "68O-0001", ""])
def test_postal_code_refuses_what_is_not_seven_digits(text):
    assert normalize_postal_code(text) is None


def test_phone_is_folded_to_half_width_with_ascii_dashes():
    assert normalize_phone("０８５７－２２－１２３４") == "0857-22-1234"
    assert normalize_phone("0857") is None


@pytest.mark.parametrize(
    "text", ["2024-03-12", "2024/3/12", "2024年3月12日", "２０２４／０３／１２", " 2024-3-12 "]
)
def test_dates_as_people_type_them(text):
    assert parse_date(text) == datetime.date(2024, 3, 12)


@pytest.mark.parametrize("text", ["2024-02-30", "12/03/2024", "R6.3.12", "", None])
def test_unreadable_dates_are_none(text):
    assert parse_date(text) is None
