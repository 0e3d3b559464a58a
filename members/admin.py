"""The secretariat's screens for the register. Every change of state goes through services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportMixin

from core.admin_base import DomainModelAdmin, apply_to_each, report_refusal
from core.japanese import fold, format_date
from core.pdf import pdf_response

from . import selectors, services
from .models import (
    PUBLISHABLE_FIELDS,
    REGISTER_ENTRY_FIELDS,
    ActivityField,
    AgendaItem,
    Application,
    Attendance,
    ContactEvent,
    Meeting,
    MemberNotice,
    Membership,
    Organisation,
    OrganisationContact,
    Prospect,
    RuleSet,
    TrialParticipation,
    Vote,
)
from .resources import MembershipExportResource, OrganisationResource, RegisterImportResource

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def _formset_handled(formset):
    """The formset's rows were written by services; tell the admin's change message so."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


# --- Rule sets -----------------------------------------------------------------------------


@admin.register(RuleSet)
class RuleSetAdmin(DomainModelAdmin):
    """Shown, never edited: a new version comes only from a passed 規定の改廃 item."""

    list_display = (
        "version",
        "effective_from",
        "quorum",
        "resolution",
        "written",
        "readmission_bar_years",
        "no_contact_years",
        "subject_may_vote",
        "adopted_by_item",
    )
    list_select_related = ("adopted_by_item", "adopted_by_item__meeting")
    list_filter = ("subject_may_vote",)
    search_fields = ("version",)
    readonly_fields = ("created_at",)

    @admin.display(description=gettext_lazy("quorum"))
    def quorum(self, obj):
        return f"{obj.quorum_numerator}/{obj.quorum_denominator}"

    @admin.display(description=gettext_lazy("resolution"))
    def resolution(self, obj):
        return f"{obj.resolution_numerator}/{obj.resolution_denominator}"

    @admin.display(description=gettext_lazy("written resolution"))
    def written(self, obj):
        return f"{obj.written_numerator}/{obj.written_denominator}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivityField)
class ActivityFieldAdmin(admin.ModelAdmin):
    list_display = ("name", "display_order")
    list_editable = ("display_order",)
    search_fields = ("name",)


# --- Organisations and memberships ---------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    can_delete = False
    fields = (
        "tier",
        "started_on",
        "ended_on",
        "end_reason",
        "expulsion_ground",
        "started_by_item",
        "ended_by_item",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("started_by_item", "ended_by_item")


class ContactEventInline(admin.TabularInline):
    model = ContactEvent
    extra = 1
    fields = ("occurred_on", "kind", "note", "recorded_by")
    readonly_fields = ("recorded_by",)
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False


class OrganisationContactInline(admin.TabularInline):
    model = OrganisationContact
    extra = 0
    fields = ("user", "invited_at")
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


class ContactInviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("e-mail"))
    last_name = forms.CharField(label=gettext_lazy("last name"), required=False)
    first_name = forms.CharField(label=gettext_lazy("first name"), required=False)


