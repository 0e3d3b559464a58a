"""Key rotation, retention with frozen dates, small-cell suppression, reminders."""

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from council import crypto, selectors, services
from council.models import AccessLog, Case, Category, FollowUp, NeedsHearing
from council.notifications import follow_up_reminders_send
from tests.council.factories import CaseFactory, CouncilFactory, intake_member
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_rotation_re_encrypts_everything_so_the_old_key_can_go(settings):
    old_key = settings.COUNCIL_ENCRYPTION_KEYS[0]
    case = CaseFactory(person_name="架空 次郎")
    NeedsHearing.objects.create(
        case=case, heard_on=D(2026, 4, 1), heard_by=UserFactory(), person_wishes="希望"
    )
    before = _raw("council_case", "person_name", case.pk)

    new_key = Fernet.generate_key().decode()
    settings.COUNCIL_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_council_keys", stdout=io.StringIO())

    after = _raw("council_case", "person_name", case.pk)
    assert after != before and after.startswith("fernet:")
    settings.COUNCIL_ENCRYPTION_KEYS = [new_key]  # the old key is removed
    case.refresh_from_db()
    assert case.person_name == "架空 次郎"
    assert NeedsHearing.objects.get().person_wishes == "希望"
    assert Case.history.first().person_name == "架空 次郎"  # history tables too
    assert AccessLog.objects.filter(action=AccessLog.Action.KEYS_ROTATED).exists()


def test_retention_erases_personal_fields_after_the_period_and_logs_it(settings):
    settings.COUNCIL_RETENTION_YEARS = 5
    case = CaseFactory(status=Case.Status.CLOSED, closed_on=D(2021, 3, 31), summary="相談")
    NeedsHearing.objects.create(
        case=case, heard_on=D(2020, 4, 1), heard_by=UserFactory(), person_wishes="希望"
    )
    kept = CaseFactory(status=Case.Status.CLOSED, closed_on=D(2021, 4, 1))

    assert services.retention_erase(today=D(2026, 3, 30)) == 0
    assert services.retention_erase(today=D(2026, 3, 31)) == 1

    case.refresh_from_db()
    assert case.person_name == "" and case.date_of_birth is None and case.summary == ""
    assert case.blind_index == "" and case.personal_erased_on is not None
    assert case.received_on == D(2026, 4, 1) and case.route  # statistics stay
    assert NeedsHearing.objects.get().person_wishes == ""
    assert {h.person_name for h in Case.history.filter(id=case.pk)} == {""}
    kept.refresh_from_db()
    assert kept.person_name
    assert AccessLog.objects.filter(action=AccessLog.Action.ERASED, case_id=case.pk).count() == 1
    assert services.retention_erase(today=D(2026, 4, 1)) == 1  # the next one, a day later


def test_blind_index_folds_width_kana_and_spaces():
    dob = D(1950, 1, 1)
    assert crypto.blind_index("ｶｸｳ ﾀﾛｳ", dob) == crypto.blind_index("かくうたろう", dob)
    other_day = D(1950, 1, 2)
    assert crypto.blind_index("かくうたろう", dob) != crypto.blind_index("かくうたろう", other_day)
    assert crypto.blind_index("", dob) == ""


@pytest.mark.parametrize(
    ("cells", "expected_cells", "total_suppressed"),
    [
        ({"a": 5, "b": 7}, {"a": 5, "b": 7}, False),  # 5 is shown
        ({"a": 4, "b": 7}, {"a": "5未満", "b": 7}, True),  # 4 hidden, total would reveal it
        ({"a": 4, "b": 1, "c": 9}, {"a": "5未満", "b": "5未満", "c": 9}, False),
        ({"a": 0, "b": 9}, {"a": 0, "b": 9}, False),
    ],
)
def test_suppression_at_the_boundary(cells, expected_cells, total_suppressed):
    shown, hide_total = selectors.suppress(cells, sum(cells.values()))
    assert shown == expected_cells and hide_total is total_suppressed


def test_case_aggregates_suppress_cells_and_the_total_that_would_reveal_them():
    big = MunicipalityFactory(name="架空市", population=150000)
    small = MunicipalityFactory(name="架空町", population=2800)
    council = CouncilFactory(municipality=big)
    category = Category.objects.get(name="ひきこもり")
    for _i in range(6):
        CaseFactory(council=council, municipality=big, received_on=D(2026, 5, 3)).categories.add(
            category
        )
    for _i in range(4):
        CaseFactory(council=council, municipality=small, received_on=D(2026, 5, 20))
    CaseFactory(council=council, municipality=small, received_on=D(2026, 6, 1))  # next month

    opened = selectors.case_aggregates(year=2026, month=5)["opened"]

    assert opened["by_municipality"] == {"架空市": 6, "架空町": "5未満"}
    assert opened["total"] == "5未満"  # 10 − 6 would give the small town's 4 away
    assert opened["by_category"] == {"ひきこもり": 6}
    five = selectors.case_aggregates(year=2026, month=6)["opened"]
    assert five["total"] == "5未満" and five["by_municipality"] == {"架空町": "5未満"}


def test_follow_up_reminders_carry_references_and_a_link_only(mailoutbox):
    council = CouncilFactory()
    intake = intake_member(council)
    case = CaseFactory(council=council, person_name="架空 三郎")
    FollowUp.objects.create(case=case, due_on=D(2026, 5, 1))
    FollowUp.objects.create(case=CaseFactory(council=council), due_on=D(2026, 5, 9))

    assert follow_up_reminders_send(today=D(2026, 5, 2)) == 1
    assert follow_up_reminders_send(today=D(2026, 5, 2)) == 0  # once a day
    [mail] = mailoutbox
    assert mail.to == [intake.user.email]
    assert case.reference in mail.body and "/council/follow-ups/" in mail.body
    assert "架空" not in mail.body + mail.subject


def test_the_monthly_report_gets_approved_examples_only():
    from django.utils import timezone

    from council.models import CaseExample

    case = CaseFactory()
    user = UserFactory()
    when = timezone.make_aware(datetime.datetime(2026, 5, 31, 23, 0))
    CaseExample.objects.create(
        case=case,
        council=case.council,
        title="承認済み",
        body="本文",
        drafted_by=user,
        status=CaseExample.Status.APPROVED,
        approved_by=user,
        approved_at=when,
    )
    CaseExample.objects.create(
        case=case, council=case.council, title="下書き", body="x", drafted_by=user
    )

    assert selectors.case_examples_approved_between(D(2026, 5, 1), D(2026, 5, 31)) == [
        {"title": "承認済み", "body": "本文"}
    ]
    assert selectors.case_examples_approved_between(D(2026, 6, 1), D(2026, 6, 30)) == []
