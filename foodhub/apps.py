from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoodhubConfig(AppConfig):
    name = "foodhub"
    verbose_name = _("Food logistics hub")
