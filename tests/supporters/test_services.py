import datetime
import threading
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from core import periods
from core.models import Notification
from reports.selectors import platform_counts
from supporters import selectors, services
from supporters.models import (
    Attendance,
    Certificate,
    NoticeRecipient,
    Registration,
    Supporter,
    TrainingSession,
)
from tests.conftest import pdf_text, requires_postgres
from tests.factories import MunicipalityFactory, StaffFactory, SupporterFactory

from .factories import (
    RegistrationFactory,
    SchoolDistrictFactory,
    TrainingSessionFactory,
    at,
    consent,
    past_session,
    signup_data,
)

pytestmark = pytest.mark.django_db


def _signup(session, **overrides):
    return services.registration_create(
        session_id=session.pk,
        data=signup_data(session.municipality, **overrides),
        token=uuid.uuid4(),
    )


# --- Sign-up ------------------------------------------------------------------------------------


def test_signup_sends_confirmation_after_commit(django_capture_on_commit_callbacks):
    session = TrainingSessionFactory(title="鳥取会場の研修")

    with django_capture_on_commit_callbacks(execute=True):
        registration, created = _signup(session)

    assert created
    assert registration.consent_text == consent()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hanako@example.jp"]
    assert "鳥取会場の研修" in mail.outbox[0].subject
    assert "因幡 花子" in mail.outbox[0].body


def test_same_token_twice_creates_one_registration(django_capture_on_commit_callbacks):
    session = TrainingSessionFactory()
    token = uuid.uuid4()
    data = signup_data(session.municipality)

    with django_capture_on_commit_callbacks(execute=True):
        first, created_first = services.registration_create(
            session_id=session.pk, data=data, token=token
        )
        second, created_second = services.registration_create(
            session_id=session.pk, data=data, token=token
        )

    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1


def test_same_email_cannot_sign_up_twice_for_a_session():
    session = TrainingSessionFactory()
    _signup(session, email="Hanako@Example.jp")

    with pytest.raises(ValidationError, match="この研修に既に申し込まれています") as excinfo:
        _signup(session, email="hanako@example.jp ")

    assert "既に" in str(excinfo.value.message_dict["email"])


def test_database_refuses_double_registration_even_without_the_service():
    registration = RegistrationFactory(email="a@example.jp")

    with pytest.raises(IntegrityError):
        RegistrationFactory(session=registration.session, email="A@example.jp")


def test_capacity_exactly_full_then_one_more_is_refused():
    session = TrainingSessionFactory(capacity=2)
    _signup(session, email="one@example.jp")
    _signup(session, email="two@example.jp")  # the last seat

    with pytest.raises(ValidationError, match="この研修は定員に達しました") as excinfo:
        _signup(session, email="three@example.jp")

    assert "定員" in " ".join(excinfo.value.messages)
    assert session.registrations.count() == 2


def test_cancelled_signups_free_their_seat():
    session = TrainingSessionFactory(capacity=1)
    registration, _ = _signup(session, email="one@example.jp")
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)

    _signup(session, email="one@example.jp")

    assert session.registrations.filter(status=Registration.Status.REGISTERED).count() == 1


def test_signup_closed_once_the_session_started():
    session = TrainingSessionFactory(
        starts_at=timezone.now() - datetime.timedelta(minutes=1),
        ends_at=timezone.now() + datetime.timedelta(hours=2),
    )

    with pytest.raises(ValidationError, match="この研修の申込は締め切りました") as excinfo:
        _signup(session)

    assert "締め切" in " ".join(excinfo.value.messages)


