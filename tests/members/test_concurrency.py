"""Races the database must settle (PostgreSQL: SQLite serialises writers anyway)."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from members import services
from members.models import Application, Membership, OrganisationType
from tests.conftest import requires_postgres
from tests.factories import StaffFactory

from .factories import ApplicationFactory

pytestmark = [
    requires_postgres(),
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(target, n=2):
    barrier = threading.Barrier(n)
    outcomes = []

    def run():
        try:
            barrier.wait()
            outcomes.append(target())
        except ValidationError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_secretaries_approving_at_once_make_one_membership():
    staff = StaffFactory()
    application = ApplicationFactory()

    outcomes = _race(lambda: services.application_approve(application=application, actor=staff))

    assert sum(isinstance(o, Membership) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert Membership.objects.count() == 1


def test_a_double_submitted_form_makes_one_application():
    token = uuid.uuid4()
    data = {
        "name": "NPO法人にじゅう",
        "name_kana": "にじゅう",
        "organisation_type": OrganisationType.NPO,
        "representative_name": "代表",
        "contact_name": "担当",
        "postal_code": "680-0001",
        "address": "鳥取市",
        "phone": "0857-00-0000",
        "email": "nijuu@example.jp",
        "activity_summary": "居場所",
        "declares_isolation_activity": True,
        "declares_no_antisocial_ties": True,
        "declares_agreement": True,
    }

    outcomes = _race(
        lambda: services.application_submit(data=dict(data), submission_token=token), n=4
    )

    assert Application.objects.count() == 1
    assert sum(1 for _app, created in outcomes if created) == 1


def test_two_invitations_of_the_same_address_at_once_make_one_account_and_a_japanese_error():
    from members.models import OrganisationContact
    from tests.factories import MembershipFactory

    organisation = MembershipFactory().organisation
    staff = StaffFactory()

    outcomes = _race(
        lambda: services.contact_invite(
            organisation=organisation, email="tanto@example.jp", actor=staff
        )
    )

    assert OrganisationContact.objects.count() == 1
    assert sum(isinstance(o, OrganisationContact) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1


def test_two_secretaries_deciding_an_expulsion_at_once_apply_it_once():
    import datetime

    from members.models import AgendaItem, Attendance, ExpulsionGround, Vote
    from tests.factories import MembershipFactory

    from .factories import SteeringMembershipFactory

    staff = StaffFactory()
    orgs = [SteeringMembershipFactory().organisation for _ in range(3)]
    general = MembershipFactory()
    meeting = services.meeting_create(title="会議", held_on=datetime.date(2025, 6, 1), actor=staff)
    item = services.agenda_item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.EXPEL,
        title="除名",
        subject=general.organisation,
        expulsion_ground=ExpulsionGround.BREACH,
        actor=staff,
    )
    services.meeting_send_notice(meeting=meeting, actor=staff)
    for org in orgs:
        services.attendance_record(
            meeting=meeting, organisation=org, mode=Attendance.Mode.IN_PERSON, actor=staff
        )
        services.vote_record(item=item, organisation=org, choice=Vote.Choice.FOR, actor=staff)

    outcomes = _race(lambda: services.item_decide(item=item, actor=staff))

    assert sum(isinstance(o, AgendaItem) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    general.refresh_from_db()
    assert general.end_reason == Membership.EndReason.EXPELLED
    assert Membership.objects.filter(organisation=general.organisation).count() == 1


def test_two_applications_of_one_new_organisation_approved_at_once_make_one_organisation():
    """Two secretaries approve two applications with the same name at the same moment (sent on
    paper and online): the same-name check must see the other one."""
    from members.models import Organisation

    staff = StaffFactory()
    applications = iter(
        [ApplicationFactory(name="NPO法人ふたご"), ApplicationFactory(name="NPO法人ふたご")]
    )
    lock = threading.Lock()

    def approve():
        with lock:
            application = next(applications)
        return services.application_approve(application=application, actor=staff)

    outcomes = _race(approve)

    assert Organisation.objects.filter(name="NPO法人ふたご").count() == 1
    assert sum(isinstance(o, Membership) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
