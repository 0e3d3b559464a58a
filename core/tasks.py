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


@shared_task(soft_time_limit=1500, time_limit=1800)
def import_job_task(job_id: int, write: bool) -> str:
    """Check (or, once confirmed, import) a large admin import in the background; the admin's
    page polls the job (core.imports)."""
    from .imports import import_job_run

    return import_job_run(job_id, write=write).stage


@shared_task
def import_jobs_expire_task() -> None:
    """Daily: drop unconfirmed import files and old jobs, fail jobs whose worker died
    (kirin_pf/schedule.py; also done at every upload)."""
    from .imports import import_jobs_expire

    import_jobs_expire()
