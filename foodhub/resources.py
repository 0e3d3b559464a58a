"""CSV exports from the admin: formula-safe, and every export is logged (core.exports)."""

from django.utils.translation import gettext

from core.exports import SafeModelResource

from .models import (
    Disposal,
    Distribution,
    Donation,
    Donor,
    Item,
    LedgerEntry,
    LiabilityConsent,
    Lot,
    Recipient,
    Site,
    Stocktake,
    Transfer,
    Zone,
)


class SiteResource(SafeModelResource):
    class Meta:
        model = Site
        fields = ("id", "name", "kind", "municipality__name", "capacity_kg")


class ItemResource(SafeModelResource):
    class Meta:
        model = Item
        fields = ("id", "name", "category__name", "default_zone_kind", "unit", "has_expiry")


class DonorResource(SafeModelResource):
    class Meta:
        model = Donor
        fields = ("id", "name", "kind", "municipality__name", "exemption_terms_signed_on")


class RecipientResource(SafeModelResource):
    """Households export as reference code, size and referring agency — they have no names."""

    class Meta:
        model = Recipient
        fields = (
            "id",
            "kind",
            "name",
            "running_organisation",
            "reference_code",
            "household_size",
            "referring_agency",
            "municipality__name",
            "site__name",
        )


class LotResource(SafeModelResource):
    class Meta:
        model = Lot
        fields = (
            "id",
            "site__name",
            "zone__kind",
            "item__name",
            "date_kind",
            "expiry_date",
            "kg",
            "quantity",
            "received_on",
            "donation",
            "transfer",
        )

    def dehydrate_expiry_date(self, lot):
        return lot.expiry_date.isoformat() if lot.expiry_date else gettext("no expiry date")


class LedgerEntryResource(SafeModelResource):
    class Meta:
        model = LedgerEntry
        fields = (
            "id",
            "effective_on",
            "site__name",
            "kind",
            "lot",
            "lot__item__name",
            "kg_delta",
            "quantity_delta",
            "donation",
            "transfer",
            "distribution",
            "disposal",
            "stocktake",
            "reason",
            "created_by__username",
            "created_at",
        )


class ZoneResource(SafeModelResource):
    class Meta:
        model = Zone
        fields = ("id", "site__name", "kind", "capacity_kg", "near_expiry_days")


class LiabilityConsentResource(SafeModelResource):
    class Meta:
        model = LiabilityConsent
        fields = ("id", "recipient", "agreed_on", "withdrawn_on", "document_reference")


class DonationResource(SafeModelResource):
    class Meta:
        model = Donation
        fields = ("id", "received_on", "donor__name", "donor__kind", "site__name", "note")


class TransferResource(SafeModelResource):
    class Meta:
        model = Transfer
        fields = ("id", "sent_on", "from_site__name", "to_site__name", "status", "received_on")


class DistributionResource(SafeModelResource):
    class Meta:
        model = Distribution
        fields = (
            "id",
            "distributed_on",
            "site__name",
            "recipient__kind",
            "recipient",
            "past_best_before_confirmed",
        )


class DisposalResource(SafeModelResource):
    class Meta:
        model = Disposal
        fields = ("id", "disposed_on", "site__name", "reason", "note")


class StocktakeResource(SafeModelResource):
    class Meta:
        model = Stocktake
        fields = ("id", "counted_on", "site__name", "note")
