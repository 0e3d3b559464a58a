from celery import shared_task

from core.services import document_render

from .services import platform_summary_create


@shared_task
def platform_summary_monthly_task() -> int:
    """Archive the platform summary on the 1st of each month (schedule: kirin_pf/schedule.py)."""
    document = platform_summary_create(actor=None)
    document_render(document=document)
    return document.pk
