"""Recording attendance: walk-ins matched to existing supporters (or not), double-submitted
attendance forms, and the read-only attendance admin."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from supporters import services
from supporters.models import Attendance, Supporter
from tests.factories import MunicipalityFactory, SupporterFactory

from .factories import RegistrationFactory, consent, past_session

pytestmark = pytest.mark.django_db


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
    session = past_session()  # another municipality: the e-mail and the name decide

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
    session = past_session(municipality=mother.municipality)
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
    session = past_session(municipality=town)

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
    session = past_session(municipality=town)

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
    session = past_session()
    url = reverse("admin:supporters_trainingsession_attendance", args=[session.pk])
    token = str(uuid.uuid4())
    assert 'name="token"' in client.get(url).content.decode()

    client.post(url, _attendance_post(session, token))
    client.post(url, _attendance_post(session, token))

    assert Supporter.objects.count() == 1
    assert Attendance.objects.count() == 1


def test_the_same_walk_in_entered_again_in_a_new_form_is_the_same_supporter(client, secretariat):
    session = past_session()
    url = reverse("admin:supporters_trainingsession_attendance", args=[session.pk])

    client.post(url, _attendance_post(session, str(uuid.uuid4())))
    client.post(url, _attendance_post(session, str(uuid.uuid4())))

    assert Supporter.objects.count() == 1
    assert Attendance.objects.count() == 1


def test_attendance_admin_is_read_only(client, secretariat):
    session = past_session()
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
