"""Safeguards from the supporters review: double submits, erasure scope, read-only admin paths,
refresher dates at month ends, export queries and who may open which page."""

import datetime
import threading
import uuid

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import periods, roles
from supporters import selectors, services
from supporters.models import (
    Attendance,
    Registration,
    Supporter,
    SupporterNotice,
    SupporterRuleSet,
    TrainingSession,
    TsunagariMeeting,
)
from tests.conftest import requires_postgres
from tests.factories import MunicipalityFactory, SupporterFactory, UserFactory

from .factories import (
    RegistrationFactory,
    SchoolDistrictFactory,
    TrainingSessionFactory,
    at,
    consent,
    signup_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True, roles=[roles.SECRETARIAT])
    client.force_login(user)
    return user


def _past_session(**kwargs):
    return TrainingSessionFactory(
        starts_at=at(timezone.localdate() - datetime.timedelta(days=1)), **kwargs
    )


def _rules(interval=24, reminder=30, valid_from=datetime.date(2020, 4, 1), replace=True):
    if replace:
        SupporterRuleSet.objects.all().delete()
    return SupporterRuleSet.objects.create(
        valid_from=valid_from,
        refresher_interval_months=interval,
        refresher_reminder_days=reminder,
        signup_limit_per_hour=5,
    )


