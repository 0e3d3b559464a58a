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


def period_passed_from(day: datetime.date, years: int) -> datetime.date:
    """The first day on which `years` years from an event on `day` have fully passed.

    民法第140条: the day of the event is not counted (it did not start at midnight), so the
    period runs from the next day; 第143条2: it ends at the end of the day before the
    corresponding day `years` later (the month's last day if there is none). Expelled on
    2025年6月1日 with a 3-year bar: barred up to 2028年6月1日, admissible from 6月2日.
    """
    return add_years(day, years) + datetime.timedelta(days=1)
