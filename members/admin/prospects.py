"""Prospects: organisations the secretariat is inviting to join."""

from django.contrib import admin

from core.admin_base import DomainModelAdmin

from ..models import Prospect, TrialParticipation


class TrialParticipationInline(admin.TabularInline):
    model = TrialParticipation
    extra = 1


@admin.register(Prospect)
class ProspectAdmin(DomainModelAdmin):
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
