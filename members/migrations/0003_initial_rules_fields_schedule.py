"""Data: the rules in force from 令和6年4月1日 and the usual fields of activity.

It also created the daily no-contact reminder; the schedule is now declared in
kirin_pf/schedule.py and synced after every migrate (core/schedule.py)."""

import datetime

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


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("members", "RuleSet")
    ActivityField = apps.get_model("members", "ActivityField")
    if not RuleSet.objects.exists():
        RuleSet.objects.create(**FIRST_RULES)
    for order, name in enumerate(FIELDS):
        ActivityField.objects.get_or_create(name=name, defaults={"display_order": order})


def backwards(apps, schema_editor):
    pass  # the rules and fields stay; nothing refers to them before this migration


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_register_rules_meetings"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
