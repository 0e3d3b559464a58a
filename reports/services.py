from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.japanese import format_date
from core.models import GeneratedDocument

from .selectors import platform_counts


def platform_summary_create(*, actor, period: str = "") -> GeneratedDocument:
    """Snapshot today's platform figures into a document waiting to be rendered."""
    as_of = timezone.localdate()
    return GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.PLATFORM_SUMMARY,
        title=_("Platform summary %(date)s") % {"date": format_date(as_of)},
        snapshot={"as_of": as_of.isoformat(), **platform_counts()},
        created_by=actor,
        period=period,
    )


def platform_summary_for_month(*, today) -> GeneratedDocument:
    """The month's archived summary: made once per month however often the task runs (the
    database's unique kind + period settles two runs racing)."""
    period = f"{today:%Y-%m}"
    existing = GeneratedDocument.objects.filter(
        kind=GeneratedDocument.Kind.PLATFORM_SUMMARY, period=period
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return platform_summary_create(actor=None, period=period)
    except IntegrityError:  # made by a concurrent run
        return GeneratedDocument.objects.get(
            kind=GeneratedDocument.Kind.PLATFORM_SUMMARY, period=period
        )
