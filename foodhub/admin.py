from django.contrib import admin

from core.admin_base import DomainModelAdmin

from .models import Site
from .resources import SiteResource


@admin.register(Site)
class SiteAdmin(DomainModelAdmin):
    resource_classes = [SiteResource]
    list_display = ("name", "kind", "municipality", "capacity_kg")
    list_select_related = ("municipality",)
    list_filter = ("kind", "municipality")
    search_fields = ("name",)
