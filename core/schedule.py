"""Syncs the declared periodic tasks (settings.PERIODIC_TASKS, kirin_pf/schedule.py) into
django-celery-beat, after every migrate and from `manage.py sync_schedule`."""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

TIME_ZONE = "Asia/Tokyo"
CRONTAB_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # the admin's time differs and was kept


def crontab_fields(expression: str) -> dict:
    """「30 7 * * 1-5」 → the CrontabSchedule fields, in Asia/Tokyo."""
    parts = expression.split()
    if len(parts) != len(CRONTAB_FIELDS):
        raise ValueError(f"A crontab has five fields (min hour day month weekday): {expression!r}")
    return {**dict(zip(CRONTAB_FIELDS, parts, strict=True)), "timezone": TIME_ZONE}


def sync_periodic_tasks(declared=None, *, reset=False, using=DEFAULT_DB_ALIAS) -> SyncResult:
    """Create every declared task that is missing; keep the task path and description of existing
    ones in line with the declaration. The time and `enabled` of an existing entry are the
    admin's: left alone unless `reset` is true. Running it twice changes nothing."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    result = SyncResult()
    with transaction.atomic(using=using):
        for entry in settings.PERIODIC_TASKS if declared is None else declared:
            crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
                **crontab_fields(entry["crontab"])
            )
            task = PeriodicTask.objects.using(using).filter(name=entry["name"]).first()
            if task is None:
                PeriodicTask.objects.using(using).create(
                    name=entry["name"],
                    task=entry["task"],
                    crontab=crontab,
                    args=json.dumps([]),
                    description=entry["description"],
                )
                result.created.append(entry["name"])
                continue
            changed = {
                name: value
                for name, value in [("task", entry["task"]), ("description", entry["description"])]
                if getattr(task, name) != value
            }
            if task.crontab_id != crontab.pk:
                if reset:
                    changed["crontab"] = crontab
                else:
                    result.kept.append(entry["name"])
            if changed:
                for name, value in changed.items():
                    setattr(task, name, value)
                # save() through the model also bumps PeriodicTasks.changed, so a running beat
                # reloads its schedule.
                task.save(update_fields=[*changed, "date_changed"])
                result.updated.append(entry["name"])
    return result


def beat_tables_exist(using=DEFAULT_DB_ALIAS) -> bool:
    with connections[using].cursor() as cursor:
        tables = connections[using].introspection.table_names(cursor)
    return "django_celery_beat_periodictask" in tables


def sync_after_migrate(sender=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate handler (connected for core only, so it runs once per migrate)."""
    if beat_tables_exist(using):
        sync_periodic_tasks(using=using)