# --- Sign-up: the same token twice at once (B3) ---------------------------------------------------


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_arriving_at_once_records_one_signup_and_shows_no_error():
    session = TrainingSessionFactory()
    token = uuid.uuid4()
    data = signup_data(session.municipality)
    results = []
    barrier = threading.Barrier(2)

    def submit():
        barrier.wait()
        try:
            registration, created = services.registration_create(
                session_id=session.pk, data=data, token=token
            )
            results.append((registration.pk, created))
        except ValidationError as exc:
            results.append(("error", exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r for r in results if r[0] == "error"] == []  # the second click shows no error
    registration = Registration.objects.get()
    assert sorted(results, key=lambda r: r[1]) == [
        (registration.pk, False),
        (registration.pk, True),
    ]


def test_a_token_used_for_another_session_is_refused():
    first, second = TrainingSessionFactory(), TrainingSessionFactory()
    token = uuid.uuid4()
    services.registration_create(
        session_id=first.pk, data=signup_data(first.municipality), token=token
    )

    with pytest.raises(ValidationError):
        services.registration_create(
            session_id=second.pk, data=signup_data(second.municipality), token=token
        )

    assert second.registrations.count() == 0


# --- Walk-ins (B4) --------------------------------------------------------------------------------


def _walk_in(municipality, **overrides):
    return {
        "full_name": "当日 三郎",
        "full_name_kana": "とうじつ さぶろう",
        "email": "",
        "phone": "",
        "municipality": municipality,
        "district": None,
        "affiliation": "resident",
        "receives_line": False,
        "line_name": "",
        "consent_text": consent(),
        **overrides,
    }


def test_a_supporter_walking_in_for_a_refresher_stays_one_supporter_by_email():
    supporter = SupporterFactory(
        full_name="当日 三郎", email="known@example.jp", last_trained_on=datetime.date(2023, 1, 1)
    )
    session = _past_session()  # another municipality: the e-mail and the name decide

    services.session_attendance_record(
        session=session,
        registration_ids=[],
        walk_ins=[_walk_in(session.municipality, email="KNOWN@example.jp")],
        actor=None,
    )

    assert Supporter.objects.count() == 1
    supporter.refresh_from_db()
    assert supporter.last_trained_on == timezone.localdate() - datetime.timedelta(days=1)
    assert Attendance.objects.get().supporter == supporter


def test_a_family_member_sharing_the_address_becomes_a_supporter_of_their_own():
    mother = SupporterFactory(full_name="因幡 花子", email="family@example.jp")
    session = _past_session(municipality=mother.municipality)
    daughter = RegistrationFactory(
        session=session,
        full_name="因幡 桃子",
        full_name_kana="いなば ももこ",
        email="family@example.jp",
    )

    services.session_attendance_record(
        session=session,
        registration_ids=[daughter.pk],
        walk_ins=[_walk_in(session.municipality, email="family@example.jp")],
        actor=None,
    )

    assert Supporter.objects.count() == 3
    assert not mother.attendances.exists()
    daughter.refresh_from_db()
    assert daughter.supporter.full_name == "因幡 桃子"


def test_a_walk_in_without_email_matches_name_kana_and_municipality_folded():
    town = MunicipalityFactory()
    supporter = SupporterFactory(
        full_name="当日 三郎", full_name_kana="トウジツ サブロウ", municipality=town, email=""
    )
    namesake_elsewhere = SupporterFactory(
        full_name="当日 三郎", full_name_kana="とうじつ さぶろう", email=""
    )
    session = _past_session(municipality=town)

    services.session_attendance_record(
        session=session, registration_ids=[], walk_ins=[_walk_in(town)], actor=None
    )

    assert Supporter.objects.count() == 2
    assert Attendance.objects.get().supporter == supporter
    assert not namesake_elsewhere.attendances.exists()


def test_a_withdrawn_namesake_is_not_reused_for_a_walk_in():
    town = MunicipalityFactory()
    gone = SupporterFactory(
        full_name="当日 三郎", full_name_kana="とうじつ さぶろう", municipality=town
    )
    services.supporter_withdraw(supporter=gone, on=timezone.localdate(), erase=False, actor=None)
    session = _past_session(municipality=town)

    services.session_attendance_record(
        session=session, registration_ids=[], walk_ins=[_walk_in(town)], actor=None
    )

    assert Attendance.objects.get().supporter != gone


def _attendance_post(session, token):
    return {
        "action": "attendance",
        "token": token,
        "walkin-TOTAL_FORMS": "1",
        "walkin-INITIAL_FORMS": "0",
        "walkin-0-full_name": "当日 三郎",
        "walkin-0-full_name_kana": "とうじつ さぶろう",
        "walkin-0-municipality": str(session.municipality.pk),
        "walkin-0-affiliation": "resident",
        "walkin-0-consent": "on",
    }


def test_double_submitted_attendance_form_records_one_walk_in(client, secretariat):
    session = _past_session()
    url = reverse("admin:supporters_trainingsession_attendance", args=[session.pk])
    token = str(uuid.uuid4())
    assert 'name="token"' in client.get(url).content.decode()

    client.post(url, _attendance_post(session, token))
    client.post(url, _attendance_post(session, token))

    assert Supporter.objects.count() == 1
    assert Attendance.objects.count() == 1


def test_the_same_walk_in_entered_again_in_a_new_form_is_the_same_supporter(client, secretariat):
    session = _past_session()
    url = reverse("admin:supporters_trainingsession_attendance", args=[session.pk])

    client.post(url, _attendance_post(session, str(uuid.uuid4())))
    client.post(url, _attendance_post(session, str(uuid.uuid4())))

    assert Supporter.objects.count() == 1
    assert Attendance.objects.count() == 1


# --- Withdrawal and erasure (B5, B6, B7, T6) ------------------------------------------------------


def _supporter_with_history(name="削除 希望", email="erase@example.jp"):
    """A supporter made from a sign-up for a past session, with a certificate."""
    session = _past_session()
    registration = RegistrationFactory(
        session=session, full_name=name, full_name_kana="さくじょ きぼう", email=email
    )
    services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )
    services.certificates_issue(session=session, actor=None)
    return Supporter.objects.get(full_name=name), registration


def test_withdrawal_cancels_sign_ups_for_sessions_not_yet_started_only():
    supporter, past = _supporter_with_history()
    upcoming_session = TrainingSessionFactory(capacity=1)
    upcoming = RegistrationFactory(
        session=upcoming_session,
        full_name=supporter.full_name,
        full_name_kana=supporter.full_name_kana,
        email=supporter.email,
    )

    services.supporter_withdraw(
        supporter=supporter, on=timezone.localdate(), erase=False, actor=None
    )

    upcoming.refresh_from_db()
    past.refresh_from_db()
    assert upcoming.status == Registration.Status.CANCELLED
    assert past.status == Registration.Status.REGISTERED  # history of what happened stays
    # The seat is free again, and the day-before reminder does not go out.
    services.registration_create(
        session_id=upcoming_session.pk,
        data=signup_data(upcoming_session.municipality, email="next@example.jp"),
        token=uuid.uuid4(),
    )
    day_before = timezone.localtime(upcoming_session.starts_at).date() - datetime.timedelta(days=1)
    mail.outbox.clear()
    services.training_reminders_send(on=day_before)
    assert [m.to for m in mail.outbox] == [["next@example.jp"]]


