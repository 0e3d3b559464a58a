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

from .admin_base import DomainModelAdmin, ReadOnlyMixin
from .models import ExportLog, GeneratedDocument, Municipality, Notification, RolePolicy, User
from .resources import MunicipalityResource
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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "purpose", "period", "recipient", "status", "sent_at")
    list_filter = ("status", "purpose")
    list_select_related = ("content_type",)
    search_fields = ("purpose", "recipient", "period")
    readonly_fields = ("created_at", "sent_at")
    date_hierarchy = "created_at"


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
