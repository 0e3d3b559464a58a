"""The one "which row is in force on a day" queryset, for versioned rules and consents.

A row is in force on `day` when its start is on or before `day` and (if the model has an end)
it has not ended yet: the end day itself is out of force. Of several rows in force the newest
start wins, ties broken by `tie_breakers`. Subclass and set the field names.
"""

from django.db import models


class InForceQuerySet(models.QuerySet):
    start_field = "valid_from"
    end_field: str | None = None  # exclusive: a row ended on `day` is no longer in force
    tie_breakers: tuple[str, ...] = ("-pk",)

    def in_force(self, day):
        """The rows in force on `day`, the one that wins first."""
        rows = self.filter(**{f"{self.start_field}__lte": day})
        if self.end_field is not None:
            rows = rows.filter(
                models.Q(**{f"{self.end_field}__isnull": True})
                | models.Q(**{f"{self.end_field}__gt": day})
            )
        return rows.order_by(f"-{self.start_field}", *self.tie_breakers)

    def in_force_on(self, day):
        """The row in force on `day`, or None."""
        return self.in_force(day).first()