def test_withdrawal_cancels_a_session_starting_in_a_minute_but_not_one_that_just_started():
    supporter = SupporterFactory(full_name="退会 一郎", full_name_kana="たいかい いちろう")
    now = timezone.now()
    starting = TrainingSessionFactory(starts_at=now + datetime.timedelta(minutes=1))
    started = TrainingSessionFactory(starts_at=now - datetime.timedelta(minutes=1))
    registrations = [
        RegistrationFactory(
            session=session,
            full_name="退会 一郎",
            full_name_kana="たいかい いちろう",
            email=supporter.email,
        )
        for session in (starting, started)
    ]

    services.supporter_withdraw(
        supporter=supporter, on=timezone.localdate(), erase=False, actor=None
    )

    for registration in registrations:
        registration.refresh_from_db()
    assert [r.status for r in registrations] == ["cancelled", "registered"]


def test_erasure_leaves_other_people_sharing_the_address_alone():
    supporter, _ = _supporter_with_history(email="family@example.jp")
    relative = RegistrationFactory(
        session=TrainingSessionFactory(),
        full_name="家族 花子",
        full_name_kana="かぞく はなこ",
        email="Family@example.jp",
    )

    services.supporter_withdraw(
        supporter=supporter, on=timezone.localdate(), erase=True, actor=None
    )

    relative.refresh_from_db()
    assert relative.full_name == "家族 花子" and relative.email == "Family@example.jp"
    assert relative.status == Registration.Status.REGISTERED


def test_erasure_reaches_unlinked_sign_ups_of_the_same_person_with_name_folded():
    supporter, _ = _supporter_with_history()
    later = RegistrationFactory(
        session=TrainingSessionFactory(),
        full_name=supporter.full_name,
        full_name_kana="サクジョ キボウ",  # katakana this time
        email="ERASE@example.jp",
    )

    services.supporter_withdraw(
        supporter=supporter, on=timezone.localdate(), erase=True, actor=None
    )

    later.refresh_from_db()
    assert later.full_name == "（削除済み）" and "erase@" not in later.email.casefold()
    assert later.status == Registration.Status.CANCELLED


def test_erasure_blanks_attendance_names_in_the_admin_log_and_history():
    supporter, registration = _supporter_with_history()
    attendance = Attendance.objects.get()
    assert "削除" not in str(attendance)  # the admin log copies str(); ids only
    old_repr = f"{supporter.full_name} / {attendance.session}"  # as logged before the fix
    LogEntry.objects.create(
        user=UserFactory(),
        content_type=ContentType.objects.get_for_model(Attendance),
        object_id=str(attendance.pk),
        object_repr=old_repr,
        action_flag=ADDITION,
        change_message="",
    )

    services.supporter_withdraw(
        supporter=supporter, on=timezone.localdate(), erase=True, actor=None
    )

    assert not LogEntry.objects.filter(object_repr__contains="削除 希望").exists()
    registration_history = [str(row) for row in registration.history.values()]
    assert registration_history and all("削除 希望" not in row for row in registration_history)
    assert all("erase@" not in row for row in registration_history)
    attendance_history = [str(row) for row in attendance.history.values()]
    assert all("削除 希望" not in row for row in attendance_history)


# --- Admin write paths (B8, B9, B10) --------------------------------------------------------------


def _supporter_form(supporter, **overrides):
    return {
        "full_name": "変更 太郎",
        "full_name_kana": "へんこう たろう",
        "email": "",
        "phone": "",
        "municipality": str(supporter.municipality_id),
        "district": "",
        "affiliation": "resident",
        "affiliation_detail": "",
        "line_name": "",
        "consent_text": "",
        "registered_on": "2026-03-31",
        "badge_handed_on": "",
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
        **overrides,
    }


def test_an_erased_supporter_is_read_only_in_the_admin(client, secretariat):
    supporter = SupporterFactory()
    services.supporter_withdraw(
        supporter=supporter, on=timezone.localdate(), erase=True, actor=None
    )
    url = reverse("admin:supporters_supporter_change", args=[supporter.pk])

    assert client.get(url).status_code == 200  # still viewable
    response = client.post(url, _supporter_form(supporter))

    assert response.status_code == 403
    supporter.refresh_from_db()
    assert supporter.full_name == "（削除済み）"


