"""Sites, zones, operators, items, donors and recipients entered by the secretariat in the admin.

The admin form (and the model's own clean()) has validated the record; the service writes it
inside a transaction with a labelled history row, `foodhub.<model>.created` / `.corrected`.
"""

from django.db import transaction

from core.audit import audit


def record_save(*, record, actor):
    """Create (record.pk is None) or correct a master record."""
    event = "created" if record.pk is None else "corrected"
    with transaction.atomic():
        audit(record, f"foodhub.{record._meta.model_name}.{event}", actor).save()
    return record


def record_delete(*, record, actor) -> None:
    """Delete a master record (an inline row removed in the admin), its history row labelled."""
    with transaction.atomic():
        audit(record, f"foodhub.{record._meta.model_name}.deleted", actor).delete()
