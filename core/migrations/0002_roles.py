from django.db import migrations

ROLES = ["事務局", "コーディネーター", "ハブ担当", "協議会構成員", "監査"]
MFA_REQUIRED = {"協議会構成員"}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    RolePolicy = apps.get_model("core", "RolePolicy")
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        RolePolicy.objects.get_or_create(
            group=group, defaults={"mfa_required": name in MFA_REQUIRED}
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
