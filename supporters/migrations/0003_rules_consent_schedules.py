import datetime
import json

from django.db import migrations

REMINDER_TASK = "つながりサポーター研修 前日リマインダー"
REFRESHER_TASK = "つながりサポーター 更新研修リマインダー"

CONSENT_V1 = """つながりサポーターの登録にあたり、お預かりする個人情報（氏名・ふりがな・連絡先・LINE名・お住まいの市町と中学校区・所属）は、麒麟のまち官民連携プラットフォーム事務局（鳥取市中央人権福祉センター）が、研修のご案内、修了証の発行、サポーターへの情報提供、登録者数の集計のためにのみ利用します。
ご本人の同意なく第三者に提供することはありません。登録の取り消しと個人情報の削除は、いつでも事務局にお申し出いただけます。削除後も、研修の受講者数などの統計には個人を特定できない形で残ります。"""


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("supporters", "SupporterRuleSet")
    ConsentText = apps.get_model("supporters", "ConsentText")
    RuleSet.objects.get_or_create(
        valid_from=datetime.date(2022, 4, 1),
        defaults={
            "refresher_interval_months": 24,
            "refresher_reminder_days": 30,
            "signup_limit_per_hour": 5,
        },
    )
    ConsentText.objects.get_or_create(
        version="2024-04", defaults={"body": CONSENT_V1, "valid_from": datetime.date(2024, 4, 1)}
    )

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour, description in [
        (
            REMINDER_TASK,
            "supporters.tasks.training_reminders_task",
            "9",
            "毎日 9:00 に、翌日の研修に申し込んだ方へリマインダーを送ります（送信済みは再送しません）。",
        ),
        (
            REFRESHER_TASK,
            "supporters.tasks.refresher_reminders_task",
            "10",
            "毎日 10:00 に、更新研修の時期が近いサポーターへお知らせを送ります（期限ごとに1回）。",
        ),
    ]:
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


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[REMINDER_TASK, REFRESHER_TASK]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0002_scheme"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
