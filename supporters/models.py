from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Supporter(models.Model):
    """A registered つながりサポーター. Personal data: visible to the secretariat only."""

    full_name = models.CharField(_("full name"), max_length=100)
    full_name_kana = models.CharField(_("full name (kana)"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="supporters",
        verbose_name=_("municipality"),
    )
    registered_on = models.DateField(_("registered on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        ordering = ["full_name_kana", "pk"]

    def __str__(self):
        return self.full_name
