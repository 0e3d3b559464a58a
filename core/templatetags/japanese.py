import datetime

from django import template
from django.utils import timezone

from core.japanese import format_date, format_wareki

register = template.Library()


def _as_local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def jdate(value):
    """{{ value|jdate }} → 2026年3月31日"""
    return format_date(_as_local_date(value)) if value else ""


@register.filter
def wareki(value):
    """{{ value|wareki }} → 令和8年3月31日"""
    return format_wareki(_as_local_date(value)) if value else ""
