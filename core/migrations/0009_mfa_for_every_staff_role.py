"""Two-factor authentication becomes the default for every staff role (issue 11): everyone who
sees personal data signs in with a second factor. RolePolicy keeps the switch per group for an
installation that decides otherwise (after this migration, in the admin)."""

from django.db import migrations

STAFF_ROLES = ["事務局", "コーディネーター", "ハブ担当", "協議会構成員", "監査"]


def require_mfa(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    RolePolicy = apps.get_model("core", "RolePolicy")
    for group in Group.objects.filter(name__in=STAFF_ROLES):
        RolePolicy.objects.update_or_create(group=group, defaults={"mfa_required": True})


def back_to_council_only(apps, schema_editor):
    RolePolicy = apps.get_model("core", "RolePolicy")
    RolePolicy.objects.exclude(group__name="協議会構成員").update(mfa_required=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_generateddocument_period")]

    operations = [migrations.RunPython(require_mfa, back_to_council_only)]
