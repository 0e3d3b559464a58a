"""The 事務局's contact, set once in the admin: every public page's footer and the end of every
e-mail show it (`{% secretariat_footer %}` in templates/base.html, `with_contact` in
core.notifications, core.digest and the allauth adapter)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SecretariatContact(models.Model):
    """One row (pk 1): the platform secretariat's name, address, phone, e-mail and hours."""

    name = models.CharField(_("secretariat name"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("For example: 平日 8:30〜17:15（土日祝・年末年始を除く）"),
    )
    # Printed on certificates above the seal (印).
    representative_title = models.CharField(
        _("representative's title"), max_length=100, blank=True, default="代表"
    )
    representative_name = models.CharField(_("representative's name"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("secretariat contact")
        verbose_name_plural = _("secretariat contact")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1  # one row only
        super().save(*args, **kwargs)

    @property
    def lines(self) -> list[str]:
        """The contact as a person reads it, one line each, blank parts left out."""
        postal = f"〒{self.postal_code}" if self.postal_code else ""
        address = " ".join(part for part in (postal, self.address) if part)
        return [
            line
            for line in (
                self.name,
                address,
                f"TEL {self.phone}" if self.phone else "",
                self.email,
                self.hours,
            )
            if line
        ]


def secretariat_contact() -> "SecretariatContact | None":
    """The contact as set in the admin (None until it is set). One small query by primary key,
    the same on every page (not cached: a page's query count does not depend on what ran
    before, and a change shows at once on every worker)."""
    return SecretariatContact.objects.filter(pk=1).first()


def with_contact(body: str) -> str:
    """An e-mail body ending in the 事務局's contact (unchanged until the contact is set)."""
    contact = secretariat_contact()
    if contact is None:
        return body
    lines = [str(_("Enquiries")), *contact.lines]
    return body.rstrip("\n") + "\n\n" + "―" * 20 + "\n" + "\n".join(lines) + "\n"
