from django.utils.translation import gettext_lazy as _

from core.models import User


class StaffAccount(User):
    """A staff member's account as the secretariat manages it: name, roles, active or not.

    A proxy of the user: the secretariat gets its own screen and permissions (staff.*) instead of
    Django's user and group screens, which stay with superusers."""

    class Meta:
        proxy = True
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")

    def __str__(self):
        full_name = " ".join(part for part in (self.last_name, self.first_name) if part)
        return full_name or self.email
