"""Reference and sample data for the food hubs, loaded by `manage.py load_demo_data`.

Idempotent: every row is looked up by its natural key. Sample names are marked （サンプル）.
"""

import datetime
from decimal import Decimal

from .models import Donor, FoodCategory, Item, Recipient, Site, SiteOperator, Zone

# Days before the date at which operators are warned, per storage (editable per zone in the admin).
ZONE_WARNING_DAYS = {Zone.Kind.AMBIENT: 30, Zone.Kind.CHILLED: 3, Zone.Kind.FROZEN: 30}

CATEGORIES = ["主食", "加工食品", "乳製品", "冷凍食品", "飲料", "菓子", "野菜・果物"]

# name, category, default storage, piece unit
ITEMS = [
    ("米（5kg袋）", "主食", Zone.Kind.AMBIENT, "袋"),
    ("カップ麺", "主食", Zone.Kind.AMBIENT, "個"),
    ("レトルトカレー", "加工食品", Zone.Kind.AMBIENT, "個"),
    ("ツナ缶", "加工食品", Zone.Kind.AMBIENT, "缶"),
    ("牛乳（1L）", "乳製品", Zone.Kind.CHILLED, "本"),
    ("ヨーグルト", "乳製品", Zone.Kind.CHILLED, "個"),
    ("冷凍うどん", "冷凍食品", Zone.Kind.FROZEN, "袋"),
    ("冷凍ハンバーグ", "冷凍食品", Zone.Kind.FROZEN, "袋"),
    ("野菜ジュース", "飲料", Zone.Kind.AMBIENT, "本"),
    ("ビスケット", "菓子", Zone.Kind.AMBIENT, "箱"),
    ("玉ねぎ", "野菜・果物", Zone.Kind.CHILLED, "kg"),
]

# Produce and non-food: their lots are recorded without a date.
WITHOUT_EXPIRY = {"玉ねぎ"}

DONORS = [
    ("鳥取県生活協同組合", "とっとりけんせいかつきょうどうくみあい", Donor.Kind.COOP),
    ("（サンプル）株式会社いなば食品", "さんぷる いなばしょくひん", Donor.Kind.COMPANY),
    (
        "（サンプル）郵便局フードドライブ（鳥取中央）",
        "さんぷる ゆうびんきょくふーどどらいぶ",
        Donor.Kind.FOOD_DRIVE,
    ),
    (
        "（サンプル）コンビニ回収拠点（湖山）",
        "さんぷる こんびにかいしゅうきょてん",
        Donor.Kind.FOOD_DRIVE,
    ),
    ("（サンプル）千代川農園", "さんぷる せんだいがわのうえん", Donor.Kind.FARM),
    ("市民の寄付（個人）", "しみんのきふ", Donor.Kind.CITIZEN),
]

# kind, name, running organisation, site name, municipality name
RECIPIENTS = [
    (
        Recipient.Kind.CAFETERIA,
        "（サンプル）やず地域食堂",
        "（サンプル）NPO法人やずの縁側",
        "ハブ拠点 八頭町",
        "八頭町",
    ),
    (
        Recipient.Kind.CAFETERIA,
        "（サンプル）ちづ地域食堂",
        "（サンプル）智頭町社会福祉協議会",
        "ハブ拠点 智頭町",
        "智頭町",
    ),
    (
        Recipient.Kind.CAFETERIA,
        "（サンプル）かみ地域食堂",
        "（サンプル）香美町ボランティア会",
        "ハブ拠点 香美町",
        "香美町",
    ),
    (
        Recipient.Kind.CAFETERIA,
        "（サンプル）いなば地域食堂",
        "（サンプル）NPO法人いなばの居場所",
        "ロジ拠点（鳥取市）",
        "鳥取市",
    ),
    (
        Recipient.Kind.MOTHER_CHILD,
        "（サンプル）母子生活支援施設こすもす",
        "",
        "ロジ拠点（鳥取市）",
        "鳥取市",
    ),
    (
        Recipient.Kind.REHABILITATION,
        "（サンプル）更生支援施設あすなろ",
        "",
        "ロジ拠点（鳥取市）",
        "鳥取市",
    ),
]

# Households in need: a reference code, a size and the referring agency — never a name.
HOUSEHOLDS = [
    ("R8-0001", 3, "鳥取市社会福祉協議会", "ロジ拠点（鳥取市）", "鳥取市"),
    ("R8-0002", 2, "八頭町福祉課", "ハブ拠点 八頭町", "八頭町"),
]


SITES = [
    ("ロジ拠点（鳥取市）", Site.Kind.LOGISTICS_HUB, "鳥取市", 5000),
    ("ハブ拠点 八頭町", Site.Kind.TOWN_HUB, "八頭町", 800),
    ("ハブ拠点 智頭町", Site.Kind.TOWN_HUB, "智頭町", 500),
    ("ハブ拠点 香美町", Site.Kind.TOWN_HUB, "香美町", 500),
]


