"""Periodic tasks as a Japanese list of what runs when; the time and the switch are editable."""

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from core import roles
from core.schedule import sync_periodic_tasks
from staff.schedule import describe
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
LIST = reverse("admin:staff_scheduledtask_changelist")


def _task(path):
    return PeriodicTask.objects.select_related("crontab").get(task=path)


def test_the_secretariat_reads_what_runs_when_in_japanese(client, secretariat):
    page = client.get(LIST).content.decode()

    assert "会員：審査待ちの入会申込書のお知らせ（毎日）" in page
    assert "平日（月〜金） 7:45" in page
    assert "毎日 7:30" in page
    assert "毎月1日 6:00" in page
    assert "members.tasks" not in page and "crontab" not in page.lower()


def test_the_secretariat_changes_the_time_and_it_survives_the_next_sync(client, secretariat):
    task = _task("members.tasks.applications_waiting_reminder_task")

    response = client.post(
        reverse("admin:staff_scheduledtask_change", args=[task.pk]),
        {"at": "08:15", "enabled": "on"},
    )

    assert response.status_code == 302
    task = _task("members.tasks.applications_waiting_reminder_task")
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("8", "15", "1-5")
    assert describe(task.crontab) == "平日（月〜金） 8:15"
    sync_periodic_tasks()
    assert _task("members.tasks.applications_waiting_reminder_task").crontab_id == task.crontab_id


def test_the_secretariat_switches_a_task_off(client, secretariat):
    task = _task("supporters.tasks.training_reminders_task")

    client.post(reverse("admin:staff_scheduledtask_change", args=[task.pk]), {"at": "09:00"})

    assert not _task("supporters.tasks.training_reminders_task").enabled


def test_celerys_own_screens_are_for_superusers_only(client, secretariat):
    assert (
        client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 403
    )
    assert (
        client.get(reverse("admin:django_celery_beat_crontabschedule_changelist")).status_code
        == 403
    )
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:django_celery_beat_periodictask_changelist") not in index
    assert LIST in index


def test_other_roles_do_not_see_the_schedule(client):
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    assert client.get(LIST).status_code == 403


def test_a_schedule_the_words_cannot_say_is_shown_as_its_fields():
    from django_celery_beat.models import CrontabSchedule

    crontab = CrontabSchedule(minute="*/5", hour="*", day_of_month="*", month_of_year="*")
    crontab.day_of_week = "*"

    assert describe(crontab) == "*/5 * * * *"