def test_line_name_is_required_when_receiving_by_line():
    session = TrainingSessionFactory()

    with pytest.raises(ValidationError, match="LINE名を入力してください") as excinfo:
        _signup(session, receives_line=True, line_name="")

    assert "line_name" in excinfo.value.message_dict


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_capacity_holds_when_two_people_take_the_last_seat_at_once():
    session = TrainingSessionFactory(capacity=1)
    results = []
    barrier = threading.Barrier(2)

    def sign_up(email):
        barrier.wait()
        try:
            _signup(session, email=email)
            results.append("ok")
        except ValidationError:
            results.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(f"p{i}@example.jp",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["full", "ok"]
    assert session.registrations.count() == 1


# --- Reminders ----------------------------------------------------------------------------------


def test_day_before_reminder_goes_once_and_only_for_tomorrow():
    today = datetime.date(2026, 3, 30)
    tomorrow_session = TrainingSessionFactory(starts_at=at(datetime.date(2026, 3, 31), 10))
    later_session = TrainingSessionFactory(starts_at=at(datetime.date(2026, 4, 1), 10))
    RegistrationFactory(session=tomorrow_session, email="tomorrow@example.jp")
    RegistrationFactory(session=later_session, email="later@example.jp")

    assert services.training_reminders_send(on=today) == 1
    assert services.training_reminders_send(on=today) == 0  # idempotent

    assert [m.to for m in mail.outbox] == [["tomorrow@example.jp"]]
    assert "明日" in mail.outbox[0].subject


# --- Attendance, certificates, badges -----------------------------------------------------------


def test_attendance_turns_signups_and_walk_ins_into_registered_supporters():
    staff = StaffFactory()
    session = past_session()
    registration = RegistrationFactory(session=session, email="r@example.jp")
    RegistrationFactory(session=session, email="absent@example.jp")
    district = SchoolDistrictFactory(municipality=session.municipality)
    walk_in = {
        "full_name": "飛込 次郎",
        "full_name_kana": "とびこみ じろう",
        "email": "",
        "phone": "090-0000-0000",
        "municipality": session.municipality,
        "district": district,
        "affiliation": "welfare_commissioner",
        "receives_line": True,
        "line_name": "じろう",
        "consent_text": consent(),
    }

    created = services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[walk_in], actor=staff
    )

    assert len(created) == 2
    held_on = timezone.localdate() - datetime.timedelta(days=1)
    from_signup = Supporter.objects.get(email="r@example.jp")
    walked_in = Supporter.objects.get(full_name="飛込 次郎")
    assert from_signup.registered_on == held_on
    assert from_signup.last_trained_on == held_on
    assert walked_in.consent_text == consent() and walked_in.consented_at is not None
    assert walked_in.district == district
    assert Attendance.objects.get(supporter=walked_in).walk_in
    registration.refresh_from_db()
    assert registration.supporter == from_signup
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.HELD


def test_recording_the_same_attendance_twice_adds_nothing():
    session = past_session()
    registration = RegistrationFactory(session=session)
    services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )

    again = services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )

    assert again == []
    assert Attendance.objects.count() == 1
    assert Supporter.objects.count() == 1


def test_refresher_attendance_updates_the_existing_supporter():
    supporter = SupporterFactory(
        full_name="更新 花子", email="old@example.jp", last_trained_on=datetime.date(2023, 1, 1)
    )
    session = past_session(kind=TrainingSession.Kind.REFRESHER)
    registration = RegistrationFactory(
        session=session, full_name="更新　花子", email="OLD@example.jp"
    )  # full-width space this time

    services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )

    supporter.refresh_from_db()
    assert Supporter.objects.count() == 1
    assert supporter.last_trained_on == timezone.localdate() - datetime.timedelta(days=1)


def test_attendance_cannot_be_recorded_before_the_day():
    session = TrainingSessionFactory(
        starts_at=at(timezone.localdate() + datetime.timedelta(days=1))
    )

    with pytest.raises(ValidationError, match="出席は研修の当日から記録できます"):
        services.session_attendance_record(
            session=session, registration_ids=[], walk_ins=[], actor=None
        )


def test_attendance_can_be_recorded_on_the_day():
    session = TrainingSessionFactory(
        starts_at=at(timezone.localdate(), 0), ends_at=at(timezone.localdate(), 23)
    )
    registration = RegistrationFactory(session=session)

    created = services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )

    assert len(created) == 1


def test_walk_in_without_consent_is_refused():
    session = past_session()

    with pytest.raises(ValidationError, match="同意 なし さんの同意が記録されていません"):
        services.session_attendance_record(
            session=session,
            registration_ids=[],
            walk_ins=[{"full_name": "同意 なし", "consent_text": None}],
            actor=None,
        )


