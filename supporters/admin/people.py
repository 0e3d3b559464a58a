"""Supporters, their sign-ups, attendance and certificates."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import (
    FoldedSearchMixin,
    ReadOnlyMixin,
    ServiceModelAdmin,
    apply_to_each,
)
from core.csvstream import StreamingCsvExportMixin
from core.imports import JapaneseImportMixin
from core.paginator import EstimatedCountPaginator

from .. import selectors, services
from ..forms import run_check
from ..models import (
    Attendance,
    Certificate,
    Registration,
    Supporter,
)
from ..resources import (
    AttendanceResource,
    CertificateResource,
    RegistrationResource,
    SupporterResource,
)
from .base import SupportersModelAdmin, certificates_response, record_id


class RefresherDueFilter(admin.SimpleListFilter):
    title = gettext_lazy("refresher")
    parameter_name = "refresher"

    def lookups(self, request, model_admin):
        return [("due", _("refresher due"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            # SupporterAdmin.get_queryset annotated `refresher_due` (selectors.with_refresher_due).
            return queryset.filter(refresher_due=True)
        return queryset


class AttendanceInline(admin.TabularInline):
    """A supporter's training history (read-only; recorded on the session's attendance page)."""

    model = Attendance
    fk_name = "supporter"
    fields = ("session", "walk_in", "certificate_serial", "recorded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("Training history")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session", "certificate")

    @admin.display(description=gettext_lazy("certificate"))
    def certificate_serial(self, attendance):
        certificate = getattr(attendance, "certificate", None)
        return certificate.serial if certificate else "—"


@admin.register(Supporter)
class SupporterAdmin(
    StreamingCsvExportMixin,
    FoldedSearchMixin,
    JapaneseImportMixin,
    ServiceModelAdmin,
    SupportersModelAdmin,
):
    resource_classes = [SupporterResource]
    export_select_related = ("consent_text",)
    # Our template (dashboard link) is the base that import-export's buttons extend.
    change_list_template = "admin/supporters/change_list_with_dashboard.html"
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    list_display = (
        "full_name",
        "full_name_kana",
        "municipality",
        "district",
        "affiliation",
        "status_display",
        "last_trained_on",
        "badge_handed_on",
        "registered_on",
    )
    list_select_related = ("municipality", "district")
    list_filter = ("status", RefresherDueFilter, "municipality", "affiliation", "receives_line")
    # Folded name (search_text) and e-mail/phone as typed, each by LIKE on a trigram index.
    search_fields = ("search_text", "email__contains", "phone__contains")
    paginator = EstimatedCountPaginator
    # Offered orderings: only what an index serves (supporter_kana_order).
    sortable_by = ("full_name_kana",)
    # Status moves only through the actions (services); training dates through attendance.
    readonly_fields = (
        "status",
        "status_changed_on",
        "last_trained_on",
        "consented_at",
        "anonymised_at",
    )
    raw_id_fields = ()
    actions = ["pause", "resume", "withdraw", "withdraw_and_erase", "hand_out_badge"]
    inlines = [AttendanceInline]

    def get_queryset(self, request):
        return selectors.with_refresher_due(super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        # An erased record is read-only: nothing is left to correct, and the service refuses.
        if obj is not None and obj.anonymised_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def service_save(self, request, obj, form, change):
        # The form's clean() ran the service's own checks; a refusal here is a race (the
        # record was erased meanwhile): ServiceModelAdmin shows the form again with it.
        data = dict(form.cleaned_data)
        if change:
            services.supporter_update(supporter=obj, data=data, actor=request.user)
        else:
            obj.pk = services.supporter_register(data=data, actor=request.user).pk
        obj.refresh_from_db()  # what the service wrote (consent time, unchanged fields)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class SupporterForm(form):
            def clean(self):
                cleaned = super().clean()
                if obj is not None:
                    run_check(self, services.supporter_update_check, supporter=obj, data=cleaned)
                else:
                    run_check(self, services.details_check, cleaned)
                return cleaned

        return SupporterForm

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_display(self, supporter):
        if supporter.refresher_due:
            return _("refresher due")
        return supporter.get_status_display()

    def _set_status(self, request, queryset, status):
        changed = apply_to_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda supporter: services.supporter_set_status(
                supporter=supporter, status=status, on=timezone.localdate(), actor=request.user
            ),
            about=record_id,
            level=messages.WARNING,
        )
        self.message_user(request, _("%(count)d supporters updated.") % {"count": changed})

    @admin.action(description=gettext_lazy("Pause selected supporters"), permissions=["change"])
    def pause(self, request, queryset):
        self._set_status(request, queryset, Supporter.Status.PAUSED)

    @admin.action(description=gettext_lazy("Resume selected supporters"), permissions=["change"])
    def resume(self, request, queryset):
        self._set_status(request, queryset, Supporter.Status.ACTIVE)

    def _withdraw(self, request, queryset, erase):
        done = apply_to_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda supporter: services.supporter_withdraw(
                supporter=supporter, on=timezone.localdate(), erase=erase, actor=request.user
            ),
            about=record_id,
            level=messages.WARNING,
        )
        self.message_user(request, _("%(count)d supporters withdrawn.") % {"count": done})

    @admin.action(description=gettext_lazy("Withdraw (keep data)"), permissions=["change"])
    def withdraw(self, request, queryset):
        self._withdraw(request, queryset, erase=False)

    @admin.action(
        description=gettext_lazy("Withdraw and erase personal data (deletion request)"),
        permissions=["change"],
    )
    def withdraw_and_erase(self, request, queryset):
        self._withdraw(request, queryset, erase=True)

    @admin.action(description=gettext_lazy("Record badge hand-out today"), permissions=["change"])
    def hand_out_badge(self, request, queryset):
        count = services.badges_hand_out(
            supporters=queryset, on=timezone.localdate(), actor=request.user
        )
        self.message_user(
            request, _("Badge hand-out recorded for %(count)d supporters.") % {"count": count}
        )


@admin.register(Registration)
class RegistrationAdmin(SupportersModelAdmin):
    resource_classes = [RegistrationResource]
    list_display = (
        "full_name",
        "session",
        "email",
        "municipality",
        "status",
        "offer_expires_at",
        "created_at",
    )
    list_select_related = ("session", "municipality")
    export_select_related = ("district",)
    list_filter = ("status", "session__municipality")
    search_fields = ("full_name", "full_name_kana", "email")
    readonly_fields = (
        "created_at",
        "consented_at",
        "token",
        "consent_text",
        "supporter",
        "offer_expires_at",
    )
    actions = ["cancel", "reactivate"]

    # Sign-ups come from the public form (registration_create) and change only through the
    # actions below, whose services lock the session and keep capacity and uniqueness.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, service, done_message):
        done = apply_to_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda registration: service(registration=registration, actor=request.user),
            about=record_id,
            level=messages.WARNING,
        )
        self.message_user(request, done_message % {"count": done})

    @admin.action(description=gettext_lazy("Cancel selected sign-ups"), permissions=["change"])
    def cancel(self, request, queryset):
        self._apply(
            request, queryset, services.registration_cancel, _("%(count)d sign-ups cancelled.")
        )

    @admin.action(
        description=gettext_lazy("Reinstate selected cancelled sign-ups"), permissions=["change"]
    )
    def reactivate(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.registration_reactivate,
            _("%(count)d sign-ups reinstated."),
        )


@admin.register(Attendance)
class AttendanceAdmin(
    StreamingCsvExportMixin, FoldedSearchMixin, ReadOnlyMixin, SupportersModelAdmin
):
    resource_classes = [AttendanceResource]
    list_display = ("supporter", "session", "walk_in", "recorded_at")
    list_select_related = ("supporter", "session")
    list_filter = ("walk_in", "session__kind")
    search_fields = ("supporter__search_text", "session__title")
    readonly_fields = ("recorded_at", "recorded_by")
    # Latest sessions first by the attendance's own columns (the unique index on session and
    # supporter), not through a join to every session's start time.
    ordering = ("-session_id", "-supporter_id")
    paginator = EstimatedCountPaginator
    sortable_by = ()
    # Recorded only on the session's attendance page (session_attendance_record).


@admin.register(Certificate)
class CertificateAdmin(SupportersModelAdmin):
    resource_classes = [CertificateResource]
    list_display = ("serial", "name_on_certificate", "session_title", "completed_on", "issued_on")
    list_select_related = ("attendance",)
    list_filter = ("issued_on",)
    search_fields = ("name_on_certificate", "session_title", "=number")
    readonly_fields = (
        "attendance",
        "number",
        "issued_on",
        "name_on_certificate",
        "session_title",
        "completed_on",
        "issued_by",
    )
    actions = ["print_pdf"]

    def has_add_permission(self, request):
        return False  # issued through the attendance page or the session action

    @admin.action(
        description=gettext_lazy("Print selected certificates (PDF)"), permissions=["view"]
    )
    def print_pdf(self, request, queryset):
        certificates = list(queryset.order_by("number"))
        return certificates_response(
            request, certificates, f"ids={','.join(str(c.pk) for c in certificates)}", "selected"
        )
