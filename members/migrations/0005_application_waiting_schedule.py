import json

from django.db import migrations

TASK_NAME = "会員：審査待ちの入会申込書のお知らせ（毎日）"


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="45",
        hour="7",
        day_of_month="*",
        month_of_year="*",
        day_of_week="1-5",
        timezone="Asia/Tokyo",
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "members.tasks.applications_waiting_reminder_task",
            "crontab": crontab,
            "args": json.dumps([]),
            "description": "審査待ちの入会申込書を平日の朝に事務局へお知らせします。",
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_activity_fields"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
