"""Exports of the supporters admin: every column at a constant number of queries, and the
Japanese field picker."""

import pytest
from django.urls import reverse

from tests.conftest import assert_constant_queries, response_bytes

from .factories import (
    make_rows,
)

pytestmark = pytest.mark.django_db


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
    # A streamed export (core.csvstream) runs its query while it is read.
    response.body = response_bytes(response)
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
        lambda: _export_every_field(client, model_name), lambda n: make_rows(model_name, n)
    )

    header = response.body.decode("utf-8-sig").splitlines()[0]
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
