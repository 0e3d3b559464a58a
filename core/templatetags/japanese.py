import datetime

from django import template
from django.utils import timezone

from core.japanese import format_date, format_wareki, format_wareki_month

register = template.Library()


def _as_local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def jdate(value):
    """{{ value|jdate }} → 2026年3月31日"""
    return format_date(_as_local_date(value)) if value else ""


def _wareki_or_western(day) -> str:
    try:
        return format_wareki(day)
    except ValueError:  # before 昭和 (a date of birth in 大正): the Western date
        return format_date(day)


@register.filter
def wareki(value):
    """{{ value|wareki }} → 令和8年3月31日"""
    return _wareki_or_western(_as_local_date(value)) if value else ""


def _with_western(era, western: str) -> str:
    """「era（western）」, or the Western form alone where no era applies (before 昭和)."""
    try:
        return f"{era()}（{western}）"
    except ValueError:
        return western


@register.filter
def wareki_western(value):
    """{{ value|wareki_western }} → 令和8年3月31日（2026年3月31日）: the era date, and beside it the
    Western date that calendars and mail programs read. For e-mails and document headings."""
    if not value:
        return ""
    day = _as_local_date(value)
    return _with_western(lambda: format_wareki(day), format_date(day))


@register.filter
def wareki_month_western(value):
    """{{ value|wareki_month_western }} → 令和8年10月（2026年10月）: a month, for e-mails."""
    if not value:
        return ""
    day = _as_local_date(value)
    return _with_western(lambda: format_wareki_month(day), f"{day.year}年{day.month}月")
