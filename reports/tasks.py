from celery import shared_task
from django.utils import timezone

from core.services import document_render

from .monthly import monthly_report_build, monthly_report_for_previous_month
from .services import platform_summary_for_month


@shared_task
def platform_summary_monthly_task() -> int:
    """Archive the platform summary on the 1st of each month (schedule: kirin_pf/schedule.py)."""
    document = platform_summary_for_month(today=timezone.localdate())
    if document.status != document.Status.RENDERED:
        document_render(document=document)
    return document.pk


@shared_task(soft_time_limit=3000, time_limit=3600)
def monthly_report_build_task(report_id: int) -> int:
    """Build one monthly report on request (admin); the progress is on the report row."""
    return monthly_report_build(report_id=report_id).pk


@shared_task(soft_time_limit=3000, time_limit=3600)
def monthly_report_task() -> int:
    """On the 1st: last month's 月次報告, archived and sent (schedule: kirin_pf/schedule.py)."""
    return monthly_report_for_previous_month(today=timezone.localdate()).pk
