from celery import shared_task

from .notifications import follow_up_reminders_send
from .services import retention_erase


@shared_task
def follow_up_reminders_task():
    return follow_up_reminders_send()


@shared_task
def retention_task():
    return retention_erase()
