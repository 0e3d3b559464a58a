"""Issue 13 (scale): on PostgreSQL the items' folded search text and the ledger's reason get
trigram indexes (core.pg_indexes; SQLite skips them)."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.pg_indexes import PostgresOnlyAddIndex


class Migration(migrations.Migration):
    dependencies = [
        ("foodhub", "0001_squashed_0007_consent_once_per_day_while_in_force"),
    ]

    operations = [
        TrigramExtension(),
        PostgresOnlyAddIndex(
            model_name="item",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_text"], name="foodhub_item_search_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        PostgresOnlyAddIndex(
            model_name="ledgerentry",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["reason"], name="foodhub_ledger_reason_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
