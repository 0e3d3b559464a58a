"""Demo data of members: the founding 幹事団体, two sample general members, an application
waiting for review and a prospect. Idempotent; called by `manage.py load_demo_data`."""

import datetime

from django.utils import timezone

from .models import (
    ActivityField,
    Application,
    Membership,
    Organisation,
    OrganisationType,
    Prospect,
    TrialParticipation,
)

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


def load(municipalities: dict) -> None:
    for name, kana in FOUNDING_STEERING:
        _member(name, kana, None, Membership.Tier.STEERING)
    for name, kana, town in SAMPLE_GENERAL:
        _member(name, kana, municipalities[town], Membership.Tier.GENERAL)
    _join_flow_samples(municipalities)
    _last_month_member(municipalities, today=timezone.localdate())


def _last_month_member(municipalities, *, today: datetime.date) -> None:
    """A general member admitted last month through the service (once per month), so the
    monthly report built on the 1st shows the register moving. Fictional, marked （サンプル）."""
    from .services import application_approve

    first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    application, _created = Application.objects.get_or_create(
        reference=f"KPF-SAMPLE{first:%Y%m}",
        defaults={
            "name": f"（サンプル）{first.year}年{first.month}月入会の子ども食堂",
            "name_kana": "さんぷる こどもしょくどう",
            "organisation_type": OrganisationType.NPO,
            "representative_name": "（サンプル）代表者",
            "contact_name": "（サンプル）担当者",
            "postal_code": "680-0000",
            "address": "鳥取県鳥取市（サンプル）",
            "phone": "0857-00-0000",
            "email": "sample-member@kirin-pf.example",
            "municipality": municipalities["鳥取市"],
            "activity_summary": "子ども食堂（サンプル）",
            "declares_isolation_activity": True,
            "declares_no_antisocial_ties": True,
            "declares_agreement": True,
            "checked_activity": True,
            "checked_no_antisocial": True,
            "checked_is_organisation": True,
        },
    )
    if application.status == Application.Status.SUBMITTED:
        application_approve(application=application, actor=None, on=first.replace(day=18))


def _member(name, kana, municipality, tier):
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


def _join_flow_samples(municipalities):
    """An application waiting for review and a prospect, so the secretariat's screens show
    the join flow. Fictional, marked （サンプル）."""
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


def _organisation_type(name):
    if name == "鳥取県":
        return OrganisationType.PUBLIC_BODY
    for marker, kind in _TYPE_BY_NAME:
        if marker in name:
            return kind
    return OrganisationType.OTHER
