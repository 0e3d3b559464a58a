from celery import shared_task

from .models import GeneratedDocument
from .services import document_render


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def document_render_task(document_id: int) -> str:
    document = GeneratedDocument.objects.get(pk=document_id)
    if document.status != GeneratedDocument.Status.RENDERED:
        document_render(document=document)
    return document.status
