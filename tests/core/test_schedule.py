"""The periodic tasks declared in kirin_pf/schedule.py, synced into django-celery-beat."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core.schedule import crontab_fields, sync_periodic_tasks
from kirin_pf.celery import app as celery_app
from kirin_pf.schedule import PERIODIC_TASKS

pytestmark = pytest.mark.django_db


def _crontab(task: PeriodicTask) -> str:
    c = task.crontab
    return f"{c.minute} {c.hour} {c.day_of_month} {c.month_of_year} {c.day_of_week}"


def test_after_migrate_every_declared_task_exists_with_its_time_in_tokyo():
    # The test database was built by migrate, so the post-migrate sync has run.
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}

    for entry in settings.PERIODIC_TASKS:
        task = tasks[entry["name"]]
        assert task.task == entry["task"]
        assert _crontab(task) == entry["crontab"]
        assert str(task.crontab.timezone) == "Asia/Tokyo"
        assert task.enabled


def test_every_declared_task_is_a_registered_celery_task():
    celery_app.loader.import_default_modules()
    for entry in settings.PERIODIC_TASKS:
        assert entry["task"] in celery_app.tasks, entry["task"]


def test_names_are_unique():
    names = [entry["name"] for entry in settings.PERIODIC_TASKS]
    assert len(names) == len(set(names))


def test_syncing_twice_changes_nothing():
    sync_periodic_tasks()
    before = (
        list(PeriodicTask.objects.order_by("pk").values()),
        list(CrontabSchedule.objects.order_by("pk").values()),
    )

    result = sync_periodic_tasks()

    assert result.created == result.updated == result.kept == []
    after = (
        list(PeriodicTask.objects.order_by("pk").values()),
        list(CrontabSchedule.objects.order_by("pk").values()),
    )
    assert after == before


def test_a_time_changed_in_the_admin_survives_the_next_migrate():
    entry = settings.PERIODIC_TASKS[0]
    task = PeriodicTask.objects.get(name=entry["name"])
    task.crontab = CrontabSchedule.objects.create(**crontab_fields("15 8 * * *"))
    task.enabled = False
    task.save()

    call_command("migrate", verbosity=0, stdout=io.StringIO())

    task.refresh_from_db()
    assert _crontab(task) == "15 8 * * *"
    assert not task.enabled


def test_reset_puts_the_declared_time_back():
    entry = settings.PERIODIC_TASKS[0]
    task = PeriodicTask.objects.get(name=entry["name"])
    task.crontab = CrontabSchedule.objects.create(**crontab_fields("15 8 * * *"))
    task.save()

    call_command("sync_schedule", "--reset", stdout=io.StringIO())

    task.refresh_from_db()
    assert _crontab(task) == entry["crontab"]


def test_a_moved_task_keeps_its_entry_and_gets_its_new_path():
    entry = next(e for e in settings.PERIODIC_TASKS if e["task"].startswith("reports."))
    PeriodicTask.objects.filter(name=entry["name"]).update(
        task="core.tasks.platform_summary_monthly_task"
    )

    result = sync_periodic_tasks()

    assert result.updated == [entry["name"]]
    assert PeriodicTask.objects.get(name=entry["name"]).task == entry["task"]
    assert PeriodicTask.objects.filter(name=entry["name"]).count() == 1


def test_a_missing_task_is_created_and_reported_by_the_command():
    PeriodicTask.objects.filter(name=settings.PERIODIC_TASKS[-1]["name"]).delete()
    out = io.StringIO()

    call_command("sync_schedule", stdout=out)

    assert f"created: {settings.PERIODIC_TASKS[-1]['name']}" in out.getvalue()
    assert PeriodicTask.objects.filter(name=settings.PERIODIC_TASKS[-1]["name"]).exists()


def test_a_crontab_needs_five_fields():
    with pytest.raises(ValueError, match="five fields"):
        crontab_fields("0 7 * *")


def test_the_readme_lists_every_declared_task():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| [^|]+ \| `([\w.]+_task)` \|", readme, flags=re.MULTILINE))

    assert listed == {entry["task"] for entry in PERIODIC_TASKS}
