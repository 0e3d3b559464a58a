"""Reads for the food pages, admin, exports and tasks. Every list is scoped with
`Site.objects.visible_to(user)` and built once with named joins."""

import datetime
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import ngettext

from core.japanese import fold
from core.periods import add_months

from .models import (
    EXPIRY_ORDER,
    DateKind,
    Disposal,
    Distribution,
    DistributionLine,
    Donor,
    FoodPartner,
    FoodRequest,
    FoodRequestLine,
    LedgerEntry,
    LiabilityConsent,
    Lot,
    Recipient,
    Site,
    Transfer,
    TransferLine,
    Zone,
)
from .rollups import LedgerMonth

ZERO = Decimal("0")
ZERO_KG = Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))


def site_list_for_user(user):
    return Site.objects.visible_to(user).select_related("municipality").order_by("kind", "name")


def site_list_operable_by(user):
    return Site.objects.operable_by(user).select_related("municipality").order_by("kind", "name")


def recipient_list_for_user(user):
    return (
        Recipient.objects.filter(site__in=Site.objects.visible_to(user))
        .select_related("site", "municipality")
        .order_by("kind", "name", "reference_code")
    )


def recipient_list_with_consent(user, *, on_date: datetime.date):
    """Recipients with `consent_on`: the date of the consent in force on `on_date`, or None."""
    in_force = (
        LiabilityConsent.objects.filter(recipient=OuterRef("pk"))
        .in_force(on_date)
        .values("agreed_on")[:1]
    )
    return recipient_list_for_user(user).annotate(consent_on=Subquery(in_force))


def lot_list_for_user(user, *, in_stock=True):
    lots = Lot.objects.filter(site__in=Site.objects.visible_to(user)).select_related(
        "site", "zone", "item", "item__category"
    )
    if in_stock:
        lots = lots.filter(kg__gt=0)
    return lots.order_by("site__kind", "site__name", EXPIRY_ORDER, "pk")


def lot_list_for_stocktake(*, zone, pks=None) -> list[Lot]:
    """The count sheet of a zone: its lots in stock, or (`pks`, a submitted sheet) those lots
    whatever their stock now."""
    lots = Lot.objects.filter(zone=zone).select_related("item")
    lots = lots.filter(pk__in=pks) if pks is not None else lots.filter(kg__gt=0)
    return list(lots.order_by(EXPIRY_ORDER, "pk"))


def ledger_list_for_user(user):
    return (
        LedgerEntry.objects.filter(site__in=Site.objects.visible_to(user))
        .select_related("site", "lot__item", "lot__zone", "created_by")
        .order_by("-effective_on", "-pk")
    )


def transfer_list_for_user(user):
    visible = Site.objects.visible_to(user)
    return (
        Transfer.objects.filter(Q(from_site__in=visible) | Q(to_site__in=visible))
        .select_related("from_site", "to_site", "sent_by", "received_by")
        .order_by("-sent_on", "-pk")
    )


TRANSFER_STATES = ("in_transit", "received", "difference")


def transfer_list_filtered(user, *, site_id=None, state=None):
    """The transfers list: visible ones, to or from `site_id`, in one state — in transit,
    received, or received with a difference — each with its lines' kg sent and received, in
    one query."""
    transfers = transfer_list_for_user(user)
    if site_id:
        transfers = transfers.filter(Q(from_site_id=site_id) | Q(to_site_id=site_id))
    differing = TransferLine.objects.filter(
        transfer=OuterRef("pk"), received_kg__isnull=False, received_quantity__isnull=False
    ).filter(Q(received_kg__lt=F("kg")) | ~Q(received_quantity=F("quantity")))
    lines = TransferLine.objects.filter(transfer=OuterRef("pk")).order_by().values("transfer")
    transfers = transfers.annotate(
        has_difference=Exists(differing),
        line_count=Subquery(lines.annotate(n=Count("pk")).values("n")),
        sent_kg=Subquery(lines.annotate(kg_sum=Sum("kg")).values("kg_sum")),
        received_kg_total=Subquery(lines.annotate(kg_sum=Sum("received_kg")).values("kg_sum")),
    )
    if state == "in_transit":
        transfers = transfers.filter(status=Transfer.Status.IN_TRANSIT)
    elif state == "received":
        transfers = transfers.filter(status=Transfer.Status.RECEIVED)
    elif state == "difference":
        transfers = transfers.filter(status=Transfer.Status.RECEIVED, has_difference=True)
    return transfers


