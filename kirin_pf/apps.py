from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig


class KirinAdminConfig(AdminConfig):
    default_site = "kirin_pf.admin_site.KirinAdminSite"


class CeleryBeatConfig(BeatConfig):
    verbose_name = _("Scheduled tasks")
