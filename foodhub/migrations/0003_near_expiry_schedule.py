import json

from django.db import migrations

TASK_NAME = "食品の期限接近通知（毎日）"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Asia/Tokyo",
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "foodhub.tasks.near_expiry_alert_task",
            "crontab": crontab,
            "args": json.dumps([]),
            "description": "毎朝7:00に、保管場所ごとの日数以内に期限を迎えるロットを各拠点の担当者に通知します。",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("foodhub", "0002_stock_and_ledger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
