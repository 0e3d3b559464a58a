"""The platform meeting: rule versions, meetings, agenda items, attendance and votes."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import DomainModelAdmin, ServiceModelAdmin, report_refusal
from core.pdf import pdf_response

from .. import selectors, services
from ..models import AgendaItem, Attendance, Meeting, RuleSet, Vote
from ._common import _formset_handled

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
class MeetingAdmin(ServiceModelAdmin):
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

    def service_save(self, request, obj, form, change):
        details = {name: getattr(obj, name) for name in services.MEETING_EDITABLE_FIELDS}
        if not change:
            created = services.meeting_create(
                held_on=obj.held_on, kind=obj.kind, actor=request.user, **details
            )
            obj.pk = created.pk
            obj.rule_set = created.rule_set
            obj.created_at = created.created_at
            return
        chair_changed = "chair" in form.changed_data
        services.meeting_update(meeting=obj, actor=request.user, **details)
        if chair_changed:
            # The chair is a decision of its own (規約第10条2): refused, the rest stays saved.
            try:
                services.meeting_choose_chair(
                    meeting=obj, organisation=obj.chair, actor=request.user
                )
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
class AgendaItemAdmin(ServiceModelAdmin):
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

    def service_save(self, request, obj, form, change):
        services.agenda_item_update(
            item=obj,
            title=obj.title,
            description=obj.description,
            consent_received_on=obj.consent_received_on,
            actor=request.user,
        )

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
