"""Monthly roll-up of the ledger: what the dashboard and the monthly and fiscal-year reports read.

One row per site, zone, calendar month, ledger kind and counterpart (the donor's kind for a
receipt, the recipient's kind for a distribution, the reason for a disposal; "" otherwise) with
the sum of kg and pieces and the number of entries. foodhub.services.rollups adds every new
ledger entry to its row in the same transaction that writes the entry (an atomic
INSERT … ON CONFLICT DO UPDATE SET kg = kg + …), so the roll-up always equals the ledger summed
the same way; `manage.py foodhub_check_rollups` proves it (`--rebuild` recomputes it).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

KG = {"max_digits": 14, "decimal_places": 2}


class LedgerMonth(models.Model):
    site = models.ForeignKey(
        "foodhub.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    zone = models.ForeignKey(
        "foodhub.Zone", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone")
    )
    month = models.DateField(_("month"))  # its first day
    kind = models.CharField(_("kind"), max_length=12)
    donor_kind = models.CharField(_("donor kind"), max_length=12, blank=True, default="")
    recipient_kind = models.CharField(_("recipient kind"), max_length=16, blank=True, default="")
    disposal_reason = models.CharField(_("reason"), max_length=10, blank=True, default="")
    kg = models.DecimalField(_("kg"), **KG)
    pieces = models.BigIntegerField(_("pieces"))
    entries = models.PositiveIntegerField(_("entries"))

    KEY = ("site", "zone", "month", "kind", "donor_kind", "recipient_kind", "disposal_reason")

    class Meta:
        verbose_name = _("monthly ledger roll-up")
        verbose_name_plural = _("monthly ledger roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "site",
                    "zone",
                    "month",
                    "kind",
                    "donor_kind",
                    "recipient_kind",
                    "disposal_reason",
                ],
                name="foodhub_ledgermonth_key",
            )
        ]
        indexes = [models.Index(fields=["month", "kind"], name="foodhub_ledgermonth_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.kind} {self.kg} kg"
