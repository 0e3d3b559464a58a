"""Food logistics: sites and zones, items, lots of stock and the append-only ledger.

The stock held in `Lot.kg` / `Lot.quantity` is a running total; `LedgerEntry` records every
change to it. Only foodhub.services writes either, always both in one transaction, so the sum of
a lot's entries equals the lot's stock (checked by `manage.py foodhub_check_ledger`).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.japanese import fold, format_date
from core.pg_indexes import trigram_index
from core.querysets import InForceQuerySet

KG = {"max_digits": 10, "decimal_places": 2}


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope for every page, admin, export and PDF: the secretariat, coordinators and
        auditors see every site, a hub operator only the sites assigned to them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm("foodhub.view_all_sites"):
            return self
        return self.filter(operator_assignments__user=user)

    def operable_by(self, user):
        """Sites where the user may receive, move and hand out stock."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm("foodhub.operate_all_sites"):
            return self
        return self.filter(operator_assignments__user=user)


class Site(models.Model):
    """The logistics hub or a town hub where food is stored."""

    class Kind(models.TextChoices):
        LOGISTICS_HUB = "logistics", _("logistics hub")
        TOWN_HUB = "town", _("town hub")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="food_sites",
        verbose_name=_("municipality"),
    )
    capacity_kg = models.PositiveIntegerField(_("capacity (kg)"), null=True, blank=True)
    history = HistoricalRecords()

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["kind", "name"]
        permissions = [
            ("view_all_sites", _("Can see the stock of every site")),
            ("operate_all_sites", _("Can receive, move and hand out stock at every site")),
        ]

    def __str__(self):
        return self.name


class SiteOperator(models.Model):
    """A hub operator (ハブ担当) assigned to a site: they see and act on their sites only."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="operator_assignments", verbose_name=_("site")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="food_site_assignments",
        verbose_name=_("operator"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site operator")
        verbose_name_plural = _("site operators")
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="foodhub_operator_once_per_site")
        ]

    def __str__(self):
        return f"{self.site} / {self.user}"


class Zone(models.Model):
    """A storage zone of a site: ambient, chilled or frozen."""

    class Kind(models.TextChoices):
        AMBIENT = "ambient", _("ambient")
        CHILLED = "chilled", _("chilled")
        FROZEN = "frozen", _("frozen")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="zones", verbose_name=_("site")
    )
    kind = models.CharField(_("storage"), max_length=10, choices=Kind.choices)
    capacity_kg = models.PositiveIntegerField(_("capacity (kg)"), null=True, blank=True)
    near_expiry_days = models.PositiveSmallIntegerField(
        _("near-expiry warning (days)"),
        help_text=_("Operators are warned of lots whose date is this many days away or less."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["site", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind"], name="foodhub_zone_kind_once_per_site")
        ]

    def __str__(self):
        return f"{self.site} {self.get_kind_display()}"


class FoodCategory(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("food category")
        verbose_name_plural = _("food categories")
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name


class Item(models.Model):
    """A kind of food. Weight in kg is the unit of account; `unit` names the piece count."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.ForeignKey(
        FoodCategory, on_delete=models.PROTECT, related_name="items", verbose_name=_("category")
    )
    default_zone_kind = models.CharField(
        _("default storage"), max_length=10, choices=Zone.Kind.choices, default=Zone.Kind.AMBIENT
    )
    unit = models.CharField(_("piece unit"), max_length=20, default="個")
    has_expiry = models.BooleanField(
        _("has a best-before or use-by date"),
        default=True,
        help_text=_("Uncheck for produce and non-food: their lots are recorded without a date."),
    )
    search_text = models.CharField(max_length=200, editable=False, db_index=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["name"]
        indexes = [trigram_index("search_text", name="foodhub_item_search_trgm")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(self.name)
        super().save(*args, **kwargs)


class Donor(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        COOP = "coop", _("co-op (food-provision agreement)")
        FOOD_DRIVE = "food_drive", _("food-drive collection point")
        CITIZEN = "citizen", _("citizen")
        FARM = "farm", _("farm")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=150)
    name_kana = models.CharField(_("name (kana)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="food_donors",
        verbose_name=_("municipality"),
    )
    exemption_terms_signed_on = models.DateField(
        _("liability exemption terms signed on"),
        null=True,
        blank=True,
        help_text=_(
            "The donor is exempt from liability except for damage caused by the raw materials or "
            "the manufacturing itself (Tottori City food support rules)."
        ),
    )
    exemption_terms_reference = models.CharField(
        _("exemption terms document"), max_length=100, blank=True
    )
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name_kana", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.name_kana}")
        super().save(*args, **kwargs)


class Recipient(models.Model):
    """Who food goes to. A household in need is known only by a reference code: no names."""

    class Kind(models.TextChoices):
        CAFETERIA = "cafeteria", _("community cafeteria")
        MOTHER_CHILD = "mother_child", _("mother-and-child facility")
        REHABILITATION = "rehabilitation", _("rehabilitation facility")
        HOUSEHOLD = "household", _("household in need")
        OTHER = "other", _("other organisation")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        related_name="recipients",
        verbose_name=_("serving site"),
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="food_recipients",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    running_organisation = models.CharField(_("running organisation"), max_length=150, blank=True)
    reference_code = models.CharField(
        _("reference code"), max_length=30, blank=True, null=True, unique=True
    )
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    referring_agency = models.CharField(_("referring agency"), max_length=150, blank=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("food recipient")
        verbose_name_plural = _("food recipients")
        ordering = ["kind", "name", "reference_code"]
        constraints = [
            # A household is a code, a size and a referring agency — never a name.
            models.CheckConstraint(
                condition=(
                    Q(kind="household", name="", reference_code__isnull=False)
                    & ~Q(reference_code="")
                    & Q(household_size__gte=1)
                )
                | (~Q(kind="household") & ~Q(name="")),
                name="foodhub_recipient_household_code_others_name",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.HOUSEHOLD:
            return f"{self.get_kind_display()} {self.reference_code}"
        return self.name

    def save(self, *args, **kwargs):
        if self.reference_code == "":
            self.reference_code = None
        self.search_text = fold(
            " ".join(
                filter(None, [self.name, self.running_organisation, self.reference_code or ""])
            )
        )
        super().save(*args, **kwargs)

    def clean(self):
        # The same rule as the check constraint, as form errors next to the fields.
        if self.kind == self.Kind.HOUSEHOLD:
            errors = {}
            if self.name:
                errors["name"] = _("A household in need is recorded without a name.")
            if not self.reference_code:
                errors["reference_code"] = _("Enter the household's reference code.")
            if not self.household_size:
                errors["household_size"] = _("Enter the household size.")
            if errors:
                raise ValidationError(errors)
        elif not self.name:
            raise ValidationError({"name": _("Enter the name.")})


class LiabilityConsentQuerySet(InForceQuerySet):
    """A consent is in force from the day it is agreed until the day it is withdrawn (that day
    no longer)."""

    start_field = "agreed_on"
    end_field = "withdrawn_on"


class LiabilityConsent(models.Model):
    """A recipient's recorded agreement to the donors' liability exemption (SPEC §5).

    Food is given only to recipients with a consent in force on the day of distribution.
    """

    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("food recipient"),
    )
    agreed_on = models.DateField(_("agreed on"))
    document_reference = models.CharField(_("signed form reference"), max_length=100, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()
    objects = LiabilityConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("liability exemption consent")
        verbose_name_plural = _("liability exemption consents")
        ordering = ["-agreed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("agreed_on")),
                name="foodhub_consent_withdrawn_after_agreed",
            ),
            # A double-clicked "record consent" records one consent; a consent withdrawn on
            # its own day does not stop a new agreement being recorded that day.
            models.UniqueConstraint(
                fields=["recipient", "agreed_on"],
                condition=Q(withdrawn_on__isnull=True),
                name="foodhub_consent_once_per_day",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} {self.agreed_on}"


class DateKind(models.TextChoices):
    BEST_BEFORE = "best_before", _("best-before date")
    USE_BY = "use_by", _("use-by date")
    # Produce and non-food: no date is invented for them; they come last in FEFO order.
    NONE = "none", _("no expiry date")


# First expiry first; lots without a date after every dated lot (PostgreSQL's default for ASC,
# made explicit so SQLite agrees).
EXPIRY_ORDER = models.F("expiry_date").asc(nulls_last=True)


class Donation(models.Model):
    """A receipt of donated food at a site, recorded once per submitted form."""

    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="donations", verbose_name=_("donor")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="donations", verbose_name=_("site")
    )
    received_on = models.DateField(pgettext_lazy("food", "received on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"{self.received_on} {self.donor}"


class Transfer(models.Model):
    """Stock sent from one site to another: it leaves the source when sent and arrives (with any
    difference recorded) when received."""

    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("in transit")
        RECEIVED = "received", _("received")

    from_site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("from")
    )
    to_site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="transfers_in", verbose_name=_("to")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_TRANSIT
    )
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    received_on = models.DateField(pgettext_lazy("food", "received on"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_site=models.F("to_site")), name="foodhub_transfer_between_sites"
            ),
            models.CheckConstraint(
                condition=Q(status="in_transit", received_on__isnull=True)
                | Q(status="received", received_on__isnull=False),
                name="foodhub_transfer_received_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.sent_on} {self.from_site} → {self.to_site}"


class Distribution(models.Model):
    """Food handed out to one recipient, recorded once per submitted form."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="distributions", verbose_name=_("site")
    )
    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        related_name="distributions",
        verbose_name=_("food recipient"),
    )
    distributed_on = models.DateField(_("distributed on"))
    consent = models.ForeignKey(
        LiabilityConsent,
        on_delete=models.PROTECT,
        related_name="distributions",
        verbose_name=_("liability exemption consent"),
    )
    past_best_before_confirmed = models.BooleanField(_("past best-before confirmed"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-distributed_on", "-pk"]

    def __str__(self):
        return f"{self.distributed_on} {self.recipient}"


class Disposal(models.Model):
    class Reason(models.TextChoices):
        EXPIRED = "expired", _("expired")
        DAMAGED = "damaged", _("damaged")
        RECALLED = "recalled", _("recalled")
        OTHER = "other", _("other")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="disposals", verbose_name=_("site")
    )
    disposed_on = models.DateField(_("disposed on"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")
        ordering = ["-disposed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(note=""), name="foodhub_disposal_other_needs_note"
            )
        ]

    def __str__(self):
        return f"{self.disposed_on} {self.get_reason_display()}"


class Stocktake(models.Model):
    """A count of a site's stock; each difference becomes an adjustment entry with a reason."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="stocktakes", verbose_name=_("site")
    )
    counted_on = models.DateField(_("counted on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        ordering = ["-counted_on", "-pk"]

    def __str__(self):
        return f"{self.counted_on} {self.site}"


class Lot(models.Model):
    """Stock of one item with one date in one zone. `kg` and `quantity` are running totals that
    only foodhub.services changes, together with a ledger entry; the database refuses negatives."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="lots", verbose_name=_("site")
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="lots", verbose_name=_("zone")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="lots", verbose_name=_("item")
    )
    date_kind = models.CharField(_("date kind"), max_length=12, choices=DateKind.choices)
    expiry_date = models.DateField(_("date"), null=True, blank=True)
    quantity = models.IntegerField(_("pieces"), default=0)
    kg = models.DecimalField(_("kg"), **KG)
    received_on = models.DateField(pgettext_lazy("food", "received on"))
    donation = models.ForeignKey(
        Donation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lots",
        verbose_name=_("from donation"),
    )
    transfer = models.ForeignKey(
        Transfer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrived_lots",
        verbose_name=_("from transfer"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = [EXPIRY_ORDER, "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kg__gte=0), name="foodhub_lot_kg_not_negative"),
            models.CheckConstraint(
                condition=Q(date_kind="none", expiry_date__isnull=True)
                | (~Q(date_kind="none") & Q(expiry_date__isnull=False)),
                name="foodhub_lot_date_unless_none",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="foodhub_lot_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(donation__isnull=True) | Q(transfer__isnull=True),
                name="foodhub_lot_one_source",
            ),
        ]
        indexes = [
            models.Index(
                fields=["site", "item", "expiry_date"],
                condition=Q(kg__gt=0),
                name="foodhub_lot_in_stock_fefo",
            ),
            models.Index(
                fields=["expiry_date"], condition=Q(kg__gt=0), name="foodhub_lot_in_stock_expiry"
            ),
        ]

    def __str__(self):
        return f"{self.item} {self.expiry_label} ({self.kg} kg)"

    @property
    def expiry_label(self) -> str:
        """「賞味期限 2026年3月31日」, or 「期限なし」 for produce and non-food."""
        if self.expiry_date is None:
            return str(_("no expiry date"))
        return f"{self.get_date_kind_display()} {format_date(self.expiry_date)}"


class LedgerEntry(models.Model):
    """One change to one lot's stock. Append-only: corrections are new entries, never edits."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("receipt")
        TRANSFER_OUT = "transfer_out", _("transfer out")
        TRANSFER_IN = "transfer_in", _("transfer in")
        DISTRIBUTION = "distribution", _("distribution")
        DISPOSAL = "disposal", _("disposal")
        ADJUSTMENT = "adjustment", _("stocktake adjustment")

    # The sign each kind may carry; an adjustment can go either way.
    INCREASES = {Kind.RECEIPT, Kind.TRANSFER_IN}
    DECREASES = {Kind.TRANSFER_OUT, Kind.DISTRIBUTION, Kind.DISPOSAL}

    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="entries", verbose_name=_("lot")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("site")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    kg_delta = models.DecimalField(_("kg change"), **KG)
    quantity_delta = models.IntegerField(_("pieces change"))
    effective_on = models.DateField(_("date"))
    donation = models.ForeignKey(
        Donation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("donation"),
    )
    transfer = models.ForeignKey(
        Transfer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("transfer"),
    )
    distribution = models.ForeignKey(
        Distribution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("distribution"),
    )
    disposal = models.ForeignKey(
        Disposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("disposal"),
    )
    stocktake = models.ForeignKey(
        Stocktake,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("stocktake"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=["receipt", "transfer_in"]) & Q(kg_delta__gt=0))
                | (Q(kind__in=["transfer_out", "distribution", "disposal"]) & Q(kg_delta__lt=0))
                | (Q(kind="adjustment") & (~Q(kg_delta=0) | ~Q(quantity_delta=0))),
                name="foodhub_ledger_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=(Q(kind="receipt") & Q(donation__isnull=False))
                | (Q(kind__in=["transfer_out", "transfer_in"]) & Q(transfer__isnull=False))
                | (Q(kind="distribution") & Q(distribution__isnull=False))
                | (Q(kind="disposal") & Q(disposal__isnull=False))
                | (Q(kind="adjustment") & Q(stocktake__isnull=False) & ~Q(reason="")),
                name="foodhub_ledger_entry_has_its_document",
            ),
        ]
        indexes = [
            models.Index(fields=["effective_on", "site", "kind"], name="foodhub_ledger_month"),
            # The ledger list's and CSV's order: the first rows come without a sort.
            models.Index(fields=["-effective_on", "-id"], name="foodhub_ledger_newest"),
            # The same order over the few entries that have a reason (adjustments, disposals):
            # a search word matching no item reads only these, even a two-character word that
            # no trigram serves.
            models.Index(
                fields=["-effective_on", "-id"],
                condition=~Q(reason=""),
                name="foodhub_ledger_with_reason",
            ),
            # PostgreSQL only (core.pg_indexes): the ledger search's reason (LIKE).
            trigram_index("reason", name="foodhub_ledger_reason_trgm"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.kg_delta} kg"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Ledger entries are append-only; record a new entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only and cannot be deleted.")


class TransferLine(models.Model):
    """What one source lot sent on a transfer and, once received, what arrived."""

    transfer = models.ForeignKey(
        Transfer, on_delete=models.CASCADE, related_name="lines", verbose_name=_("transfer")
    )
    source_lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="+", verbose_name=_("source lot")
    )
    kg = models.DecimalField(_("kg sent"), **KG)
    quantity = models.IntegerField(_("pieces sent"))
    received_kg = models.DecimalField(_("kg received"), null=True, blank=True, **KG)
    received_quantity = models.IntegerField(_("pieces received"), null=True, blank=True)
    difference_reason = models.CharField(_("reason for difference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kg__gt=0) & Q(quantity__gte=0), name="foodhub_transfer_line_positive"
            ),
            models.CheckConstraint(
                condition=Q(received_kg__isnull=True)
                | (Q(received_kg__gte=0) & Q(received_kg__lte=models.F("kg"))),
                name="foodhub_transfer_line_received_at_most_sent",
            ),
        ]

    def __str__(self):
        return f"#{self.source_lot_id} {self.kg} kg"

    @property
    def difference_kg(self):
        return None if self.received_kg is None else self.kg - self.received_kg


class DistributionLine(models.Model):
    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="lines", verbose_name=_("distribution")
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+", verbose_name=_("lot"))
    kg = models.DecimalField(_("kg"), **KG)
    quantity = models.IntegerField(_("pieces"))

    class Meta:
        verbose_name = _("distribution line")
        verbose_name_plural = _("distribution lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kg__gt=0) & Q(quantity__gte=0),
                name="foodhub_distribution_line_positive",
            ),
        ]

    def __str__(self):
        return f"#{self.lot_id} {self.kg} kg"


class StocktakeLine(models.Model):
    """One lot counted at a stocktake: what the books said, what was found and why they differ."""

    stocktake = models.ForeignKey(
        Stocktake, on_delete=models.CASCADE, related_name="lines", verbose_name=_("stocktake")
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+", verbose_name=_("lot"))
    recorded_kg = models.DecimalField(_("recorded kg"), **KG)
    counted_kg = models.DecimalField(_("counted kg"), **KG)
    recorded_quantity = models.IntegerField(_("recorded pieces"))
    counted_quantity = models.IntegerField(_("counted pieces"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(counted_kg__gte=0) & Q(counted_quantity__gte=0),
                name="foodhub_stocktake_counted_not_negative",
            ),
            models.UniqueConstraint(fields=["stocktake", "lot"], name="foodhub_stocktake_lot_once"),
        ]

    def __str__(self):
        return f"#{self.lot_id} {self.counted_kg} kg"


# --- Partner agencies' food requests (issue 14) ------------------------------------------------


class FoodPartner(models.Model):
    """A member organisation the secretariat approved to request food from the hubs (a partner
    agency). Food goes to its `recipient`, whose liability consent is the 合意書 the requests
    need; the monthly guideline is advisory and shown to both sides."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("approved")
        SUSPENDED = "suspended", _("suspended")

    organisation = models.OneToOneField(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="food_partner",
        verbose_name=_("organisation"),
    )
    recipient = models.OneToOneField(
        Recipient,
        on_delete=models.PROTECT,
        related_name="food_partner",
        verbose_name=_("food recipient"),
        help_text=_("Distributions go here; its consent is the agreement."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPROVED
    )
    monthly_guideline_kg = models.DecimalField(
        _("monthly guideline (kg)"),
        null=True,
        blank=True,
        help_text=_("Advisory only: shown to the partner and the hub, never refused."),
        **KG,
    )
    approved_on = models.DateField(_("approved on"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("food partner")
        verbose_name_plural = _("food partners")
        ordering = ["organisation__name_kana", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_guideline_kg__isnull=True) | Q(monthly_guideline_kg__gt=0),
                name="foodhub_partner_guideline_positive",
            )
        ]

    def __str__(self):
        return str(self.organisation)


class FoodRequest(models.Model):
    """A partner's request for food for an activity, filled by one operator of its site."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting")
        IN_PROGRESS = "in_progress", _("being prepared")
        FILLED = "filled", _("handed over")
        DECLINED = "declined", pgettext_lazy("food request", "declined")
        CANCELLED = "cancelled", _("cancelled by the requester")

    class Handover(models.TextChoices):
        PICKUP = "pickup", _("pick-up at the hub")
        DELIVERY = "delivery", _("delivery")

    partner = models.ForeignKey(
        FoodPartner, on_delete=models.PROTECT, related_name="requests", verbose_name=_("partner")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="food_requests", verbose_name=_("site")
    )
    needed_on = models.DateField(_("needed on"))
    people_served = models.PositiveIntegerField(_("meals or people served"))
    handover = models.CharField(_("pick-up or delivery"), max_length=10, choices=Handover.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operator"),
    )
    started_at = models.DateTimeField(
        pgettext_lazy("food request", "started at"), null=True, blank=True
    )
    adjustment_reason = models.CharField(_("reason for the adjustment"), max_length=300, blank=True)
    decline_reason = models.CharField(
        pgettext_lazy("food request", "reason for declining"), max_length=300, blank=True
    )
    shelf_life_override_reason = models.CharField(
        _("reason for handing out food with a short shelf life"), max_length=300, blank=True
    )
    distribution = models.OneToOneField(
        Distribution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="food_request",
        verbose_name=_("distribution"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    submission_token = models.UUIDField(unique=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    submitted_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("food request")
        verbose_name_plural = _("food requests")
        ordering = ["needed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="foodhub_request_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="filled") | Q(distribution__isnull=False),
                name="foodhub_request_filled_has_distribution",
            ),
            models.CheckConstraint(
                condition=~Q(status="in_progress") | Q(operator__isnull=False),
                name="foodhub_request_in_progress_has_operator",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "status", "needed_on"], name="foodhub_request_queue"),
            models.Index(fields=["partner", "-submitted_at"], name="foodhub_request_partner"),
            models.Index(fields=["needed_on", "status"], name="foodhub_request_needed_on"),
        ]

    def __str__(self):
        return f"{format_date(self.needed_on)} {self.partner}"


class FoodRequestLine(models.Model):
    """What a request asks for in one food category and storage; the operator may adjust the
    amount (with the request's reason)."""

    request = models.ForeignKey(
        FoodRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("food request")
    )
    category = models.ForeignKey(
        FoodCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    zone_kind = models.CharField(_("storage"), max_length=10, choices=Zone.Kind.choices)
    kg = models.DecimalField(_("kg requested"), **KG)
    adjusted_kg = models.DecimalField(_("kg adjusted"), null=True, blank=True, **KG)

    class Meta:
        verbose_name = _("food request line")
        verbose_name_plural = _("food request lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kg__gt=0), name="foodhub_request_line_positive"),
            models.CheckConstraint(
                condition=Q(adjusted_kg__isnull=True) | Q(adjusted_kg__gte=0),
                name="foodhub_request_line_adjusted_not_negative",
            ),
            models.UniqueConstraint(
                fields=["request", "category", "zone_kind"], name="foodhub_request_line_once"
            ),
        ]

    def __str__(self):
        return f"{self.category} {self.get_zone_kind_display()} {self.kg} kg"

    @property
    def agreed_kg(self):
        return self.kg if self.adjusted_kg is None else self.adjusted_kg


from .rollups import LedgerMonth  # noqa: E402,F401  (the monthly roll-up of the ledger)
