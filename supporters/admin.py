"""The secretariat's screens for the supporter scheme. Actions and forms call services."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportMixin

from core.admin_base import (
    DomainModelAdmin,
    FoldedSearchMixin,
    ReadOnlyMixin,
    ServiceModelAdmin,
    apply_to_each,
    report_refusal,
)
from core.exports import export_log_record
from core.pdf import JapaneseFontMissing, font_missing_response, pdf_bytes_response

from . import selectors, services
from .forms import run_check
from .models import (
    Attendance,
    Certificate,
    ConsentText,
    NoticeRecipient,
    Registration,
    SchoolDistrict,
    Supporter,
    SupporterNotice,
    SupporterRuleSet,
    TrainingSession,
    TsunagariMeeting,
)
from .resources import (
    AttendanceResource,
    CertificateResource,
    ConsentTextResource,
    JapaneseExportForm,
    RegistrationResource,
    SchoolDistrictResource,
    SupporterNoticeResource,
    SupporterResource,
    SupporterRuleSetResource,
    TrainingSessionResource,
    TsunagariMeetingResource,
)


def _pk(record):
    # Refusals name supporters' records by id, not by a person's name.
    return record.pk


class SupportersModelAdmin(DomainModelAdmin):
    """Base of this app's admins: Japanese export field picker, and exports that load the
    relations their columns use in the same query (`export_select_related`)."""

    export_form_class = JapaneseExportForm
    export_select_related: tuple[str, ...] = ()

    def get_export_queryset(self, request):
        queryset = super().get_export_queryset(request)
        if self.export_select_related:
            queryset = queryset.select_related(*self.export_select_related)
        return queryset


# --- Places, rules, consent -------------------------------------------------------------------


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
        years = selectors.trainings_per_fiscal_year()
        months = selectors.registrations_per_month()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tsunagari supporters: progress"),
            "districts": _bars(districts, "count", "target"),
            "municipalities": _bars(municipalities, "count", "target"),
            "years": _bars(years, "participants"),
            "year_sessions": _bars(years, "sessions"),
            "months": _bars(months, "count"),
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


# --- Trainings and meetings -------------------------------------------------------------------


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "municipality",
            "district",
            "audience",
            "capacity",
            "has_lecture",
            "has_group_work",
            "programme",
            "instructor",
            "host_organisation",
            "is_public",
            "status",
            "unrecorded_participants",
        ]

    def clean(self):
        cleaned = super().clean()
        run_check(self, services.training_session_check, cleaned)
        return cleaned


class WalkInForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    full_name_kana = forms.CharField(label=gettext_lazy("Name (furigana)"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Municipality"), queryset=selectors.Municipality.objects.all()
    )
    district = forms.ModelChoiceField(
        label=gettext_lazy("School district"),
        queryset=SchoolDistrict.objects.select_related("municipality"),
        required=False,
    )
    affiliation = forms.ChoiceField(
        label=gettext_lazy("Affiliation"),
        choices=Supporter._meta.get_field("affiliation").choices,
        initial=Supporter._meta.get_field("affiliation").default,  # blank rows stay unchanged
    )
    receives_line = forms.BooleanField(label=gettext_lazy("LINE"), required=False)
    line_name = forms.CharField(label=gettext_lazy("LINE name"), max_length=100, required=False)
    consent = forms.BooleanField(
        label=gettext_lazy("Signed the consent form"),
        error_messages={"required": gettext_lazy("A walk-in must sign the consent form.")},
    )

    def clean(self):
        cleaned = super().clean()
        run_check(self, services.details_check, cleaned)
        return cleaned


WalkInFormSet = forms.formset_factory(WalkInForm, extra=3)


@admin.register(TrainingSession)
class TrainingSessionAdmin(ServiceModelAdmin, SupportersModelAdmin):
    change_list_template = "admin/supporters/change_list_with_dashboard.html"
    resource_classes = [TrainingSessionResource]
    export_select_related = ("district", "host_organisation")
    form = TrainingSessionForm
    list_display = (
        "title",
        "kind",
        "starts_at",
        "municipality",
        "venue",
        "capacity",
        "registered",
        "attended",
        "status",
        "attendance_link",
    )
    list_select_related = ("municipality",)
    list_filter = ("kind", "status", "municipality", "is_public")
    search_fields = ("title", "venue", "audience", "instructor")
    date_hierarchy = "starts_at"
    readonly_fields = ("created_at",)
    autocomplete_fields = ()
    raw_id_fields = ("host_organisation",)
    actions = ["issue_certificates"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                registered_count=Count(
                    "registrations",
                    filter=Q(registrations__status=Registration.Status.REGISTERED),
                    distinct=True,
                ),
                attended_count=Count("attendances", distinct=True),
            )
        )

    @admin.display(description=gettext_lazy("signed up"), ordering="registered_count")
    def registered(self, session):
        return session.registered_count

    @admin.display(description=gettext_lazy("attended"), ordering="attended_count")
    def attended(self, session):
        return session.attended_count + session.unrecorded_participants

    @admin.display(description=gettext_lazy("attendance"))
    def attendance_link(self, session):
        url = reverse("admin:supporters_trainingsession_attendance", args=[session.pk])
        return format_html('<a href="{}">{}</a>', url, _("record attendance"))

    @admin.action(
        description=gettext_lazy("Issue certificates to attendees"), permissions=["change"]
    )
    def issue_certificates(self, request, queryset):
        issued = 0
        for session in queryset.order_by("pk"):
            try:
                issued += len(services.certificates_issue(session=session, actor=request.user))
            except ValidationError as exc:
                report_refusal(self, request, exc, about=session, level=messages.WARNING)
        self.message_user(
            request, _("%(count)d certificates issued.") % {"count": issued}, messages.SUCCESS
        )

    def service_save(self, request, obj, form, change):
        saved = services.training_session_save(
            session=obj, data=dict(form.cleaned_data), actor=request.user
        )
        obj.pk = saved.pk

    def get_urls(self):
        return [
            path(
                "<int:pk>/attendance/",
                self.admin_site.admin_view(self.attendance_view),
                name="supporters_trainingsession_attendance",
            ),
            path(
                "<int:pk>/certificates.pdf",
                self.admin_site.admin_view(self.certificates_pdf_view),
                name="supporters_trainingsession_certificates",
            ),
            *super().get_urls(),
        ]

    def attendance_view(self, request, pk):
        """Bulk attendance for one session: signed-up people, walk-ins, certificates, badges."""
        if not (
            request.user.has_perm("supporters.add_attendance")
            and request.user.has_perm("supporters.add_supporter")
        ):
            raise PermissionDenied
        session = get_object_or_404(TrainingSession.objects.select_related("municipality"), pk=pk)
        formset = WalkInFormSet(prefix="walkin")
        token = uuid.uuid4()
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "attendance":
                    formset = WalkInFormSet(request.POST, prefix="walkin")
                    token = _posted_token(request) or token  # kept when the page comes back
                    if formset.is_valid():
                        self._record_attendance(request, session, formset, token)
                        return redirect(request.path)
                    self.message_user(
                        request, _("Please correct the walk-in rows marked below."), messages.ERROR
                    )
                elif action == "certificates":
                    issued = services.certificates_issue(session=session, actor=request.user)
                    self.message_user(
                        request,
                        _("%(count)d certificates issued.") % {"count": len(issued)},
                        messages.SUCCESS,
                    )
                    return redirect(request.path)
                elif action == "badges":
                    ids = [int(i) for i in request.POST.getlist("badge")]
                    count = services.badges_hand_out(
                        supporters=Supporter.objects.filter(
                            attendances__session=session, pk__in=ids
                        ),
                        on=timezone.localdate(),
                        actor=request.user,
                    )
                    self.message_user(
                        request,
                        _("Badge hand-out recorded for %(count)d supporters.") % {"count": count},
                        messages.SUCCESS,
                    )
                    return redirect(request.path)
            except ValidationError as exc:
                report_refusal(self, request, exc)
        sheet = selectors.training_attendance_sheet(session)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Attendance: %(title)s") % {"title": session.title},
            "session": session,
            "formset": formset,
            "attendance_token": token,
            **sheet,
            "has_certificates": any(hasattr(a, "certificate") for a in sheet["attendances"]),
        }
        return TemplateResponse(request, "admin/supporters/attendance.html", context)

    def _record_attendance(self, request, session, formset, token):
        consent = selectors.consent_text_current()
        walk_ins = []
        for form in formset:
            if not form.has_changed():
                continue
            data = {k: v for k, v in form.cleaned_data.items() if k != "consent"}
            walk_ins.append({**data, "consent_text": consent})
        ids = [int(i) for i in request.POST.getlist("attended")]
        created = services.session_attendance_record(
            session=session,
            registration_ids=ids,
            walk_ins=walk_ins,
            actor=request.user,
            token=token,
        )
        self.message_user(
            request,
            _("Attendance recorded for %(count)d people.") % {"count": len(created)},
            messages.SUCCESS,
        )

    def certificates_pdf_view(self, request, pk):
        if not request.user.has_perm("supporters.view_certificate"):
            raise PermissionDenied
        session = get_object_or_404(TrainingSession, pk=pk)
        certificates = list(selectors.certificates_for_session(session))
        if not certificates:
            self.message_user(request, _("No certificates have been issued yet."), messages.ERROR)
            return redirect("admin:supporters_trainingsession_attendance", pk=pk)
        return _certificates_response(request, certificates, f"session={pk}", f"session-{pk}")


def _posted_token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None


def _certificates_response(request, certificates, filters, name):
    try:
        pdf = services.certificates_render(certificates=certificates)
    except JapaneseFontMissing as exc:
        return font_missing_response(exc)
    # Certificates carry names: printing them is an export of personal data.
    export_log_record(
        user=request.user,
        model=Certificate,
        filters=filters,
        file_format="PDF",
        row_count=len(certificates),
    )
    return pdf_bytes_response(pdf, filename=f"certificates-{name}.pdf", inline=False)


class TsunagariMeetingForm(forms.ModelForm):
    class Meta:
        model = TsunagariMeeting
        fields = [
            "held_on",
            "venue",
            "municipality",
            "district",
            "resident_participants",
            "student_participants",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        run_check(self, services.details_check, cleaned)
        return cleaned


@admin.register(TsunagariMeeting)
class TsunagariMeetingAdmin(ServiceModelAdmin, SupportersModelAdmin):
    resource_classes = [TsunagariMeetingResource]
    list_display = (
        "held_on",
        "venue",
        "municipality",
        "district",
        "resident_participants",
        "student_participants",
    )
    list_select_related = ("municipality", "district")
    list_filter = ("municipality",)
    search_fields = ("venue", "notes")
    date_hierarchy = "held_on"
    form = TsunagariMeetingForm

    def service_save(self, request, obj, form, change):
        saved = services.tsunagari_meeting_save(
            meeting=obj, data=dict(form.cleaned_data), actor=request.user
        )
        obj.pk = saved.pk


# --- People -----------------------------------------------------------------------------------


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
class SupporterAdmin(FoldedSearchMixin, ImportMixin, ServiceModelAdmin, SupportersModelAdmin):
    resource_classes = [SupporterResource]
    export_select_related = ("consent_text",)
    rollback_on_validation_errors = True
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
    search_fields = ("search_text", "email", "phone")
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
            about=_pk,
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
            about=_pk,
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
    list_display = ("full_name", "session", "email", "municipality", "status", "created_at")
    list_select_related = ("session", "municipality")
    export_select_related = ("district",)
    list_filter = ("status", "session__municipality")
    search_fields = ("full_name", "full_name_kana", "email")
    readonly_fields = ("created_at", "consented_at", "token", "consent_text", "supporter")
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
            about=_pk,
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
class AttendanceAdmin(ReadOnlyMixin, SupportersModelAdmin):
    resource_classes = [AttendanceResource]
    list_display = ("supporter", "session", "walk_in", "recorded_at")
    list_select_related = ("supporter", "session")
    list_filter = ("walk_in", "session__kind")
    search_fields = ("supporter__search_text", "session__title")
    readonly_fields = ("recorded_at", "recorded_by")
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
        return _certificates_response(
            request, certificates, f"ids={','.join(str(c.pk) for c in certificates)}", "selected"
        )


class NoticeRecipientInline(admin.TabularInline):
    model = NoticeRecipient
    fields = ("supporter", "email", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("supporter")


class SupporterNoticeForm(forms.ModelForm):
    # A double-submitted form carries the same token: one notice, one e-mail each.
    form_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = SupporterNotice
        fields = ("subject", "body", "municipality", "district", "status_filter")

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            run_check(
                self,
                services.notice_check,
                subject=cleaned.get("subject", ""),
                body=cleaned.get("body", ""),
                municipality=cleaned.get("municipality"),
                district=cleaned.get("district"),
                status=cleaned.get("status_filter", ""),
            )
        return cleaned


@admin.register(SupporterNotice)
class SupporterNoticeAdmin(ServiceModelAdmin, SupportersModelAdmin):
    resource_classes = [SupporterNoticeResource]
    form = SupporterNoticeForm
    list_display = (
        "subject",
        "municipality",
        "district",
        "status_filter",
        "recipient_count",
        "created_at",
        "sent_at",
    )
    list_select_related = ("municipality", "district")
    list_filter = ("municipality", "status_filter")
    search_fields = ("subject",)
    readonly_fields = ("created_by", "created_at", "sent_at")
    inlines = [NoticeRecipientInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(recipient_total=Count("recipients"))

    @admin.display(description=gettext_lazy("recipients"), ordering="recipient_total")
    def recipient_count(self, notice):
        return notice.recipient_total

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form, change):
        notice = services.notice_create(
            subject=obj.subject,
            body=obj.body,
            municipality=obj.municipality,
            district=obj.district,
            status=obj.status_filter,
            actor=request.user,
            token=form.cleaned_data["form_token"],
        )
        obj.pk = notice.pk
        obj.created_at = notice.created_at
        obj.created_by = notice.created_by

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # recipients exist once it is sent

    def save_related(self, request, form, formsets, change):
        pass  # recipients are written by the service
