"""Formerly created the monthly platform summary in django-celery-beat. The schedule is now
declared in kirin_pf/schedule.py and synced after every migrate (core/schedule.py); this migration
stays, empty, so the migration graph and existing databases remain valid."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = []
