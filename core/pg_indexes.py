"""PostgreSQL-only indexes (trigram GIN, pattern ops) that SQLite skips.

The models declare them in `Meta.indexes` (so the migration state knows them); the migrations
add them with `PostgresOnlyAddIndex`, which does nothing on another database, after
`TrigramExtension()` (itself a no-op elsewhere). SQLite searches by a plain scan, which is
fine at embedded scale.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations


def trigram_index(field: str, *, name: str) -> GinIndex:
    """A GIN trigram index serving `LIKE '%term%'` (Django's `contains`) on the column: the
    folded `search_text` columns searched by core.admin_base.FoldedSearchMixin, and the few
    other columns an admin searches with `<field>__contains`. (Django's `icontains` compares
    UPPER(column), which this index does not serve.)"""
    return GinIndex(fields=[field], opclasses=["gin_trgm_ops"], name=name)


class _PostgresOnly:
    """An index operation run on PostgreSQL only (the state records it everywhere)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class PostgresOnlyAddIndex(_PostgresOnly, migrations.AddIndex):
    """AddIndex that creates the index on PostgreSQL only."""


class PostgresOnlyRemoveIndex(_PostgresOnly, migrations.RemoveIndex):
    """RemoveIndex of an index PostgresOnlyAddIndex added."""
