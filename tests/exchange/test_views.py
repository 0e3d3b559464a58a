"""The requester's pages, the operators' queue and the recall, through the client."""

import csv
import io
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from core.models import ExportLog
from foodhub import services
from foodhub.models import FoodRequest
from tests.conftest import assert_constant_queries, pdf_text
from tests.factories import UserFactory

from .factories import (
    FoodCategoryFactory,
    ItemFactory,
    days,
    operator_of,
    partner_with_contact,
    receive,
    secretariat,
    site_with_zones,
    submit,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    return site_with_zones(name="ハブ拠点 八頭町")


@pytest.fixture
def staff():
    return secretariat()


@pytest.fixture
def category():
    return FoodCategoryFactory(name="主食")


def request_post(category, *, token=None, needed_on=None, kg="12"):
    return {
        "needed_on": (needed_on or days(4)).isoformat(),
        "people_served": "40",
        "handover": "delivery",
        "note": "卵アレルギーの子がいます",
        "submission_token": str(token or uuid.uuid4()),
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "20",
        "lines-0-category": str(category.pk),
        "lines-0-zone_kind": "ambient",
        "lines-0-kg": kg,
        **{f"lines-{i}-zone_kind": "ambient" for i in (1, 2, 3)},
    }


def test_a_contact_requests_food_once_and_sees_its_state_and_guideline(
    client, hub, staff, category
):
    _partner, contact = partner_with_contact(hub, actor=staff, guideline="100")
    client.force_login(contact)
    page = client.get(reverse("food-portal:request-create"))
    assert page.status_code == 200
    assert "月の目安 100.00 kg" in page.content.decode()
    data = request_post(category)
    response = client.post(reverse("food-portal:request-create"), data)
    assert response.status_code == 302
    again = client.post(reverse("food-portal:request-create"), data)  # a double submit
    assert again.url == response.url
    request = FoodRequest.objects.get()
    assert request.handover == "delivery"
    assert request.site == hub
    listing = client.get(reverse("food-portal:request-list")).content.decode()
    assert "受付待ち" in listing
    assert "今月の受け取り：0" in listing


def test_an_organisation_without_an_agreement_is_told_why_in_japanese(client, hub, staff, category):
    _partner, contact = partner_with_contact(hub, actor=staff, consent=False)
    client.force_login(contact)
    page = client.get(reverse("food-portal:request-create")).content.decode()
    assert "合意書（免責への同意）が有効ではありません" in page
    response = client.post(reverse("food-portal:request-create"), request_post(category))
    assert response.status_code == 400
    assert not FoodRequest.objects.exists()


def test_another_organisations_request_is_a_404(client, hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    request = submit(partner, contact, category=category)
    _other, other_contact = partner_with_contact(hub, actor=staff)
    client.force_login(other_contact)
    url = reverse("food-portal:request-detail", args=[request.pk])
    assert client.get(url).status_code == 404
    client.force_login(contact)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())  # signed in, but no organisation's contact
    assert client.get(reverse("food-portal:request-list")).status_code == 403


def test_an_operator_starts_and_fills_a_request_from_the_queue(client, hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff, name="こども食堂ひまわり")
    item = ItemFactory(category=category)
    receive(hub, item, 30, actor=staff, expiry=days(300))
    request = submit(partner, contact, category=category)
    operator = operator_of(hub)
    client.force_login(operator)
    queue = client.get(reverse("foodhub:food-request-queue")).content.decode()
    assert "こども食堂ひまわり" in queue
    action = reverse("foodhub:food-request-action", args=[request.pk, "start"])
    assert client.post(action).status_code == 302
    fill = reverse("foodhub:food-request-action", args=[request.pk, "fill"])
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "distributed_on": today().isoformat(),
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "60",
        "lines-0-item": str(item.pk),
        "lines-0-kg": "12",
    }
    assert client.post(fill, data).status_code == 302
    request.refresh_from_db()
    assert request.status == FoodRequest.Status.FILLED
    # A second operator of the site cannot start it again.
    client.force_login(operator_of(hub))
    refused = client.post(action)
    assert refused.status_code == 400
    assert "変更できません" in refused.content.decode()


def test_the_queue_and_the_requesters_list_do_not_grow_in_queries(client, hub, staff, category):
    operator = operator_of(hub)
    partner, contact = partner_with_contact(hub, actor=staff)
    other = ItemFactory(category=FoodCategoryFactory(name="野菜"))
    receive(hub, other, 500, actor=staff, expiry=days(300))

    def add_requests(n):
        for _ in range(n):
            mine, someone = partner_with_contact(hub, actor=staff)
            for owner, who in ((partner, contact), (mine, someone)):
                request = submit(owner, who, category=category)
                services.food_request_start(request=request, actor=operator)
                services.food_request_adjust(
                    request=request,
                    adjusted={request.lines.get().pk: Decimal("5")},
                    reason="在庫に合わせて",
                    actor=operator,
                )

    hub_client, contact_client = Client(), Client()
    hub_client.force_login(operator)
    contact_client.force_login(contact)

    def queue():
        response = hub_client.get(reverse("foodhub:food-request-queue"))
        assert response.status_code == 200

    def requester_list():
        response = contact_client.get(reverse("food-portal:request-list"))
        assert response.status_code == 200

    assert_constant_queries(queue, add_requests, small=2, large=8)
    assert_constant_queries(requester_list, add_requests, small=2, large=8)