def test_erased_meanwhile_shows_a_form_error_instead_of_a_server_error(client, secretariat):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    supporter = SupporterFactory()
    admin = site._registry[Supporter]
    request = RequestFactory().post("/")
    request.user = secretariat
    form_class = admin.get_form(request, supporter, change=True)
    Supporter.objects.filter(pk=supporter.pk).update(anonymised_at=timezone.now())
    supporter.refresh_from_db()

    form = form_class(_supporter_form(supporter), instance=supporter)

    assert not form.is_valid()
    assert "既に削除" in str(form.errors)


def test_registration_admin_cannot_add_edit_or_delete(client, secretariat):
    registration = RegistrationFactory()
    change = reverse("admin:supporters_registration_change", args=[registration.pk])

    assert client.get(reverse("admin:supporters_registration_add")).status_code == 403
    assert client.get(change).status_code == 200  # read-only view
    response = client.post(change, {"full_name": "書換", "email": "x@example.jp"})
    assert response.status_code == 403
    delete = reverse("admin:supporters_registration_delete", args=[registration.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    registration.refresh_from_db()
    assert registration.full_name != "書換"


def _registration_action(client, action, registration):
    return client.post(
        reverse("admin:supporters_registration_changelist"),
        {"action": action, "_selected_action": [registration.pk]},
        follow=True,
    )


def test_cancel_and_reinstate_a_sign_up_through_the_actions(client, secretariat):
    registration = RegistrationFactory(session=TrainingSessionFactory(capacity=1))

    _registration_action(client, "cancel", registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

    _registration_action(client, "reactivate", registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


def test_reinstating_into_a_full_session_is_refused_with_a_message(client, secretariat):
    session = TrainingSessionFactory(capacity=1)
    registration = RegistrationFactory(session=session)
    _registration_action(client, "cancel", registration)
    RegistrationFactory(session=session)  # the freed seat is taken: exactly full

    response = _registration_action(client, "reactivate", registration)

    assert response.status_code == 200
    assert "定員に達しました" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_reinstating_when_the_address_signed_up_again_is_refused(client, secretariat):
    session = TrainingSessionFactory(capacity=5)
    registration = RegistrationFactory(session=session, email="again@example.jp")
    _registration_action(client, "cancel", registration)
    RegistrationFactory(session=session, email="again@example.jp")

    response = _registration_action(client, "reactivate", registration)

    assert response.status_code == 200
    assert "既に申し込まれています" in response.content.decode()
    assert session.registrations.filter(status="registered").count() == 1


def test_attendance_admin_is_read_only(client, secretariat):
    session = _past_session()
    registration = RegistrationFactory(session=session)
    services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )
    attendance = Attendance.objects.get()

    assert client.get(reverse("admin:supporters_attendance_add")).status_code == 403
    change = reverse("admin:supporters_attendance_change", args=[attendance.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"walk_in": "on"}).status_code == 403
    delete = reverse("admin:supporters_attendance_delete", args=[attendance.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Attendance.objects.filter(pk=attendance.pk, walk_in=False).exists()


# --- Refresher due dates (B11, B12, T1) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("interval", "trained", "due"),
    [
        (1, datetime.date(2024, 1, 31), datetime.date(2024, 2, 29)),  # leap-year month end
        (1, datetime.date(2023, 1, 31), datetime.date(2023, 2, 28)),
        (12, datetime.date(2024, 2, 29), datetime.date(2025, 2, 28)),
        (1, datetime.date(2024, 3, 31), datetime.date(2024, 4, 30)),
        (24, datetime.date(2024, 3, 31), datetime.date(2026, 3, 31)),
    ],
)
def test_refresher_is_due_on_the_due_date_and_not_the_day_before(interval, trained, due):
    rules = _rules(interval=interval)
    supporter = SupporterFactory(last_trained_on=trained, registered_on=trained)

    assert selectors.refresher_due_on(supporter, rules) == due
    assert supporter not in selectors.supporters_refresher_due(
        on=due - datetime.timedelta(days=1), rules=rules
    )
    assert supporter in selectors.supporters_refresher_due(on=due, rules=rules)
    assert supporter in selectors.supporters_refresher_due(
        on=due + datetime.timedelta(days=1), rules=rules
    )


@pytest.mark.parametrize("interval", [1, 12, 24])
def test_due_cutoff_is_the_exact_inverse_of_the_due_date_every_day_of_six_years(interval):
    rules = SupporterRuleSet(refresher_interval_months=interval)
    day = datetime.date(2023, 1, 1)
    while day < datetime.date(2029, 1, 1):
        cutoff = selectors.refresher_due_cutoff(day, rules)
        assert periods.add_months(cutoff, interval) <= day, day
        assert periods.add_months(cutoff + datetime.timedelta(days=1), interval) > day, day
        day += datetime.timedelta(days=1)


def test_supporters_never_trained_count_from_their_registration_day():
    rules = _rules(interval=24)
    due = SupporterFactory(last_trained_on=None, registered_on=datetime.date(2024, 3, 31))
    not_yet = SupporterFactory(last_trained_on=None, registered_on=datetime.date(2024, 4, 1))

    result = set(selectors.supporters_refresher_due(on=datetime.date(2026, 3, 31), rules=rules))

    assert due in result and not_yet not in result


def test_refresher_reminder_for_a_never_trained_supporter_names_the_due_date():
    _rules(interval=24, reminder=30)
    SupporterFactory(
        last_trained_on=None, registered_on=datetime.date(2024, 5, 1), email="n@example.jp"
    )

    assert services.refresher_reminders_send(on=datetime.date(2026, 3, 31)) == 0
    assert services.refresher_reminders_send(on=datetime.date(2026, 4, 1)) == 1
    assert "2026年5月1日" in mail.outbox[0].body


def test_the_rule_set_in_force_on_the_day_is_used_not_a_later_one():
    _rules(interval=24, valid_from=datetime.date(2020, 4, 1))
    _rules(interval=12, valid_from=datetime.date(2026, 4, 1), replace=False)
    supporter = SupporterFactory(last_trained_on=datetime.date(2025, 3, 31))

    # The day before the new rules: 24 months apply, so not due yet.
    assert supporter not in selectors.supporters_refresher_due(on=datetime.date(2026, 3, 31))
    # From their first day: 12 months apply.
    assert supporter in selectors.supporters_refresher_due(on=datetime.date(2026, 4, 1))


def test_with_only_a_future_rule_set_the_pages_work_and_nobody_is_due(client, secretariat):
    SupporterRuleSet.objects.all().delete()
    _rules(interval=12, valid_from=timezone.localdate() + datetime.timedelta(days=1), replace=False)
    SupporterFactory(full_name="古い 受講", last_trained_on=datetime.date(2000, 1, 1))
    url = reverse("admin:supporters_supporter_changelist")

    assert "古い 受講" in client.get(url).content.decode()
    assert "古い 受講" not in client.get(url + "?refresher=due").content.decode()
    assert services.refresher_reminders_send(on=timezone.localdate()) == 0


# --- Notices (B13) --------------------------------------------------------------------------------


def test_a_double_submitted_notice_form_records_and_sends_once(
    client, secretariat, django_capture_on_commit_callbacks
):
    SupporterFactory(email="a@example.jp")
    data = {
        "subject": "研修のお知らせ",
        "body": "本文",
        "municipality": "",
        "district": "",
        "status_filter": "",
        "form_token": str(uuid.uuid4()),
    }
    url = reverse("admin:supporters_supporternotice_add")

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
        second = client.post(url, data)

    assert first.status_code == 302 and second.status_code == 302
    assert SupporterNotice.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["a@example.jp"]]


def test_notice_district_outside_the_municipality_is_shown_at_the_field(client, secretariat):
    town = MunicipalityFactory()
    SupporterFactory(municipality=town, email="a@example.jp")
    elsewhere = SchoolDistrictFactory()

    response = client.post(
        reverse("admin:supporters_supporternotice_add"),
        {
            "subject": "件名",
            "body": "本文",
            "municipality": str(town.pk),
            "district": str(elsewhere.pk),
            "status_filter": "",
            "form_token": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 200
    assert "この中学校区は選んだ市町にありません。" in response.content.decode()
    assert SupporterNotice.objects.count() == 0


# --- One check for places and LINE names (minor, duplication) -------------------------------------


def test_partial_update_is_checked_against_the_stored_municipality():
    supporter = SupporterFactory()
    elsewhere = SchoolDistrictFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.supporter_update(supporter=supporter, data={"district": elsewhere}, actor=None)

    assert "district" in excinfo.value.message_dict
    supporter.refresh_from_db()
    assert supporter.district is None


def test_turning_line_off_alone_is_checked_against_the_stored_line_name():
    supporter = SupporterFactory(receives_line=True, line_name="たろう")

    with pytest.raises(ValidationError) as excinfo:  # not a database error
        services.supporter_update(supporter=supporter, data={"receives_line": False}, actor=None)

    assert "line_name" in excinfo.value.message_dict
    supporter.refresh_from_db()
    assert supporter.receives_line


def test_a_district_in_the_municipality_is_accepted_on_partial_update():
    supporter = SupporterFactory()
    district = SchoolDistrictFactory(municipality=supporter.municipality)

    services.supporter_update(supporter=supporter, data={"district": district}, actor=None)

    supporter.refresh_from_db()
    assert supporter.district == district


def _meeting_form(town, district):
    return {
        "held_on": "2026-03-31",
        "venue": "公民館",
        "municipality": str(town.pk),
        "district": str(district.pk),
        "resident_participants": "10",
        "student_participants": "3",
        "notes": "",
    }


def test_tsunagari_meeting_district_must_be_in_its_municipality(client, secretariat):
    town = MunicipalityFactory()
    url = reverse("admin:supporters_tsunagarimeeting_add")

    refused = client.post(url, _meeting_form(town, SchoolDistrictFactory()))
    assert "この中学校区は選んだ市町にありません。" in refused.content.decode()
    assert TsunagariMeeting.objects.count() == 0

    accepted = client.post(url, _meeting_form(town, SchoolDistrictFactory(municipality=town)))
    assert accepted.status_code == 302
    assert TsunagariMeeting.objects.get().resident_participants == 10


def test_training_session_service_refuses_an_end_before_the_start():
    town = MunicipalityFactory()
    start = at(datetime.date(2026, 5, 1), 13)

    with pytest.raises(ValidationError) as excinfo:
        services.training_session_save(
            session=TrainingSession(),
            data={
                "kind": "initial",
                "title": "研修",
                "starts_at": start,
                "ends_at": start,  # exactly the start: refused
                "venue": "会場",
                "municipality": town,
                "district": SchoolDistrictFactory(),
                "audience": "どなたでも",
                "capacity": 10,
            },
            actor=None,
        )

    assert set(excinfo.value.message_dict) == {"ends_at", "district"}
    assert TrainingSession.objects.count() == 0


def test_import_refuses_a_line_name_without_line_through_the_same_check():
    import tablib

    from supporters.resources import SupporterResource

    MunicipalityFactory(name="八頭町")
    headers = ["氏名", "ふりがな", "市町", "LINE受信", "LINE名", "登録日"]
    rows = [("八頭 一", "やず はじめ", "八頭町", "いいえ", "はじめ", "2024-01-01")]

    result = SupporterResource().import_data(
        tablib.Dataset(*rows, headers=headers),
        dry_run=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )

    assert result.has_validation_errors()
    messages = " ".join(str(m) for ms in result.invalid_rows[0].error_dict.values() for m in ms)
    assert "LINE名は、LINEで情報を受け取る方のみ登録できます。" in messages


# --- Exports (B15, Japanese labels) ---------------------------------------------------------------


def _rows(model_name, count):
    town = MunicipalityFactory()
    district = SchoolDistrictFactory(municipality=town)
    if model_name == "supporter":
        SupporterFactory.create_batch(
            count, municipality=town, district=district, consent_text=consent()
        )
    elif model_name == "trainingsession":
        TrainingSessionFactory.create_batch(count, municipality=town, district=district)
    elif model_name == "tsunagarimeeting":
        for _ in range(count):
            TsunagariMeeting.objects.create(
                held_on=datetime.date(2026, 3, 31),
                venue="会場",
                municipality=town,
                district=district,
            )
    elif model_name == "registration":
        session = TrainingSessionFactory(municipality=town, capacity=1000)
        RegistrationFactory.create_batch(count, session=session, district=district)
    elif model_name in ("attendance", "certificate"):
        session = _past_session(municipality=town, capacity=1000)
        regs = RegistrationFactory.create_batch(count, session=session)
        services.session_attendance_record(
            session=session, registration_ids=[r.pk for r in regs], walk_ins=[], actor=None
        )
        if model_name == "certificate":
            services.certificates_issue(session=session, actor=None)
    elif model_name == "supporternotice":
        SupporterFactory(municipality=town, district=district)
        for _ in range(count):
            services.notice_create(
                subject="件名", body="本文", municipality=town, district=district, actor=None
            )
    elif model_name == "schooldistrict":
        SchoolDistrictFactory.create_batch(count - 1, municipality=town)


def _export_every_field(client, model_name):
    from django.apps import apps
    from django.contrib.admin.sites import site

    admin = site._registry[apps.get_model("supporters", model_name)]
    resource = admin.get_export_resource_classes(None)[0]
    prefix = resource.__name__.lower()
    fields = {f"{prefix}_{name}": "on" for name in resource().get_export_order()}
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            reverse(f"admin:supporters_{model_name}_export"),
            {"format": "0", "resource": "0", **fields},
        )
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize(
    "model_name",
    [
        "supporter",
        "trainingsession",
        "tsunagarimeeting",
        "registration",
        "attendance",
        "certificate",
        "supporternotice",
        "schooldistrict",
    ],
)
def test_exports_with_every_column_issue_constant_queries_at_10_and_200_rows(
    client, secretariat, model_name
):
    _rows(model_name, 10)
    with_10, _ = _export_every_field(client, model_name)
    _rows(model_name, 190)
    with_200, response = _export_every_field(client, model_name)

    assert with_10 == with_200
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert not any(word in header for word in ("full_name", "municipality", "session__"))


def test_every_supporters_admin_uses_the_japanese_export_picker():
    from django.contrib.admin.sites import site

    from supporters.admin import SupportersModelAdmin

    admins = [a for m, a in site._registry.items() if m._meta.app_label == "supporters"]
    assert admins and all(isinstance(a, SupportersModelAdmin) for a in admins)


def test_export_field_picker_is_labelled_in_japanese(client, secretariat):
    html = client.get(reverse("admin:supporters_supporter_export")).content.decode()
    assert "氏名" in html and "ふりがな" in html
    assert "Full Name" not in html and "Kana" not in html

    html = client.get(reverse("admin:supporters_registration_export")).content.decode()
    assert "メールアドレス" in html and "Session Title" not in html and "Email" not in html


# --- Who may open what (T3) -----------------------------------------------------------------------


PERSONAL_MODELS = ["supporter", "registration", "attendance", "certificate", "supporternotice"]


@pytest.mark.parametrize(
    "role", [roles.AUDITOR, roles.COORDINATOR, roles.HUB_OPERATOR, roles.COUNCIL_MEMBER]
)
def test_other_roles_are_refused_every_page_with_supporters_personal_data(client, role):
    session = _past_session()
    registration = RegistrationFactory(session=session)
    services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )
    services.certificates_issue(session=session, actor=None)
    notice = services.notice_create(subject="件名", body="本文", actor=None)
    objects = {
        "supporter": Supporter.objects.get(),
        "registration": registration,
        "attendance": Attendance.objects.get(),
        "certificate": Attendance.objects.get().certificate,
        "supporternotice": notice,
    }
    urls = [reverse("admin:supporters_trainingsession_attendance", args=[session.pk])]
    urls.append(reverse("admin:supporters_trainingsession_certificates", args=[session.pk]))
    for model in PERSONAL_MODELS:
        pk = objects[model].pk
        urls += [
            reverse(f"admin:supporters_{model}_changelist"),
            reverse(f"admin:supporters_{model}_change", args=[pk]),
            reverse(f"admin:supporters_{model}_history", args=[pk]),
            reverse(f"admin:supporters_{model}_export"),
        ]
    user = UserFactory(is_staff=True, roles=[role])
    # Past the council members' MFA step, so the answer is about the page's own permission.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)

    for url in urls:
        assert client.get(url).status_code == 403, url
        posted = client.post(url, {"format": "0", "resource": "0", "action": "certificates"})
        assert posted.status_code == 403, url
    from django.contrib.admin.sites import site

    from supporters.models import NoticeRecipient

    assert NoticeRecipient not in site._registry  # recipients are shown inside a notice only
