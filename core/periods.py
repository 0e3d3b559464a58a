"""Calendar periods used by the rules: months, years, fiscal years and legal periods.

Exact date arithmetic only (SPEC §3): no floats, no 365-day years.
"""

import calendar
import datetime

from dateutil.relativedelta import relativedelta


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier); the 31st falls back to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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


def fiscal_year_of(day: datetime.date) -> int:
    """Japanese fiscal year (April–March): 2026-03-31 is FY2025, 2026-04-01 is FY2026."""
    return day.year if day.month >= 4 else day.year - 1
