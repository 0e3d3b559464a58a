import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .models import GeneratedDocument
from .pdf import render_pdf

logger = logging.getLogger(__name__)

# Document kind -> PDF template. Filled by the app that owns the kind (reports.apps), so core
# can render and re-render any archived document without importing that app.
_TEMPLATES: dict[str, str] = {}


def register_document_template(kind: str, template_name: str) -> None:
    _TEMPLATES[kind] = template_name


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
