"""Small helpers shared by the members admin modules."""

from django.db import models

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def _formset_handled(formset):
    """The formset's rows were written by services; tell the admin's change message so."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
