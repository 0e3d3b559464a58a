from celery import shared_task

from .models import GeneratedDocument
from .services import document_render


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def document_render_task(document_id: int) -> str:
    document = GeneratedDocument.objects.get(pk=document_id)
    if document.status != GeneratedDocument.Status.RENDERED:
        document_render(document=document)
    return document.status


@shared_task
def security_failures_alert_task() -> int:
    """Yesterday's failed sign-ins to the secretariat when they spiked (kirin_pf/schedule.py)."""
    import datetime

    from django.utils import timezone

    from .security import security_failures_alert

    return security_failures_alert(day=timezone.localdate() - datetime.timedelta(days=1))
