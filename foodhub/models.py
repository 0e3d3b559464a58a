from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Site(models.Model):
    """The logistics hub or a town hub where food is stored."""

    class Kind(models.TextChoices):
        LOGISTICS_HUB = "logistics", _("logistics hub")
        TOWN_HUB = "town", _("town hub")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="food_sites",
        verbose_name=_("municipality"),
    )
    capacity_kg = models.PositiveIntegerField(_("capacity (kg)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name
