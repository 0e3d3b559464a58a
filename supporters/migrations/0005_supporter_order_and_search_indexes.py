"""Issue 13 (scale): the supporters' list order is indexed; on PostgreSQL the folded search text,
e-mail and phone get trigram indexes (core.pg_indexes; SQLite skips them)."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from core.pg_indexes import PostgresOnlyAddIndex


def _trigram(field, name):
    return PostgresOnlyAddIndex(
        model_name="supporter",
        index=django.contrib.postgres.indexes.GinIndex(
            fields=[field], name=name, opclasses=["gin_trgm_ops"]
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0001_squashed_0004_submission_tokens"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="supporter",
            index=models.Index(fields=["full_name_kana", "id"], name="supporter_kana_order"),
        ),
        _trigram("search_text", "supporter_search_trgm"),
        _trigram("email", "supporter_email_trgm"),
        _trigram("phone", "supporter_phone_trgm"),
    ]