def transfer_get(*, user, pk):
    return (
        transfer_list_for_user(user)
        .prefetch_related(
            # The pick list promises first expiry first; lines are stored staff choices first.
            Prefetch(
                "lines",
                queryset=TransferLine.objects.select_related(
                    "source_lot__item", "source_lot__zone"
                ).order_by(F("source_lot__expiry_date").asc(nulls_last=True), "pk"),
            )
        )
        .get(pk=pk)
    )


def distribution_get(*, user, pk):
    return (
        Distribution.objects.filter(site__in=Site.objects.visible_to(user))
        .select_related("site", "recipient__municipality", "consent", "created_by")
        .prefetch_related("lines__lot__item", "lines__lot__zone")
        .get(pk=pk)
    )


def stock_by_site_zone(user, *, site_id=None) -> list[dict]:
    """kg and lot counts in stock per site and zone (one query, from the lots' running totals);
    with `site_id`, of that site only (its lots in stock come from the in-stock partial index)."""
    labels = dict(Zone.Kind.choices)
    zones = Zone.objects.filter(site__in=Site.objects.visible_to(user))
    if site_id is not None:
        zones = zones.filter(site_id=site_id)
    rows = list(
        zones.values("pk", "site_id", "site__name", "site__kind", "kind", "capacity_kg")
        .annotate(
            kg=Coalesce(Sum("lots__kg", filter=Q(lots__kg__gt=0)), ZERO_KG),
            lots_in_stock=Count("lots", filter=Q(lots__kg__gt=0)),
        )
        .order_by("site__kind", "site__name", "kind")
    )
    for row in rows:
        row["zone_id"] = row["pk"]
        row["kind_label"] = labels[row["kind"]]
    return rows


def stock_kg_by_zone(user, *, sites=None) -> list[dict]:
    """kg in stock per site and zone of every visible site (or of `sites` among them), for the
    dashboard: the sum of each zone's ledger (every lot equals the sum of its entries, checked
    nightly), read from the monthly roll-up instead of adding up every lot. Two queries."""
    labels = dict(Zone.Kind.choices)
    sites = Site.objects.visible_to(user) if sites is None else sites
    kg = dict(
        LedgerMonth.objects.filter(site__in=sites)
        .values_list("zone_id")
        .annotate(kg=Sum("kg"))
        .order_by()
    )
    zones = (
        Zone.objects.filter(site__in=sites)
        .values("pk", "site_id", "site__name", "site__kind", "kind", "capacity_kg")
        .order_by("site__kind", "site__name", "kind")
    )
    return [
        {
            **zone,
            "zone_id": zone["pk"],
            "kind_label": labels[zone["kind"]],
            "kg": kg.get(zone["pk"], ZERO),
        }
        for zone in zones
    ]


def near_expiry_lots(user=None, *, today: datetime.date, sites=None):
    """Lots in stock whose date is within their zone's warning days, or already past.

    Each zone has its own number of days (data, not code). Zones sharing a number of days share
    one condition on the zone's days, so the query is the same size for 5 zones or 5,000: two
    queries whatever the number of lots and zones.
    """
    zones = Zone.objects.all()
    lots = Lot.objects.all()
    if user is not None:
        zones = zones.filter(site__in=Site.objects.visible_to(user))
        lots = lots.filter(site__in=Site.objects.visible_to(user))
    if sites is not None:
        zones = zones.filter(site__in=sites)
        lots = lots.filter(site__in=sites)
    limits, longest = Q(pk__in=[]), 0
    for days in zones.order_by().values_list("near_expiry_days", flat=True).distinct():
        limits |= Q(
            zone__near_expiry_days=days, expiry_date__lte=today + datetime.timedelta(days=days)
        )
        longest = max(longest, days)
    return (
        # The plain bound lets the partial index on in-stock expiry dates narrow the scan first.
        lots.filter(kg__gt=0, expiry_date__lte=today + datetime.timedelta(days=longest))
        .filter(limits)
        .select_related("site", "zone", "item")
        .order_by("expiry_date", "site__name", "pk")
    )


