"""Fields of activity (子ども食堂, 居場所づくり, …): the list the join form and the register offer.

Entered by the secretariat in the admin. A field is never deleted there (organisations and
applications keep the fields they named; core.admin_base.SuperuserDeletesMixin), only renamed or
reordered.
"""

from django.db import transaction

from ..models import ActivityField


def activity_field_save(*, field: ActivityField, actor) -> ActivityField:
    """Add a field (field.pk is None) or rename/reorder one: validated, then written atomically.
    `actor` is kept for the admin's own log (the model has no history of its own)."""
    field.full_clean()
    with transaction.atomic():
        field.save()
    return field
