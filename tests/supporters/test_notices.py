"""The notice form in the admin: one notice per form token, and its place checks shown at
the field."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from supporters.models import SupporterNotice
from tests.factories import MunicipalityFactory, SupporterFactory

from .factories import SchoolDistrictFactory

pytestmark = pytest.mark.django_db


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
