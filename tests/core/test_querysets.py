"""core.querysets.InForceQuerySet: the one "which row is in force on a day"."""

import datetime

import pytest

from foodhub import services as foodhub_services
from foodhub.models import LiabilityConsent
from supporters.models import SupporterRuleSet
from tests.foodhub.factories import RecipientFactory, secretariat

pytestmark = pytest.mark.django_db

D = datetime.date


def _rules(valid_from):
    return SupporterRuleSet.objects.create(
        valid_from=valid_from,
        refresher_interval_months=12,
        refresher_reminder_days=30,
        signup_limit_per_hour=5,
    )


def test_the_newest_start_not_after_the_day_is_in_force():
    SupporterRuleSet.objects.all().delete()
    old, new = _rules(D(2025, 4, 1)), _rules(D(2026, 4, 1))
    assert SupporterRuleSet.objects.in_force_on(D(2025, 3, 31)) is None
    assert SupporterRuleSet.objects.in_force_on(D(2025, 4, 1)) == old
    assert SupporterRuleSet.objects.in_force_on(D(2026, 3, 31)) == old
    assert SupporterRuleSet.objects.in_force_on(D(2026, 4, 1)) == new


def test_a_row_with_an_end_is_out_of_force_from_its_end_day():
    actor = secretariat()
    recipient = RecipientFactory()
    consent = foodhub_services.consent_record(
        recipient=recipient, agreed_on=D(2026, 4, 1), actor=actor
    )
    foodhub_services.consent_withdraw(consent=consent, withdrawn_on=D(2026, 5, 1), actor=actor)
    consents = LiabilityConsent.objects.filter(recipient=recipient)
    assert consents.in_force_on(D(2026, 3, 31)) is None
    assert consents.in_force_on(D(2026, 4, 30)) == consent
    assert consents.in_force_on(D(2026, 5, 1)) is None
