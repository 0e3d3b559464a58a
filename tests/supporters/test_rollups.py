"""The monthly supporter roll-up: kept by registration, correction, pause, resumption and
withdrawal, equal to the supporters, and read by the dashboard and the reports' figures with
the same results as counting the supporters."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from supporters import selectors, services
from supporters.models import Attendance, Supporter, TrainingSession, TsunagariMeeting
from supporters.rollups import SessionAttendanceCount, SupporterMonth
from supporters.services.rollups import attendance_count_differences, rollup_differences
from tests.factories import MunicipalityFactory, SupporterFactory

from .factories import SchoolDistrictFactory, consent, past_session

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def places():
    tottori = MunicipalityFactory(name="鳥取市")
    east = SchoolDistrictFactory(municipality=tottori, name="東中学校区", target=10)
    west = SchoolDistrictFactory(municipality=tottori, name="西中学校区", target=10)
    return tottori, east, west


def _counted_directly(district, on):
    return Supporter.objects.filter(district=district).filter(selectors.counted_on_q(on)).count()


def test_every_change_moves_the_supporter_between_rows_and_the_check_agrees(places):
    tottori, east, west = places
    registered = services.supporter_register(
        data={
            "full_name": "試験 花子",
            "municipality": tottori,
            "district": east,
            "registered_on": D(2026, 9, 15),
        },
        actor=None,
    )
    moving = SupporterFactory(municipality=tottori, district=east, registered_on=D(2026, 6, 1))
    leaving = SupporterFactory(municipality=tottori, district=west, registered_on=D(2025, 4, 1))
    call_command("supporters_check_rollups")

    services.supporter_update(supporter=moving, data={"district": west}, actor=None)
    services.supporter_set_status(
        supporter=registered, status=Supporter.Status.PAUSED, on=D(2026, 10, 1), actor=None
    )
    services.supporter_withdraw(supporter=leaving, on=D(2026, 10, 10), erase=False, actor=None)

    assert rollup_differences() == []
    call_command("supporters_check_rollups")
    assert selectors.supporter_totals() == {"counted": 2, "active": 1, "paused": 1, "withdrawn": 1}
    progress = {row["name"]: row["count"] for row in selectors.district_progress()}
    assert progress == {str(east): 1, str(west): 1}
    withdrawn = SupporterMonth.objects.get(status=Supporter.Status.WITHDRAWN)
    assert (withdrawn.month, withdrawn.withdrawn_month, withdrawn.supporters) == (
        D(2025, 4, 1),
        D(2026, 10, 1),
        1,
    )


def test_the_check_fails_on_a_drifted_roll_up_and_rebuild_recomputes_it(places):
    tottori, east, _west = places
    SupporterFactory(municipality=tottori, district=east)
    SupporterMonth.objects.update(supporters=5)

    with pytest.raises(CommandError, match="1 roll-up row"):
        call_command("supporters_check_rollups")

    call_command("supporters_check_rollups", "--rebuild")
    assert rollup_differences() == []


@pytest.mark.parametrize(
    ("new_from", "new_to", "on"),
    [
        (D(2026, 10, 1), D(2026, 10, 31), D(2026, 10, 31)),  # a month: the roll-up
        (D(2026, 4, 1), D(2027, 3, 31), D(2027, 3, 31)),  # a fiscal year: the roll-up
        (D(2026, 10, 5), D(2026, 10, 20), D(2026, 10, 9)),  # any days: the supporters
    ],
)
def test_report_figures_equal_counting_the_supporters(places, new_from, new_to, on):
    tottori, east, west = places
    SupporterFactory(municipality=tottori, district=east, registered_on=D(2026, 10, 3))
    SupporterFactory(municipality=tottori, district=east, registered_on=D(2026, 6, 1))
    SupporterFactory(municipality=tottori, registered_on=D(2026, 10, 12))  # no district
    for withdrew_on in (D(2026, 10, 9), D(2026, 10, 31), D(2026, 11, 1)):
        SupporterFactory(
            municipality=tottori,
            district=west,
            registered_on=D(2025, 10, 10),
            status=Supporter.Status.WITHDRAWN,
            status_changed_on=withdrew_on,
        )

    figures = {
        row["district"]: (row["new"], row["counted"])
        for row in selectors.district_figures(new_from=new_from, new_to=new_to, on=on)
    }
    for district in (east, west):
        new = Supporter.objects.filter(
            district=district, registered_on__gte=new_from, registered_on__lte=new_to
        ).count()
        assert figures[district.name] == (new, _counted_directly(district, on))
    towns = selectors.supporter_figures_by_municipality(new_from=new_from, new_to=new_to, on=on)
    row = next(r for r in towns if r["municipality"] == "鳥取市")
    assert row["counted"] == Supporter.objects.filter(selectors.counted_on_q(on)).count()
    assert (
        row["new"]
        == Supporter.objects.filter(registered_on__gte=new_from, registered_on__lte=new_to).count()
    )


def test_the_dashboard_reads_the_roll_up_not_the_supporters(places, django_assert_num_queries):
    tottori, east, _west = places
    for _ in range(3):
        SupporterFactory(municipality=tottori, district=east, registered_on=D(2026, 10, 3))

    with django_assert_num_queries(1) as captured:
        totals = selectors.supporter_totals()
    assert totals["active"] == 3
    assert 'supporters_supporter"' not in captured.captured_queries[0]["sql"]
    months = selectors.registrations_per_month(today=D(2026, 11, 5))
    assert {row["month"]: row["count"] for row in months}[D(2026, 10, 1)] == 3


def test_fiscal_years_are_labelled_in_the_japanese_era_with_the_western_year():
    assert selectors.fiscal_year_label(2026) == "令和8年度（2026年度）"
    assert selectors.fiscal_year_label(2019) == "令和元年度（2019年度）"


def test_the_dashboard_shows_meetings_per_fiscal_year_and_trainings_per_municipality(places):
    tottori, _east, _west = places
    TsunagariMeeting.objects.create(
        held_on=D(2025, 3, 20), venue="公民館", municipality=tottori, resident_participants=8
    )
    for held_on, residents, students in ((D(2025, 4, 2), 10, 3), (D(2026, 3, 31), 5, 4)):
        TsunagariMeeting.objects.create(
            held_on=held_on,
            venue="公民館",
            municipality=tottori,
            resident_participants=residents,
            student_participants=students,
        )
    past_session(municipality=tottori, unrecorded_participants=2)
    services.training_session_save(  # a past record: the head count only
        session=TrainingSession(municipality=tottori),
        data={
            "counts_only": True,
            "held_on": D(2023, 9, 9),
            "audience": "民生委員",
            "unrecorded_participants": 12,
        },
        actor=None,
    )

    meetings = selectors.meetings_per_fiscal_year()
    assert [(m["label"], m["sessions"], m["residents"], m["students"]) for m in meetings] == [
        ("令和6年度（2024年度）", 1, 8, 0),
        ("令和7年度（2025年度）", 2, 15, 7),
    ]
    assert selectors.trainings_per_municipality() == [
        {"name": "鳥取市", "sessions": 2, "participants": 14}
    ]


def test_a_roll_up_row_changed_outside_the_application_is_reported_the_next_night_once(
    places, mailoutbox
):
    from supporters.tasks import rollup_check_task
    from tests.factories import UserFactory

    tottori, east, _west = places
    UserFactory(roles=["事務局"], is_staff=True, email="jimu@example.jp")
    SupporterFactory(
        full_name="秘密 太郎", municipality=tottori, district=east, registered_on=D(2026, 6, 1)
    )
    assert rollup_check_task() == 0 and mailoutbox == []  # they agree: no mail

    SupporterMonth.objects.filter(district=east).update(supporters=3)

    assert rollup_check_task() == 1
    assert rollup_check_task() == 1  # the same night again: no second mail
    [mail] = mailoutbox
    assert mail.to == ["jimu@example.jp"]
    assert mail.subject == "【つながりサポーター】月次集計と登録が一致しません（1行）"
    assert (
        "鳥取市／東中学校区／活動中／令和8年6月（2026年6月）登録：登録 1 人、集計 3 人" in mail.body
    )
    assert "秘密" not in mail.body  # places and counts, never a person


# --- each session's attendance count, kept by the database's triggers ---------------------


def _kept(session):
    return (
        SessionAttendanceCount.objects.filter(session=session)
        .values_list("attendances", flat=True)
        .first()
    )


def test_the_attendance_count_follows_every_insert_delete_and_move_whoever_writes(places):
    tottori, _east, _west = places
    first, second = past_session(municipality=tottori), past_session(municipality=tottori)
    walk_in = {
        "full_name": "当日 参加",
        "full_name_kana": "とうじつ さんか",
        "municipality": tottori,
        "consent_text": consent(),
    }
    services.session_attendance_record(
        session=first, registration_ids=[], walk_ins=[walk_in], actor=None
    )
    assert _kept(first) == 1  # through the service

    people = [SupporterFactory(municipality=tottori) for _ in range(3)]
    Attendance.objects.bulk_create([Attendance(session=first, supporter=p) for p in people])
    assert _kept(first) == 4  # one statement of three rows

    Attendance.objects.filter(supporter=people[0]).update(session=second)
    assert (_kept(first), _kept(second)) == (3, 1)  # moved to another session

    Attendance.objects.filter(supporter__in=people[1:]).delete()
    assert (_kept(first), _kept(second)) == (1, 1)
    assert attendance_count_differences() == []
    call_command("supporters_check_rollups")


def test_trainings_count_their_participants_from_the_kept_count(places, django_assert_num_queries):
    tottori, _east, _west = places
    session = past_session(municipality=tottori, unrecorded_participants=2)
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, supporter=SupporterFactory(municipality=tottori))
            for _ in range(2)
        ]
    )
    with django_assert_num_queries(1) as captured:
        [(_municipality, _day, participants)] = selectors.held_sessions()
    assert participants == 4  # two named + two counted without names
    assert 'supporters_attendance"' not in captured.captured_queries[0]["sql"]
    [row] = selectors.trainings_held_between(session.held_on, session.held_on)
    assert row["participants"] == 4


def test_a_drifted_attendance_count_fails_the_check_is_mailed_and_rebuild_recounts(
    places, mailoutbox
):
    from supporters.tasks import rollup_check_task
    from tests.factories import UserFactory

    tottori, _east, _west = places
    UserFactory(roles=["事務局"], is_staff=True, email="jimu@example.jp")
    session = past_session(municipality=tottori, title="養成研修（東）")
    Attendance.objects.create(session=session, supporter=SupporterFactory(municipality=tottori))
    SessionAttendanceCount.objects.filter(session=session).update(attendances=7)

    with pytest.raises(CommandError, match="1 session attendance count"):
        call_command("supporters_check_rollups")
    assert rollup_check_task() == 1
    [mail] = mailoutbox
    assert "研修の出席者数の集計が出席記録と一致しない研修が 1 件" in mail.body
    assert "養成研修（東）：出席記録 1 人、集計 7 人" in mail.body

    call_command("supporters_check_rollups", "--rebuild")
    assert _kept(session) == 1
