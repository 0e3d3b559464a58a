"""Two operators hand out the last 10 kg at the same moment (real PostgreSQL transactions)."""

import datetime
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction

from foodhub import services
from foodhub.models import Distribution, LedgerEntry, Lot
from tests.conftest import requires_postgres

from .factories import (
    ItemFactory,
    RecipientFactory,
    consented,
    receive,
    secretariat,
    site_with_zones,
)


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_operators_taking_the_last_10_kg_at_once_one_succeeds_one_is_told():
    hub = site_with_zones()
    staff = secretariat()
    item = ItemFactory(name="米")
    lot = receive(hub, item, 10, actor=staff, expiry=datetime.date(2027, 1, 1))
    recipients = [consented(RecipientFactory(site=hub), actor=staff) for _ in range(2)]
    start = threading.Barrier(2)
    results = []
    shown = services.stock_mark()  # both operators opened the distribution page before

    def hand_out(recipient):
        try:
            start.wait()
            services.distribution_create(
                site=hub,
                recipient=recipient,
                distributed_on=datetime.date(2026, 11, 20),
                requests=[services.PickRequest(item=item, kg=Decimal(10))],
                actor=staff,
                stock_seen=shown,
            )
            results.append("ok")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_out, args=(r,)) for r in recipients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results, key=len)[0] == "ok"
    assert len(results) == 2
    refusal = sorted(results, key=len)[1]
    # Not a plain shortage: the other operator took it after this page was shown.
    assert "この画面を表示した後に、他の担当者が" in refusal
    lot.refresh_from_db()
    assert lot.kg == 0
    assert Distribution.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="distribution").count() == 1
    call_command("foodhub_check_ledger")
    assert Lot.objects.filter(kg__lt=0).count() == 0


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_arriving_as_two_concurrent_requests_records_once():
    hub = site_with_zones()
    staff = secretariat()
    item = ItemFactory()
    receive(hub, item, 30, actor=staff, expiry=datetime.date(2027, 1, 1))
    recipient = consented(RecipientFactory(site=hub), actor=staff)
    key = uuid.uuid4()
    start = threading.Barrier(2)
    results = []

    def submit():
        try:
            start.wait()
            distribution = services.distribution_create(
                site=hub,
                recipient=recipient,
                distributed_on=datetime.date(2026, 11, 20),
                requests=[services.PickRequest(item=item, kg=Decimal(10))],
                actor=staff,
                idempotency_key=key,
            )
            results.append(distribution.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 2 and results[0] == results[1]
    assert Distribution.objects.count() == 1
    assert Lot.objects.get().kg == Decimal(20)
    call_command("foodhub_check_ledger")


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_distribution_during_a_withdrawal_of_the_consent_is_refused():
    hub = site_with_zones()
    staff = secretariat()
    item = ItemFactory()
    receive(hub, item, 10, actor=staff, expiry=datetime.date(2027, 1, 1))
    recipient = consented(RecipientFactory(site=hub), actor=staff)
    consent = recipient.consents.get()
    day = datetime.date(2026, 11, 20)
    withdrawing = threading.Event()
    results = []

    def withdraw():
        try:
            with transaction.atomic():
                services.consent_withdraw(consent=consent, withdrawn_on=day, actor=staff)
                withdrawing.set()
                time.sleep(1.5)  # the withdrawal is not committed yet while the other one runs
        finally:
            connection.close()

    def hand_out():
        try:
            withdrawing.wait(10)
            services.distribution_create(
                site=hub,
                recipient=recipient,
                distributed_on=day,
                requests=[services.PickRequest(item=item, kg=Decimal(1))],
                actor=staff,
            )
            results.append("ok")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw), threading.Thread(target=hand_out)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 1 and "免責" in results[0]
    assert Distribution.objects.count() == 0
    assert Lot.objects.get().kg == Decimal(10)