def test_certificates_are_serially_numbered_across_sessions_and_issued_once():
    staff = StaffFactory()
    first, second = past_session(), past_session()
    for session in (first, second):
        regs = RegistrationFactory.create_batch(2, session=session)
        services.session_attendance_record(
            session=session, registration_ids=[r.pk for r in regs], walk_ins=[], actor=staff
        )

    a = services.certificates_issue(session=first, actor=staff, on=datetime.date(2026, 3, 31))
    b = services.certificates_issue(session=second, actor=staff, on=datetime.date(2026, 4, 1))

    assert [c.number for c in a + b] == [1, 2, 3, 4]
    assert a[0].serial == "第00001号"
    with pytest.raises(ValidationError, match="全員に修了証を発行済みです"):
        services.certificates_issue(session=first, actor=staff)
    assert Certificate.objects.count() == 4


def test_certificate_pdf_has_name_session_serial_and_reiwa_date(tmp_path):

    session = past_session(title="富桑地区つながりサポーター養成研修")
    registration = RegistrationFactory(session=session, full_name="鳥取 一郎")
    services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )
    certificates = services.certificates_issue(
        session=session, actor=None, on=datetime.date(2026, 3, 31)
    )

    pdf = services.certificates_render(certificates=certificates)
    text = pdf_text(pdf)
    flat = "".join(text.split())  # long titles wrap across lines

    assert "修了証" in text
    assert "鳥取 一郎" in text
    assert "富桑地区つながりサポーター養成研修" in flat
    assert "第00001号" in text
    assert "令和8年3月31日" in text


def test_badge_is_recorded_once():
    supporter = SupporterFactory()

    assert (
        services.badges_hand_out(supporters=[supporter], on=datetime.date(2026, 3, 1), actor=None)
        == 1
    )
    assert (
        services.badges_hand_out(supporters=[supporter], on=datetime.date(2026, 3, 2), actor=None)
        == 0
    )
    supporter.refresh_from_db()
    assert supporter.badge_handed_on == datetime.date(2026, 3, 1)


# --- Status, withdrawal, erasure, counts ----------------------------------------------------------


def test_withdrawn_supporters_leave_the_platform_counts_but_paused_stay():
    town = MunicipalityFactory(name="智頭町")
    SupporterFactory(municipality=town)
    paused = SupporterFactory(municipality=town)
    withdrawn = SupporterFactory(municipality=town)
    services.supporter_set_status(
        supporter=paused, status=Supporter.Status.PAUSED, on=datetime.date(2026, 1, 1), actor=None
    )
    services.supporter_withdraw(
        supporter=withdrawn, on=datetime.date(2026, 1, 1), erase=False, actor=None
    )

    counts = platform_counts()

    assert counts["supporters"] == 2
    row = next(m for m in counts["municipalities"] if m["name"] == "智頭町")
    assert row["supporters"] == 2


def test_erasure_removes_personal_data_but_keeps_past_training_counts():
    session = past_session()
    registration = RegistrationFactory(
        session=session, full_name="削除 希望", email="erase@example.jp", phone="0857"
    )
    services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )
    services.certificates_issue(session=session, actor=None)
    supporter = Supporter.objects.get()
    notice = services.notice_create(subject="お知らせ", body="本文", actor=None)
    services.notice_send(notice=notice)
    fy_before = selectors.trainings_per_fiscal_year()

    services.supporter_withdraw(
        supporter=supporter, on=timezone.localdate(), erase=True, actor=None
    )

    supporter.refresh_from_db()
    registration.refresh_from_db()
    assert supporter.status == Supporter.Status.WITHDRAWN
    assert supporter.full_name == "（削除済み）" and supporter.email == "" and supporter.phone == ""
    assert registration.full_name == "（削除済み）" and "erase@" not in registration.email
    assert Certificate.objects.get().name_on_certificate == "（削除済み）"
    assert NoticeRecipient.objects.get().email == ""
    assert not Notification.objects.filter(recipient="erase@example.jp").exists()
    # Supporter history never stores names; the sign-up's history is where they could leak.
    registration_history = [str(row) for row in registration.history.values()]
    assert registration_history
    assert all("削除 希望" not in row and "erase@" not in row for row in registration_history)
    assert Attendance.objects.filter(session=session).count() == 1
    assert selectors.trainings_per_fiscal_year() == fy_before