def ledger_mismatches():
    """Lots whose stock differs from the sum of their ledger entries (should always be empty)."""
    entry_sums = (
        LedgerEntry.objects.filter(lot=OuterRef("pk"))
        .values("lot")
        .annotate(kg=Sum("kg_delta"), quantity=Sum("quantity_delta"))
    )
    return list(
        Lot.objects.annotate(
            ledger_kg=Coalesce(Subquery(entry_sums.values("kg")), ZERO_KG),
            ledger_quantity=Coalesce(Subquery(entry_sums.values("quantity")), Value(0)),
        )
        .filter(~Q(kg=F("ledger_kg")) | ~Q(quantity=F("ledger_quantity")))
        .select_related("site", "item")
        .order_by("pk")
    )


def ledger_totals() -> dict:
    """The whole ledger's sum against the whole stock: two numbers that must be equal."""
    ledger = LedgerEntry.objects.aggregate(kg=Coalesce(Sum("kg_delta"), ZERO_KG))["kg"]
    stock = Lot.objects.aggregate(kg=Coalesce(Sum("kg"), ZERO_KG))["kg"]
    return {"ledger_kg": ledger, "stock_kg": stock}


# --- sums of the ledger: whole months from the monthly roll-up, the rest from the ledger ---------

_EMPTY = Value("", output_field=CharField())
# What each grouping is called in the roll-up (foodhub.rollups.LedgerMonth) and in the ledger.
_ROLLUP_BY = {
    "month": F("month"),
    "site": F("site_id"),
    "site__name": F("site__name"),
    "kind": F("kind"),
    "zone__kind": F("zone__kind"),
    "donation__donor__kind": F("donor_kind"),
    "distribution__recipient__kind": F("recipient_kind"),
    "disposal__reason": F("disposal_reason"),
}
_LEDGER_BY = {
    "month": TruncMonth("effective_on"),
    "site": F("site_id"),
    "site__name": F("site__name"),
    "kind": F("kind"),
    "zone__kind": F("lot__zone__kind"),
    "donation__donor__kind": Coalesce("donation__donor__kind", _EMPTY),
    "distribution__recipient__kind": Coalesce("distribution__recipient__kind", _EMPTY),
    "disposal__reason": Coalesce("disposal__reason", _EMPTY),
}


def _month_end(day: datetime.date) -> datetime.date:
    return add_months(day.replace(day=1), 1) - datetime.timedelta(days=1)


def _split_period(start, end):
    """[start, end] (None: open) as whole months for the roll-up, (first month, last month),
    and the days of partly covered months for the ledger, [(from, to)]."""
    first = start if start is None or start.day == 1 else add_months(start.replace(day=1), 1)
    last = (
        None if end is None else add_months(end.replace(day=1), -1 if end != _month_end(end) else 0)
    )
    days = []
    if start is not None and start.day != 1:
        days.append((start, _month_end(start) if end is None else min(end, _month_end(start))))
    if end is not None and end != _month_end(end) and (start is None or end.replace(day=1) > start):
        days.append((end.replace(day=1), end))
    return (first, last), days


def ledger_sums(*, by, start=None, end=None, sites=None, kinds=None) -> list[dict]:
    """The ledger's kg, pieces and entries from `start` to `end` (both included; None: open),
    grouped by `by` (keys of _LEDGER_BY), for `sites` (a queryset; None: all) and ledger
    `kinds`. Whole calendar months are read from the monthly roll-up (kept with every ledger
    write, checked by foodhub_check_rollups); only the days of a month the period covers in part
    come from the ledger itself. One or two queries, whatever the size of the ledger."""
    (first, last), days = _split_period(start, end)
    parts = []
    if first is None or last is None or first <= last:
        rollup = LedgerMonth.objects.all()
        if first is not None:
            rollup = rollup.filter(month__gte=first)
        if last is not None:
            rollup = rollup.filter(month__lte=last)
        parts.append((rollup, _ROLLUP_BY, Sum("kg"), Sum("pieces"), Sum("entries")))
    if days:
        dated = Q()
        for low, high in days:
            dated |= Q(effective_on__gte=low, effective_on__lte=high)
        ledger = LedgerEntry.objects.filter(dated)
        parts.append((ledger, _LEDGER_BY, Sum("kg_delta"), Sum("quantity_delta"), Count("pk")))
    totals: dict[tuple, dict] = {}
    for rows, names, kg, pieces, entries in parts:
        if sites is not None:
            rows = rows.filter(site__in=sites)
        if kinds is not None:
            rows = rows.filter(kind__in=kinds)
        grouped = (
            rows.order_by()
            .annotate(**{f"by_{i}": names[key] for i, key in enumerate(by)})
            .values(*(f"by_{i}" for i in range(len(by))))
            .annotate(kg=kg, pieces=pieces, entries=entries)
        )
        for row in grouped:
            key = tuple(row[f"by_{i}"] for i in range(len(by)))
            total = totals.setdefault(
                key,
                {**dict(zip(by, key, strict=True)), "kg": Decimal("0"), "pieces": 0, "entries": 0},
            )
            total["kg"] += row["kg"]
            total["pieces"] += row["pieces"]
            total["entries"] += row["entries"]
    return sorted(totals.values(), key=lambda row: tuple(str(row[k]) for k in by))


def _outflow(by_site) -> dict:
    distributed = -sum(
        (r["kg"] for r in by_site if r["kind"] == LedgerEntry.Kind.DISTRIBUTION), Decimal("0")
    )
    disposed = -sum(
        (r["kg"] for r in by_site if r["kind"] == LedgerEntry.Kind.DISPOSAL), Decimal("0")
    )
    total = distributed + disposed
    return {
        "distributed_kg": distributed,
        "disposed_kg": disposed,
        "disposal_rate": (disposed * 100 / total) if total else None,
    }


def donor_kind_labels():
    return dict(Donor.Kind.choices)


def recipient_kind_labels():
    return dict(Recipient.Kind.choices)


def date_kind_labels():
    return dict(DateKind.choices)


def ledger_kind_labels():
    return dict(LedgerEntry.Kind.choices)


def disposal_reason_labels():
    return dict(Disposal.Reason.choices)


def zone_kind_labels():
    return dict(Zone.Kind.choices)


def household_recipient_kinds() -> set:
    """Recipient kinds that are households (people), the rest being organisations."""
    return {Recipient.Kind.HOUSEHOLD}


# The dashboard names this many sites at most; the rest are added up as 「ほかN拠点」, so the
# page stays the same size whether 5 sites are visible or 500 (choose a site to see it alone).
DASHBOARD_SITES_SHOWN = 12
NEAR_EXPIRY_SHOWN = 200
OTHERS = "__others__"


_IN_KINDS = frozenset({LedgerEntry.Kind.RECEIPT, LedgerEntry.Kind.TRANSFER_IN})
_OUT_KINDS = frozenset({LedgerEntry.Kind.DISTRIBUTION, LedgerEntry.Kind.DISPOSAL})


def _others_label(count: int) -> str:
    return ngettext("%(count)d other site", "%(count)d other sites", count) % {"count": count}


def _pivot(rows, group_key, labels, sign=1):
    """[{month, <group>, kg}] → (months, groups, {(month, group): kg}, totals by group). A group
    OTHERS (「ほかN拠点」, labelled in `labels`) comes last and is left out of the bars' scale."""
    cells, totals = {}, {}
    for row in rows:
        kg = sign * row["kg"]
        cells[(row["month"], row[group_key])] = cells.get((row["month"], row[group_key]), 0) + kg
        totals[row[group_key]] = totals.get(row[group_key], 0) + kg
    groups = sorted(totals, key=lambda g: (g == OTHERS, str(labels.get(g, g))))  # OTHERS last
    top = max((totals[g] for g in groups if g != OTHERS), default=0) or 1
    months = sorted({row["month"] for row in rows})
    return {
        "months": months,
        "groups": [{"key": g, "label": labels.get(g, g)} for g in groups],
        "rows": [{"month": m, "cells": [cells.get((m, g), 0) for g in groups]} for m in months],
        "totals": [
            {
                "label": labels.get(g, g),
                "kg": totals[g],
                "percent": round(totals[g] * 100 / top),
                "others": g == OTHERS,
            }
            for g in groups
        ],
    }


def _largest(totals: dict, shown: int) -> set:
    """The keys of the `shown` largest values of `totals` (ties by key)."""
    return set(sorted(totals, key=lambda k: (-abs(totals[k]), str(k)))[:shown])


def _sites_by_month(per_site, network, kinds, *, since, sites, shown):
    """[{month, group, kg}] of `kinds`: a group per site for the `shown` sites that moved the
    most, one OTHERS group for the rest (the network's months minus the shown sites'), and the
    OTHERS label. Reads as many rows whatever the number of sites: the sites' totals, the
    network's months and the shown sites' months."""
    totals: dict = {}
    for row in per_site:
        if row["kind"] in kinds:
            totals[row["site"]] = totals.get(row["site"], 0) + row["kg"]
    named = _largest(totals, shown)
    rows = [
        {"month": row["month"], "group": row["site__name"], "kg": row["kg"]}
        for row in ledger_sums(
            by=("month", "site__name"), start=since, sites=sites.filter(pk__in=named), kinds=kinds
        )
    ]
    if len(totals) <= len(named):
        return rows, {}
    others: dict = {}
    for row in network:
        if row["kind"] in kinds:
            others[row["month"]] = others.get(row["month"], 0) + row["kg"]
    for row in rows:
        others[row["month"]] -= row["kg"]
    rows += [{"month": month, "group": OTHERS, "kg": kg} for month, kg in others.items()]
    return rows, {OTHERS: _others_label(len(totals) - len(named))}


def _stock_shown(stock: list[dict], shown: int) -> tuple[list[dict], dict | None]:
    """The zones of the `shown` sites with most stock, each bar scaled to the largest zone, and
    the rest added up as one line ({"label", "kg"}; None when every site is shown)."""
    by_site: dict = {}
    for row in stock:
        by_site[row["site_id"]] = by_site.get(row["site_id"], 0) + row["kg"]
    named = _largest(by_site, shown)
    rows = [row for row in stock if row["site_id"] in named]
    top = max((row["kg"] for row in rows), default=0) or 1
    for row in rows:
        row["percent"] = round(row["kg"] * 100 / top)
    if len(by_site) <= len(named):
        return rows, None
    return rows, {
        "label": _others_label(len(by_site) - len(named)),
        "kg": sum(kg for site, kg in by_site.items() if site not in named),
    }


def dashboard_figures(user, *, since: datetime.date, today: datetime.date, site=None) -> dict:
    """Everything the dashboard draws, in a fixed number of queries and of the same size
    whatever the number of sites: of one `site`, or of every visible site with the
    DASHBOARD_SITES_SHOWN largest named and the rest added up as 「ほかN拠点」."""
    sites = Site.objects.visible_to(user)
    if site is not None:
        sites = sites.filter(pk=site.pk)
    shown = DASHBOARD_SITES_SHOWN
    per_site = ledger_sums(by=("site", "kind"), start=since, sites=sites)
    # One read of the months for the network's flows, donor kinds and recipient kinds.
    network = ledger_sums(
        by=("month", "kind", "donation__donor__kind", "distribution__recipient__kind"),
        start=since,
        sites=sites,
    )
    received, received_labels = _sites_by_month(
        per_site, network, _IN_KINDS, since=since, sites=sites, shown=shown
    )
    out, out_labels = _sites_by_month(
        per_site, network, _OUT_KINDS, since=since, sites=sites, shown=shown
    )
    by_donor = [row for row in network if row["kind"] == LedgerEntry.Kind.RECEIPT]
    by_recipient = [row for row in network if row["kind"] == LedgerEntry.Kind.DISTRIBUTION]
    stock, stock_others = _stock_shown(stock_kg_by_zone(user, sites=sites), shown)
    return {
        "stock": stock,
        "stock_others": stock_others,
        "near_expiry": list(near_expiry_lots(today=today, sites=sites)[:NEAR_EXPIRY_SHOWN]),
        "received_by_site": _pivot(received, "group", received_labels),
        "out_by_site": _pivot(out, "group", out_labels, sign=-1),
        "by_donor": _pivot(by_donor, "donation__donor__kind", donor_kind_labels()),
        "by_recipient": _pivot(
            by_recipient, "distribution__recipient__kind", recipient_kind_labels(), -1
        ),
        **_outflow(network),
    }


def monthly_rows(user, *, since: datetime.date) -> list[dict]:
    """Monthly kg, pieces and entries per site and ledger kind, for the auditors' CSV."""
    return ledger_sums(
        by=("month", "site__name", "kind"), start=since, sites=Site.objects.visible_to(user)
    )


# --- Figures for the monthly and fiscal-year reports (read by reports) -----------------------


def food_flows_between(start: datetime.date, end: datetime.date) -> dict:
    """The whole network's food movements from `start` to `end` (both included), all sites,
    kg as Decimal. Transfers between hubs are internal and not counted as in or out.

    received: {(site name, donor kind): kg}; distributed: {(site name, recipient kind): kg};
    disposed: {reason: kg}; reached: {recipient kind: distinct recipients} (counts only)."""
    received = {
        (row["site__name"], row["donation__donor__kind"]): row["kg"]
        for row in ledger_sums(
            by=("site__name", "donation__donor__kind"),
            start=start,
            end=end,
            kinds=[LedgerEntry.Kind.RECEIPT],
        )
    }
    distributed = {
        (row["site__name"], row["distribution__recipient__kind"]): -row["kg"]
        for row in ledger_sums(
            by=("site__name", "distribution__recipient__kind"),
            start=start,
            end=end,
            kinds=[LedgerEntry.Kind.DISTRIBUTION],
        )
    }
    disposed = {
        row["disposal__reason"]: -row["kg"]
        for row in ledger_sums(
            by=("disposal__reason",), start=start, end=end, kinds=[LedgerEntry.Kind.DISPOSAL]
        )
    }
    reached = dict(
        Distribution.objects.filter(distributed_on__gte=start, distributed_on__lte=end)
        .values_list("recipient__kind")
        .annotate(n=Count("recipient", distinct=True))
        .order_by()
    )
    return {
        "received": received,
        "distributed": distributed,
        "disposed": disposed,
        "reached": reached,
    }


def food_monthly_in_out(start: datetime.date, end: datetime.date) -> dict:
    """kg received, distributed and disposed per calendar month from `start` to `end`:
    {month (first day): {"received", "distributed", "disposed"}}. From the monthly roll-up."""
    rows = [
        (row["month"], row["kind"], row["kg"])
        for row in ledger_sums(
            by=("month", "kind"),
            start=start,
            end=end,
            kinds=[
                LedgerEntry.Kind.RECEIPT,
                LedgerEntry.Kind.DISTRIBUTION,
                LedgerEntry.Kind.DISPOSAL,
            ],
        )
    ]
    names = {
        LedgerEntry.Kind.RECEIPT: "received",
        LedgerEntry.Kind.DISTRIBUTION: "distributed",
        LedgerEntry.Kind.DISPOSAL: "disposed",
    }
    result: dict = {}
    for month, kind, kg in rows:
        result.setdefault(month, {})[names[kind]] = abs(kg)
    return result


def stock_on(day: datetime.date) -> dict:
    """kg in stock at the end of `day` per (site name, zone kind). Two or three queries.

    The stock now (the lots' running totals) less what the ledger recorded after `day` (whole
    months from the monthly roll-up): every lot equals the sum of its entries
    (ledger_mismatches), and a recent month end has few later entries, where summing the whole
    ledger up to `day` would read nearly all of it."""
    now = Lot.objects.values_list("site__name", "zone__kind").annotate(kg=Sum("kg")).order_by()
    later = [
        (row["site__name"], row["zone__kind"], row["kg"])
        for row in ledger_sums(
            by=("site__name", "zone__kind"), start=day + datetime.timedelta(days=1)
        )
    ]
    stock: dict = {}
    for site, zone, kg in now:
        stock[(site, zone)] = stock.get((site, zone), Decimal("0")) + kg
    for site, zone, kg in later:
        stock[(site, zone)] = stock.get((site, zone), Decimal("0")) - kg
    return {key: kg for key, kg in stock.items() if kg}


def near_expiry_on(day: datetime.date) -> dict:
    """Lots in stock at the end of `day` whose date fell within their zone's warning days of
    `day` (or had passed): how many and their kg, from the ledger. Two queries."""
    zones = dict(Zone.objects.values_list("pk", "near_expiry_days"))
    longest = max(zones.values(), default=0)
    rows = (
        LedgerEntry.objects.filter(
            effective_on__lte=day, lot__expiry_date__lte=day + datetime.timedelta(days=longest)
        )
        .values_list("lot_id", "lot__zone_id", "lot__expiry_date")
        .annotate(kg=Sum("kg_delta"))
        .order_by()
    )
    lots, kg_total = 0, Decimal("0")
    for _lot, zone_id, expiry, kg in rows:
        if kg > 0 and expiry <= day + datetime.timedelta(days=zones[zone_id]):
            lots += 1
            kg_total += kg
    return {"lots": lots, "kg": kg_total}


# --- partners' food requests and recalls (issue 14) ---------------------------------------------


def food_partner_for_organisation(organisation):
    return (
        FoodPartner.objects.select_related("organisation", "recipient__site")
        .filter(organisation=organisation)
        .first()
    )


def _month_bounds(on_date: datetime.date):
    start = on_date.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def partner_month_kg(partner, *, on_date: datetime.date) -> Decimal:
    """What the partner's recipient received in the month of `on_date` (kg), against which its
    advisory guideline is shown."""
    start, end = _month_bounds(on_date)
    total = DistributionLine.objects.filter(
        distribution__recipient_id=partner.recipient_id,
        distribution__distributed_on__gte=start,
        distribution__distributed_on__lt=end,
    ).aggregate(kg=Sum("kg"))["kg"]
    return total or Decimal("0")


def partner_history(partner, *, months: int = 12, today: datetime.date):
    """kg received per month and food category over the last `months` months, newest first:
    [{"month": date, "category": name, "kg": Decimal}]."""
    since = today.replace(day=1)
    for _i in range(months - 1):
        since = (since - datetime.timedelta(days=1)).replace(day=1)
    return list(
        DistributionLine.objects.filter(
            distribution__recipient_id=partner.recipient_id,
            distribution__distributed_on__gte=since,
        )
        .annotate(month=TruncMonth("distribution__distributed_on"))
        .values("month", category=F("lot__item__category__name"))
        .annotate(kg=Sum("kg"))
        .order_by("-month", "category")
    )


def _requests_base():
    return FoodRequest.objects.select_related(
        "partner__organisation", "partner__recipient", "site", "operator"
    ).prefetch_related(
        Prefetch("lines", queryset=FoodRequestLine.objects.select_related("category"))
    )


def food_request_list_for_partner(partner):
    return _requests_base().filter(partner=partner).order_by("-needed_on", "-pk")


def food_request_get_for_partner(*, partner, pk):
    """The partner's own request; another organisation's raises DoesNotExist (a 404)."""
    return food_request_list_for_partner(partner).get(pk=pk)


def food_request_queue_for_user(user, *, statuses=None, today: datetime.date):
    """The requests of the sites the user may operate, soonest first, each with the partner's
    kg this month (`month_kg`) beside its guideline."""
    start, end = _month_bounds(today)
    month_kg = (
        DistributionLine.objects.filter(
            distribution__recipient_id=OuterRef("partner__recipient_id"),
            distribution__distributed_on__gte=start,
            distribution__distributed_on__lt=end,
        )
        .order_by()
        .values("distribution__recipient_id")
        .annotate(kg=Sum("kg"))
        .values("kg")
    )
    requests = _requests_base().filter(site__in=Site.objects.operable_by(user))
    if statuses:
        requests = requests.filter(status__in=statuses)
    return requests.annotate(month_kg=Coalesce(Subquery(month_kg), ZERO_KG)).order_by(
        "needed_on", "pk"
    )


def food_request_calendar_for_user(user, *, today: datetime.date, days: int = 14):
    """Pick-ups and deliveries (requests being prepared or handed over) of the user's sites from
    today for `days` days, by day and site."""
    until = today + datetime.timedelta(days=days - 1)
    return (
        food_request_queue_for_user(
            user,
            statuses=[FoodRequest.Status.IN_PROGRESS, FoodRequest.Status.FILLED],
            today=today,
        )
        .filter(needed_on__gte=today, needed_on__lte=until)
        .order_by("needed_on", "site__name", "handover", "pk")
    )


