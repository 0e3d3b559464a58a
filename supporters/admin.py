from django.contrib import admin

from core.admin_base import DomainModelAdmin

from .models import Supporter
from .resources import SupporterResource


@admin.register(Supporter)
class SupporterAdmin(DomainModelAdmin):
    resource_classes = [SupporterResource]
    list_display = ("full_name", "full_name_kana", "municipality", "registered_on")
    list_select_related = ("municipality",)
    list_filter = ("municipality",)
    search_fields = ("full_name", "full_name_kana")
