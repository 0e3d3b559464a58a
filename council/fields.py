"""Model fields whose values are encrypted before they reach the database.

Raw SQL and the history tables (which copy these fields) hold only ciphertext. Encrypted values
cannot be searched or ordered in SQL; duplicate detection uses the blind index instead.
"""

import datetime

from django import forms
from django.core.exceptions import FieldError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.functional import cached_property

from core.limits import STAFF_TEXT_MAX

from . import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted with the council keyring; "" is stored as "" (nothing to hide).

    Lookups other than `isnull` are refused: ciphertexts differ at every save, so a filter on
    the value would silently find nothing (use the blind index to find a person).

    Every such text has a maximum (STAFF_TEXT_MAX unless given), checked by the model's
    validation (admin, imports) and by its form field (the browser's maxlength and the form)."""

    default_max_length = STAFF_TEXT_MAX

    def __init__(self, *args, **kwargs):
        if self.default_max_length is not None:
            kwargs.setdefault("max_length", self.default_max_length)
        super().__init__(*args, **kwargs)

    @cached_property
    def validators(self):
        bound = [MaxLengthValidator(self.max_length)] if self.max_length else []
        return [*self.default_validators, *self._validators, *bound]

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.model.__name__}.{self.name} is encrypted and cannot be searched."
            )
        return super().get_lookup(lookup_name)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = models.Field.get_prep_value(self, value)  # resolves lazy text
        if value is None or value == "":
            return value
        return crypto.encrypt(self.plain_text(value))

    def plain_text(self, value) -> str:
        return str(value)


class EncryptedDateField(EncryptedTextField):
    """A date kept encrypted (as its ISO text); reads back as a `datetime.date`."""

    default_max_length = None  # a date

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return datetime.date.fromisoformat(text) if text else None

    def to_python(self, value):
        if isinstance(value, datetime.date) or value in (None, ""):
            return value or None
        return datetime.date.fromisoformat(value)

    def get_prep_value(self, value):
        return super().get_prep_value(value or "")

    def plain_text(self, value) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)

    def formfield(self, **kwargs):
        return forms.DateField(
            label=self.verbose_name,
            required=not self.blank,
            widget=forms.DateInput(attrs={"type": "date"}),
            **{k: v for k, v in kwargs.items() if k in ("help_text",)},
        )
