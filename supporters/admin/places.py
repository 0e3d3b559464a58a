"""Places, rules and consent texts, and the progress dashboard."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.admin_base import (
    ServiceModelAdmin,
)

from .. import selectors, services
from ..models import (
    ConsentText,
    SchoolDistrict,
    SupporterRuleSet,
)
from ..resources import (
    ConsentTextResource,
    SchoolDistrictResource,
    SupporterRuleSetResource,
)
from .base import SupportersModelAdmin


@admin.register(SchoolDistrict)
class SchoolDistrictAdmin(ServiceModelAdmin, SupportersModelAdmin):
    change_list_template = "admin/supporters/change_list_with_dashboard.html"
    resource_classes = [SchoolDistrictResource]
    list_display = ("name", "municipality", "target", "is_placeholder", "display_order")
    list_editable = ("target",)
    list_select_related = ("municipality",)
    list_filter = ("municipality", "is_placeholder")
    search_fields = ("name", "name_kana")
    readonly_fields = ()

    def service_save(self, request, obj, form, change):
        services.school_district_save(district=obj, actor=request.user)

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="supporters_dashboard",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        """Progress against targets as printable SVG bar charts (aggregates only)."""
        if not request.user.has_perm("supporters.view_dashboard"):
            raise PermissionDenied
        districts = selectors.district_progress()
        municipalities = selectors.municipality_progress()
        sessions = selectors.held_sessions()
        years = selectors.trainings_per_fiscal_year(sessions)
        months = selectors.registrations_per_month()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tsunagari supporters: progress"),
            "districts": _bars(districts, "count", "target"),
            "municipalities": _bars(municipalities, "count", "target"),
            "years": _bars(years, "participants"),
            "year_sessions": _bars(years, "sessions"),
            "months": _bars(months, "count"),
            "meetings": _bars(selectors.meetings_per_fiscal_year(), "sessions"),
            "training_towns": _bars(selectors.trainings_per_municipality(sessions), "participants"),
            "totals": selectors.supporter_totals(),
            "as_of": timezone.localdate(),
        }
        return TemplateResponse(request, "admin/supporters/dashboard.html", context)


def _bars(rows, value_key, target_key=None):
    """Add bar widths (percent of the largest value or target) for the SVG charts."""
    top = max(
        [r[value_key] for r in rows] + ([r[target_key] or 0 for r in rows] if target_key else []),
        default=0,
    )
    top = top or 1
    return [
        {
            **r,
            "value": r[value_key],
            "width": round(100 * r[value_key] / top, 1),
            "target_x": round(100 * (r[target_key] or 0) / top, 1) if target_key else None,
            "y": i * 22,
        }
        for i, r in enumerate(rows)
    ]


@admin.register(SupporterRuleSet)
class SupporterRuleSetAdmin(ServiceModelAdmin, SupportersModelAdmin):
    resource_classes = [SupporterRuleSetResource]
    list_display = (
        "valid_from",
        "refresher_interval_months",
        "refresher_reminder_days",
        "signup_limit_per_hour",
        "self_cancel_hours",
        "waitlist_offer_hours",
    )
    list_filter = ()
    search_fields = ()
    list_select_related = ()

    def service_save(self, request, obj, form, change):
        services.rule_set_save(rules=obj, actor=request.user)


@admin.register(ConsentText)
class ConsentTextAdmin(ServiceModelAdmin, SupportersModelAdmin):
    resource_classes = [ConsentTextResource]
    list_display = ("version", "valid_from")
    search_fields = ("version",)
    list_filter = ()
    list_select_related = ()

    def service_save(self, request, obj, form, change):
        services.consent_text_save(text=obj, actor=request.user)
