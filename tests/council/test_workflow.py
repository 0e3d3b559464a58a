"""The workflow of seed 003 through the services, with its refusals at the edges."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from council import services
from council.models import (
    AccessLog,
    Approval,
    Case,
    CaseExample,
    Category,
    CouncilMember,
    SupportPlan,
    Transfer,
)
from tests.council.factories import (
    AgencyFactory,
    CouncilFactory,
    CouncilMemberFactory,
    intake_member,
)
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def team():
    council = CouncilFactory(municipality=MunicipalityFactory(name="架空市", population=180000))
    intake = intake_member(council, can_override_consent=True)
    supervisor = CouncilMemberFactory(agency=intake.agency, role=CouncilMember.Role.SUPERVISOR)
    second_supervisor = CouncilMemberFactory(
        agency=intake.agency, role=CouncilMember.Role.SUPERVISOR
    )
    worker_a = CouncilMemberFactory(agency=AgencyFactory(council=council))
    worker_b = CouncilMemberFactory(agency=AgencyFactory(council=council))
    return {
        "council": council,
        "intake": intake,
        "supervisor": supervisor,
        "supervisor2": second_supervisor,
        "a": worker_a,
        "b": worker_b,
    }


def _intake(team, **overrides):
    data = {
        "received_on": D(2026, 4, 1),
        "route": "help_desk",
        "municipality": team["council"].municipality,
        "footing": Case.Footing.CONSENT,
        "consent": Case.Consent.GIVEN,
        "person_name": "架空 一郎",
        "person_kana": "カクウ イチロウ",
        "date_of_birth": D(1960, 5, 6),
        "address": "架空市本町9丁目",
        "contact": "0857-99-9999",
        **overrides,
    }
    return services.case_intake(
        council=team["council"],
        actor=team["intake"].user,
        data=data,
        categories=Category.objects.filter(name__in=["8050問題", "ひきこもり"]),
    )


def test_intake_to_closure_and_an_approved_example(team):
    intake, sup = team["intake"].user, team["supervisor"].user
    case = _intake(team)
    assert case.reference.startswith("C-") and case.status == Case.Status.INTAKE

    services.case_share(case=case, agency=team["a"].agency, actor=intake)
    services.case_share(case=case, agency=team["b"].agency, actor=intake)
    services.hearing_record(
        case=case, actor=team["a"].user, heard_on=D(2026, 4, 3), person_wishes="就労したい"
    )
    meeting = services.meeting_record(
        case=case, actor=intake, held_on=D(2026, 4, 10), attendees="A、B、調整機関"
    )
    plan = services.plan_draft(
        case=case,
        actor=intake,
        meeting=meeting,
        goals="生活の安定と就労",
        roles=[
            (team["a"].agency, "就労相談", D(2026, 5, 1)),
            (team["b"].agency, "訪問", None),
        ],
    )
    approval = services.plan_request_approval(plan=plan, actor=intake)
    with pytest.raises(ValidationError, match="この操作に必要な協議会での役割がありません"):
        services.approval_decide(approval=approval, actor=team["a"].user, approve=True)
    services.approval_decide(approval=approval, actor=sup, approve=True)
    case.refresh_from_db()
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.APPROVED and case.status == Case.Status.SUPPORT
    assert case.plan_approved_on is not None

    services.support_start(
        case=case, agency=team["a"].agency, actor=team["a"].user, started_on=D(2026, 5, 1)
    )
    services.record_add(
        case=case,
        agency=team["b"].agency,
        actor=team["b"].user,
        done_on=D(2026, 5, 2),
        content="訪問",
    )
    with pytest.raises(ValidationError, match="自機関の支援だけ"):
        services.record_add(
            case=case,
            agency=team["b"].agency,
            actor=team["a"].user,
            done_on=D(2026, 5, 2),
            content="x",
        )

    follow_up = services.follow_up_schedule(case=case, actor=intake, due_on=D(2026, 6, 1))
    services.follow_up_complete(
        follow_up=follow_up,
        actor=intake,
        done_on=D(2026, 6, 1),
        note="変化あり",
        needs_changed=True,
    )
    case.refresh_from_db()
    assert case.status == Case.Status.PLANNING  # back to step 4

    # A new plan version supersedes the first one when approved.
    plan2 = services.plan_draft(
        case=case,
        actor=intake,
        meeting=meeting,
        goals="見直し",
        roles=[(team["a"].agency, "継続", None)],
    )
    services.approval_decide(
        approval=services.plan_request_approval(plan=plan2, actor=intake), actor=sup, approve=True
    )
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.SUPERSEDED

    closure = services.closure_request(case=case, actor=intake, reason="resolved")
    services.approval_decide(approval=closure, actor=sup, approve=False, note="もう一度確認")
    case.refresh_from_db()
    assert case.status != Case.Status.CLOSED
    closure = services.closure_request(case=case, actor=intake, reason="resolved")
    services.approval_decide(approval=closure, actor=sup, approve=True)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closure_reason == "resolved"

    with pytest.raises(ValidationError, match="本人が特定されるおそれ"):
        services.example_draft(case=case, actor=intake, title="事例", body="架空一郎さんは…")
    with pytest.raises(ValidationError, match="本人が特定されるおそれ"):
        services.example_draft(case=case, actor=intake, title="事例", body="電話 0857-99-9999")
    example = services.example_draft(
        case=case, actor=intake, title="8050の事例", body="50代の方が就労に至った。"
    )
    with pytest.raises(ValidationError, match="作成者とは別の"):
        services.example_approve(example=example, actor=intake)
    services.example_approve(example=example, actor=team["a"].user)
    assert CaseExample.objects.get().status == CaseExample.Status.APPROVED


def test_a_supervisor_cannot_approve_their_own_request(team):
    case = _intake(team)
    closure = services.closure_request(case=case, actor=team["supervisor"].user, reason="moved")
    with pytest.raises(ValidationError, match="別の統括責任者"):
        services.approval_decide(approval=closure, actor=team["supervisor"].user, approve=True)
    services.approval_decide(approval=closure, actor=team["supervisor2"].user, approve=True)
    assert Approval.objects.get().outcome == Approval.Outcome.APPROVED


def test_a_consent_case_needs_consent_and_sharing_without_it_needs_the_override(team):
    with pytest.raises(ValidationError, match="本人の同意（同意あり）が必要"):
        _intake(team, consent=Case.Consent.UNCONFIRMED)
    case = _intake(team, footing=Case.Footing.SUPPORT_MEETING, consent=Case.Consent.UNCONFIRMED)
    team["intake"].can_override_consent = False
    team["intake"].save()
    with pytest.raises(ValidationError, match="権限のある構成員だけ"):
        services.case_share(case=case, agency=team["a"].agency, actor=team["intake"].user)
    team["intake"].can_override_consent = True
    team["intake"].save()
    with pytest.raises(ValidationError, match="同意なしで共有する理由"):
        services.case_share(case=case, agency=team["a"].agency, actor=team["intake"].user)
    services.case_share(
        case=case, agency=team["a"].agency, actor=team["intake"].user, override_reason="生命の危険"
    )
    # Still a 支援会議 record: the shared agency's worker sees it only once named or consented.
    assert not Case.objects.visible_to(team["a"].user).exists()
    services.case_record_consent(case=case, actor=team["intake"].user)
    assert list(Case.objects.visible_to(team["a"].user)) == [case]
    assert case.history.count() >= 3  # history kept across the change of footing


def test_duplicates_are_found_by_the_blind_index_among_visible_cases_only(team):
    _intake(team)
    found = services.possible_duplicates(
        user=team["intake"].user, person_kana="ｶｸｳ　ｲﾁﾛｳ", date_of_birth=D(1960, 5, 6)
    )
    assert found.count() == 1
    other = intake_member(CouncilFactory())
    assert not services.possible_duplicates(
        user=other.user, person_kana="かくういちろう", date_of_birth=D(1960, 5, 6)
    ).exists()


def test_transfer_moves_the_case_and_access(team):
    case = _intake(team)
    services.case_share(case=case, agency=team["a"].agency, actor=team["intake"].user)
    prefecture = CouncilFactory(municipality=None)
    receiving = intake_member(prefecture)
    transfer = services.transfer_request(
        case=case, actor=team["intake"].user, to_council=prefecture
    )
    assert not Case.objects.visible_to(receiving.user).exists()
    with pytest.raises(ValidationError, match="この操作に必要な協議会での役割がありません"):
        services.transfer_decide(transfer=transfer, actor=team["intake"].user, accept=True)
    services.transfer_decide(transfer=transfer, actor=receiving.user, accept=True)
    assert Transfer.objects.get().status == Transfer.Status.ACCEPTED
    assert list(Case.objects.visible_to(receiving.user)) == [case]
    assert not Case.objects.visible_to(team["intake"].user).exists()
    assert not Case.objects.visible_to(team["a"].user).exists()


def test_the_access_log_refuses_update_and_keeps_no_case_text(team):
    from django.db import IntegrityError, transaction

    entry = AccessLog.objects.create(action=AccessLog.Action.VIEW, case_id=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(action="list")
    text_fields = {f.name for f in AccessLog._meta.fields if f.get_internal_type() == "TextField"}
    assert not text_fields
