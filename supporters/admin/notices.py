"""Notices to supporters: written through the service, recipients recorded by it."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import (
    ServiceModelAdmin,
)

from .. import services
from ..forms import run_check
from ..models import (
    NoticeRecipient,
    SupporterNotice,
)
from ..resources import (
    SupporterNoticeResource,
)
from .base import SupportersModelAdmin


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
        # Recipients are only supporters with an e-mail address (the service refuses a notice
        # that reaches nobody, saying why); say how many, and that sending is queued.
        self.message_user(
            request,
            _("The notice is queued for sending to %(n)s supporters with an e-mail address.")
            % {"n": notice.recipients.count()},
            messages.SUCCESS,
        )

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # recipients exist once it is sent

    def save_related(self, request, form, formsets, change):
        pass  # recipients are written by the service
