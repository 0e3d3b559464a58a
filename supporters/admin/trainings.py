"""Training sessions (bulk attendance, certificates, badges) and つながりミーティング."""

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
    ServiceModelAdmin,
    report_refusal,
)

from .. import selectors, services
from ..forms import run_check
from ..models import (
    Registration,
    SchoolDistrict,
    Supporter,
    TrainingSession,
    TsunagariMeeting,
)
from ..resources import (
    PastTrainingImportResource,
    TrainingSessionResource,
    TsunagariMeetingImportResource,
    TsunagariMeetingResource,
)
from .base import SupportersModelAdmin, certificates_response


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

    # Blank is allowed in the model only for past head-count records (PastTrainingForm).
    REQUIRED = ("kind", "title", "starts_at", "ends_at", "venue", "audience", "capacity")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            self.fields[name].required = True

    def clean(self):
        cleaned = super().clean()
        run_check(self, services.training_session_check, cleaned)
        return cleaned


class PastTrainingForm(forms.ModelForm):
    """A training held before the platform kept records: what the old tables have, no more."""

    class Meta:
        model = TrainingSession
        fields = [
            "held_on",
            "venue",
            "audience",
            "municipality",
            "district",
            "unrecorded_participants",
            "title",
            "programme",
        ]
        labels = {
            "unrecorded_participants": gettext_lazy("participants"),
            "programme": gettext_lazy("contents or notes"),
        }
        help_texts = {
            "held_on": gettext_lazy("The day it was held (no times are needed)."),
            "venue": gettext_lazy("The venue or the audience (at least one of the two)."),
            "unrecorded_participants": gettext_lazy("How many took part (no names)."),
            "title": gettext_lazy("Optional."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.counts_only = True
        self.instance.status = TrainingSession.Status.HELD
        self.instance.is_public = False
        self.fields["held_on"].required = True
        self.fields["unrecorded_participants"].required = True

    def clean(self):
        cleaned = super().clean()
        run_check(self, services.training_session_check, {**cleaned, "counts_only": True})
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


COUNTS_ONLY_VAR = "counts_only"


@admin.register(TrainingSession)
class TrainingSessionAdmin(ImportMixin, ServiceModelAdmin, SupportersModelAdmin):
    # Our template (dashboard and past-record links) is the base import-export's buttons extend.
    change_list_template = "admin/supporters/change_list_trainings.html"
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    resource_classes = [TrainingSessionResource]
    export_select_related = ("district", "host_organisation")
    form = TrainingSessionForm
    list_display = (
        "__str__",
        "kind_or_past",
        "held_on",
        "municipality",
        "venue",
        "capacity",
        "registered",
        "attended",
        "status",
        "attendance_link",
    )
    list_select_related = ("municipality",)
    list_filter = ("kind", "status", "counts_only", "municipality", "is_public")
    search_fields = ("title", "venue", "audience", "instructor")
    date_hierarchy = "held_on"
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

    def get_import_resource_classes(self, request):
        # The import is for past records given as head counts; sessions run on the platform
        # are entered one by one with their times and sign-ups.
        return [PastTrainingImportResource]

    def _counts_only(self, request, obj) -> bool:
        if obj is not None:
            return obj.counts_only
        return request.GET.get(COUNTS_ONLY_VAR) == "1"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._counts_only(request, obj):
            kwargs["form"] = PastTrainingForm
        return super().get_form(request, obj, change, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        if self._counts_only(request, None):
            title = _("Add a past training (head count only)")
            extra_context = {**(extra_context or {}), "title": title}
        return super().add_view(request, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        past_url = f"{reverse('admin:supporters_trainingsession_add')}?{COUNTS_ONLY_VAR}=1"
        extra_context = {**(extra_context or {}), "past_record_url": past_url}
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("kind"), ordering="kind")
    def kind_or_past(self, session):
        return _("past record") if session.counts_only else session.get_kind_display()

    @admin.display(description=gettext_lazy("attendance"))
    def attendance_link(self, session):
        if session.counts_only:
            return _("head count only")
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
        if issued:  # each session that issued none said why above
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
        return certificates_response(request, certificates, f"session={pk}", f"session-{pk}")


def _posted_token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None


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
class TsunagariMeetingAdmin(ImportMixin, ServiceModelAdmin, SupportersModelAdmin):
    change_list_template = "admin/supporters/change_list_with_dashboard.html"
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
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

    def get_import_resource_classes(self, request):
        return [TsunagariMeetingImportResource]

    def service_save(self, request, obj, form, change):
        saved = services.tsunagari_meeting_save(
            meeting=obj, data=dict(form.cleaned_data), actor=request.user
        )
        obj.pk = saved.pk
