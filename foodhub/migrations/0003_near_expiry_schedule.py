"""Formerly created the daily near-expiry alert in django-celery-beat. The schedule is now declared
in kirin_pf/schedule.py and synced after every migrate (core/schedule.py); this migration stays,
empty, so the migration graph and existing databases remain valid."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("foodhub", "0002_stock_and_ledger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = []
