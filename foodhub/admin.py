"""The secretariat's screens for the food hubs. Stock documents are recorded through the staff
pages (foodhub.views) and services; here they are read-only, scoped to the user's sites."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_base import (
    FoldedSearchMixin,
    ReadOnlyMixin,
    ServiceModelAdmin,
    too_short_search,
    too_short_search_message,
)
from core.csvstream import StreamingCsvExportMixin
from core.exports import LoggedExportMixin
from core.forms import add_service_errors
from core.japanese import fold
from core.paginator import EstimatedCountPaginator

from . import services
from .models import (
    Disposal,
    Distribution,
    DistributionLine,
    Donation,
    Donor,
    FoodCategory,
    Item,
    LedgerEntry,
    LiabilityConsent,
    Lot,
    Recipient,
    Site,
    SiteOperator,
    Stocktake,
    StocktakeLine,
    Transfer,
    TransferLine,
    Zone,
)
from .resources import (
    DisposalResource,
    DistributionResource,
    DonationResource,
    DonorResource,
    ItemResource,
    LedgerEntryResource,
    LiabilityConsentResource,
    LotResource,
    RecipientResource,
    SiteResource,
    StocktakeResource,
    TransferResource,
    ZoneResource,
)


class ScopedHistoryMixin:
    """simple-history's history pages fall back to the historical rows when an object is not in
    `get_queryset()` (and the single-version page never asks it), so without this a hub operator
    could read another site's records there. Out of scope answers 404, as the change page does."""

    def _in_scope_or_404(self, request, object_id):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )


class SiteScopedMixin(ScopedHistoryMixin):
    """Hub operators see their own sites' records only; the secretariat sees all."""

    site_lookup = "site"

    def get_queryset(self, request):
        visible = Site.objects.visible_to(request.user)
        return super().get_queryset(request).filter(**{f"{self.site_lookup}__in": visible})


class VisibleSiteFilter(admin.RelatedFieldListFilter):
    """The sidebar's site choices: only the sites the user may see (the stock Django filter lists
    every site to every user)."""

    def field_choices(self, field, request, model_admin):
        return [
            (site.pk, str(site))
            for site in Site.objects.visible_to(request.user).order_by("kind", "name")
        ]


class RecordAdmin(LoggedExportMixin, admin.ModelAdmin):
    """Append-only stock records (no change history needed: they never change). They are
    recorded on the staff pages, which the changelist links to."""

    show_full_result_count = False
    import_export_change_list_template = "admin/foodhub/change_list_tools.html"


class MasterRecordAdmin(ServiceModelAdmin):
    """Master records are written through foodhub.services.record_save (labelled history)."""

    def service_save(self, request, obj, form, change):
        services.record_save(record=obj, actor=request.user)


class ZoneInline(admin.TabularInline):
    model = Zone
    extra = 0
    fields = ("kind", "capacity_kg", "near_expiry_days")


class SiteOperatorInline(admin.TabularInline):
    model = SiteOperator
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Site)
class SiteAdmin(ScopedHistoryMixin, MasterRecordAdmin):
    resource_classes = [SiteResource]
    list_display = ("name", "kind", "municipality", "capacity_kg")
    list_select_related = ("municipality",)
    list_filter = ("kind", "municipality")
    search_fields = ("name",)
    inlines = [ZoneInline, SiteOperatorInline]

    def save_formset(self, request, form, formset, change):
        # Zones and operators are written through the services too, each with its history row.
        for record in formset.save(commit=False):
            services.record_save(record=record, actor=request.user)
        for record in formset.deleted_objects:
            services.record_delete(record=record, actor=request.user)
        formset.save_m2m()

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=Site.objects.visible_to(request.user))


@admin.register(Zone)
class ZoneAdmin(SiteScopedMixin, MasterRecordAdmin):
    resource_classes = [ZoneResource]
    list_display = ("site", "kind", "capacity_kg", "near_expiry_days")
    list_select_related = ("site",)
    list_filter = ("kind", ("site", VisibleSiteFilter))
    list_editable = ("near_expiry_days",)
    search_fields = ("site__name",)


