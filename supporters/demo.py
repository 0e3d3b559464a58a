"""Demo data for the supporter scheme, loaded by `manage.py load_demo_data` (idempotent).

Trainings and つながりミーティング of FY2023 are the real figures from seed 001 (表4-4, 表4-5),
recorded as past head-count records (no names, kind, times or capacity); last month gets a
sample training and meeting so the monthly report has every row. School district names are
PLACEHOLDERS: the 17 real 中学校区 of 鳥取市 are to be entered by the secretariat.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.models import Municipality

from .models import SchoolDistrict, Supporter, TrainingSession, TsunagariMeeting
from .services.rollups import rollup_key, rollup_move

TOKYO = ZoneInfo("Asia/Tokyo")
TOTTORI_DISTRICTS = 17
DISTRICT_TARGET = 20

# 表4-4: date, venue/audience, municipality, participants.
FY2023_TRAININGS = [
    ("2023-08-22", "鳥取市民集会", "鳥取市", 84),
    ("2023-10-31", "鳥取医療生協 組合員", "鳥取市", 28),
    ("2023-12-01", "鳥取医療生協 中堅職員", "鳥取市", 24),
    ("2023-12-03", "西・中ノ郷ブロック民生児童委員", "鳥取市", 38),
    ("2023-12-09", "高草地区", "鳥取市", 19),
    ("2023-12-22", "鳥取医療生協 中堅職員", "鳥取市", 25),
    ("2024-01-14", "富桑地区福祉関係者会議", "鳥取市", 34),
    ("2024-01-17", "麒麟のまち圏域/鳥取市役所駅南庁舎", "鳥取市", 39),
    ("2024-02-28", "兵庫県新温泉町", "新温泉町", 11),
    ("2024-02-29", "智頭町", "智頭町", 29),
    ("2024-03-08", "八頭町", "八頭町", 17),
]

# 表4-5: date, venue, residents, students.
FY2023_MEETINGS = [
    ("2023-10-18", "鳥取市人権交流プラザ", 21, 6),
    ("2023-10-22", "佐治人権福祉センター", 18, 1),
    ("2023-10-26", "西人権福祉センター", 26, 5),
    ("2023-11-02", "国府人権福祉センター", 19, 11),
    ("2023-11-09", "江山人権福祉センター", 19, 6),
    ("2023-11-15", "南人権福祉センター", 22, 4),
    ("2023-11-17", "用瀬町総合支所", 19, 5),
    ("2023-11-18", "河原人権福祉センター", 22, 5),
    ("2023-11-21", "気高人権福祉センター", 25, 8),
    ("2023-11-25", "高草人権福祉センター", 26, 9),
    ("2024-02-23", "鳥取市役所本庁舎（総括会）", 5, 10),
]


def _at(day: str, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TOKYO
    )


# Clearly fictional sample supporters: name, kana, municipality.
SAMPLE_SUPPORTERS = [
    ("（サンプル）因幡 花子", "いなば はなこ", "鳥取市"),
    ("（サンプル）千代川 太郎", "せんだいがわ たろう", "鳥取市"),
    ("（サンプル）湯村 さくら", "ゆむら さくら", "新温泉町"),
]


def load(municipalities: dict[str, Municipality]) -> None:
    for name, kana, town in SAMPLE_SUPPORTERS:
        supporter, created = Supporter.objects.get_or_create(
            full_name=name,
            defaults={
                "full_name_kana": kana,
                "municipality": municipalities[town],
                "registered_on": datetime.date(2025, 10, 1),
            },
        )
        if created:
            rollup_move(None, supporter)
    tottori = municipalities["鳥取市"]
    districts = []
    for n in range(1, TOTTORI_DISTRICTS + 1):
        district, _ = SchoolDistrict.objects.get_or_create(
            municipality=tottori,
            name=f"（仮）中学校区{n:02d}",
            defaults={"target": DISTRICT_TARGET, "is_placeholder": True, "display_order": n},
        )
        districts.append(district)

    # Past records: what the seed's table has (day, venue or audience, town, head count), no
    # invented kind, times or capacity. update_or_create turns an older demo row into one.
    for day, place, town, participants in FY2023_TRAININGS:
        TrainingSession.objects.update_or_create(
            title=f"つながりサポーター養成研修（{place}）",
            defaults={
                "counts_only": True,
                "held_on": datetime.date.fromisoformat(day),
                "kind": "",
                "starts_at": None,
                "ends_at": None,
                "capacity": None,
                "venue": place,
                "municipality": municipalities[town],
                "audience": "",
                "is_public": False,
                "status": TrainingSession.Status.HELD,
                "unrecorded_participants": participants,
            },
        )
    for day, venue, residents, students in FY2023_MEETINGS:
        TsunagariMeeting.objects.get_or_create(
            held_on=datetime.date.fromisoformat(day),
            venue=venue,
            defaults={
                "municipality": tottori,
                "resident_participants": residents,
                "student_participants": students,
            },
        )

    # Two upcoming public sessions so the calendar is not empty.
    today = timezone.localdate()
    for offset, title, venue, town in [
        (14, "（サンプル）つながりサポーター養成研修", "鳥取市人権交流プラザ", "鳥取市"),
        (30, "（サンプル）つながりサポーター養成研修 智頭会場", "智頭町総合センター", "智頭町"),
    ]:
        day = (today + datetime.timedelta(days=offset)).isoformat()
        if not TrainingSession.objects.filter(title=title, starts_at__gte=timezone.now()).exists():
            TrainingSession.objects.create(
                title=title,
                kind=TrainingSession.Kind.INITIAL,
                starts_at=_at(day, 13),
                ends_at=_at(day, 16),
                venue=venue,
                municipality=municipalities[town],
                audience="どなたでも",
                capacity=40,
                instructor="事務局",
                programme="講義「孤独・孤立対策事業の背景／伴走型支援」（60～90分）\n"
                "グループワーク「身近にある多様な孤立ケース」（60～90分）",
            )

    # Place the sample supporters in a district so the dashboard shows progress.
    for supporter in Supporter.objects.filter(
        full_name__startswith="（サンプル）", municipality=tottori, district__isnull=True
    ).order_by("pk"):
        before = rollup_key(supporter)
        supporter.district = districts[0]
        supporter.last_trained_on = supporter.registered_on
        supporter.save(update_fields=["district", "last_trained_on"])
        rollup_move(before, supporter)
    load_last_month(municipalities, today=timezone.localdate())


def load_last_month(municipalities: dict[str, Municipality], *, today: datetime.date) -> None:
    """Last month's activity, so the monthly report the 1st builds has something in every row:
    an outreach training held with its head count and a つながりミーティング (through the
    services; once per month)."""
    from .services import training_session_save, tsunagari_meeting_save

    first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    day = first.replace(day=12).isoformat()
    title = f"（サンプル）出前研修 {first.year}年{first.month}月"
    if not TrainingSession.objects.filter(title=title).exists():
        training_session_save(
            session=TrainingSession(),
            data={
                "title": title,
                "kind": TrainingSession.Kind.OUTREACH,
                "starts_at": _at(day, 13),
                "ends_at": _at(day, 15),
                "venue": "八頭町保健センター",
                "audience": "民生児童委員",
                "municipality": municipalities["八頭町"],
                "capacity": 30,
                "is_public": False,
                "status": TrainingSession.Status.HELD,
                "unrecorded_participants": 18,
            },
            actor=None,
        )
    held_on = first.replace(day=20)
    if not TsunagariMeeting.objects.filter(held_on=held_on).exists():
        tsunagari_meeting_save(
            meeting=TsunagariMeeting(),
            data={
                "held_on": held_on,
                "venue": "（サンプル）湖南地区公民館",
                "municipality": municipalities["鳥取市"],
                "resident_participants": 16,
                "student_participants": 4,
                "notes": "デモ用の記録です。",
            },
            actor=None,
        )
