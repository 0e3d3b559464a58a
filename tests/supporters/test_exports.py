"""Exports of the supporters admin: every column at a constant number of queries, and the
Japanese field picker."""

import datetime

import pytest
from django.urls import reverse

from supporters import services
from supporters.models import TsunagariMeeting
from tests.conftest import assert_constant_queries
from tests.factories import MunicipalityFactory, SupporterFactory

from .factories import (
    RegistrationFactory,
    SchoolDistrictFactory,
    TrainingSessionFactory,
    consent,
    past_session,
)

pytestmark = pytest.mark.django_db


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
        session = past_session(municipality=town, capacity=1000)
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
    response = client.post(
        reverse(f"admin:supporters_{model_name}_export"),
        {"format": "0", "resource": "0", **fields},
    )
    assert response.status_code == 200
    return response


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
    _, response = assert_constant_queries(
        lambda: _export_every_field(client, model_name), lambda n: _rows(model_name, n)
    )

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
