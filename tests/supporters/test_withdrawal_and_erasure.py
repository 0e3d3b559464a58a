"""Withdrawal (which sign-ups it cancels) and erasure (whose data it reaches, the admin log and
history, and an erased supporter in the admin)."""

import datetime
import uuid

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from supporters import services
from supporters.models import Attendance, Registration, Supporter
from tests.factories import SupporterFactory, UserFactory

from .factories import RegistrationFactory, TrainingSessionFactory, past_session, signup_data

pytestmark = pytest.mark.django_db


def _supporter_with_history(name="削除 希望", email="erase@example.jp"):
    """A supporter made from a sign-up for a past session, with a certificate."""
    session = past_session()
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
    assert attendance_history and all("削除 希望" not in row for row in attendance_history)


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