class OrganisationAdminForm(forms.ModelForm):
    website = forms.URLField(label=gettext_lazy("website"), required=False, assume_scheme="https")
    public_fields = forms.MultipleChoiceField(
        label=gettext_lazy("fields shown in the public directory"),
        choices=PUBLISHABLE_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Organisation
        fields = REGISTER_ENTRY_FIELDS


class CurrentTierFilter(admin.SimpleListFilter):
    title = gettext_lazy("tier")
    parameter_name = "current_tier"

    def lookups(self, request, model_admin):
        return [*Membership.Tier.choices, ("none", _("not a member"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(current_tier__isnull=True)
        if self.value():
            return queryset.filter(current_tier=self.value())
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(ImportMixin, DomainModelAdmin):
    form = OrganisationAdminForm
    resource_classes = [OrganisationResource]
    formfield_overrides = URL_FIELDS
    list_display = (
        "name",
        "name_kana",
        "organisation_type",
        "current_tier",
        "municipality",
        "last_contact_on",
        "created_at",
    )
    list_select_related = ("municipality",)
    list_filter = (CurrentTierFilter, "organisation_type", "municipality", "activity_fields")
    search_fields = ("name", "name_kana", "search_text", "strengths")
    readonly_fields = ("created_at", "last_contact_on", "register_status")
    change_form_template = "admin/members/organisation/change_form.html"
    # Both buttons: import (the register) and the logged export.
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    filter_horizontal = ("active_municipalities", "activity_fields")
    inlines = [MembershipInline, ContactEventInline, OrganisationContactInline]
    actions = ["register_directly"]
    fieldsets = (
        (None, {"fields": ("name", "name_kana", "organisation_type", "register_status")}),
        (
            gettext_lazy("Contact details"),
            {
                "fields": (
                    "representative_name",
                    "contact_name",
                    "postal_code",
                    "address",
                    "phone",
                    "email",
                    "website",
                )
            },
        ),
        (
            gettext_lazy("Activities"),
            {
                "fields": (
                    "municipality",
                    "active_municipalities",
                    "activity_fields",
                    "activity_summary",
                    "strengths",
                    "public_fields",
                )
            },
        ),
        (None, {"fields": ("last_contact_on", "created_at")}),
    )

    def get_import_resource_classes(self, request):
        return [RegisterImportResource]

    def get_export_resource_classes(self, request):
        return [OrganisationResource]

    def get_import_formats(self):
        from import_export.formats import base_formats

        return [f for f in (base_formats.CSV, base_formats.XLSX) if f().is_available()]

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: one invalid row rolls back the whole file.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def get_queryset(self, request):
        active_tier = Membership.objects.filter(
            organisation=OuterRef("pk"), ended_on__isnull=True
        ).values("tier")[:1]
        return super().get_queryset(request).annotate(current_tier=Subquery(active_tier))

    @admin.display(description=gettext_lazy("tier"), ordering="current_tier")
    def current_tier(self, obj):
        return Membership.Tier(obj.current_tier).label if obj.current_tier else "—"

    @admin.display(description=gettext_lazy("register"))
    def register_status(self, obj):
        if obj.pk is None:
            return "—"
        allowed_from = selectors.readmission_allowed_from(organisation=obj, on=timezone.localdate())
        parts = [self.current_tier(obj) if hasattr(obj, "current_tier") else ""]
        if allowed_from:
            parts.append(
                _("expelled: cannot be re-admitted before %(date)s")
                % {"date": format_date(allowed_from)}
            )
        return " / ".join(str(p) for p in parts if p) or "—"

    def save_formset(self, request, form, formset, change):
        if formset.model is not ContactEvent:
            return super().save_formset(request, form, formset, change)
        # A recorded contact moves the last-contact date: only through the service.
        _formset_handled(formset)
        for inline_form in formset.forms:
            if inline_form.has_changed() and not inline_form.instance.pk:
                data = inline_form.cleaned_data
                try:
                    services.contact_record(
                        organisation=form.instance,
                        occurred_on=data["occurred_on"],
                        kind=data["kind"],
                        note=data.get("note", ""),
                        actor=request.user,
                    )
                except ValidationError as exc:
                    report_refusal(self, request, exc)
        return None

    @admin.action(
        description=gettext_lazy("Register directly as a general member (public bodies, councils)"),
        permissions=["change"],
    )
    def register_directly(self, request, queryset):
        done = apply_to_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda organisation: services.membership_register_directly(
                organisation=organisation, started_on=timezone.localdate(), actor=request.user
            ),
        )
        if done:
            self.message_user(request, _("%(n)s organisations registered.") % {"n": done})

    def get_urls(self):
        return [
            path(
                "<int:pk>/invite-contact/",
                self.admin_site.admin_view(self.invite_contact_view),
                name="members_organisation_invite_contact",
            ),
            *super().get_urls(),
        ]

    def invite_contact_view(self, request, pk):
        organisation = get_object_or_404(Organisation, pk=pk)
        if not self.has_change_permission(request, organisation):
            raise PermissionDenied
        form = ContactInviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.contact_invite(
                    organisation=organisation, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(request, _("The invitation was sent."))
                return HttpResponseRedirect(
                    reverse("admin:members_organisation_change", args=[organisation.pk])
                )
        return TemplateResponse(
            request,
            "admin/members/invite_contact.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Invite a contact person"),
                "organisation": organisation,
                "form": form,
                "opts": self.model._meta,
            },
        )


@admin.register(Membership)
class MembershipAdmin(DomainModelAdmin):
    """The register's history: read-only. Lifecycle changes go through applications, notices
    and resolutions; the one direct action is a withdrawal received on paper."""

    resource_classes = [MembershipExportResource]
    list_display = (
        "organisation",
        "tier",
        "started_on",
        "ended_on",
        "end_reason",
        "expulsion_ground",
        "ended_by_item",
    )
    list_select_related = (
        "organisation",
        "organisation__municipality",
        "ended_by_item",
        "ended_by_item__meeting",
    )
    list_filter = (
        "tier",
        "end_reason",
        "expulsion_ground",
        ("ended_on", admin.EmptyFieldListFilter),
    )
    search_fields = ("organisation__name", "organisation__name_kana")
    readonly_fields = (
        "organisation",
        "tier",
        "started_on",
        "ended_on",
        "end_reason",
        "expulsion_ground",
        "end_note",
        "application",
        "started_by_item",
        "ended_by_item",
    )
    actions = ["withdraw_today"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=gettext_lazy("Withdraw today (paper withdrawal notice)"), permissions=["change"]
    )
    def withdraw_today(self, request, queryset):
        done = apply_to_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda membership: services.membership_withdraw(
                membership=membership, on=timezone.localdate(), actor=request.user
            ),
        )
        if done:
            self.message_user(request, _("%(n)s memberships ended.") % {"n": done})


# --- Applications --------------------------------------------------------------------------


@admin.register(Application)
class ApplicationAdmin(DomainModelAdmin):
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
        "public_fields",
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
            {"application": application, "publishable": []},
            filename=f"{application.reference}.pdf",
        )


