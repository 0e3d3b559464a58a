import json

from django.db import migrations

TASK_NAME = "プラットフォーム概要（月次）"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_month="1",
        month_of_year="*",
        day_of_week="*",
        timezone="Asia/Tokyo",
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "core.tasks.platform_summary_monthly_task",
            "crontab": crontab,
            "args": json.dumps([]),
            "description": "毎月1日 6:00 にプラットフォーム概要PDFを作成して保存します。",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
