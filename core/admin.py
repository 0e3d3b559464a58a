from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .admin_base import DomainModelAdmin, ReadOnlyMixin
from .contact import SecretariatContact
from .exports import LoggedExportMixin
from .models import ExportLog, GeneratedDocument, Municipality, Notification, RolePolicy, User
from .notification_purposes import purpose_choices, purpose_label
from .resources import MunicipalityResource, NotificationResource
from .services import document_rerender


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """An append-only record: readable by those entitled, editable by nobody."""


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "last_name", "first_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "groups")
    search_fields = ("username", "email", "last_name", "first_name")
    readonly_fields = ("last_login", "date_joined")
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )


class RolePolicyInline(admin.StackedInline):
    model = RolePolicy
    can_delete = False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    inlines = [RolePolicyInline]
    list_display = ("name", "mfa_required")
    list_select_related = ("role_policy",)

    @admin.display(description=_("two-factor authentication required"), boolean=True)
    def mfa_required(self, group):
        return bool(getattr(group, "role_policy", None) and group.role_policy.mfa_required)


@admin.register(Municipality)
class MunicipalityAdmin(DomainModelAdmin):
    resource_classes = [MunicipalityResource]
    list_display = (
        "name",
        "prefecture",
        "population",
        "households",
        "aged_65_plus_percent",
        "community_cafeterias",
    )
    list_filter = ("prefecture",)
    search_fields = ("name", "name_kana")
    ordering = ("display_order", "pk")


class PurposeFilter(admin.SimpleListFilter):
    """The purposes by what they mean (core.notification_purposes), not by code."""

    title = _("purpose")
    parameter_name = "purpose"

    def lookups(self, request, model_admin):
        codes = Notification.objects.order_by().values_list("purpose", flat=True).distinct()
        return purpose_choices(codes)

    def queryset(self, request, queryset):
        return queryset.filter(purpose=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(LoggedExportMixin, ReadOnlyAdmin):
    resource_classes = [NotificationResource]
    list_display = (
        "created_at",
        "purpose_label",
        "subject",
        "period",
        "recipient",
        "status",
        "sent_at",
    )
    list_filter = ("status", PurposeFilter)
    list_select_related = ("content_type",)
    search_fields = ("subject", "recipient", "period")
    readonly_fields = ("created_at", "sent_at", "purpose_label")
    exclude = ("purpose",)
    date_hierarchy = "created_at"

    @admin.display(description=_("purpose"), ordering="purpose")
    def purpose_label(self, notification):
        return purpose_label(notification.purpose)


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "model_label", "file_format", "row_count", "filters")
    list_filter = ("model_label", "file_format")
    list_select_related = ("user",)
    search_fields = ("model_label", "user__username", "user__email")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "title", "kind", "status", "created_by", "download_link")
    list_filter = ("kind", "status")
    list_select_related = ("created_by",)
    search_fields = ("title",)
    exclude = ("snapshot", "file")
    readonly_fields = ("created_at", "rendered_at")
    actions = ["rerender"]

    @admin.action(description=_("Render the selected documents again"), permissions=["change"])
    def rerender(self, request, queryset):
        documents = list(queryset)
        for document in documents:
            document_rerender(document=document)
        self.message_user(
            request,
            ngettext(
                "%(count)d document will be rendered again.",
                "%(count)d documents will be rendered again.",
                len(documents),
            )
            % {"count": len(documents)},
        )

    @admin.display(description=_("PDF"))
    def download_link(self, document):
        if document.status != GeneratedDocument.Status.RENDERED:
            return "—"
        url = reverse("admin:core_generateddocument_download", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, _("download"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="core_generateddocument_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise Http404
        document = get_object_or_404(GeneratedDocument, pk=pk)
        if not document.file:
            raise Http404
        return FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=document.file.name.rsplit("/", 1)[-1],
        )


@admin.register(SecretariatContact)
class SecretariatContactAdmin(SimpleHistoryAdmin):
    """One record: added once, then changed (the list shows it, or offers to add it)."""

    list_display = ("name", "phone", "email", "updated_at")

    fields = (
        "name",
        "postal_code",
        "address",
        "phone",
        "email",
        "hours",
        "representative_title",
        "representative_name",
        "updated_at",
    )
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SecretariatContact.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
