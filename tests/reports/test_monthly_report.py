"""月次報告: every figure against a scenario counted by hand, the month / previous month / a year
earlier / fiscal-year-to-date columns, the fiscal-year boundary, one report and one e-mail per
person however often it is built, and the printed PDF."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import roles
from core.japanese import format_wareki_fiscal_year
from core.models import GeneratedDocument, Municipality, Notification
from council import selectors as council_selectors
from council.models import CaseExample
from foodhub import services as food
from foodhub.models import Donor, Recipient
from members.models import Application, Membership
from reports.figures import monthly_snapshot, wareki_month
from reports.models import MonthlyReport
from reports.monthly import monthly_report_for_previous_month, monthly_report_request
from supporters.models import Attendance, TrainingSession, TsunagariMeeting
from tests.conftest import pdf_text
from tests.council.factories import CaseFactory, CouncilFactory
from tests.exchange.board_factories import member_with_contact, post
from tests.exchange.factories import operator_of, partner_with_contact, submit
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    StaffFactory,
    SupporterFactory,
)
from tests.foodhub.factories import (
    DonorFactory,
    FoodCategoryFactory,
    ItemFactory,
    RecipientFactory,
    consented,
    receive,
    secretariat,
    site_with_zones,
)
from tests.members.factories import ApplicationFactory
from tests.supporters.factories import SchoolDistrictFactory, TrainingSessionFactory, at

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)
D = datetime.date


def town(name, order=0):
    """The municipality of that name (several fixtures of one test share 鳥取市)."""
    return Municipality.objects.filter(name=name).first() or MunicipalityFactory(
        name=name, display_order=order
    )


def table(snapshot, key):
    """{row label: cells} of one table of the snapshot."""
    found = next(t for t in snapshot["tables"] if t["key"] == key)
    return {row["label"]: row["cells"] for row in found["rows"]}


# --- 会員 -------------------------------------------------------------------------------------


@pytest.fixture
def register():
    tottori = town("鳥取市", 1)
    iwami = town("岩美町", 2)

    def general(started, **kwargs):
        kwargs.setdefault("organisation", OrganisationFactory(municipality=tottori))
        return MembershipFactory(started_on=started, **kwargs)

    general(D(2026, 10, 5))  # A: new in October
    general(D(2026, 9, 10))  # B: new in September
    general(D(2025, 10, 20), organisation=OrganisationFactory(municipality=iwami))  # C
    general(D(2024, 4, 1), ended_on=D(2026, 10, 15))  # D: withdrew in October
    general(  # E: expelled in May (in the fiscal year, not the month)
        D(2024, 4, 1),
        ended_on=D(2026, 5, 10),
        end_reason=Membership.EndReason.EXPELLED,
        expulsion_ground="breach",
    )
    f = general(  # F: became a steering member on 20 October (a tier change, not a new member)
        D(2024, 4, 1),
        ended_on=D(2026, 10, 20),
        end_reason=Membership.EndReason.TIER_CHANGED,
    )
    MembershipFactory(organisation=f.organisation, tier="steering", started_on=D(2026, 10, 20))
    general(D(2024, 4, 1), tier="steering")  # G: steering all along

    waiting = ApplicationFactory()  # submitted 21 October, still waiting at the month's end
    decided = ApplicationFactory(
        status=Application.Status.APPROVED, decided_on=D(2026, 10, 10), decision_reason="承認"
    )
    Application.objects.filter(pk=waiting.pk).update(submitted_at=at(D(2026, 10, 21), 10))
    Application.objects.filter(pk=decided.pk).update(submitted_at=at(D(2026, 9, 1), 10))


def test_member_changes_in_each_column(register):
    snapshot = monthly_snapshot(OCTOBER)

    changes = table(snapshot, "members_changes")
    # month, previous month, October 2025, fiscal year April–October 2026
    assert changes["新規入会"] == [1, 1, 1, 2]
    assert changes["退会"] == [1, 0, 0, 1]
    assert changes["除名"] == [0, 0, 0, 1]
    assert changes["区分変更"] == [1, 0, 0, 1]


def test_members_at_each_month_end_by_tier_and_municipality(register):
    snapshot = monthly_snapshot(OCTOBER)

    # End of October: A, B, C, F (steering), G; September: B, C, D, F (general), G;
    # October 2025: C, D, E, F (general), G.
    by_tier = table(snapshot, "members_by_tier")
    assert by_tier["幹事団体"] == [2, 1, 1]
    assert by_tier["一般団体"] == [3, 4, 4]
    assert by_tier["合計"] == [5, 5, 5]
    by_municipality = table(snapshot, "members_by_municipality")
    assert by_municipality["岩美町"] == [1, 1, 1]
    assert by_municipality["鳥取市"] == [4, 4, 4]


def test_applications_waiting_and_how_long(register):
    waiting = table(monthly_snapshot(OCTOBER), "members_applications")

    # 31 Oct: the one of 21 Oct (10 days); 30 Sep: the one of 1 Sep, decided 10 Oct (29 days).
    assert waiting["審査待ちの件数"] == [1, 1, 0]
    assert waiting["最長の待ち日数"] == [10, 29, "—"]
    assert waiting["平均の待ち日数"] == [10.0, 29.0, "—"]


# --- つながりサポーター ------------------------------------------------------------------------


@pytest.fixture
def scheme():
    tottori = town("鳥取市", 1)
    yazu = town("八頭町", 2)
    east = SchoolDistrictFactory(municipality=tottori, name="東中学校区", target=20)
    west = SchoolDistrictFactory(municipality=tottori, name="西中学校区", target=10)
    s1 = SupporterFactory(municipality=tottori, district=east, registered_on=D(2026, 10, 3))
    s2 = SupporterFactory(municipality=tottori, district=east, registered_on=D(2026, 6, 1))
    SupporterFactory(municipality=tottori, district=west, registered_on=D(2025, 10, 10))
    SupporterFactory(  # withdrew on 10 October: counted in September and a year ago, not now
        municipality=tottori,
        district=east,
        registered_on=D(2024, 5, 1),
        status="withdrawn",
        status_changed_on=D(2026, 10, 10),
    )
    october = TrainingSessionFactory(
        municipality=tottori, starts_at=at(D(2026, 10, 12)), unrecorded_participants=5
    )
    for supporter in (s1, s2):
        Attendance.objects.create(session=october, supporter=supporter)
    TrainingSessionFactory(  # a past session typed in with its head count only
        municipality=yazu, starts_at=at(D(2026, 9, 2)), unrecorded_participants=10
    )
    TrainingSessionFactory(
        municipality=tottori,
        starts_at=at(D(2026, 10, 20)),
        unrecorded_participants=30,
        status=TrainingSession.Status.CANCELLED,
    )
    for held_on, residents, students in (
        (D(2026, 10, 3), 20, 5),
        (D(2026, 10, 24), 10, 3),
        (D(2026, 4, 1), 7, 0),
        (D(2026, 3, 31), 100, 100),  # the previous fiscal year
    ):
        TsunagariMeeting.objects.create(
            held_on=held_on,
            venue="公民館",
            municipality=tottori,
            district=east,
            resident_participants=residents,
            student_participants=students,
        )


def test_trainings_count_named_and_head_count_participants_alike(scheme):
    snapshot = monthly_snapshot(OCTOBER)

    trainings = table(snapshot, "supporters_trainings")
    assert trainings["開催回数"] == [1, 1, 0, 2]  # the cancelled session does not count
    assert trainings["参加者数"] == [7, 10, 0, 17]  # 2 by name + 5 by head count; 10
    by_municipality = table(snapshot, "supporters_trainings_by_municipality")
    assert by_municipality["鳥取市"] == [7, 0, 0, 7]
    assert by_municipality["八頭町"] == [0, 10, 0, 10]


def test_tsunagari_meetings_from_april_only(scheme):
    meetings = table(monthly_snapshot(OCTOBER), "supporters_meetings")

    assert meetings["開催回数"] == [2, 0, 0, 3]
    assert meetings["住民の参加者"] == [30, 0, 0, 37]
    assert meetings["学生の参加者"] == [8, 0, 0, 8]


def test_supporters_by_district_against_the_target(scheme):
    districts = table(monthly_snapshot(OCTOBER), "supporters_by_district")

    # target, new in October, new April–October, counted end of October, end of October 2025, %
    assert districts["鳥取市 東中学校区"] == [20, 1, 2, 2, 1, "10%"]
    assert districts["鳥取市 西中学校区"] == [10, 0, 0, 1, 1, "10%"]
    municipalities = table(monthly_snapshot(OCTOBER), "supporters_by_municipality")
    assert municipalities["鳥取市"] == [30, 1, 2, 3, 2, "10%"]


# --- 食支援 -----------------------------------------------------------------------------------


@pytest.fixture
def food_month():
    actor = secretariat()
    hub = site_with_zones(name="鳥取ロジ拠点")
    rice, bread = ItemFactory(), ItemFactory()
    company = DonorFactory(kind=Donor.Kind.COMPANY)
    coop = DonorFactory(kind=Donor.Kind.COOP)
    receive(hub, rice, "30", actor=actor, expiry=D(2027, 6, 1), received_on=D(2026, 9, 20),
            donor=company)  # fmt: skip
    main = receive(hub, rice, "100", actor=actor, expiry=D(2027, 6, 1),
                   received_on=D(2026, 10, 5), donor=company)  # fmt: skip
    # Best before 5 November: within the ambient zone's 14 days of 31 October.
    receive(hub, bread, "50", actor=actor, expiry=D(2026, 11, 5), received_on=D(2026, 10, 6),
            donor=coop)  # fmt: skip
    cafeteria = consented(RecipientFactory(site=hub), actor=actor)
    household = consented(
        RecipientFactory(
            site=hub, kind=Recipient.Kind.HOUSEHOLD, name="", reference_code="H-1", household_size=2
        ),
        actor=actor,
    )
    for recipient, kg in ((cafeteria, "40"), (household, "10"), (household, "2")):
        food.distribution_create(
            site=hub,
            recipient=recipient,
            distributed_on=D(2026, 10, 10),
            requests=[food.PickRequest(item=None, kg=Decimal(kg), lot=main)],
            actor=actor,
        )
    food.disposal_record(
        site=hub,
        disposed_on=D(2026, 10, 20),
        reason="damaged",
        amounts=[food.LotAmount(lot=main, kg=Decimal("5"))],
        actor=actor,
    )


def test_food_in_out_reached_and_disposed(food_month):
    snapshot = monthly_snapshot(OCTOBER)

    received = table(snapshot, "food_received")
    assert received["企業"] == ["100.00", "30.00", "0.00", "130.00"]
    assert received["生協（食品提供協定）"] == ["50.00", "0.00", "0.00", "50.00"]
    assert received["合計"] == ["150.00", "30.00", "0.00", "180.00"]
    distributed = table(snapshot, "food_distributed")
    assert distributed["地域食堂"] == ["40.00", "0.00", "0.00", "40.00"]
    assert distributed["生活困窮世帯"] == ["12.00", "0.00", "0.00", "12.00"]
    assert distributed["合計"] == ["52.00", "0.00", "0.00", "52.00"]
    by_hub = table(snapshot, "food_received_by_hub")
    assert by_hub["鳥取ロジ拠点・企業"] == ["100.00", "30.00", "0.00", "130.00"]
    reached = table(snapshot, "food_reached")
    assert reached["世帯数"] == [1, 0, 0, 1]  # one household, twice
    assert reached["団体"] == [1, 0, 0, 1]
    disposed = table(snapshot, "food_disposed")
    assert disposed["破損"] == ["5.00", "0.00", "0.00", "5.00"]
    assert disposed["廃棄率"] == ["8.8%", "—", "—", "8.8%"]  # 5 / (52 + 5)


def test_stock_and_near_expiry_at_each_month_end(food_month):
    snapshot = monthly_snapshot(OCTOBER)

    stock = table(snapshot, "food_stock")
    assert stock["鳥取ロジ拠点・常温"] == ["123.00", "30.00", "0.00"]  # 180 − 52 − 5
    near = table(snapshot, "food_near_expiry")
    assert near["ロット数"] == [1, 0, 0]
    assert near["kg"] == ["50.00", "0.00", "0.00"]


# --- 地域協議会 ---------------------------------------------------------------------------------


def test_council_counts_come_suppressed_from_the_council():
    tottori = town("鳥取市")
    wakasa = town("若桜町")
    council = CouncilFactory(municipality=tottori)
    for _i in range(6):
        CaseFactory(council=council, received_on=D(2026, 10, 2))
    for _i in range(2):
        CaseFactory(council=council, municipality=wakasa, received_on=D(2026, 10, 9))

    opened = table(monthly_snapshot(OCTOBER), "council_opened")

    # One suppressed cell would be given away by the total, so the council hides the total too.
    assert opened["合計"] == ["5未満", 0, 0, "5未満"]
    assert opened["市町村：鳥取市"] == [6, 0, 0, 6]
    assert opened["市町村：若桜町"] == ["5未満", 0, 0, "5未満"]


@pytest.mark.parametrize("april_cases, shown", [(0, "5未満"), (1, 5)])
def test_the_fiscal_year_column_is_suppressed_over_the_year_not_summed(april_cases, shown):
    """Four cases over the year are 「5未満」; five are shown, though every month had fewer."""
    council = CouncilFactory(municipality=town("鳥取市"))
    days = [D(2026, 8, 3), D(2026, 8, 20), D(2026, 9, 1), D(2026, 10, 31)]
    days += [D(2026, 4, 1)] * april_cases
    for day in [*days, D(2026, 3, 31), D(2026, 11, 1)]:  # the last two outside the year
        CaseFactory(council=council, municipality=town("鳥取市"), received_on=day)

    opened = table(monthly_snapshot(OCTOBER), "council_opened")
    year = council_selectors.case_aggregates_between(start=D(2026, 4, 1), end=D(2026, 10, 31))

    assert opened["合計"] == ["5未満", "5未満", 0, shown]
    assert opened["市町村：鳥取市"] == ["5未満", "5未満", 0, shown]
    assert year["opened"]["total"] == shown
    assert year["opened"]["by_municipality"] == {"鳥取市": shown}


def test_approved_examples_of_the_month_only_title_and_text():
    council = CouncilFactory()
    author = StaffFactory()
    approved_at = datetime.datetime(2026, 10, 15, 10, tzinfo=datetime.UTC)
    for title, status, when in (
        ("地域の見守りで孤立を防いだ例", "approved", approved_at),
        ("下書きの事例", "draft", None),
        ("前月の事例", "approved", approved_at - datetime.timedelta(days=30)),
    ):
        CaseExample.objects.create(
            council=council,
            title=title,
            body="本文",
            status=status,
            drafted_by=author,
            approved_by=author if when else None,
            approved_at=when,
        )

    examples = monthly_snapshot(OCTOBER)["council_examples"]

    assert examples == [{"title": "地域の見守りで孤立を防いだ例", "body": "本文"}]


# --- Periods and 令和 ---------------------------------------------------------------------------


def test_wareki_headings():
    assert wareki_month(D(2026, 10, 1)) == "令和8年10月"
    assert wareki_month(D(2019, 5, 1)) == "令和元年5月"
    assert format_wareki_fiscal_year(2026) == "令和8年度"
    assert format_wareki_fiscal_year(2019) == "令和元年度"  # April 2019 was still 平成31年


def test_the_fiscal_year_starts_on_1_april():
    MembershipFactory(started_on=D(2026, 3, 31))
    MembershipFactory(started_on=D(2026, 4, 1))
    MembershipFactory(started_on=D(2025, 4, 1))

    march = monthly_snapshot(D(2026, 3, 1))
    april = monthly_snapshot(D(2026, 4, 1))

    assert march["fiscal_year_label"] == "令和7年度"
    assert april["fiscal_year_label"] == "令和8年度"
    assert table(march, "members_changes")["新規入会"] == [1, 0, 0, 2]  # FY2025: 1 Apr–31 Mar
    assert table(april, "members_changes")["新規入会"] == [1, 1, 1, 1]  # FY2026: 1 April only
    assert april["periods"][3]["start"] == "2026-04-01"
    assert april["periods"][3]["label"].startswith("令和8年度")


# --- Building, archiving, sending ---------------------------------------------------------------


@pytest.fixture
def readers():
    return [
        StaffFactory(roles=[roles.COORDINATOR]),
        StaffFactory(roles=[roles.SECRETARIAT]),
        StaffFactory(roles=[roles.COORDINATOR, roles.SECRETARIAT]),
        StaffFactory(roles=[roles.SECRETARIAT], is_active=False),
        StaffFactory(roles=[roles.HUB_OPERATOR]),
    ]


def test_running_the_monthly_task_twice_makes_one_report_and_one_email_each(readers, mailoutbox):
    first = monthly_report_for_previous_month(today=D(2026, 11, 1))
    again = monthly_report_for_previous_month(today=D(2026, 11, 1))

    assert first.pk == again.pk
    assert MonthlyReport.objects.get().month == OCTOBER
    document = GeneratedDocument.objects.get()
    assert document.kind == GeneratedDocument.Kind.MONTHLY_REPORT
    assert document.status == GeneratedDocument.Status.RENDERED
    assert document.title == "月次報告 令和8年10月"
    assert document.period == "2026-10"
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in readers[:3])
    assert "令和8年10月" in mailoutbox[0].subject
    assert Notification.objects.filter(period="2026-10").count() == 3


def test_the_report_cannot_be_built_before_its_month_is_over():
    with pytest.raises(ValidationError, match="月が終わってから"):
        monthly_report_request(month=D(2026, 11, 1), actor=None, today=D(2026, 11, 30))


def test_the_pdf_prints_the_sections_with_wareki_headings(register, scheme, food_month):
    report = monthly_report_for_previous_month(today=D(2026, 11, 1))

    pdf = Path(report.document.file.path).read_bytes()
    text = pdf_text(pdf)
    assert "月次報告（令和8年10月）" in text
    assert "令和8年度" in text
    for heading in ("会員", "つながりサポーター", "食支援", "地域協議会", "前年同月", "年度累計"):
        assert heading in text, heading
    assert "鳥取市 東中学校区" in text
    assert "150.00" in text


# --- 食支援: food requests; 会員間の助け合い ------------------------------------------------------


def test_food_requests_filled_and_declined_per_hub_and_kg_per_partner():
    staff = secretariat()
    hub = site_with_zones(name="ロジ・ハブ")
    category = FoodCategoryFactory(name="主食")
    item = ItemFactory(name="米（5kg袋）", category=category)
    receive(hub, item, 50, actor=staff, expiry=timezone.localdate() + datetime.timedelta(days=300))
    himawari, himawari_contact = partner_with_contact(hub, actor=staff, name="ひまわり子ども食堂")
    aozora, aozora_contact = partner_with_contact(hub, actor=staff, name="あおぞら食堂")
    operator = operator_of(hub)
    for partner, contact, kg in (
        (himawari, himawari_contact, "15"),
        (himawari, himawari_contact, "5"),
        (aozora, aozora_contact, "10"),
    ):
        request = submit(partner, contact, category=category, kg=kg)
        food.food_request_start(request=request, actor=operator)
        food.food_request_fill(
            request=request,
            picks=[food.PickRequest(item=item, kg=Decimal(kg))],
            distributed_on=timezone.localdate(),
            actor=operator,
        )
    declined = submit(aozora, aozora_contact, category=category)
    food.food_request_decline(request=declined, reason="在庫が足りません", actor=operator)
    submit(aozora, aozora_contact, category=category)  # still waiting: not counted

    snapshot = monthly_snapshot(timezone.localdate().replace(day=1))  # this month so far

    requests = table(snapshot, "food_requests")
    assert requests["ロジ・ハブ・受け渡し済み"] == [3, 0, 0, 3]
    assert requests["ロジ・ハブ・お断り"] == [1, 0, 0, 1]
    assert requests["受け渡し済み 合計"] == [3, 0, 0, 3]
    by_partner = table(snapshot, "food_requests_kg_by_partner")
    assert by_partner["ひまわり子ども食堂"] == ["20.00", "0.00", "0.00", "20.00"]
    assert by_partner["あおぞら食堂"] == ["10.00", "0.00", "0.00", "10.00"]
    assert by_partner["合計"] == ["30.00", "0.00", "0.00", "30.00"]


def test_mutual_help_between_members_from_the_board():
    organisation, user = member_with_contact(name="ひまわり子ども食堂")
    post(organisation, user, kind="need")
    post(organisation, user, kind="offer", title="野菜を分けられます", resource="goods")

    board = table(monthly_snapshot(timezone.localdate().replace(day=1)), "exchange_board")

    assert board["困りごとの投稿"] == [1, 0, 0, 1]
    assert board["提供の投稿"] == [1, 0, 0, 1]
    assert board["成立"] == [0, 0, 0, 0]
