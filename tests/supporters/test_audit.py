"""Every supporters service that writes labels its history row (core.audit): dotted codes, the
actor, never personal data."""

import datetime

import pytest

from supporters import services
from supporters.models import Certificate, Supporter
from tests.factories import SupporterFactory, UserFactory

from .factories import RegistrationFactory, past_session

pytestmark = pytest.mark.django_db


def _last(record):
    return record.history.order_by("-history_id").first()


def test_attendance_labels_the_new_attendance_supporter_and_certificate():
    actor = UserFactory()
    session = past_session()
    registration = RegistrationFactory(session=session)
    [attendance] = services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=actor
    )
    assert _last(attendance).history_change_reason == "supporters.attendance.recorded"
    assert _last(attendance).history_user == actor
    assert _last(attendance.supporter).history_change_reason == "supporters.supporter.trained"
    session.refresh_from_db()
    assert _last(session).history_change_reason == "supporters.training_session.held"
    [certificate] = services.certificates_issue(session=session, actor=actor)
    row = Certificate.history.get(id=certificate.pk)
    assert (row.history_change_reason, row.history_user) == ("supporters.certificate.issued", actor)


def test_status_and_withdrawal_are_labelled_without_personal_data():
    actor = UserFactory()
    supporter = SupporterFactory()
    services.supporter_set_status(
        supporter=supporter, status=Supporter.Status.PAUSED, on=datetime.date.today(), actor=actor
    )
    assert _last(supporter).history_change_reason == "supporters.supporter.paused"
    services.supporter_withdraw(
        supporter=supporter, on=datetime.date.today(), erase=True, actor=actor
    )
    row = _last(supporter)
    assert row.history_change_reason == "supporters.supporter.withdrawn_and_erased"
    assert row.history_user == actor


def test_an_imported_supporter_is_written_through_the_service_with_its_label():
    from tests.factories import MunicipalityFactory

    actor = UserFactory()
    supporter = Supporter(
        full_name="八頭 三",
        full_name_kana="やず さぶろう",
        municipality=MunicipalityFactory(),
        registered_on=datetime.date(2024, 3, 12),
    )
    services.supporter_import(supporter=supporter, actor=actor)
    row = _last(supporter)
    assert (row.history_change_reason, row.history_user) == ("supporters.supporter.imported", actor)