@admin.register(FoodCategory)
class FoodCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "display_order")
    search_fields = ("name",)


@admin.register(Item)
class ItemAdmin(FoldedSearchMixin, MasterRecordAdmin):
    resource_classes = [ItemResource]
    list_display = ("name", "category", "default_zone_kind", "unit", "has_expiry")
    list_select_related = ("category",)
    list_filter = ("category", "default_zone_kind", "has_expiry")
    search_fields = ("search_text",)


@admin.register(Donor)
class DonorAdmin(FoldedSearchMixin, MasterRecordAdmin):
    resource_classes = [DonorResource]
    list_display = ("name", "kind", "municipality", "exemption_terms_signed_on")
    list_select_related = ("municipality",)
    list_filter = ("kind", "municipality")
    search_fields = ("search_text",)


class LiabilityConsentInline(ReadOnlyMixin, admin.TabularInline):
    model = LiabilityConsent
    extra = 0
    fields = ("agreed_on", "withdrawn_on", "document_reference", "recorded_by", "recorded_at")
    readonly_fields = fields


@admin.register(Recipient)
class RecipientAdmin(FoldedSearchMixin, SiteScopedMixin, MasterRecordAdmin):
    resource_classes = [RecipientResource]
    list_display = ("__str__", "kind", "running_organisation", "municipality", "site", "consent_on")
    list_select_related = ("municipality", "site")
    list_filter = ("kind", "municipality", ("site", VisibleSiteFilter))
    search_fields = ("search_text",)
    inlines = [LiabilityConsentInline]
    fieldsets = (
        (None, {"fields": ("kind", "site", "municipality")}),
        (_("Organisations and facilities"), {"fields": ("name", "running_organisation")}),
        (
            _("Households in need (no names: reference code only)"),
            {"fields": ("reference_code", "household_size", "referring_agency")},
        ),
    )

    def get_queryset(self, request):
        from .selectors import recipient_list_with_consent

        return recipient_list_with_consent(request.user, on_date=timezone.localdate())

    @admin.display(description=_("liability exemption consent"))
    def consent_on(self, recipient):
        if recipient.consent_on is None:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("foodhub:consent-create", args=[recipient.pk]),
                _("not recorded"),
            )
        return recipient.consent_on


class LiabilityConsentForm(forms.ModelForm):
    """Recording a consent in the admin: the service's checks as errors next to the fields."""

    actor = None  # set per request by LiabilityConsentAdmin.get_form

    class Meta:
        model = LiabilityConsent
        fields = ("recipient", "agreed_on", "document_reference")

    def clean(self):
        data = super().clean()
        if data.get("recipient") and data.get("agreed_on"):
            try:
                services.consent_validate(
                    recipient=data["recipient"], agreed_on=data["agreed_on"], actor=self.actor
                )
            except PermissionDenied as exc:
                self.add_error("recipient", str(exc))
            except ValidationError as exc:
                add_service_errors(self, exc)
        return data


