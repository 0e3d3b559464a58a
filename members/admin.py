from django.contrib import admin

from core.admin_base import DomainModelAdmin

from .models import Membership, Organisation
from .resources import OrganisationResource


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(DomainModelAdmin):
    resource_classes = [OrganisationResource]
    list_display = ("name", "name_kana", "municipality", "created_at")
    list_select_related = ("municipality",)
    list_filter = ("municipality",)
    search_fields = ("name", "name_kana")
    readonly_fields = ("created_at",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(DomainModelAdmin):
    list_display = ("organisation", "tier", "started_on", "ended_on")
    list_select_related = ("organisation",)
    list_filter = ("tier",)
    search_fields = ("organisation__name", "organisation__name_kana")
    autocomplete_fields = ("organisation",)
