import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .japanese import format_date
from .models import GeneratedDocument
from .pdf import render_pdf
from .selectors import platform_counts

logger = logging.getLogger(__name__)

_TEMPLATES = {
    GeneratedDocument.Kind.PLATFORM_SUMMARY: "core/pdf/platform_summary.html",
}


def platform_summary_create(*, actor) -> GeneratedDocument:
    """Snapshot today's platform figures into a document waiting to be rendered."""
    as_of = timezone.localdate()
    return GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.PLATFORM_SUMMARY,
        title=_("Platform summary %(date)s") % {"date": format_date(as_of)},
        snapshot={"as_of": as_of.isoformat(), **platform_counts()},
        created_by=actor,
    )


def document_render(*, document: GeneratedDocument) -> GeneratedDocument:
    """Render a document's snapshot to PDF and store it. Rendering again replaces the file."""
    try:
        context = {
            **document.snapshot,
            "document": document,
            "as_of": datetime.date.fromisoformat(document.snapshot["as_of"]),
        }
        pdf = render_pdf(_TEMPLATES[document.kind], context)
    except Exception as exc:
        logger.exception("Rendering document %s failed", document.pk)
        document.status = GeneratedDocument.Status.FAILED
        document.error = str(exc)
        document.save(update_fields=["status", "error"])
        raise
    with transaction.atomic():
        if document.file:
            document.file.delete(save=False)
        document.file.save(f"{document.kind}-{document.pk}.pdf", ContentFile(pdf), save=False)
        document.status = GeneratedDocument.Status.RENDERED
        document.error = ""
        document.rendered_at = timezone.now()
        document.save(update_fields=["file", "status", "error", "rendered_at"])
    return document


def document_rerender(*, document: GeneratedDocument) -> GeneratedDocument:
    """Queue a failed (or outdated) document for rendering again, once the transaction commits."""
    from .tasks import document_render_task  # tasks import this module

    with transaction.atomic():
        document.status = GeneratedDocument.Status.PENDING
        document.save(update_fields=["status"])
        document_render_task.delay_on_commit(document.pk)
    return document