@admin.register(LiabilityConsent)
class LiabilityConsentAdmin(SiteScopedMixin, ServiceModelAdmin):
    resource_classes = [LiabilityConsentResource]
    form = LiabilityConsentForm
    site_lookup = "recipient__site"
    list_display = ("recipient", "agreed_on", "withdrawn_on", "recorded_by", "recorded_at")
    list_select_related = ("recipient", "recorded_by")
    list_filter = ("agreed_on", "withdrawn_on")
    search_fields = ("recipient__search_text",)
    readonly_fields = ("recorded_by", "recorded_at")
    autocomplete_fields = ("recipient",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(LiabilityConsentForm.Meta.fields)
        return [*LiabilityConsentForm.Meta.fields, "withdrawn_on", *self.readonly_fields]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "recipient":
            # Only recipients the user may record a consent for are valid choices.
            kwargs["queryset"] = Recipient.objects.filter(
                site__in=Site.objects.operable_by(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form, change):
        saved = services.consent_record(
            recipient=obj.recipient,
            agreed_on=obj.agreed_on,
            document_reference=obj.document_reference,
            actor=request.user,
        )
        obj.pk = saved.pk


@admin.register(Lot)
class LotAdmin(
    StreamingCsvExportMixin, FoldedSearchMixin, ReadOnlyMixin, SiteScopedMixin, RecordAdmin
):
    resource_classes = [LotResource]
    list_display = (
        "item",
        "site",
        "zone_kind",
        "date_kind",
        "expiry_date",
        "kg",
        "quantity",
        "received_on",
    )
    list_select_related = ("item", "site", "zone")
    list_filter = (
        ("site", VisibleSiteFilter),
        "zone__kind",
        "date_kind",
        "item__category",
        # A date range whose choices cost nothing (date_hierarchy ran DISTINCT/MIN/MAX over
        # every lot on every page).
        ("expiry_date", admin.DateFieldListFilter),
    )
    # The term is folded like the column (FoldedSearchMixin); LIKE on the column itself, so
    # PostgreSQL's trigram index on the item can serve it.
    search_fields = ("item__search_text__contains",)
    readonly_fields = ("created_at",)
    actions = ["dispose_expired"]
    paginator = EstimatedCountPaginator
    # Offered orderings: only what an index serves (the in-stock expiry partial index).
    sortable_by = ("expiry_date",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kg__gt=0)

    @admin.display(description=_("storage"), ordering="zone__kind")
    def zone_kind(self, lot):
        return lot.zone.get_kind_display()

    @admin.action(description=_("Dispose of the selected lots as expired"), permissions=["dispose"])
    def dispose_expired(self, request, queryset):
        done, refused = services.expired_lots_dispose(
            lots=queryset, on_date=timezone.localdate(), actor=request.user
        )
        self.message_user(
            request,
            ngettext("%(count)d lot was disposed of.", "%(count)d lots were disposed of.", done)
            % {"count": done},
        )
        for message in refused:
            self.message_user(request, message, level=messages.ERROR)

    def has_dispose_permission(self, request):
        return request.user.has_perm("foodhub.add_disposal")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(StreamingCsvExportMixin, ReadOnlyMixin, SiteScopedMixin, RecordAdmin):
    resource_classes = [LedgerEntryResource]
    list_display = (
        "effective_on",
        "site",
        "kind",
        "lot_item",
        "kg_delta",
        "quantity_delta",
        "reason",
        "created_by",
        "created_at",
    )
    list_select_related = ("site", "lot__item", "created_by")
    list_filter = ("kind", ("site", VisibleSiteFilter), ("effective_on", admin.DateFieldListFilter))
    search_fields = ("lot__item__search_text", "reason")
    readonly_fields = ("created_at",)
    paginator = EstimatedCountPaginator
    # Offered orderings: only what an index serves (foodhub_ledger_month, created_at).
    sortable_by = ("effective_on", "created_at")

    def get_search_results(self, request, queryset, search_term):
        """The item first: the few items whose folded name holds every word, then the
        entries of their lots (each entry's lot looked up by its key, so a word matching every
        item costs no more than one matching one), or entries whose reason holds them (read
        from the entries that have a reason, by their own index) — never a join of every entry
        to its lot and item before filtering."""
        term = fold(search_term)
        if not term:
            return queryset, False
        if too_short_search(search_term):
            messages.warning(request, too_short_search_message())
            return queryset.none(), False
        items, with_reason = Item.objects.all(), ~Q(reason="")
        for word in search_term.split():  # every word, as in the other admin searches
            items = items.filter(search_text__contains=fold(word))
            with_reason &= Q(reason__contains=word)
        items = list(items.values_list("pk", flat=True))
        if not items:
            return queryset.filter(with_reason), False
        of_items = Exists(Lot.objects.filter(pk=OuterRef("lot_id"), item_id__in=items))
        return queryset.filter(Q(of_items) | with_reason), False

    @admin.display(description=_("item"), ordering="lot__item__name")
    def lot_item(self, entry):
        return entry.lot.item

    def get_exclude(self, request, obj=None):
        # A distribution names its recipient (a household): only for who may read distributions
        # (core.roles PERSONAL_DATA_READERS; auditors read the ledger without the household).
        if request.user.has_perm("foodhub.view_distribution"):
            return super().get_exclude(request, obj)
        return ("distribution",)


class TransferLineInline(ReadOnlyMixin, admin.TabularInline):
    model = TransferLine
    fields = (
        "source_lot",
        "kg",
        "quantity",
        "received_kg",
        "received_quantity",
        "difference_reason",
    )
    readonly_fields = fields


class DistributionLineInline(ReadOnlyMixin, admin.TabularInline):
    model = DistributionLine
    fields = ("lot", "kg", "quantity")
    readonly_fields = fields


class StocktakeLineInline(ReadOnlyMixin, admin.TabularInline):
    model = StocktakeLine
    fields = ("lot", "recorded_kg", "counted_kg", "recorded_quantity", "counted_quantity", "reason")
    readonly_fields = fields


@admin.register(Donation)
class DonationAdmin(ReadOnlyMixin, SiteScopedMixin, RecordAdmin):
    resource_classes = [DonationResource]
    list_display = ("received_on", "donor", "site", "created_by", "created_at")
    list_select_related = ("donor", "site", "created_by")
    list_filter = (("site", VisibleSiteFilter), "donor__kind", "received_on")
    search_fields = ("donor__search_text", "note")
    date_hierarchy = "received_on"
    readonly_fields = ("created_at",)


@admin.register(Transfer)
class TransferAdmin(ReadOnlyMixin, RecordAdmin):
    resource_classes = [TransferResource]
    list_display = ("sent_on", "from_site", "to_site", "status", "received_on", "pick_list")
    list_select_related = ("from_site", "to_site")
    list_filter = (
        "status",
        ("from_site", VisibleSiteFilter),
        ("to_site", VisibleSiteFilter),
    )
    search_fields = ("from_site__name", "to_site__name", "note")
    date_hierarchy = "sent_on"
    readonly_fields = ("created_at",)
    inlines = [TransferLineInline]

    def get_queryset(self, request):
        from .selectors import transfer_list_for_user

        return transfer_list_for_user(request.user)

    @admin.display(description=_("pick list"))
    def pick_list(self, transfer):
        return format_html(
            '<a href="{}">PDF</a>', reverse("foodhub:transfer-pick-list", args=[transfer.pk])
        )


@admin.register(Distribution)
class DistributionAdmin(ReadOnlyMixin, SiteScopedMixin, RecordAdmin):
    resource_classes = [DistributionResource]
    list_display = (
        "distributed_on",
        "recipient",
        "site",
        "past_best_before_confirmed",
        "delivery_note",
    )
    list_select_related = ("recipient", "site")
    list_filter = (("site", VisibleSiteFilter), "recipient__kind", "distributed_on")
    search_fields = ("recipient__search_text",)
    date_hierarchy = "distributed_on"
    readonly_fields = ("created_at",)
    inlines = [DistributionLineInline]

    @admin.display(description=_("delivery note"))
    def delivery_note(self, distribution):
        return format_html(
            '<a href="{}">PDF</a>',
            reverse("foodhub:distribution-delivery-note", args=[distribution.pk]),
        )


@admin.register(Disposal)
class DisposalAdmin(ReadOnlyMixin, SiteScopedMixin, RecordAdmin):
    resource_classes = [DisposalResource]
    list_display = ("disposed_on", "site", "reason", "note", "created_by")
    list_select_related = ("site", "created_by")
    list_filter = ("reason", ("site", VisibleSiteFilter), "disposed_on")
    search_fields = ("note",)
    readonly_fields = ("created_at",)


@admin.register(Stocktake)
class StocktakeAdmin(ReadOnlyMixin, SiteScopedMixin, RecordAdmin):
    resource_classes = [StocktakeResource]
    list_display = ("counted_on", "site", "note", "created_by")
    list_select_related = ("site", "created_by")
    list_filter = (("site", VisibleSiteFilter), "counted_on")
    search_fields = ("note",)
    readonly_fields = ("created_at",)
    inlines = [StocktakeLineInline]


from . import admin_partners  # noqa: E402, F401  (food partners, issue 14)
