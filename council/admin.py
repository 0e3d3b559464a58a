from django.contrib import admin

from core.admin_base import DomainModelAdmin

from .models import Council
from .resources import CouncilResource


@admin.register(Council)
class CouncilAdmin(DomainModelAdmin):
    resource_classes = [CouncilResource]
    list_display = ("name", "prefecture", "municipality", "publicly_notified_on")
    list_select_related = ("municipality",)
    list_filter = ("prefecture",)
    search_fields = ("name",)
