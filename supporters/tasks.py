"""Thin Celery tasks: load by id, call a service. Every e-mail goes through core.notify."""

from celery import shared_task
from django.utils import timezone

from . import services
from .models import Registration, SupporterNotice


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def registration_confirmation_task(registration_id: int) -> bool:
    registration = Registration.objects.select_related("session").get(pk=registration_id)
    return services.registration_confirmation_send(registration=registration)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def waitlist_offer_mail_task(registration_id: int) -> bool:
    registration = Registration.objects.select_related("session").get(pk=registration_id)
    if registration.status != Registration.Status.OFFERED:
        return False  # accepted, declined or lapsed before the mail went out
    return services.waitlist_offer_send(registration=registration)


@shared_task
def waitlist_offers_expire_task() -> int:
    """Every 15 minutes (django-celery-beat): lapsed waiting-list offers pass to the next."""
    return services.waitlist_offers_expire(now=timezone.now())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def training_reminders_task() -> int:
    """Daily (django-celery-beat): remind people signed up for tomorrow's sessions."""
    return services.training_reminders_send(on=timezone.localdate())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def refresher_reminders_task() -> int:
    """Daily (django-celery-beat): tell supporters their refresher training is coming due."""
    return services.refresher_reminders_send(on=timezone.localdate())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notice_send_task(notice_id: int) -> int:
    notice = SupporterNotice.objects.get(pk=notice_id)
    return services.notice_send(notice=notice)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def rollup_check_task() -> int:
    """Nightly (kirin_pf/schedule.py): the monthly roll-up against the supporters, the
    secretariat alerted on any difference. Returns how many roll-up rows differ."""
    from .services.rollup_check import rollup_check_alert

    return rollup_check_alert(today=timezone.localdate())