def test_withdrawal_needs_no_second_erasure():
    supporter = SupporterFactory()
    services.supporter_withdraw(
        supporter=supporter, on=timezone.localdate(), erase=True, actor=None
    )

    with pytest.raises(ValidationError, match="個人情報は既に削除されています"):
        services.supporter_withdraw(
            supporter=supporter, on=timezone.localdate(), erase=True, actor=None
        )


# --- Notices --------------------------------------------------------------------------------------


def test_notice_goes_to_the_filtered_supporters_and_records_whom(
    django_capture_on_commit_callbacks,
):
    town = MunicipalityFactory()
    district = SchoolDistrictFactory(municipality=town)
    inside = SupporterFactory(municipality=town, district=district, email="in@example.jp")
    SupporterFactory(municipality=town, email="other-district@example.jp")
    SupporterFactory(email="elsewhere@example.jp")
    SupporterFactory(municipality=town, district=district, email="")  # no address
    gone = SupporterFactory(municipality=town, district=district, email="gone@example.jp")
    services.supporter_withdraw(supporter=gone, on=timezone.localdate(), erase=False, actor=None)

    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notice_create(
            subject="研修のご案内",
            body="次回の研修は…",
            municipality=town,
            district=district,
            actor=None,
        )

    assert [m.to for m in mail.outbox] == [["in@example.jp"]]
    recipient = notice.recipients.get()
    assert recipient.supporter == inside and recipient.sent_at is not None
    assert services.notice_send(notice=notice) == 0  # nothing left to send


def test_notice_with_no_matching_supporter_is_refused():
    with pytest.raises(ValidationError, match="メールアドレスのあるサポーターがいません"):
        services.notice_create(
            subject="件名", body="本文", status=Supporter.Status.PAUSED, actor=None
        )


# --- Progress -------------------------------------------------------------------------------------


def test_fiscal_year_runs_april_to_march():
    TrainingSessionFactory(
        starts_at=at(datetime.date(2024, 3, 31)), status="held", unrecorded_participants=10
    )
    TrainingSessionFactory(
        starts_at=at(datetime.date(2024, 4, 1)), status="held", unrecorded_participants=7
    )

    rows = selectors.trainings_per_fiscal_year()

    assert rows == [
        {"fiscal_year": 2023, "label": "令和5年度（2023年度）", "sessions": 1, "participants": 10},
        {"fiscal_year": 2024, "label": "令和6年度（2024年度）", "sessions": 1, "participants": 7},
    ]


def test_district_progress_counts_against_target():
    district = SchoolDistrictFactory(target=20, name="東中学校区")
    SupporterFactory.create_batch(2, district=district, municipality=district.municipality)
    gone = SupporterFactory(district=district, municipality=district.municipality)
    services.supporter_withdraw(supporter=gone, on=timezone.localdate(), erase=False, actor=None)

    row = next(r for r in selectors.district_progress() if r["name"] == "東中学校区")

    assert (row["count"], row["target"], row["percent"]) == (2, 20, 10)


def test_registrations_per_month_includes_empty_months():
    SupporterFactory(registered_on=datetime.date(2026, 1, 15))
    SupporterFactory(registered_on=datetime.date(2026, 3, 1))

    rows = selectors.registrations_per_month(months=3, today=datetime.date(2026, 3, 31))

    assert [(r["month"].month, r["count"]) for r in rows] == [(1, 1), (2, 0), (3, 1)]


def test_add_months_clamps_to_month_end():
    assert periods.add_months(datetime.date(2024, 3, 31), -1) == datetime.date(2024, 2, 29)
    assert periods.add_months(datetime.date(2024, 1, 31), 24) == datetime.date(2026, 1, 31)
