import io

import pytest
from django.core.management import call_command

from foodhub.models import LedgerEntry, Recipient, Zone

pytestmark = pytest.mark.django_db


def test_a_month_in_the_life_runs_from_a_fresh_database_and_again_changes_nothing(settings):
    settings.DEBUG = True  # the demo login is for development only
    call_command("load_demo_data", "--demo-user", stdout=io.StringIO())
    assert Zone.objects.count() == 12
    assert Recipient.objects.filter(kind="household", name="").count() == 2

    out = io.StringIO()
    call_command("foodhub_demo_month", "--month", "2026-10", stdout=out)

    assert "ledger and stock agree every day" in out.getvalue()
    assert "refused" in out.getvalue()  # the cafeteria without a recorded consent
    assert set(LedgerEntry.objects.values_list("kind", flat=True)) == set(LedgerEntry.Kind.values)
    count = LedgerEntry.objects.count()

    call_command("load_demo_data", "--demo-user", stdout=io.StringIO())
    call_command("foodhub_demo_month", "--month", "2026-10", stdout=io.StringIO())
    assert LedgerEntry.objects.count() == count
    call_command("foodhub_check_ledger", stdout=io.StringIO())
