"""The secretariat approves member organisations as food partners (issue 14). Registered from
foodhub/admin.py. Saving goes through `services.food_partner_approve` (validated, audited);
suspending through an action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin_base import ServiceModelAdmin

from . import services
from .models import FoodPartner


@admin.register(FoodPartner)
class FoodPartnerAdmin(ServiceModelAdmin):
    list_display = ["organisation", "recipient", "status", "monthly_guideline_kg", "approved_on"]
    list_select_related = ["organisation", "recipient"]
    list_filter = ["status"]
    search_fields = ["organisation__name", "organisation__name_kana", "recipient__name"]
    autocomplete_fields = ["organisation", "recipient"]
    fields = [
        "organisation",
        "recipient",
        "monthly_guideline_kg",
        "note",
        "status",
        "approved_on",
        "approved_by",
    ]
    readonly_fields = ["status", "approved_on", "approved_by"]
    actions = ["suspend"]

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form, change):
        saved = services.food_partner_approve(
            organisation=form.cleaned_data["organisation"],
            recipient=form.cleaned_data["recipient"],
            monthly_guideline_kg=form.cleaned_data["monthly_guideline_kg"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
        obj.pk = saved.pk

    @admin.action(description=_("Suspend the chosen food partners"), permissions=["change"])
    def suspend(self, request, queryset):
        for partner in queryset:
            services.food_partner_suspend(partner=partner, actor=request.user)
        self.message_user(request, _("Suspended."), messages.SUCCESS)
