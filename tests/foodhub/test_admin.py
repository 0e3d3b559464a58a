import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from foodhub.models import LedgerEntry, Recipient

from .factories import (
    ItemFactory,
    RecipientFactory,
    UserFactory,
    operator_of,
    receive,
    secretariat,
    site_with_zones,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hubs():
    return site_with_zones(name="ハブ拠点 八頭町"), site_with_zones(name="ハブ拠点 香美町")


def test_hub_operators_see_only_their_sites_in_the_admin_and_the_secretariat_sees_all(client, hubs):
    own, other = hubs
    staff = secretariat()
    RecipientFactory(site=own, name="やず地域食堂")
    RecipientFactory(site=other, name="かみ地域食堂")
    receive(own, ItemFactory(name="やずの米"), 5, actor=staff, expiry=datetime.date(2027, 1, 1))
    receive(other, ItemFactory(name="かみの米"), 5, actor=staff, expiry=datetime.date(2027, 1, 1))

    client.force_login(operator_of(own))
    pages = {
        name: client.get(reverse(f"admin:foodhub_{name}_changelist")).content.decode()
        for name in ("site", "recipient", "ledgerentry", "lot", "donation")
    }
    assert "ハブ拠点 八頭町" in pages["site"] and "ハブ拠点 香美町" not in pages["site"]
    assert "やず地域食堂" in pages["recipient"] and "かみ地域食堂" not in pages["recipient"]
    assert "やずの米" in pages["ledgerentry"] and "かみの米" not in pages["ledgerentry"]
    assert "かみの米" not in pages["lot"]

    client.force_login(staff)
    lots = client.get(reverse("admin:foodhub_lot_changelist")).content.decode()
    assert "やずの米" in lots and "かみの米" in lots


def test_the_ledger_cannot_be_added_to_changed_or_deleted_in_the_admin(client, hubs):
    staff = secretariat()
    receive(hubs[0], ItemFactory(), 5, actor=staff, expiry=datetime.date(2027, 1, 1))
    entry = LedgerEntry.objects.get()
    client.force_login(staff)

    assert client.get(reverse("admin:foodhub_ledgerentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:foodhub_ledgerentry_delete", args=[entry.pk])).status_code == 403
    )
    page = client.get(reverse("admin:foodhub_ledgerentry_change", args=[entry.pk]))
    assert 'name="_save"' not in page.content.decode()
    changelist = client.get(reverse("admin:foodhub_ledgerentry_changelist")).content.decode()
    assert reverse("foodhub:distribution-create") in changelist  # where stock is changed
    assert reverse("admin:foodhub_ledgerentry_export") in changelist


def test_the_dispose_expired_action_disposes_through_the_service(client, hubs):
    staff = secretariat()
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    expired = receive(
        hubs[0],
        ItemFactory(),
        5,
        actor=staff,
        expiry=yesterday,
        received_on=yesterday - datetime.timedelta(days=3),
    )
    fresh = receive(
        hubs[0], ItemFactory(), 5, actor=staff, expiry=datetime.date.today(), received_on=yesterday
    )
    client.force_login(staff)

    response = client.post(
        reverse("admin:foodhub_lot_changelist"),
        {"action": "dispose_expired", "_selected_action": [expired.pk, fresh.pk]},
        follow=True,
    )

    assert "1件のロットを廃棄しました。" in response.content.decode()
    expired.refresh_from_db()
    fresh.refresh_from_db()
    assert (expired.kg, fresh.kg) == (0, Decimal(5))
    assert LedgerEntry.objects.filter(kind="disposal").count() == 1


def test_admin_search_ignores_width_and_kana(client):
    ItemFactory(name="レトルトカレー（中辛）")
    ItemFactory(name="ツナ缶")
    client.force_login(secretariat())

    page = client.get(reverse("admin:foodhub_item_changelist"), {"q": "ｶﾚｰ"}).content.decode()

    assert "レトルトカレー（中辛）" in page
    assert "ツナ缶" not in page


