"""Admin scope, auditors' counts, the unusual-reading alert and flags."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import roles
from council import services
from council.models import AccessLog, CouncilMember
from tests.council.factories import (
    AgencyFactory,
    CaseFactory,
    CouncilFactory,
    CouncilMemberFactory,
    intake_member,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_case_records_are_not_in_the_admin():
    registered = {
        model._meta.model_name
        for model in admin.site._registry
        if model._meta.app_label == "council"
    }
    assert registered == {"council", "agency", "councilmember", "category", "accesslog"}


def test_auditors_see_counts_without_case_ids(client):
    case = CaseFactory()
    AccessLog.objects.create(action=AccessLog.Action.VIEW, case_id=case.pk)
    client.force_login(StaffFactory(roles=[roles.AUDITOR]))
    response = client.get(reverse("council:access-counts"))
    assert response.status_code == 200
    assert "view" in response.content.decode() and case.reference not in response.content.decode()
    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))
    assert client.get(reverse("council:access-counts")).status_code == 403


def test_a_user_reading_many_cases_in_a_day_is_reported(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COUNCIL_DAILY_CASE_READ_ALERT = 3
    council = CouncilFactory()
    intake = intake_member(council)
    supervisor = CouncilMemberFactory(agency=intake.agency, role=CouncilMember.Role.SUPERVISOR)
    cases = CaseFactory.create_batch(4, council=council)
    client.force_login(intake.user)
    with django_capture_on_commit_callbacks(execute=True):
        for case in cases:
            client.get(reverse("council:case", args=[case.reference]))
    assert [m.to for m in mailoutbox] == [[supervisor.user.email]]  # once a day


def test_flags_are_resolved_by_intake_or_supervisors_only():
    council = CouncilFactory()
    intake = intake_member(council)
    worker = CouncilMemberFactory(agency=AgencyFactory(council=council))
    case = CaseFactory(council=council)
    flag = services.flag_raise(case=case, actor=worker.user, concern="連絡が取れない")
    with pytest.raises(ValidationError, match="この操作に必要な協議会での役割がありません"):
        services.flag_resolve(flag=flag, actor=worker.user)
    services.flag_resolve(flag=flag, actor=intake.user)
    with pytest.raises(ValidationError, match="すでに解消済み"):
        services.flag_resolve(flag=flag, actor=intake.user)


def test_caseload_per_agency_and_worker_counts_only_visible_cases(client):
    import datetime

    from tests.council.factories import assign

    council = CouncilFactory()
    intake = intake_member(council)
    worker = CouncilMemberFactory(agency=AgencyFactory(council=council))
    shared = CaseFactory(
        council=council,
        received_on=datetime.date(2026, 4, 1),
        plan_approved_on=datetime.date(2026, 4, 11),
    )
    assign(shared, worker.agency)
    CaseFactory(council=council)  # not shared: the worker's caseload does not count it

    from council import selectors

    load = selectors.caseload(worker.user)
    assert [(r["agency_id"], r["open_cases"], r["days_to_plan"]) for r in load["agencies"]] == [
        (worker.agency_id, 1, 10.0)
    ]
    assert [w["open_cases"] for w in load["workers"]] == [1]
    client.force_login(intake.user)
    assert client.get(reverse("council:caseload")).status_code == 200
