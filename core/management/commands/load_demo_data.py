"""Load the area's municipalities and a few sample records. Safe to run any number of times."""

import datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from core import roles
from core.models import Municipality, User
from council.models import Council
from foodhub import demo as foodhub_demo
from foodhub.models import Site
from members.models import (
    ActivityField,
    Application,
    Membership,
    Organisation,
    OrganisationType,
    Prospect,
    TrialParticipation,
)
from supporters import demo as supporters_demo
from supporters.models import Supporter

# SPEC §1 (令和2年国勢調査): name, kana, prefecture, population, households, 65+ %, 地域食堂.
MUNICIPALITIES = [
    ("鳥取市", "とっとりし", "鳥取県", 188465, 77029, "29.7", 46),
    ("岩美町", "いわみちょう", "鳥取県", 10799, 3926, "37.5", 1),
    ("八頭町", "やずちょう", "鳥取県", 15937, 5326, "36.3", 4),
    ("智頭町", "ちづちょう", "鳥取県", 6427, 2400, "43.6", 2),
    ("若桜町", "わかさちょう", "鳥取県", 2864, 1182, "48.7", 2),
    ("新温泉町", "しんおんせんちょう", "兵庫県", 13318, 4929, "41.1", 2),
    ("香美町", "かみちょう", "兵庫県", 16064, 5912, "40.7", 3),
]

# Founding 幹事団体 of the prefectural platform (規約 別表, in force 令和6年4月1日).
FOUNDING_STEERING = [
    ("特定非営利活動法人鳥取青少年ピアサポート", "とっとりせいしょうねんぴあさぽーと"),
    ("N.K.C ナーシングコアコーポレーション合同会社", "なーしんぐこあこーぽれーしょん"),
    (
        "労働者協同組合ワーカーズコープ・センター事業団さんいんみらい事業所",
        "わーかーずこーぷせんたーじぎょうだんさんいんみらいじぎょうしょ",
    ),
    ("鳥取いのちの電話", "とっとりいのちのでんわ"),
    ("鳥取県地域生活定着支援センター", "とっとりけんちいきせいかつていちゃくしえんせんたー"),
    ("一般社団法人 鳥取県母子寡婦福祉連合会", "とっとりけんぼしかふふくしれんごうかい"),
    ("鳥取県民生児童委員協議会", "とっとりけんみんせいじどういいんきょうぎかい"),
    ("児童福祉入所施設協議会", "じどうふくしにゅうしょしせつきょうぎかい"),
    ("日本司法支援センター鳥取地方事務所（法テラス鳥取）", "ほうてらすとっとり"),
    ("鳥取県弁護士会", "とっとりけんべんごしかい"),
    ("鳥取県商工会議所連合会", "とっとりけんしょうこうかいぎしょれんごうかい"),
    ("社会福祉法人鳥取県社会福祉協議会", "とっとりけんしゃかいふくしきょうぎかい"),
    ("鳥取県居住支援協議会", "とっとりけんきょじゅうしえんきょうぎかい"),
    ("鳥取県", "とっとりけん"),
    ("鳥取県教育委員会事務局", "とっとりけんきょういくいいんかいじむきょく"),
]
FOUNDED_ON = datetime.date(2024, 4, 1)

# Clearly fictional sample records, so a newcomer sees a living system.
SAMPLE_GENERAL = [
    ("（サンプル）NPO法人いなばの居場所", "さんぷる いなばのいばしょ", "鳥取市"),
    ("（サンプル）わかさ子ども食堂の会", "さんぷる わかさこどもしょくどうのかい", "若桜町"),
]
SAMPLE_SUPPORTERS = [
    ("（サンプル）因幡 花子", "いなば はなこ", "鳥取市"),
    ("（サンプル）千代川 太郎", "せんだいがわ たろう", "鳥取市"),
    ("（サンプル）湯村 さくら", "ゆむら さくら", "新温泉町"),
]
SITES = [
    ("ロジ拠点（鳥取市）", Site.Kind.LOGISTICS_HUB, "鳥取市", 5000),
    ("ハブ拠点 八頭町", Site.Kind.TOWN_HUB, "八頭町", 800),
    ("ハブ拠点 智頭町", Site.Kind.TOWN_HUB, "智頭町", 500),
    ("ハブ拠点 香美町", Site.Kind.TOWN_HUB, "香美町", 500),
]

DEMO_EMAIL = "demo@kirin-pf.example"
DEMO_PASSWORD = "kirin-demo-2026"


