"""Issue 13 (scale): the organisations' list order is indexed; on PostgreSQL the folded search
text and the offer get trigram indexes (core.pg_indexes; SQLite skips them)."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from core.pg_indexes import PostgresOnlyAddIndex


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_squashed_0013_prospect_next_step_schedule"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["name_kana", "name", "-id"], name="organisation_kana_order"),
        ),
        PostgresOnlyAddIndex(
            model_name="organisation",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_text"], name="organisation_search_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        PostgresOnlyAddIndex(
            model_name="organisation",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["strengths"], name="organisation_strengths_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