def test_a_household_entered_with_a_name_is_refused_next_to_the_field(client, hubs):
    client.force_login(secretariat())
    data = {
        "kind": "household",
        "site": hubs[0].pk,
        "municipality": hubs[0].municipality.pk,
        "name": "山田 太郎",
        "running_organisation": "",
        "reference_code": "R8-0100",
        "household_size": "3",
        "referring_agency": "社会福祉協議会",
        "consents-TOTAL_FORMS": "0",
        "consents-INITIAL_FORMS": "0",
        "consents-MIN_NUM_FORMS": "0",
        "consents-MAX_NUM_FORMS": "1000",
    }

    response = client.post(reverse("admin:foodhub_recipient_add"), data)

    assert response.status_code == 200
    assert "生活困窮世帯は氏名を記録しません。" in response.content.decode()
    assert not Recipient.objects.exists()
    client.post(reverse("admin:foodhub_recipient_add"), {**data, "name": ""})
    assert Recipient.objects.get().reference_code == "R8-0100"


def test_history_pages_of_another_sites_records_are_not_found_for_a_hub_operator(client, hubs):
    own, other = hubs
    theirs = Recipient.objects.create(
        kind="household",
        site=other,
        municipality=other.municipality,
        reference_code="R8-0777",
        household_size=4,
        referring_agency="香美町社会福祉協議会",
    )
    mine = RecipientFactory(site=own, name="やず地域食堂")
    client.force_login(operator_of(own))

    for recipient in (theirs, mine):
        version = recipient.history.get().history_id
        urls = [
            reverse("admin:foodhub_recipient_history", args=[recipient.pk]),
            reverse("admin:foodhub_recipient_simple_history", args=[recipient.pk, version]),
            reverse("admin:foodhub_zone_history", args=[recipient.site.zones.first().pk]),
            reverse("admin:foodhub_site_history", args=[recipient.site.pk]),
        ]
        statuses = [client.get(url).status_code for url in urls]
        assert statuses == ([200] * 4 if recipient is mine else [404] * 4)
    page = client.get(reverse("admin:foodhub_recipient_history", args=[mine.pk]))
    assert "やず地域食堂" in page.content.decode()


@pytest.mark.parametrize(
    "model",
    [
        "lot",
        "ledgerentry",
        "donation",
        "transfer",
        "distribution",
        "disposal",
        "stocktake",
        "recipient",
        "zone",
    ],
)
def test_the_admin_site_filters_list_only_the_operators_own_sites(client, hubs, model):
    own, _other = hubs
    second = site_with_zones(name="ハブ拠点 若桜町")  # a filter with one choice is not shown
    client.force_login(operator_of(own, second))

    html = client.get(reverse(f"admin:foodhub_{model}_changelist")).content.decode()

    assert "ハブ拠点 八頭町" in html and "ハブ拠点 若桜町" in html
    assert "ハブ拠点 香美町" not in html


def test_the_secretariat_filters_by_every_site(client, hubs):
    client.force_login(secretariat())

    html = client.get(reverse("admin:foodhub_lot_changelist")).content.decode()

    assert "ハブ拠点 八頭町" in html and "ハブ拠点 香美町" in html


def test_read_only_roles_are_not_offered_the_dispose_action(client, hubs):
    changelist = reverse("admin:foodhub_lot_changelist")
    receive(hubs[0], ItemFactory(), 5, actor=secretariat(), expiry=datetime.date(2027, 1, 1))

    client.force_login(UserFactory(roles=["監査"], is_staff=True))
    assert 'value="dispose_expired"' not in client.get(changelist).content.decode()
    client.force_login(operator_of(hubs[0]))
    assert 'value="dispose_expired"' in client.get(changelist).content.decode()


def test_recording_a_consent_in_the_admin_shows_refusals_next_to_the_fields(client, hubs):
    own, other = hubs
    mine, theirs = RecipientFactory(site=own), RecipientFactory(site=other)
    operator = operator_of(own)
    client.force_login(operator)
    url = reverse("admin:foodhub_liabilityconsent_add")
    today = datetime.date.today()

    def post(recipient, agreed_on):
        return client.post(
            url,
            {"recipient": recipient.pk, "agreed_on": agreed_on, "document_reference": "同意書"},
        )

    future = post(mine, (today + datetime.timedelta(days=1)).isoformat())
    assert future.status_code == 200
    assert "未来の日付は入力できません。" in future.content.decode()
    elsewhere = post(theirs, today.isoformat())
    assert elsewhere.status_code == 200
    assert "正しく選択してください" in elsewhere.content.decode()
    assert not mine.consents.exists() and not theirs.consents.exists()

    assert post(mine, today.isoformat()).status_code == 302
    consent = mine.consents.get()
    assert (consent.agreed_on, consent.recorded_by) == (today, operator)
    assert 'name="withdrawn_on"' not in client.get(url).content.decode()