def test_the_recall_as_page_csv_and_pdf_is_logged_and_kept_from_coordinators(
    client, hub, staff, category
):
    partner, _contact = partner_with_contact(hub, actor=staff, name="こども食堂ひまわり")
    item = ItemFactory(name="ツナ缶", category=category)
    lot = receive(hub, item, 30, actor=staff, expiry=days(400))
    services.distribution_create(
        site=hub,
        recipient=partner.recipient,
        distributed_on=today(),
        requests=[services.PickRequest(item=item, kg=Decimal("6"))],
        actor=staff,
    )
    client.force_login(staff)
    search = client.get(reverse("foodhub:recall-search"), {"item": "ツナ"}).content.decode()
    assert reverse("foodhub:recall", args=[lot.pk]) in search
    page = client.get(reverse("foodhub:recall", args=[lot.pk])).content.decode()
    assert "こども食堂ひまわり" in page

    response = client.get(reverse("foodhub:recall-csv", args=[lot.pk]))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:5] == ["提供日", "拠点", "種別", "提供先", "団体"]
    assert rows[1][0] == today().isoformat()
    assert rows[1][4] == partner.organisation.name
    assert rows[1][7] == "6.00"

    pdf = client.get(reverse("foodhub:recall-pdf", args=[lot.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(pdf.content, layout=False).split())
    assert "回収（リコール）" in text
    assert "ツナ缶" in text
    assert "こども食堂ひまわり" in text
    assert sorted(ExportLog.objects.values_list("file_format", "row_count")) == [
        ("csv", 1),
        ("pdf", 1),
    ]

    client.force_login(UserFactory(roles=["コーディネーター"], is_staff=True))
    assert client.get(reverse("foodhub:recall", args=[lot.pk])).status_code == 403


def test_the_recall_csv_does_not_grow_in_queries(hub, staff, category):
    item = ItemFactory(category=category)
    lot = receive(hub, item, 900, actor=staff, expiry=days(400))
    staff_client = Client()
    staff_client.force_login(staff)

    def add_distributions(n):
        for _ in range(n):
            partner, _contact = partner_with_contact(hub, actor=staff)
            services.distribution_create(
                site=hub,
                recipient=partner.recipient,
                distributed_on=today(),
                requests=[services.PickRequest(item=None, kg=Decimal("1"), lot=lot)],
                actor=staff,
            )

    def recall():
        response = staff_client.get(reverse("foodhub:recall-csv", args=[lot.pk]))
        return b"".join(response.streaming_content)

    _fewer, more = assert_constant_queries(recall, add_distributions, small=2, large=8)
    assert len(more.splitlines()) == 1 + 8


def test_an_operator_declines_a_waiting_request_with_a_reason(client, hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    request = submit(partner, contact, category=category)
    client.force_login(operator_of(hub))
    url = reverse("foodhub:food-request-action", args=[request.pk, "decline"])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "その日は配送車がありません"}).status_code == 302
    request.refresh_from_db()
    assert request.status == FoodRequest.Status.DECLINED
    client.force_login(contact)
    page = client.get(reverse("food-portal:request-detail", args=[request.pk])).content.decode()
    assert "その日は配送車がありません" in page
    assert "お断り" in page


def test_pick_ups_and_deliveries_appear_by_day_for_the_sites_operators(
    client, hub, staff, category
):
    partner, contact = partner_with_contact(hub, actor=staff, name="こども食堂ひまわり")
    operator = operator_of(hub)
    soon = submit(partner, contact, category=category, needed_on=days(2))
    services.food_request_start(request=soon, actor=operator)
    submit(partner, contact, category=category, needed_on=days(3))  # waiting: not yet planned
    far = submit(partner, contact, category=category, needed_on=days(20))
    services.food_request_start(request=far, actor=operator)
    client.force_login(operator)
    page = client.get(reverse("foodhub:food-request-calendar")).content.decode()
    assert page.count("こども食堂ひまわり") == 1
    client.force_login(operator_of(site_with_zones(name="ハブ拠点 智頭町")))
    other = client.get(reverse("foodhub:food-request-calendar")).content.decode()
    assert "こども食堂ひまわり" not in other
