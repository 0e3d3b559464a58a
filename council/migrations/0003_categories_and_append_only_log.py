"""Consultation categories as data, the access log's append-only trigger and the follow-up
reminder and retention schedules.

The database refuses to change an access log row (and, on PostgreSQL, to delete one). On SQLite
only UPDATE is refused, because Django's test flush empties tables with DELETE there (as for the
food ledger, foodhub migration 0005).
"""

import json

from django.db import migrations

CATEGORIES = [
    "生活困窮",
    "家族関係",
    "近隣関係",
    "就労支援",
    "住宅関係",
    "ひきこもり",
    "ヤングケアラー",
    "老老介護",
    "8050問題",
    "再犯防止",
    "身寄りのない単身高齢者",
    "その他",
]

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION council_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'council access log entries are append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER council_accesslog_append_only
    BEFORE UPDATE OR DELETE ON council_accesslog
    FOR EACH ROW EXECUTE FUNCTION council_accesslog_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS council_accesslog_append_only ON council_accesslog;
DROP FUNCTION IF EXISTS council_accesslog_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER council_accesslog_append_only BEFORE UPDATE ON council_accesslog
BEGIN
    SELECT RAISE(ABORT, 'council access log entries are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS council_accesslog_append_only;"

SCHEDULES = [
    (
        "協議会フォローアップ期日通知（毎日）",
        "council.tasks.follow_up_reminders_task",
        "7",
        "毎朝7:00に、期日到来・期日超過のフォローアップを調整機関の受付担当に通知します（事例番号とリンクのみ）。",
    ),
    (
        "協議会ケース個人情報の消去（毎日）",
        "council.tasks.retention_task",
        "3",
        "毎日3:00に、終結から保存年限を過ぎたケースの個人情報を消去します（消去は記録されます）。",
    ),
]


def up(apps, schema_editor):
    Category = apps.get_model("council", "Category")
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"display_order": order})
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour, description in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour=hour,
            day_of_month="*",
            month_of_year="*",
            day_of_week="*",
            timezone="Asia/Tokyo",
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": crontab,
                "args": json.dumps([]),
                "description": description,
            },
        )


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[s[0] for s in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0002_case_workflow"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(up, down)]
