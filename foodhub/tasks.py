"""Thin Celery tasks for the food hubs; the logic is in foodhub.services."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def ledger_check_task() -> int:
    """Nightly (kirin_pf/schedule.py): stock against ledger, the secretariat alerted on any
    difference. Returns how many lots differ."""
    from .services.ledger_check import ledger_check_alert

    return ledger_check_alert(today=timezone.localdate())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def near_expiry_alert_task() -> int:
    """Daily (django-celery-beat): warn each site's operators of lots near expiry."""
    return services.near_expiry_alerts_send(today=timezone.localdate())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def food_request_reminder_task() -> int:
    """Daily (kirin_pf/schedule.py): remind partners of tomorrow's pick-up or delivery."""
    return services.food_request_reminders_send(today=timezone.localdate())
