"""Every foodhub service that writes labels its history row (core.audit): dotted codes, the
actor, never personal data."""

import datetime
from decimal import Decimal

import pytest

from foodhub import services
from foodhub.models import LiabilityConsent, Transfer

from .factories import ItemFactory, RecipientFactory, receive, secretariat, site_with_zones

pytestmark = pytest.mark.django_db

NOV_20 = datetime.date(2026, 11, 20)


def _last(record):
    return record.history.order_by("-history_id").first()


def test_consents_are_labelled_when_recorded_and_withdrawn(hub):
    staff = secretariat()
    consent = services.consent_record(
        recipient=RecipientFactory(site=hub), agreed_on=NOV_20, actor=staff
    )
    row = _last(consent)
    assert (row.history_change_reason, row.history_user) == ("foodhub.consent.recorded", staff)
    services.consent_withdraw(consent=consent, withdrawn_on=NOV_20, actor=staff)
    assert _last(LiabilityConsent.objects.get(pk=consent.pk)).history_change_reason == (
        "foodhub.consent.withdrawn"
    )


def test_a_transfer_is_labelled_when_sent_and_when_received():
    staff = secretariat()
    logistics = site_with_zones(name="ロジ拠点", kind="logistics")
    town = site_with_zones(name="ハブ拠点 智頭町")
    rice = ItemFactory(name="米")
    receive(logistics, rice, 50, actor=staff, expiry=datetime.date(2027, 5, 1), quantity=10)
    transfer = services.transfer_send(
        from_site=logistics,
        to_site=town,
        sent_on=NOV_20,
        requests=[services.PickRequest(rice, Decimal(20))],
        actor=staff,
    )
    assert _last(transfer).history_change_reason == "foodhub.transfer.sent"
    services.transfer_receive(transfer=transfer, received_on=NOV_20, received={}, actor=staff)
    row = _last(Transfer.objects.get(pk=transfer.pk))
    assert (row.history_change_reason, row.history_user) == ("foodhub.transfer.received", staff)


def test_a_master_record_saved_in_the_admin_is_written_through_the_service(client):
    from django.urls import reverse

    from foodhub.models import Item, Zone

    from .factories import FoodCategoryFactory

    staff = secretariat()
    client.force_login(staff)
    category = FoodCategoryFactory()
    response = client.post(
        reverse("admin:foodhub_item_add"),
        {"name": "味噌", "category": category.pk, "default_zone_kind": "ambient", "unit": "袋"},
    )
    assert response.status_code == 302
    item = Item.objects.get(name="味噌")
    row = _last(item)
    assert (row.history_change_reason, row.history_user) == ("foodhub.item.created", staff)

    hub = site_with_zones(name="ハブ拠点 岩美町")
    zone = hub.zones.get(kind=Zone.Kind.AMBIENT)
    services.record_save(record=zone, actor=staff)
    assert _last(zone).history_change_reason == "foodhub.zone.corrected"
