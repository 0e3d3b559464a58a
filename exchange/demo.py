"""Demo data of the public resource map (called by `load_demo_data`, idempotent): the hubs, a
few member organisations and sample 子ども食堂・地域食堂 with their opening days. No point is
placed: each stands at its municipality's centre until the 事務局 places it in the admin."""

from foodhub.models import Site
from members.models import ActivityField, Membership

from .models import Place

CAFETERIAS = [
    # name, kind, town, venue, opening days, note
    (
        "みんなの食堂 さくら（見本）",
        "children",
        "鳥取市",
        "地区公民館",
        ["sat"],
        "第2・第4土曜 11:00〜13:00",
    ),
    (
        "こども食堂 ひだまり（見本）",
        "children",
        "八頭町",
        "コミュニティセンター",
        ["wed"],
        "毎週水曜 17:00〜19:00",
    ),
    (
        "地域食堂 ふれあい（見本）",
        "community",
        "智頭町",
        "集落センター",
        ["sun"],
        "第1日曜 11:30〜13:30",
    ),
    (
        "こども食堂 うみかぜ（見本）",
        "children",
        "岩美町",
        "地区公民館",
        ["fri", "sat"],
        "第3金曜・第3土曜",
    ),
]


def load(municipalities: dict) -> None:
    children = ActivityField.objects.filter(name__contains="子ども").first()
    for name, kind, town, venue, days, note in CAFETERIAS:
        if town not in municipalities:
            continue
        place, created = Place.objects.get_or_create(
            kind=kind,
            name=name,
            defaults={
                "municipality": municipalities[town],
                "venue": venue,
                "opening_note": note,
                **{f"opens_{day}": True for day in days},
            },
        )
        if created and children is not None:
            place.activity_fields.add(children)
    for site in Site.objects.select_related("municipality"):
        Place.objects.get_or_create(
            kind=Place.Kind.HUB,
            site=site,
            defaults={"municipality": site.municipality, "opening_note": "平日 9:00〜17:00"},
        )
    members = (
        Membership.objects.active()
        .exclude(organisation__municipality=None)
        .select_related("organisation")
        .order_by("organisation__name_kana")[:5]
    )
    for membership in members:
        organisation = membership.organisation
        Place.objects.get_or_create(
            kind=Place.Kind.ORGANISATION,
            organisation=organisation,
            defaults={"municipality_id": organisation.municipality_id},
        )
