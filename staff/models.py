from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import PeriodicTask

from core.models import User


class StaffAccount(User):
    """A staff member's account as the secretariat manages it: name, roles, active or not.

    A proxy of the user: the secretariat gets its own screen and permissions (staff.*) instead of
    Django's user and group screens, which stay with superusers."""

    class Meta:
        proxy = True
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")

    def __str__(self):
        full_name = " ".join(part for part in (self.last_name, self.first_name) if part)
        return full_name or self.email


class ScheduledTask(PeriodicTask):
    """A periodic task as staff see it: what runs, when (Asia/Tokyo), on or off, last run.

    A proxy of django-celery-beat's task: the declaration is kirin_pf/schedule.py; the time and
    the switch are the secretariat's (core/schedule.py keeps them on the next sync)."""

    class Meta:
        proxy = True
        verbose_name = _("scheduled task")
        verbose_name_plural = _("scheduled tasks")
        ordering = ["crontab__hour", "crontab__minute", "name"]

    def __str__(self):
        return self.name
