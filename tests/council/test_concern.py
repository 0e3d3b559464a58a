"""The public つなぎ form: lands in the right intake only, receipt by e-mail, abuse protection."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from council.models import Case, SupporterConcern
from tests.council.factories import CouncilFactory, intake_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory()


def _data(council, **extra):
    return {
        "municipality": council.municipality_id,
        "supporter_name": "架空 サポーター",
        "supporter_email": "supporter@example.jp",
        "supporter_phone": "",
        "concern": "近所の方を最近見かけません。",
        "urgency": "soon",
        "homepage_url": "",
        "submission_token": str(uuid.uuid4()),
        **extra,
    }


def test_a_concern_reaches_only_its_councils_intake_and_the_receipt_goes_by_mail(
    client, council, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("council:concern"), _data(council))
    assert response.status_code == 302
    concern = SupporterConcern.objects.get()
    assert concern.council == council
    page = client.get(response["Location"]).content.decode()
    assert concern.receipt_number not in page  # by e-mail only
    [mail] = mailoutbox
    assert concern.receipt_number in mail.subject + mail.body
    assert "近所" not in mail.body

    mine, other = intake_member(council), intake_member(CouncilFactory())
    client.force_login(mine.user)
    assert concern.receipt_number in client.get(reverse("council:intake")).content.decode()
    client.force_login(other.user)
    assert concern.receipt_number not in client.get(reverse("council:intake")).content.decode()
    url = reverse("council:concern-detail", args=[concern.receipt_number])
    assert client.get(url).status_code == 404

    # Opened as a case by its intake.
    client.force_login(mine.user)
    response = client.post(
        reverse("council:intake-new"),
        {
            "concern": concern.receipt_number,
            "council": council.pk,
            "received_on": "2026-05-01",
            "route": "supporter",
            "municipality": council.municipality_id,
            "footing": "support_meeting",
            "consent": "unconfirmed",
            "person_name": "架空 四郎",
            "person_kana": "かくう しろう",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    concern.refresh_from_db()
    assert concern.status == SupporterConcern.Status.OPENED and concern.case == Case.objects.get()


def test_double_submit_records_one_concern(client, council):
    data = _data(council)
    client.post(reverse("council:concern"), data)
    client.post(reverse("council:concern"), data)
    assert SupporterConcern.objects.count() == 1


def test_the_honeypot_and_the_rate_limit_refuse(client, council):
    client.post(reverse("council:concern"), _data(council, homepage_url="http://spam"))
    assert SupporterConcern.objects.count() == 0
    for _i in range(6):
        response = client.post(reverse("council:concern"), _data(council))
    assert SupporterConcern.objects.count() == 5
    assert "1時間後" in response.content.decode()


def test_the_form_needs_its_csrf_token(council):
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post(reverse("council:concern"), _data(council)).status_code == 403