class Command(BaseCommand):
    help = "Load the seven municipalities and sample records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-user",
            action="store_true",
            help=f"Also create the secretariat demo login {DEMO_EMAIL} (development only).",
        )

    @transaction.atomic
    def handle(self, *args, demo_user=False, **options):
        municipalities = {}
        for order, (name, kana, pref, pop, households, aged, cafeterias) in enumerate(
            MUNICIPALITIES
        ):
            municipalities[name], _ = Municipality.objects.update_or_create(
                prefecture=pref,
                name=name,
                defaults={
                    "name_kana": kana,
                    "population": pop,
                    "households": households,
                    "aged_65_plus_percent": Decimal(aged),
                    "community_cafeterias": cafeterias,
                    "display_order": order,
                },
            )

        for name, kana in FOUNDING_STEERING:
            self._member(name, kana, None, Membership.Tier.STEERING)
        for name, kana, town in SAMPLE_GENERAL:
            self._member(name, kana, municipalities[town], Membership.Tier.GENERAL)

        for name, kana, town in SAMPLE_SUPPORTERS:
            Supporter.objects.get_or_create(
                full_name=name,
                defaults={
                    "full_name_kana": kana,
                    "municipality": municipalities[town],
                    "registered_on": datetime.date(2025, 10, 1),
                },
            )
        supporters_demo.load(municipalities)
        for name, kind, town, capacity in SITES:
            Site.objects.update_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "municipality": municipalities[town],
                    "capacity_kg": capacity,
                },
            )
        foodhub_demo.load_reference_data(municipalities)
        Council.objects.get_or_create(
            name="鳥取市相談支援包括化推進会議",
            defaults={"prefecture": "鳥取県", "municipality": municipalities["鳥取市"]},
        )
        Council.objects.get_or_create(
            name="とっとり孤独・孤立対策地域協議会", defaults={"prefecture": "鳥取県"}
        )

        self._members_samples(municipalities)
        if demo_user:
            self._demo_user()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _member(self, name, kana, municipality, tier):
        organisation, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "name_kana": kana,
                "municipality": municipality,
                "organisation_type": _organisation_type(name),
            },
        )
        if not organisation.memberships.active().exists():
            Membership.objects.create(organisation=organisation, tier=tier, started_on=FOUNDED_ON)

    def _members_samples(self, municipalities):
        """An application waiting for review and a prospect, so the secretariat's screens show
        the join flow (issue 3). Fictional, marked （サンプル）."""
        application, created = Application.objects.get_or_create(
            reference="KPF-SAMPLE01",
            defaults={
                "name": "（サンプル）NPO法人ひだまりの家",
                "name_kana": "さんぷる ひだまりのいえ",
                "organisation_type": OrganisationType.NPO,
                "representative_name": "（サンプル）代表者",
                "contact_name": "（サンプル）担当者",
                "postal_code": "680-0000",
                "address": "鳥取県鳥取市（サンプル）",
                "phone": "0857-00-0000",
                "email": "sample-apply@kirin-pf.example",
                "municipality": municipalities["鳥取市"],
                "activity_summary": "地域の居場所づくりと見守り（サンプル）",
                "declares_isolation_activity": True,
                "declares_no_antisocial_ties": True,
                "declares_agreement": True,
            },
        )
        if created:
            application.activity_fields.set(ActivityField.objects.filter(name="居場所づくり"))
        prospect, created = Prospect.objects.get_or_create(
            name="（サンプル）香美町の子ども食堂",
            defaults={
                "name_kana": "さんぷる かみちょうのこどもしょくどう",
                "municipality": municipalities["香美町"],
                "introduced_by_note": "（サンプル）わかさ子ども食堂の会から紹介",
                "status": Prospect.Status.TRYING,
                "next_step": "つながりミーティングへの再度のお誘い",
                "next_step_on": datetime.date(2026, 12, 10),
            },
        )
        if created:
            TrialParticipation.objects.create(
                prospect=prospect,
                event_name="つながりミーティング（お試し参加）",
                held_on=FOUNDED_ON,
            )

    def _demo_user(self):
        user, created = User.objects.get_or_create(
            username="demo",
            defaults={
                "email": DEMO_EMAIL,
                "is_staff": True,
                "last_name": "事務局",
                "first_name": "デモ",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=roles.SECRETARIAT))
        EmailAddress.objects.get_or_create(
            user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
        )


# The kind of body, read from the name (for the demo's founding 幹事団体 and samples only).
_TYPE_BY_NAME = [
    ("社会福祉協議会", OrganisationType.SOCIAL_WELFARE_COUNCIL),
    ("特定非営利活動法人", OrganisationType.NPO),
    ("NPO法人", OrganisationType.NPO),
    ("社会福祉法人", OrganisationType.SOCIAL_WELFARE_CORPORATION),
    ("一般社団法人", OrganisationType.GENERAL_ASSOCIATION),
    ("合同会社", OrganisationType.COMPANY),
    ("協同組合", OrganisationType.COOPERATIVE),
    ("教育委員会", OrganisationType.PUBLIC_BODY),
    ("日本司法支援センター", OrganisationType.PUBLIC_BODY),
]


def _organisation_type(name):
    if name == "鳥取県":
        return OrganisationType.PUBLIC_BODY
    for marker, kind in _TYPE_BY_NAME:
        if marker in name:
            return kind
    return OrganisationType.OTHER
