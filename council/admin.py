"""The admin keeps councils, agencies, members, pledges and categories, and a read-only access
log. Case records are deliberately NOT registered: the admin's generic machinery (history pages,
autocomplete, delete confirmations, LogEntry reprs, filters with counts) is where case data leaks.
"""

from django.contrib import admin

from core.admin_base import DomainModelAdmin, ReadOnlyMixin

from .models import AccessLog, Agency, Category, Council, CouncilMember, SecrecyPledge
from .resources import CouncilResource


@admin.register(Council)
class CouncilAdmin(DomainModelAdmin):
    resource_classes = [CouncilResource]
    list_display = ("name", "prefecture", "municipality", "publicly_notified_on")
    list_select_related = ("municipality",)
    list_filter = ("prefecture",)
    search_fields = ("name",)


@admin.register(Agency)
class AgencyAdmin(DomainModelAdmin):
    list_display = ("organisation", "council", "is_coordinating_body", "joined_on", "left_on")
    list_select_related = ("organisation", "council")
    list_filter = ("council",)
    raw_id_fields = ("organisation",)


class SecrecyPledgeInline(admin.TabularInline):
    model = SecrecyPledge
    extra = 0
    fields = ("version", "signed_on", "signed_copy", "ended_on")


@admin.register(CouncilMember)
class CouncilMemberAdmin(DomainModelAdmin):
    list_display = ("user", "council", "agency", "role", "started_on", "ended_on")
    list_select_related = ("user", "council", "agency__organisation")
    list_filter = ("council", "role")
    raw_id_fields = ("user",)
    inlines = [SecrecyPledgeInline]


@admin.register(Category)
class CategoryAdmin(DomainModelAdmin):
    list_display = ("name", "display_order")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "user", "role", "council_id", "case_id", "action", "ip")
    list_select_related = ("user",)
    date_hierarchy = "at"
