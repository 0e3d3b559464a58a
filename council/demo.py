"""Demo data of the council: one demo council of 鳥取市 with three agencies, four members (with
pledges) and a few cases of obviously fictitious people. Idempotent; called by
`manage.py load_demo_data` after the members demo (its organisations become the agencies).

The demo logins (development only, DEBUG) use core's demo password; being 協議会構成員 they are
asked to set up two-factor authentication at first login.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core import roles
from core.demo import DEMO_PASSWORD
from core.models import User
from members.models import Organisation

from . import services
from .models import Agency, Case, Category, Council, CouncilMember, SecrecyPledge

COUNCIL_NAME = "（デモ）鳥取市孤独・孤立対策地域協議会"
AGENCIES = [
    ("（デモ）鳥取市社会福祉協議会", "でもとっとりししゃかいふくしきょうぎかい", True),
    ("（デモ）就労支援センター", "でもしゅうろうしえんせんたー", False),
    ("（デモ）地域包括支援センター", "でもちいきほうかつしえんせんたー", False),
]
# (username, agency index, role)
MEMBERS = [
    ("council-intake", 0, CouncilMember.Role.INTAKE),
    ("council-supervisor", 0, CouncilMember.Role.SUPERVISOR),
    ("council-worker-a", 1, CouncilMember.Role.CASE_WORKER),
    ("council-worker-b", 2, CouncilMember.Role.CASE_WORKER),
]
CASES = [
    ("見本 一郎（架空）", "みほん いちろう", datetime.date(1975, 4, 1), ["8050問題", "ひきこもり"]),
    ("試験 花子（架空）", "しけん はなこ", datetime.date(1948, 10, 10), ["老老介護"]),
    ("仮名 次郎（架空）", "かめい じろう", datetime.date(2008, 1, 15), ["ヤングケアラー"]),
]


def _user(username):
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@kirin-pf.example"}
    )
    if created:
        if settings.DEBUG:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=roles.COUNCIL_MEMBER))
    return user


@transaction.atomic
def load(municipalities: dict) -> None:
    city = municipalities["鳥取市"]
    council, _created = Council.objects.get_or_create(
        name=COUNCIL_NAME,
        defaults={
            "municipality": city,
            "prefecture": city.prefecture,
            "publicly_notified_on": datetime.date(2024, 4, 1),
        },
    )
    agencies = []
    for name, kana, coordinating in AGENCIES:
        organisation, _ = Organisation.objects.get_or_create(
            name=name, defaults={"name_kana": kana, "municipality": city}
        )
        agency, _ = Agency.objects.get_or_create(
            council=council,
            organisation=organisation,
            defaults={"is_coordinating_body": coordinating, "joined_on": datetime.date(2024, 4, 1)},
        )
        agencies.append(agency)
    members = {}
    for username, agency_index, role in MEMBERS:
        user = _user(username)
        member, _ = CouncilMember.objects.get_or_create(
            council=council,
            user=user,
            ended_on=None,
            defaults={"agency": agencies[agency_index], "role": role},
        )
        SecrecyPledge.objects.get_or_create(
            member=member, version="2024年度版", defaults={"signed_on": datetime.date(2024, 4, 1)}
        )
        members[username] = member
    intake = members["council-intake"].user
    had_cases = Case.objects.filter(council=council).exists()
    _last_month_case(council, city, intake, today=timezone.localdate())
    if had_cases:
        return
    for index, (name, kana, born, categories) in enumerate(CASES):
        case = services.case_intake(
            council=council,
            actor=intake,
            data={
                "received_on": datetime.date(2026, 4, 1) + datetime.timedelta(days=7 * index),
                "route": "help_desk",
                "municipality": city,
                "footing": Case.Footing.CONSENT,
                "consent": Case.Consent.GIVEN,
                "person_name": name,
                "person_kana": kana,
                "date_of_birth": born,
                "address": "鳥取県鳥取市架空町0-0（デモ）",
                "summary": "デモ用の架空の相談です。",
            },
            categories=Category.objects.filter(name__in=categories),
        )
        if index < 2:
            services.case_share(case=case, agency=agencies[1 + index], actor=intake)
        if index == 0:
            services.hearing_record(
                case=case,
                actor=intake,
                heard_on=datetime.date(2026, 4, 5),
                person_wishes="（デモ）働く場を探したい。",
            )
            meeting = services.meeting_record(
                case=case,
                actor=intake,
                held_on=datetime.date(2026, 4, 12),
                attendees="（デモ）社協、就労支援センター",
            )
            plan = services.plan_draft(
                case=case,
                actor=intake,
                meeting=meeting,
                goals="（デモ）生活リズムを整え、就労体験につなぐ。",
                roles=[(agencies[1], "就労体験の調整", datetime.date(2026, 6, 30))],
            )
            services.plan_request_approval(plan=plan, actor=intake)
            services.follow_up_schedule(case=case, actor=intake, due_on=datetime.date(2026, 7, 1))


def _last_month_case(council, city, intake, *, today: datetime.date) -> None:
    """A fictional case received last month (once), so the monthly report built on the 1st
    shows the council's aggregates (a count below five appears as 「5未満」)."""
    first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    last = today.replace(day=1) - datetime.timedelta(days=1)
    if Case.objects.filter(council=council, received_on__range=(first, last)).exists():
        return
    services.case_intake(
        council=council,
        actor=intake,
        data={
            "received_on": first.replace(day=9),
            "route": "help_desk",
            "municipality": city,
            "footing": Case.Footing.CONSENT,
            "consent": Case.Consent.GIVEN,
            "person_name": "（デモ）架空 月子",
            "person_kana": "かくう つきこ",
            "date_of_birth": datetime.date(1961, 2, 3),
            "address": "鳥取県鳥取市架空町0-0（デモ）",
            "summary": "デモ用の架空の相談です。",
        },
        categories=Category.objects.filter(name__in=["生活困窮"]),
    )
