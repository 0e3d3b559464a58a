"""Prospects: organisations the secretariat is inviting to join."""

from django.contrib import admin

from core.admin_base import ServiceModelAdmin

from .. import services
from ..models import Prospect, TrialParticipation


class TrialParticipationInline(admin.TabularInline):
    model = TrialParticipation
    extra = 1


@admin.register(Prospect)
class ProspectAdmin(ServiceModelAdmin):
    list_display = (
        "name",
        "organisation_type",
        "municipality",
        "introduced_by",
        "status",
        "next_step",
        "next_step_on",
    )
    list_select_related = ("municipality", "introduced_by")
    list_filter = ("status", "municipality", "organisation_type")
    search_fields = ("name", "name_kana", "introduced_by__name")
    autocomplete_fields = ("introduced_by",)
    readonly_fields = ("created_at",)
    inlines = [TrialParticipationInline]

    def service_save(self, request, obj, form, change):
        services.prospect_save(prospect=obj, actor=request.user)

    def service_delete(self, request, obj):
        services.prospect_delete(prospect=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        trials = formset.save(commit=False)
        for trial in formset.deleted_objects:
            services.trial_participation_delete(trial=trial, actor=request.user)
        for trial in trials:
            services.trial_participation_save(trial=trial, actor=request.user)
