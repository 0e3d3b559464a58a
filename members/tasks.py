"""Thin Celery tasks: load by id, call a service. Every e-mail goes through
core.notifications.notify, from a task (services queue theirs with delay_on_commit)."""

from celery import shared_task
from django.utils import timezone

from . import services
from .models import Application, Meeting, OrganisationContact


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def no_contact_reminder_task() -> int:
    """Daily (django-celery-beat): remind the secretariat of 一般団体 nearing the no-contact
    ground (規約第6条(1)). It only reminds; expulsion needs a resolution (第9条(3))."""
    return services.no_contact_reminders_send(today=timezone.localdate())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def applications_waiting_reminder_task() -> int:
    """Daily: remind the secretariat of applications waiting for review."""
    return services.applications_waiting_remind(today=timezone.localdate())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def written_resolution_reminder_task() -> int:
    """Daily: remind steering members who have not replied to a written resolution."""
    return services.written_resolution_reminders_send(today=timezone.localdate())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def prospect_next_step_reminder_task() -> int:
    """Daily: remind the secretariat of prospects whose next step is due."""
    return services.prospect_next_step_reminders_send(today=timezone.localdate())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def application_mail_task(application_id: int, mail: str) -> bool:
    """The applicant's e-mail: "received", "approved" or "rejected" (要領第2条2)."""
    application = Application.objects.get(pk=application_id)
    return services.application_mail_send(application=application, mail=mail)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def contact_invite_mail_task(contact_id: int) -> bool:
    """A new contact person's invitation (link to set a password)."""
    contact = OrganisationContact.objects.select_related("organisation", "user").get(pk=contact_id)
    return services.contact_invite_send(contact=contact)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def meeting_notice_mail_task(meeting_id: int, period: str) -> int:
    """The meeting's notice to every steering member (規約第12条3), queued when it is sent."""
    meeting = Meeting.objects.get(pk=meeting_id)
    return services.meeting_notice_mails_send(meeting=meeting, period=period)
