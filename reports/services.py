from django.utils import timezone
from django.utils.translation import gettext as _

from core.japanese import format_date
from core.models import GeneratedDocument

from .selectors import platform_counts


def platform_summary_create(*, actor) -> GeneratedDocument:
    """Snapshot today's platform figures into a document waiting to be rendered."""
    as_of = timezone.localdate()
    return GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.PLATFORM_SUMMARY,
        title=_("Platform summary %(date)s") % {"date": format_date(as_of)},
        snapshot={"as_of": as_of.isoformat(), **platform_counts()},
        created_by=actor,
    )