# --- Notices (別紙2・3) --------------------------------------------------------------------


@admin.register(MemberNotice)
class MemberNoticeAdmin(DomainModelAdmin):
    list_display = ("organisation", "kind", "status", "effective_on", "submitted_at", "decided_by")
    list_select_related = ("organisation", "decided_by")
    list_filter = ("kind", "status")
    search_fields = ("organisation__name", "organisation__name_kana")
    readonly_fields = (
        "organisation",
        "kind",
        "changes",
        "reason",
        "effective_on",
        "submitted_by",
        "submitted_at",
        "status",
        "decided_by",
        "decided_at",
    )
    fields = (*readonly_fields, "decline_reason")
    change_form_template = "admin/members/membernotice/change_form.html"
    actions = ["apply_notices"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/form.pdf",
                self.admin_site.admin_view(self.form_pdf),
                name="members_membernotice_form",
            ),
            *super().get_urls(),
        ]

    def form_pdf(self, request, pk):
        """別紙2 or 別紙3 filled in from the notice, for the paper file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        notice = get_object_or_404(MemberNotice.objects.select_related("organisation"), pk=pk)
        if notice.kind == MemberNotice.Kind.CHANGE:
            template_name = "members/pdf/form2_change.html"
        else:
            template_name = "members/pdf/form3_withdrawal.html"
        return pdf_response(
            template_name,
            {"notice": notice, "change_rows": selectors.notice_change_rows(notice)},
            filename=f"notice-{notice.pk}.pdf",
        )

    @admin.action(description=gettext_lazy("Apply the selected notices"), permissions=["change"])
    def apply_notices(self, request, queryset):
        done = apply_to_each(
            self,
            request,
            queryset.order_by("organisation_id", "pk"),
            lambda notice: services.notice_apply(notice=notice, actor=request.user),
        )
        if done:
            self.message_user(request, _("%(n)s notices applied.") % {"n": done})

    def response_change(self, request, obj):
        try:
            if "_apply" in request.POST:
                services.notice_apply(notice=obj, actor=request.user)
                self.message_user(request, _("The notice was applied."))
                return HttpResponseRedirect(request.path)
            if "_decline" in request.POST:
                services.notice_decline(notice=obj, actor=request.user, reason=obj.decline_reason)
                self.message_user(request, _("The notice was declined."))
                return HttpResponseRedirect(request.path)
        except ValidationError as exc:
            report_refusal(self, request, exc)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def save_model(self, request, obj, form, change):
        # Only the decline reason is editable and it is saved by notice_decline; nothing else.
        pass


# --- Platform meeting ----------------------------------------------------------------------


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 1
    fields = (
        "number",
        "kind",
        "title",
        "subject",
        "expulsion_ground",
        "consent_received_on",
        "proposed_rules",
        "notified_at",
        "outcome",
        "explanation",
        "item_link",
    )
    readonly_fields = ("number", "notified_at", "outcome", "explanation", "item_link")
    autocomplete_fields = ("subject",)
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subject", "meeting")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("votes"))
    def item_link(self, obj):
        if not obj.pk:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:members_agendaitem_change", args=[obj.pk]),
            _("Record votes and decide"),
        )


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ("organisation", "mode", "proxy_holder")
    readonly_fields = ("organisation",)
    autocomplete_fields = ("proxy_holder",)
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "proxy_holder")

    def has_add_permission(self, request, obj=None):
        return False


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = (
            "kind",
            "title",
            "held_on",
            "place",
            "reply_by",
            "reminder_days",
            "chair",
            "guests",
            "minutes_note",
        )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        selectors.rule_set_in_force(on=held_on)  # raises a Japanese ValidationError if none
        return held_on


@admin.register(Meeting)
class MeetingAdmin(DomainModelAdmin):
    form = MeetingForm
    list_display = ("title", "kind", "held_on", "rule_set", "chair", "notice_sent_at")
    list_select_related = ("rule_set", "chair")
    list_filter = ("kind", "held_on")
    search_fields = ("title",)
    readonly_fields = ("rule_set", "notice_sent_at", "created_at", "quorum_text", "minutes_link")
    autocomplete_fields = ("chair",)
    fields = (
        "kind",
        "title",
        "held_on",
        "place",
        "reply_by",
        "reminder_days",
        "rule_set",
        "notice_sent_at",
        "chair",
        "guests",
        "quorum_text",
        "minutes_note",
        "minutes_link",
        "created_at",
    )
    inlines = [AgendaItemInline, AttendanceInline]
    actions = ["send_notice"]

    def get_inlines(self, request, obj):
        # A written resolution (規約第12条5) has agreements, not attendance.
        if obj is not None and obj.kind == Meeting.Kind.WRITTEN:
            return [AgendaItemInline]
        return self.inlines

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "kind", "held_on")
        return (*self.readonly_fields, "chair")

    @admin.display(description=gettext_lazy("quorum"))
    def quorum_text(self, obj):
        if obj.pk is None or obj.notice_sent_at is None or obj.kind != Meeting.Kind.MEETING:
            return "—"
        return services.meeting_quorum(obj).text

    @admin.display(description=gettext_lazy("minutes"))
    def minutes_link(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:members_meeting_minutes", args=[obj.pk]),
            _("Minutes (PDF)"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.meeting_create(
                title=obj.title,
                held_on=obj.held_on,
                kind=obj.kind,
                place=obj.place,
                actor=request.user,
            )
            obj.pk = created.pk
            obj.rule_set = created.rule_set
            obj.created_at = created.created_at
            Meeting.objects.filter(pk=obj.pk).update(
                reply_by=obj.reply_by,
                reminder_days=obj.reminder_days,
                guests=obj.guests,
                minutes_note=obj.minutes_note,
            )
            return
        chair_changed = "chair" in form.changed_data
        chair = obj.chair
        obj.save(
            update_fields=["title", "place", "reply_by", "reminder_days", "guests", "minutes_note"]
        )
        if chair_changed:
            try:
                services.meeting_choose_chair(meeting=obj, organisation=chair, actor=request.user)
            except ValidationError as exc:
                report_refusal(self, request, exc)

    def save_formset(self, request, form, formset, change):
        _formset_handled(formset)
        meeting = form.instance
        for inline_form in formset.forms:
            if not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            try:
                if formset.model is AgendaItem and not inline_form.instance.pk:
                    services.agenda_item_add(
                        meeting=meeting,
                        kind=data["kind"],
                        title=data["title"],
                        subject=data.get("subject"),
                        expulsion_ground=data.get("expulsion_ground", ""),
                        proposed_rules=data.get("proposed_rules") or {},
                        consent_received_on=data.get("consent_received_on"),
                        actor=request.user,
                    )
                elif formset.model is Attendance:
                    services.attendance_record(
                        meeting=meeting,
                        organisation=inline_form.instance.organisation,
                        mode=data["mode"],
                        proxy_holder=data.get("proxy_holder"),
                        actor=request.user,
                    )
            except ValidationError as exc:
                report_refusal(self, request, exc)

    @admin.action(
        description=gettext_lazy("Send the notice to all steering members"), permissions=["change"]
    )
    def send_notice(self, request, queryset):
        for meeting in queryset.order_by("pk"):
            try:
                sent = services.meeting_send_notice(meeting=meeting, actor=request.user)
                self.message_user(
                    request, _("%(meeting)s: %(n)s notices sent.") % {"meeting": meeting, "n": sent}
                )
            except ValidationError as exc:
                report_refusal(self, request, exc)

    def get_urls(self):
        return [
            path(
                "<int:pk>/minutes.pdf",
                self.admin_site.admin_view(self.minutes_pdf),
                name="members_meeting_minutes",
            ),
            *super().get_urls(),
        ]

    def minutes_pdf(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        meeting = selectors.meeting_for_minutes(pk)
        quorum = services.meeting_quorum(meeting) if meeting.notice_sent_at else None
        return pdf_response(
            "members/pdf/minutes.html",
            {
                "meeting": meeting,
                "quorum": quorum if meeting.kind == Meeting.Kind.MEETING else None,
                "today": timezone.localdate(),
            },
            filename=f"minutes-{meeting.pk}.pdf",
        )


class VoteInline(admin.TabularInline):
    model = Vote
    extra = 0
    fields = ("organisation", "choice")
    autocomplete_fields = ("organisation",)
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


@admin.register(AgendaItem)
class AgendaItemAdmin(DomainModelAdmin):
    list_display = ("__str__", "kind", "subject", "outcome", "explanation")
    list_select_related = ("meeting", "subject")
    list_filter = ("kind", "outcome")
    search_fields = ("title", "meeting__title", "subject__name")
    readonly_fields = (
        "meeting",
        "number",
        "kind",
        "subject",
        "expulsion_ground",
        "proposed_rules",
        "notified_at",
        "outcome",
        "explanation",
        "decided_at",
        "quorum_text",
        "tally_text",
        "effect",
    )
    fields = ("title", "description", "consent_received_on", *readonly_fields)
    inlines = [VoteInline]
    change_form_template = "admin/members/agendaitem/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("quorum"))
    def quorum_text(self, obj):
        if obj.meeting.notice_sent_at is None or obj.meeting.kind != Meeting.Kind.MEETING:
            return "—"
        return services.meeting_quorum(obj.meeting).text

    @admin.display(description=gettext_lazy("count so far"))
    def tally_text(self, obj):
        if obj.meeting.notice_sent_at is None:
            return "—"
        return services.item_tally(obj, services.meeting_quorum(obj.meeting)).text

    @admin.display(description=gettext_lazy("effect"))
    def effect(self, obj):
        rows = [str(m) for m in obj.ended_memberships.all()] + [
            str(m) for m in obj.started_memberships.all()
        ]
        rule_set = RuleSet.objects.filter(adopted_by_item=obj).first()
        if rule_set:
            rows.append(str(rule_set))
        return ", ".join(rows) or "—"

    def save_model(self, request, obj, form, change):
        if obj.outcome == AgendaItem.Outcome.PENDING:
            obj.save(update_fields=["title", "description", "consent_received_on"])

    def save_formset(self, request, form, formset, change):
        _formset_handled(formset)
        for inline_form in formset.forms:
            if not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            try:
                services.vote_record(
                    item=form.instance,
                    organisation=data["organisation"],
                    choice=data["choice"],
                    actor=request.user,
                )
            except ValidationError as exc:
                report_refusal(self, request, exc)

    def response_change(self, request, obj):
        if "_decide" in request.POST:
            try:
                item = services.item_decide(item=obj, actor=request.user)
                self.message_user(request, f"{item.get_outcome_display()}: {item.explanation}")
            except ValidationError as exc:
                report_refusal(self, request, exc)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


# --- Prospects -----------------------------------------------------------------------------


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
