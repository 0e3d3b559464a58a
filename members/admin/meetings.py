"""The platform meeting: rule versions, meetings, agenda items, attendance and votes."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import DomainModelAdmin, ServiceModelAdmin, report_refusal
from core.pdf import pdf_response

from .. import selectors, services
from ..models import AgendaItem, Meeting, RuleSet, Vote
from ._common import _formset_handled
from .meeting_grid import item_effects, meeting_grid_view
from .rules_text import RulesTextField, rules_as_text

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


class AgendaItemInlineForm(forms.ModelForm):
    """Refuses in Japanese, beside the field, what the database constraints would otherwise
    refuse with their names. A rules item's values are typed as Japanese lines, not JSON."""

    proposed_rules = RulesTextField()

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in AgendaItem.MEMBERSHIP_KINDS and not cleaned.get("subject"):
            self.add_error("subject", _("Name the organisation this item is about."))
        if kind == AgendaItem.Kind.EXPEL and not cleaned.get("expulsion_ground"):
            self.add_error("expulsion_ground", _("State the ground for expulsion (規約第6条)."))
        return cleaned


class AgendaItemFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        existing = self.instance.items.all() if self.instance.pk else []
        seen = {(item.kind, item.subject_id, item.title.strip()) for item in existing}
        for form in self.forms:
            if form.instance.pk or not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            data = form.cleaned_data
            if not data.get("title", "").strip():
                continue  # "required" is already shown beside the title
            subject = data.get("subject")
            key = (data.get("kind"), subject.pk if subject else None, data["title"].strip())
            if key in seen:
                form.add_error(
                    "title",
                    _("This agenda item is already on the meeting; enter it once."),
                )
            seen.add(key)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    form = AgendaItemInlineForm
    formset = AgendaItemFormSet
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


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = (
            "kind",
            "title",
            "held_on",
            "place",
            "opened_at",
            "closed_at",
            "reply_by",
            "reminder_days",
            "guests",
            "minutes_note",
        )

    def clean(self):
        cleaned = super().clean()
        opened, closed = cleaned.get("opened_at"), cleaned.get("closed_at")
        if opened and closed and closed <= opened:
            self.add_error("closed_at", _("The meeting closes after it opens."))
        return cleaned

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
    readonly_fields = (
        "rule_set",
        "notice_sent_at",
        "created_at",
        "chair",
        "quorum_text",
        "grid_link",
        "minutes_link",
    )
    fields = (
        "kind",
        "title",
        "held_on",
        "place",
        "opened_at",
        "closed_at",
        "reply_by",
        "reminder_days",
        "rule_set",
        "notice_sent_at",
        "chair",
        "guests",
        "quorum_text",
        "grid_link",
        "minutes_note",
        "minutes_link",
        "created_at",
    )
    # Attendance, proxies, the chair and votes are entered on the meeting's grid (grid_link).
    inlines = [AgendaItemInline]
    actions = ["send_notice"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "kind", "held_on")
        return self.readonly_fields

    @admin.display(description=gettext_lazy("attendance and votes"))
    def grid_link(self, obj):
        if obj.pk is None or obj.notice_sent_at is None:
            return _("After the notice is sent (it fixes the roster).")
        label = (
            _("Enter agreements on one grid")
            if obj.kind == Meeting.Kind.WRITTEN
            else _("Enter attendance, proxies, the chair and votes on one grid")
        )
        return format_html(
            '<a href="{}" class="button">{}</a>',
            reverse("admin:members_meeting_grid", args=[obj.pk]),
            label,
        )

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
        services.meeting_update(meeting=obj, actor=request.user, **details)

    def service_delete(self, request, obj):
        services.meeting_delete(meeting=obj, actor=request.user)

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
            except ValidationError as exc:
                report_refusal(self, request, exc)

    @admin.action(
        description=gettext_lazy("Send the notice to all steering members"), permissions=["change"]
    )
    def send_notice(self, request, queryset):
        for meeting in queryset.order_by("pk"):
            try:
                result = services.meeting_send_notice(meeting=meeting, actor=request.user)
                self.message_user(
                    request,
                    _("%(meeting)s: %(result)s") % {"meeting": meeting, "result": result.text},
                    messages.SUCCESS if result.queued else messages.WARNING,
                )
            except ValidationError as exc:
                report_refusal(self, request, exc)

    def get_urls(self):
        return [
            path(
                "<int:pk>/grid/",
                self.admin_site.admin_view(self.grid_view),
                name="members_meeting_grid",
            ),
            path(
                "<int:pk>/minutes.pdf",
                self.admin_site.admin_view(self.minutes_pdf),
                name="members_meeting_minutes",
            ),
            *super().get_urls(),
        ]

    def grid_view(self, request, pk):
        return meeting_grid_view(self, request, pk)

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
                # 議決の効果 of each decided item, as words (除名：…（令和…から）).
                "effects": {
                    item.pk: [text for text, _url in item_effects(item)]
                    for item in meeting.items.all()
                    if item.outcome == AgendaItem.Outcome.PASSED
                },
            },
            filename=f"minutes-{meeting.pk}.pdf",
        )


class VoteInline(admin.TabularInline):
    """Shown here; entered on the meeting's grid with the attendance."""

    model = Vote
    extra = 0
    fields = ("organisation", "choice")
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
        "proposed_rules_text",
        "notified_at",
        "outcome",
        "explanation",
        "decided_at",
        "quorum_text",
        "tally_text",
        "effect",
        "grid_link",
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
        tally = services.item_tally(obj, services.meeting_quorum(obj.meeting))
        return tally.progress_text if obj.outcome == AgendaItem.Outcome.PENDING else tally.text

    @admin.display(description=gettext_lazy("proposed rule values"))
    def proposed_rules_text(self, obj):
        return linebreaksbr(rules_as_text(obj.proposed_rules)) if obj.proposed_rules else "—"

    @admin.display(description=gettext_lazy("effect of the resolution"))
    def effect(self, obj):
        effects = item_effects(obj)
        if not effects:
            return "—"
        return format_html_join(
            mark_safe("<br>"), '<a href="{}">{}</a>', ((url, text) for text, url in effects)
        )

    @admin.display(description=gettext_lazy("attendance and votes"))
    def grid_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:members_meeting_grid", args=[obj.meeting_id]),
            _("Enter votes on the meeting's grid"),
        )

    def service_save(self, request, obj, form, change):
        services.agenda_item_update(
            item=obj,
            title=obj.title,
            description=obj.description,
            consent_received_on=obj.consent_received_on,
            actor=request.user,
        )

    def response_change(self, request, obj):
        if "_decide" in request.POST:
            try:
                item = services.item_decide(item=obj, actor=request.user)
                self.message_user(request, f"{item.get_outcome_display()}: {item.explanation}")
            except ValidationError as exc:
                report_refusal(self, request, exc)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
