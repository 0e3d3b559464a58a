"""Exact arithmetic for the 規約's fractions and periods. No floats anywhere (SPEC §3)."""

import datetime

from dateutil.relativedelta import relativedelta


def at_least_fraction(count: int, total: int, numerator: int, denominator: int) -> bool:
    """count/total >= numerator/denominator, in integers: 3 * yes >= 2 * n for "2/3 以上"."""
    return denominator * count >= numerator * total


def minimum_needed(total: int, numerator: int, denominator: int) -> int:
    """The smallest count meeting the fraction: ceil(total * numerator / denominator)."""
    return -(-numerator * total // denominator)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    return day + relativedelta(years=years)
