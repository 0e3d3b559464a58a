"""Change and withdrawal notices (別紙2・3) from the contact portal: apply or decline."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import DomainModelAdmin, apply_to_each, report_refusal
from core.pdf import pdf_response

from .. import selectors, services
from ..models import MemberNotice, Organisation, publishable_labels


@admin.register(MemberNotice)
class MemberNoticeAdmin(DomainModelAdmin):
    list_display = ("organisation", "kind", "status", "effective_on", "submitted_at", "decided_by")
    list_select_related = ("organisation", "decided_by")
    list_filter = ("kind", "status")
    search_fields = ("organisation__name", "organisation__name_kana")
    readonly_fields = (
        "organisation",
        "kind",
        "changes_display",
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

    @admin.display(description=gettext_lazy("changes"))
    def changes_display(self, notice):
        """What the 変更届 changes, field by field in Japanese, not the stored JSON."""
        if not notice.changes:
            return "—"
        rows = []
        for name, value in notice.changes.items():
            if name == "public_fields":
                value = publishable_labels(value)
            label = Organisation._meta.get_field(name).verbose_name
            rows.append((label, value))
        return format_html_join(mark_safe("<br>"), "{}：{}", rows)

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
