"""The periodic tasks in words staff read (毎日 7:30, 平日 7:45, 毎月1日 6:00) and the one change
they make: the time of day, and whether it runs."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_celery_beat.models import CrontabSchedule

from core.audit import audit

WEEKDAYS = ["日", "月", "火", "水", "木", "金", "土"]


def _days(crontab) -> str:
    day, month, weekday = crontab.day_of_month, crontab.month_of_year, crontab.day_of_week
    if month != "*":
        return ""
    if day == "*" and weekday == "*":
        return _("every day")
    if day == "*" and weekday == "1-5":
        return _("weekdays (Mon–Fri)")
    if day == "*" and weekday.isdigit() and int(weekday) <= 7:
        return _("every %(weekday)s") % {"weekday": WEEKDAYS[int(weekday) % 7] + "曜日"}
    if weekday == "*" and day.isdigit():
        return _("on day %(day)s of every month") % {"day": day}
    return ""


def time_of(crontab) -> datetime.time | None:
    if crontab and crontab.hour.isdigit() and crontab.minute.isdigit():
        return datetime.time(int(crontab.hour), int(crontab.minute))
    return None


def describe(crontab) -> str:
    """「毎日 7:30」; a schedule these words cannot say is shown as its five crontab fields."""
    if crontab is None:
        return "—"
    days, at = _days(crontab), time_of(crontab)
    if days and at:
        return f"{days} {at.hour}:{at.minute:02d}"
    return (
        f"{crontab.minute} {crontab.hour} {crontab.day_of_month} "
        f"{crontab.month_of_year} {crontab.day_of_week}"
    )


def scheduled_task_set(*, task, at: datetime.time, enabled: bool, actor):
    """Run the task at `at` (Asia/Tokyo) on the same days as before, and switch it on or off.

    `at` None keeps the time (a schedule with several times a day is changed by a developer)."""
    if at is not None and time_of(task.crontab) is None:
        raise ValidationError(
            _("This task runs several times a day; its times can only be changed by a developer.")
        )
    if at is None:
        task.enabled = enabled
        audit(task, "staff.scheduled_task.changed", actor).save()
        return task
    with transaction.atomic():
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=str(at.minute),
            hour=str(at.hour),
            day_of_month=task.crontab.day_of_month,
            month_of_year=task.crontab.month_of_year,
            day_of_week=task.crontab.day_of_week,
            timezone=task.crontab.timezone,
        )
        task.crontab = crontab
        task.enabled = enabled
        # save() through the model bumps PeriodicTasks.changed: a running beat reloads.
        audit(task, "staff.scheduled_task.changed", actor).save()
    return task
