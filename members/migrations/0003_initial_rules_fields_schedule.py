"""Data: the rules in force from 令和6年4月1日, the usual fields of activity, the daily reminder."""

import datetime
import json

from django.db import migrations

# 規約第11条1, 第12条1・5; 要領第5条2; 規約第6条(1). The warning window is the secretariat's own.
FIRST_RULES = {
    "version": 1,
    "effective_from": datetime.date(2024, 4, 1),
    "quorum_numerator": 2,
    "quorum_denominator": 3,
    "resolution_numerator": 2,
    "resolution_denominator": 3,
    "written_numerator": 2,
    "written_denominator": 3,
    "readmission_bar_years": 3,
    "no_contact_years": 1,
    "no_contact_warning_days": 30,
    "subject_may_vote": False,
}

FIELDS = [
    "子ども食堂",
    "居場所づくり",
    "ピアサポート",
    "再犯防止",
    "食支援",
    "相談支援",
    "居住支援",
    "就労支援",
    "ひきこもり支援",
    "高齢者支援",
    "子育て支援",
    "障がい者支援",
]

TASK_NAME = "会員：連絡のない一般団体の確認（毎日）"


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("members", "RuleSet")
    ActivityField = apps.get_model("members", "ActivityField")
    if not RuleSet.objects.exists():
        RuleSet.objects.create(**FIRST_RULES)
    for order, name in enumerate(FIELDS):
        ActivityField.objects.get_or_create(name=name, defaults={"display_order": order})

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="7",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Asia/Tokyo",
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "members.tasks.no_contact_reminder_task",
            "crontab": crontab,
            "args": json.dumps([]),
            "description": "連絡が1年近く途絶えている一般団体を事務局にお知らせします（除名は自動では行いません）。",
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_register_rules_meetings"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
