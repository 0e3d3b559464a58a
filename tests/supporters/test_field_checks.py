"""One check for places (a district must lie in the municipality), LINE names and session
times, whichever path writes: a partial update, an admin form, the service or the import."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from supporters import services
from supporters.models import TrainingSession, TsunagariMeeting
from tests.factories import MunicipalityFactory, SupporterFactory

from .factories import SchoolDistrictFactory, at

pytestmark = pytest.mark.django_db


def test_partial_update_is_checked_against_the_stored_municipality():
    supporter = SupporterFactory()
    elsewhere = SchoolDistrictFactory()

    with pytest.raises(ValidationError, match="この中学校区は選んだ市町にありません") as excinfo:
        services.supporter_update(supporter=supporter, data={"district": elsewhere}, actor=None)

    assert "district" in excinfo.value.message_dict
    supporter.refresh_from_db()
    assert supporter.district is None


def test_turning_line_off_alone_is_checked_against_the_stored_line_name():
    supporter = SupporterFactory(receives_line=True, line_name="たろう")

    # A ValidationError, not a database error:
    with pytest.raises(ValidationError, match="LINEで情報を受け取る方のみ登録できます") as excinfo:
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

    with pytest.raises(ValidationError, match="終了は開始より後にしてください") as excinfo:
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