def load(municipalities: dict) -> None:
    for name, kind, town, capacity in SITES:
        Site.objects.update_or_create(
            name=name,
            defaults={"kind": kind, "municipality": municipalities[town], "capacity_kg": capacity},
        )
    load_reference_data(municipalities)


def load_reference_data(municipalities: dict) -> None:
    for site in Site.objects.all():
        for kind, days in ZONE_WARNING_DAYS.items():
            Zone.objects.get_or_create(site=site, kind=kind, defaults={"near_expiry_days": days})
    categories = {}
    for order, name in enumerate(CATEGORIES):
        categories[name], _ = FoodCategory.objects.get_or_create(
            name=name, defaults={"display_order": order}
        )
    for name, category, zone_kind, unit in ITEMS:
        Item.objects.get_or_create(
            name=name,
            defaults={
                "category": categories[category],
                "default_zone_kind": zone_kind,
                "unit": unit,
                "has_expiry": name not in WITHOUT_EXPIRY,
            },
        )
    for name, kana, kind in DONORS:
        Donor.objects.get_or_create(name=name, defaults={"name_kana": kana, "kind": kind})
    sites = {site.name: site for site in Site.objects.all()}
    for kind, name, organisation, site, town in RECIPIENTS:
        if site in sites:
            Recipient.objects.get_or_create(
                kind=kind,
                name=name,
                defaults={
                    "running_organisation": organisation,
                    "site": sites[site],
                    "municipality": municipalities[town],
                },
            )
    for code, size, agency, site, town in HOUSEHOLDS:
        if site in sites:
            Recipient.objects.get_or_create(
                reference_code=code,
                defaults={
                    "kind": Recipient.Kind.HOUSEHOLD,
                    "household_size": size,
                    "referring_agency": agency,
                    "site": sites[site],
                    "municipality": municipalities[town],
                },
            )


def assign_demo_operator(user) -> None:
    """The hub operator's demo login works at the logistics hub (its stock, receipts, transfers)."""
    site = Site.objects.get(name=SITES[0][0])
    SiteOperator.objects.get_or_create(site=site, user=user)


def load_last_month_requests(*, today: datetime.date, actor) -> None:
    """Last month's food requests of a sample partner (once per month), so the monthly report
    built on the 1st shows them: one handed over through a distribution dated in the month
    (the service, against the stock foodhub_demo_month left), one declined. The services take
    requests for today or later only, so these two rows are written as history, like the
    supporters' past records."""
    import uuid

    from django.utils import timezone

    from members.models import Organisation

    from . import services
    from .models import FoodPartner, FoodRequest, Lot

    first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    last = today.replace(day=1) - datetime.timedelta(days=1)
    kind, name = RECIPIENTS[0][:2]
    recipient = Recipient.objects.filter(kind=kind, name=name).select_related("site").first()
    if recipient is None or not recipient.consents.exists():
        return  # foodhub_demo_month records the consents first
    partner = FoodPartner.objects.filter(recipient=recipient).first()
    if partner is None:
        organisation = Organisation.objects.exclude(food_partner__isnull=False).order_by("pk")
        organisation = organisation.first()
        if organisation is None:
            return
        partner = services.food_partner_approve(
            organisation=organisation, recipient=recipient, actor=actor
        )
    if FoodRequest.objects.filter(partner=partner, needed_on__range=(first, last)).exists():
        return
    handed_over_on = first.replace(day=15)
    lot = (
        Lot.objects.filter(site=recipient.site, kg__gte=5, received_on__lte=handed_over_on)
        .order_by("expiry_date", "pk")
        .first()
    )
    if lot is None:
        return
    distribution = services.distribution_create(
        site=recipient.site,
        recipient=recipient,
        distributed_on=handed_over_on,
        requests=[services.PickRequest(item=None, kg=Decimal("5"), lot=lot)],
        actor=actor,
        note="（サンプル）食品の依頼",
    )

    def at(day, hour):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    common = {
        "partner": partner,
        "site": recipient.site,
        "people_served": 30,
        "handover": FoodRequest.Handover.PICKUP,
        "submitted_by": actor,
        "operator": actor,
    }
    FoodRequest.objects.create(
        **common,
        needed_on=handed_over_on,
        status=FoodRequest.Status.FILLED,
        distribution=distribution,
        closed_at=at(handed_over_on, 16),
        submission_token=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-request-{first}-filled"),
    )
    declined_on = first.replace(day=22)
    FoodRequest.objects.create(
        **common,
        needed_on=declined_on,
        status=FoodRequest.Status.DECLINED,
        decline_reason="（サンプル）冷凍品の在庫がありませんでした。",
        closed_at=at(declined_on - datetime.timedelta(days=2), 10),
        submission_token=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-request-{first}-declined"),
    )
