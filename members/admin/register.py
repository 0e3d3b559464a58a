"""The register: organisations (with the register import), memberships, activity fields."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import (
    DomainModelAdmin,
    FoldedSearchMixin,
    ServiceModelAdmin,
    SuperuserDeletesMixin,
    apply_to_each,
    report_refusal,
)
from core.csvstream import StreamingCsvExportMixin
from core.imports import JapaneseImportMixin
from core.japanese import format_date
from core.paginator import EstimatedCountPaginator

from .. import selectors, services
from ..models import (
    PUBLISHABLE_FIELDS,
    REGISTER_ENTRY_FIELDS,
    ActivityField,
    ContactEvent,
    Membership,
    Organisation,
    OrganisationContact,
)
from ..resources import MembershipExportResource, OrganisationResource, RegisterImportResource
from ..services.activity_fields import activity_field_save
from ._common import URL_FIELDS, _formset_handled


@admin.register(ActivityField)
class ActivityFieldAdmin(SuperuserDeletesMixin, admin.ModelAdmin):
    list_display = ("name", "display_order")
    list_editable = ("display_order",)
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        # The change form and the list's display order alike.
        activity_field_save(field=obj, actor=request.user)


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
class OrganisationAdmin(FoldedSearchMixin, JapaneseImportMixin, ServiceModelAdmin):
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
    # The folded name, kana and offer (published or not), by its trigram index.
    search_fields = ("staff_search_text",)
    paginator = EstimatedCountPaginator
    # Offered orderings: only what an index serves (organisation_kana_order).
    sortable_by = ("name_kana",)
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

    def service_save(self, request, obj, form, change):
        services.organisation_save(organisation=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is OrganisationContact:
            # Contacts are only removed here (invited through the service, never edited).
            formset.save(commit=False)
            for contact in formset.deleted_objects:
                services.contact_remove(contact=contact, actor=request.user)
            return None
        if formset.model is not ContactEvent:
            return super().save_formset(request, form, formset, change)  # read-only inlines
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
class MembershipAdmin(StreamingCsvExportMixin, DomainModelAdmin):
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

    def save_model(self, request, obj, form, change):
        # Every field is read-only here; a membership changes only through services.
        pass

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
