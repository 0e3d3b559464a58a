"""Who sees which case: one rule, re-checked on every call."""

import datetime

import pytest
from django.db import connection

from core import roles
from council.models import Case, CaseParticipant, CouncilMember
from tests.council.factories import (
    AgencyFactory,
    CaseFactory,
    CouncilFactory,
    CouncilMemberFactory,
    assign,
    intake_member,
)
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_intake_sees_every_case_of_their_council_and_no_other():
    council = CouncilFactory()
    mine = CaseFactory(council=council)
    no_consent = CaseFactory(council=council, footing=Case.Footing.SUPPORT_MEETING)
    CaseFactory()  # another council
    intake = intake_member(council)

    assert set(Case.objects.visible_to(intake.user)) == {mine, no_consent}


def test_case_workers_see_only_consented_cases_shared_with_their_agency():
    council = CouncilFactory()
    worker = CouncilMemberFactory(agency=AgencyFactory(council=council))
    other_agency = AgencyFactory(council=council)
    shared = CaseFactory(council=council)
    assign(shared, worker.agency)
    assign(CaseFactory(council=council), other_agency)
    no_consent = CaseFactory(council=council, footing=Case.Footing.SUPPORT_MEETING)
    assign(no_consent, worker.agency)

    assert list(Case.objects.visible_to(worker.user)) == [shared]

    CaseParticipant.objects.create(case=no_consent, user=worker.user, added_by=worker.user)
    assert set(Case.objects.visible_to(worker.user)) == {shared, no_consent}


@pytest.mark.parametrize(
    "role", [roles.SECRETARIAT, roles.COORDINATOR, roles.HUB_OPERATOR, roles.AUDITOR]
)
def test_platform_roles_and_superusers_see_no_case(role):
    CaseFactory()
    assert not Case.objects.visible_to(StaffFactory(roles=[role])).exists()
    assert not Case.objects.visible_to(UserFactory(is_superuser=True, is_staff=True)).exists()


@pytest.mark.parametrize("ending", ["removed", "pledge_ended", "deactivated", "agency_left"])
def test_access_ends_at_once(ending):
    council = CouncilFactory()
    worker = CouncilMemberFactory(agency=AgencyFactory(council=council))
    case = CaseFactory(council=council)
    assign(case, worker.agency)
    assert Case.objects.visible_to(worker.user).exists()

    today = datetime.date.today()
    if ending == "removed":
        CouncilMember.objects.filter(pk=worker.pk).update(ended_on=today)
    elif ending == "pledge_ended":
        worker.pledges.update(ended_on=today)
    elif ending == "deactivated":
        type(worker.user).objects.filter(pk=worker.user.pk).update(is_active=False)
        worker.user.refresh_from_db()
    else:
        type(worker.agency).objects.filter(pk=worker.agency.pk).update(left_on=today)

    assert not Case.objects.visible_to(worker.user).exists()


def test_without_a_pledge_no_access():
    council = CouncilFactory()
    intake = intake_member(council, pledge=False)
    CaseFactory(council=council)
    assert not Case.objects.visible_to(intake.user).exists()


def test_raw_sql_shows_only_ciphertext():
    case = CaseFactory(person_name="架空 花子", contact="090-1111-2222")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_name, contact, date_of_birth FROM council_case WHERE id = %s",
            [case.pk],
        )
        row = cursor.fetchone()
        cursor.execute("SELECT person_name FROM council_historicalcase")
        history = [r[0] for r in cursor.fetchall()]
    assert all(value.startswith("fernet:") for value in row)
    assert "架空" not in "".join(row) and "1970" not in row[2]
    assert history and all(v.startswith("fernet:") for v in history)
    case.refresh_from_db()
    assert case.person_name == "架空 花子"
    assert case.date_of_birth == datetime.date(1970, 1, 2)


def test_encrypted_fields_refuse_to_be_searched():
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError, match="is encrypted and cannot be searched"):
        list(Case.objects.filter(person_kana="かくう たろう"))
