"""Applications to join (別紙1): review, approve or reject, the form as PDF."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import ServiceModelAdmin, report_refusal
from core.japanese import fold, format_date
from core.pdf import pdf_response

from .. import selectors, services
from ..models import (
    APPLICANT_DECLARATIONS,
    PUBLISHABLE_FIELDS,
    Application,
    Organisation,
    publishable_labels,
)
from ._common import URL_FIELDS


@admin.register(Application)
class ApplicationAdmin(ServiceModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = (
        "reference",
        "name",
        "organisation_type",
        "status",
        "is_reapplication",
        "submitted_at",
        "decided_on",
        "decided_by",
    )
    list_select_related = ("decided_by", "organisation")
    list_filter = ("status", "is_reapplication", "organisation_type")
    search_fields = ("reference", "name", "name_kana")
    autocomplete_fields = ("organisation",)
    change_form_template = "admin/members/application/change_form.html"
    applicant_fields = (
        "reference",
        "submitted_at",
        "name",
        "name_kana",
        "organisation_type",
        "representative_name",
        "contact_name",
        "postal_code",
        "address",
        "phone",
        "email",
        "website",
        "municipality",
        "active_municipalities",
        "activity_fields",
        "activity_summary",
        "strengths",
        "public_fields_display",
        "declares_isolation_activity",
        "declares_no_antisocial_ties",
        "declares_agreement",
        "is_reapplication",
        "reapplication_reasons",
    )
    fieldsets = (
        (gettext_lazy("Application (form 1)"), {"fields": applicant_fields}),
        (
            gettext_lazy("Review (要領第2条3)"),
            {
                "fields": (
                    "possible_matches",
                    "organisation",
                    "readmission",
                    "checked_activity",
                    "checked_no_antisocial",
                    "checked_is_organisation",
                    "decision_reason",
                    "status",
                    "decided_on",
                    "decided_by",
                )
            },
        ),
    )

    @admin.display(description=gettext_lazy("fields shown in the public directory"))
    def public_fields_display(self, obj):
        return publishable_labels(obj.public_fields)

    def get_readonly_fields(self, request, obj=None):
        fixed = (
            *self.applicant_fields,
            "possible_matches",
            "readmission",
            "status",
            "decided_on",
            "decided_by",
        )
        if obj is not None and obj.status != Application.Status.SUBMITTED:
            return (
                *fixed,
                "organisation",
                "checked_activity",
                "checked_no_antisocial",
                "checked_is_organisation",
                "decision_reason",
            )
        return fixed

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("organisations with the same name"))
    def possible_matches(self, obj):
        folded = fold(obj.name)
        matches = Organisation.objects.filter(search_text__startswith=folded + " ")[:5]
        if not matches:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:members_organisation_change", args=[m.pk]), m.name) for m in matches),
        )

    @admin.display(description=gettext_lazy("re-admission"))
    def readmission(self, obj):
        if obj.organisation_id is None:
            return "—"
        allowed_from = selectors.readmission_allowed_from(
            organisation=obj.organisation, on=timezone.localdate()
        )
        if allowed_from is None:
            return _("No bar to admission.")
        return format_html(
            "<strong>{}</strong>",
            _("Expelled: cannot be approved before %(date)s (要領第5条2).")
            % {"date": format_date(allowed_from)},
        )

    def service_save(self, request, obj, form, change):
        services.application_review_save(application=obj, actor=request.user)

    def response_change(self, request, obj):
        decision = None
        if "_approve" in request.POST:
            decision = "approve"
        elif "_reject" in request.POST:
            decision = "reject"
        if decision is None:
            return super().response_change(request, obj)
        try:
            if decision == "approve":
                services.application_approve(
                    application=obj, actor=request.user, reason=obj.decision_reason
                )
                self.message_user(request, _("Approved and entered in the register."))
            else:
                services.application_reject(
                    application=obj, actor=request.user, reason=obj.decision_reason
                )
                self.message_user(request, _("Rejected; the applicant was notified."))
        except ValidationError as exc:
            report_refusal(self, request, exc)
        return HttpResponseRedirect(request.path)

    def get_urls(self):
        return [
            path(
                "<int:pk>/form1.pdf",
                self.admin_site.admin_view(self.form1_pdf),
                name="members_application_form1",
            ),
            *super().get_urls(),
        ]

    def form1_pdf(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        application = get_object_or_404(Application, pk=pk)
        return pdf_response(
            "members/pdf/form1_application.html",
            {
                "application": application,
                # What the applicant chose to publish in the directory (要領第3条3), ticked.
                "publishable_ticked": [
                    (label, name in (application.public_fields or []))
                    for name, label in PUBLISHABLE_FIELDS
                ],
                "declarations": [
                    (Application._meta.get_field(name).verbose_name, getattr(application, name))
                    for name in APPLICANT_DECLARATIONS
                ],
            },
            filename=f"{application.reference}.pdf",
        )
