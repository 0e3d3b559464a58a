"""Formerly created the applications-waiting reminder in django-celery-beat. The schedule is now
declared in kirin_pf/schedule.py and synced after every migrate (core/schedule.py); this migration
stays, empty, so the migration graph and existing databases remain valid."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_activity_fields"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = []
