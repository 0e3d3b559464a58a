import datetime

import pytest
from django.db import IntegrityError

from core.periods import add_years, period_passed_from
from members.models import RuleSet
from members.rules import at_least_fraction, minimum_needed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("total", [3, 4, 5, 6, 7, 9, 12, 15, 16, 30])
def test_two_thirds_is_met_at_exactly_the_minimum_and_not_one_below(total):
    needed = minimum_needed(total, 2, 3)

    assert at_least_fraction(needed, total, 2, 3)
    assert not at_least_fraction(needed - 1, total, 2, 3)
    # The minimum is the exact ceiling of 2n/3, computed without floats.
    assert 3 * needed >= 2 * total > 3 * (needed - 1)


def test_exact_two_thirds_counts_as_at_least_two_thirds():
    assert at_least_fraction(8, 12, 2, 3)
    assert not at_least_fraction(7, 12, 2, 3)
    assert minimum_needed(12, 2, 3) == 8
    assert minimum_needed(16, 2, 3) == 11


def test_add_years_keeps_the_calendar_day_and_handles_leap_days():
    assert add_years(datetime.date(2024, 6, 1), 3) == datetime.date(2027, 6, 1)
    assert add_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)


def test_the_rules_in_force_from_reiwa_6_are_loaded_as_data():
    rules = RuleSet.objects.in_force_on(datetime.date(2024, 4, 1))

    assert rules.version == 1
    assert (rules.quorum_numerator, rules.quorum_denominator) == (2, 3)
    assert (rules.resolution_numerator, rules.resolution_denominator) == (2, 3)
    assert (rules.written_numerator, rules.written_denominator) == (2, 3)
    assert rules.readmission_bar_years == 3
    assert rules.no_contact_years == 1
    assert rules.subject_may_vote is False
    assert RuleSet.objects.in_force_on(datetime.date(2024, 3, 31)) is None


def test_a_later_version_applies_from_its_effective_date_not_the_day_before():
    first = RuleSet.objects.get(version=1)
    values = {f.name: getattr(first, f.name) for f in RuleSet._meta.concrete_fields}
    values.update(id=None, version=2, effective_from=datetime.date(2027, 4, 1))
    values.pop("created_at")
    values["readmission_bar_years"] = 2
    RuleSet.objects.create(**values)

    assert RuleSet.objects.in_force_on(datetime.date(2027, 3, 31)).version == 1
    assert RuleSet.objects.in_force_on(datetime.date(2027, 4, 1)).version == 2


def test_the_database_refuses_a_fraction_above_one():
    first = RuleSet.objects.get(version=1)
    first.pk = None
    first.version = 9
    first.effective_from = datetime.date(2030, 1, 1)
    first.quorum_numerator = 4
    first.quorum_denominator = 3
    with pytest.raises(IntegrityError):
        first.save()


def test_a_period_of_years_does_not_count_its_first_day():
    """民法第140条・第143条: an event on day D; N years have fully passed from add_years(D, N)
    + 1 day; with no corresponding day the period ends on the month's last day."""
    assert period_passed_from(datetime.date(2025, 6, 1), 3) == datetime.date(2028, 6, 2)
    assert period_passed_from(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 3, 1)
    assert period_passed_from(datetime.date(2024, 2, 28), 1) == datetime.date(2025, 3, 1)
    assert period_passed_from(datetime.date(2025, 12, 31), 1) == datetime.date(2027, 1, 1)
