"""期限切れ is a reason only for a lot past its date on the day of disposal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from foodhub import services
from foodhub.models import LedgerEntry

from .factories import ItemFactory, receive, secretariat

pytestmark = pytest.mark.django_db
NOV_20 = datetime.date(2026, 11, 20)


def test_an_unexpired_lot_cannot_be_disposed_of_as_expired(hub):
    staff = secretariat()
    on_its_date = receive(hub, ItemFactory(), 5, actor=staff, expiry=NOV_20)

    with pytest.raises(ValidationError, match="の時点で期限を過ぎていません"):
        services.disposal_record(
            site=hub,
            disposed_on=NOV_20,
            reason="expired",
            amounts=[services.LotAmount(on_its_date, Decimal(5))],
            actor=staff,
        )
    assert not LedgerEntry.objects.filter(kind="disposal").exists()

    # The same lot damaged is disposed of; a day after its date it may go as expired.
    services.disposal_record(
        site=hub,
        disposed_on=NOV_20,
        reason="damaged",
        amounts=[services.LotAmount(on_its_date, Decimal(1))],
        actor=staff,
    )
    services.disposal_record(
        site=hub,
        disposed_on=NOV_20 + datetime.timedelta(days=1),
        reason="expired",
        amounts=[services.LotAmount(on_its_date, Decimal(4))],
        actor=staff,
    )
    on_its_date.refresh_from_db()
    assert on_its_date.kg == 0
