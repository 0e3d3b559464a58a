from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Council(models.Model):
    """A regional council under 孤独・孤立対策推進法 第15条 (or a body with the same role).

    The council itself is public (its founding is publicly notified); its cases are not.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="councils",
        verbose_name=_("municipality"),
        help_text=_("Empty for a prefecture-wide council."),
    )
    prefecture = models.CharField(_("prefecture"), max_length=10)
    publicly_notified_on = models.DateField(_("publicly notified on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["prefecture", "name"]

    def __str__(self):
        return self.name
