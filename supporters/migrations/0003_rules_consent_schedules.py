# The two reminder schedules this migration created are now declared in kirin_pf/schedule.py
# and synced after every migrate (core/schedule.py).
import datetime

from django.db import migrations

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


def backwards(apps, schema_editor):
    pass  # the rule set and consent text stay


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0002_scheme"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