def food_request_get_for_operator(*, user, pk, today: datetime.date):
    return food_request_queue_for_user(user, today=today).get(pk=pk)


def lot_recall_lots(lot) -> list[Lot]:
    """The lot and every lot that came from it by transfer (same item and date, arrived with a
    transfer it was sent on), following transfers onwards. Each step is an indexed lookup
    (transfer lines by source lot, lots by transfer)."""
    found = {lot.pk: lot}
    frontier = [lot.pk]
    while frontier:
        transfers = TransferLine.objects.filter(source_lot__in=frontier).values("transfer_id")
        arrived = Lot.objects.filter(
            transfer__in=transfers,
            item_id=lot.item_id,
            expiry_date=lot.expiry_date,
            date_kind=lot.date_kind,
        ).exclude(pk__in=list(found))
        frontier = []
        for child in arrived.select_related("site", "zone", "item"):
            found[child.pk] = child
            frontier.append(child.pk)
    return list(found.values())


def lot_recall_rows(*, user, lot):
    """Where the food of `lot` went: each distribution line of it (and of the lots transferred
    from it) at a site the user sees, with the recipient and, for a food partner, its member
    organisation; oldest first."""
    lots = lot_recall_lots(lot)
    return (
        DistributionLine.objects.filter(
            lot__in=[item.pk for item in lots],
            distribution__site__in=Site.objects.visible_to(user),
        )
        .select_related(
            "distribution__site",
            "distribution__recipient__municipality",
            "distribution__recipient__food_partner__organisation",
            "lot",
        )
        .order_by("distribution__distributed_on", "pk")
    )


def lot_search_for_recall(*, user, item_text: str = "", expiry_date=None, lot_pk=None):
    """Lots (in stock or not) at sites the user sees, by number, or by item name and date."""
    lots = Lot.objects.filter(site__in=Site.objects.visible_to(user)).select_related(
        "site", "zone", "item"
    )
    if lot_pk:
        return lots.filter(pk=lot_pk)
    if item_text:
        lots = lots.filter(item__search_text__contains=fold(item_text))
    if expiry_date:
        lots = lots.filter(expiry_date=expiry_date)
    if not item_text and not expiry_date:
        return lots.none()
    return lots.order_by(EXPIRY_ORDER, "pk")[:200]


def food_request_figures_between(start: datetime.date, end: datetime.date) -> dict:
    """Partners' food requests for the monthly report, from `start` to `end` (both included):
    {"by_site": {site name: {"filled": n, "declined": n}}, "kg_by_partner": {organisation
    name: kg}}. A filled request counts on the day it was handed over (its distribution's day,
    as the ledger does), a declined one on the (local) day it was declined. Three queries."""
    low = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    high = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())
    )
    filled = FoodRequest.objects.filter(
        status=FoodRequest.Status.FILLED,
        distribution__distributed_on__gte=start,
        distribution__distributed_on__lte=end,
    )
    declined = FoodRequest.objects.filter(
        status=FoodRequest.Status.DECLINED, closed_at__gte=low, closed_at__lt=high
    )
    by_site: dict = {}
    for outcome, requests in (("filled", filled), ("declined", declined)):
        for site, count in requests.values_list("site__name").annotate(n=Count("pk")).order_by():
            by_site.setdefault(site, {"filled": 0, "declined": 0})[outcome] = count
    kg_by_partner = dict(
        DistributionLine.objects.filter(distribution__food_request__in=filled)
        .values_list("distribution__food_request__partner__organisation__name")
        .annotate(kg=Sum("kg"))
        .order_by()
    )
    return {"by_site": by_site, "kg_by_partner": kg_by_partner}


def site_counts() -> dict:
    """Food sites for the platform summary: {"logistics": n, "town": n, "by_municipality":
    {municipality name: n}}. Two queries."""
    by_kind = dict(Site.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    return {
        "logistics": by_kind.get(Site.Kind.LOGISTICS_HUB, 0),
        "town": by_kind.get(Site.Kind.TOWN_HUB, 0),
        "by_municipality": dict(
            Site.objects.values_list("municipality__name").annotate(n=Count("pk")).order_by()
        ),
    }
