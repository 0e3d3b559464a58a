from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The staff's front door: to-do home, accounts, schedule, error pages.

    Sits above the domain apps like reports: it reads their selectors, none of them imports it.
    """

    name = "staff"
    verbose_name = _("Staff")
