"""Every council URL answers 404 to everyone outside it — the same as for a case that does not
exist — and logs the refusal; entitled users get their pages; lists do not grow in queries."""

import datetime

import pytest
from django.urls import reverse

from core import roles
from council.models import AccessLog, Case, CouncilMember
from tests.conftest import assert_constant_queries
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


@pytest.fixture
def world():
    council = CouncilFactory()
    intake = intake_member(council)
    supervisor = CouncilMemberFactory(agency=intake.agency, role=CouncilMember.Role.SUPERVISOR)
    worker = CouncilMemberFactory(agency=AgencyFactory(council=council))
    other_worker = CouncilMemberFactory(agency=AgencyFactory(council=council))
    other_intake = intake_member(CouncilFactory())
    case = CaseFactory(council=council)
    assign(case, worker.agency)
    return {
        "council": council,
        "case": case,
        "intake": intake.user,
        "supervisor": supervisor.user,
        "worker": worker.user,
        "other_worker": other_worker.user,
        "other_intake": other_intake.user,
    }


def _case_urls(reference):
    return [
        reverse("council:case", args=[reference]),
        reverse("council:sheet", args=[reference]),
        reverse("council:plan-pdf", args=[reference]),
        reverse("council:case-action", args=[reference, "share"]),
    ]


WORKSPACE_URLS = [
    ("council:cases", "any"),
    ("council:my-cases", "any"),
    ("council:follow-ups", "any"),
    ("council:caseload", "any"),
    ("council:break-glass", "any"),
    ("council:intake", "intake"),
    ("council:intake-new", "intake"),
    ("council:approvals", "supervisor"),
    ("council:access-log", "supervisor"),
    ("council:export-open", "supervisor"),
]


def _outsiders(world):
    return {
        "other_worker": world["other_worker"],
        "other_intake": world["other_intake"],
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        **{
            role: StaffFactory(roles=[role])
            for role in roles.ALL_ROLES
            if role != roles.COUNCIL_MEMBER
        },
    }


def test_case_urls_answer_404_to_every_outsider_and_log_the_refusal(client, world):
    reference = world["case"].reference
    for name, user in _outsiders(world).items():
        client.force_login(user)
        for url in _case_urls(reference):
            before = AccessLog.objects.filter(action=AccessLog.Action.REFUSED).count()
            response = client.get(url) if not url.endswith("/share/") else client.post(url, {})
            assert response.status_code == 404, (name, url)
            assert AccessLog.objects.filter(action=AccessLog.Action.REFUSED).count() == before + 1
        # A case that does not exist gets the very same answer.
        for url in _case_urls("C-NOSUCH00"):
            assert client.get(url).status_code == 404


def test_refusals_of_an_existing_case_are_logged_against_it(client, world):
    client.force_login(world["other_worker"])
    client.get(reverse("council:case", args=[world["case"].reference]))
    entry = AccessLog.objects.get(action=AccessLog.Action.REFUSED)
    assert entry.case_id == world["case"].pk and entry.user == world["other_worker"]


def test_workspace_pages_by_role(client, world):
    for user_key in ("intake", "supervisor", "worker"):
        client.force_login(world[user_key])
        for name, needed in WORKSPACE_URLS:
            allowed = needed == "any" or needed == user_key
            response = client.get(reverse(name))
            assert response.status_code == (200 if allowed else 404), (user_key, name)
            if allowed:
                assert response["Cache-Control"] == "no-store"
    for user in list(_outsiders(world).values())[2:]:
        client.force_login(user)
        for name, _needed in WORKSPACE_URLS:
            assert client.get(reverse(name)).status_code == 404


def test_entitled_users_see_the_case_and_its_pdfs(client, world):
    reference = world["case"].reference
    for key in ("intake", "supervisor", "worker"):
        client.force_login(world[key])
        page = client.get(reverse("council:case", args=[reference]))
        assert page.status_code == 200
        assert "架空 太郎" in page.content.decode()
        assert page["Cache-Control"] == "no-store"
        sheet = client.get(reverse("council:sheet", args=[reference]))
        assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    assert AccessLog.objects.filter(action=AccessLog.Action.PRINT).count() == 3
    assert AccessLog.objects.filter(action=AccessLog.Action.VIEW).count() == 3


def test_the_case_list_shows_exactly_the_users_cases(client, world):
    hidden = CaseFactory(council=world["council"])
    client.force_login(world["worker"])
    html = client.get(reverse("council:cases")).content.decode()
    assert world["case"].reference in html and hidden.reference not in html
    client.force_login(world["intake"])
    html = client.get(reverse("council:cases")).content.decode()
    assert world["case"].reference in html and hidden.reference in html


def test_access_ends_on_the_next_request_when_the_pledge_ends(client, world):
    url = reverse("council:case", args=[world["case"].reference])
    client.force_login(world["worker"])
    assert client.get(url).status_code == 200
    CouncilMember.objects.get(user=world["worker"]).pledges.update(ended_on=datetime.date.today())
    assert client.get(url).status_code == 404


def test_idle_timeout_logs_out(client, world, settings):
    settings.COUNCIL_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(world["intake"])
    assert client.get(reverse("council:cases")).status_code == 200
    session = client.session
    session["council_last_seen"] -= 31 * 60
    session.save()
    response = client.get(reverse("council:cases"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["council:cases", "council:intake"])
def test_list_query_counts_do_not_grow_with_cases(client, world, name):
    client.force_login(world["intake"])
    url = reverse(name)

    def add_cases(n):
        for case in CaseFactory.create_batch(
            n, council=world["council"], status=Case.Status.INTAKE
        ):
            assign(case, world["worker"].council_memberships.first().agency)

    def case_list():
        assert client.get(url).status_code == 200

    assert_constant_queries(case_list, add_cases, small=2, large=22)


def test_break_glass_opens_for_a_limited_time_with_a_reason(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    hidden = CaseFactory(council=world["council"])
    client.force_login(world["worker"])
    url = reverse("council:case", args=[hidden.reference])
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("council:break-glass"),
            {"reference": hidden.reference, "reason": "夜間の緊急連絡"},
        )
    assert response.status_code == 302
    assert client.get(url).status_code == 200
    assert AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS, case_id=hidden.pk)
    assert [m.to for m in mailoutbox] == [[world["supervisor"].email]]
    assert "架空" not in mailoutbox[0].body and hidden.reference in mailoutbox[0].body
    # Another council's member cannot break into it: same answer as a missing reference.
    client.force_login(world["other_intake"])
    response = client.post(
        reverse("council:break-glass"), {"reference": hidden.reference, "reason": "x"}
    )
    assert response.status_code == 200  # the form again, with "not found"
    assert not AccessLog.objects.filter(
        action=AccessLog.Action.BREAK_GLASS, user=world["other_intake"]
    ).exists()
    assert client.get(url).status_code == 404


def test_break_glass_expires(client, world, settings):
    import datetime as dt

    from council import services
    from council.models import BreakGlass

    hidden = CaseFactory(council=world["council"])
    services.break_glass(reference=hidden.reference, actor=world["worker"], reason="緊急")
    assert Case.objects.visible_to(world["worker"]).filter(pk=hidden.pk).exists()
    later = BreakGlass.objects.get().expires_at + dt.timedelta(seconds=1)
    assert not Case.objects.visible_to(world["worker"], now=later).filter(pk=hidden.pk).exists()


def test_every_pdf_page_carries_the_handling_mark_and_who_printed_it(client, world):
    from tests.conftest import pdf_text

    case = world["case"]
    case.household = "\n".join(f"世帯の状況 {i}" for i in range(120))  # several pages
    case.save()
    client.force_login(world["intake"])
    pdf = client.get(reverse("council:sheet", args=[case.reference])).content
    pages = pdf_text(pdf).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    username = world["intake"].get_username()
    assert all("取扱注意" in p and f"印刷: {username}" in p for p in pages)


def test_the_open_case_export_is_logged_and_has_no_personal_fields(client, world):
    client.force_login(world["supervisor"])
    response = client.get(reverse("council:export-open"))
    body = response.content.decode("utf-8-sig")
    assert world["case"].reference in body and "架空" not in body
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == 1


def test_intake_of_two_councils_chooses_the_council_of_a_new_case(client, world):
    second = intake_member(CouncilFactory(), user=world["intake"])
    client.force_login(world["intake"])
    page = client.get(reverse("council:intake-new")).content.decode()
    assert 'name="council"' in page and "<select" in page
    data = {
        "council": second.council_id,
        "received_on": "2026-05-01",
        "route": "other",
        "municipality": second.council.municipality_id,
        "footing": "support_meeting",
        "consent": "unconfirmed",
        "person_name": "架空 六郎",
        "person_kana": "かくう ろくろう",
    }
    response = client.post(reverse("council:intake-new"), data)
    assert response.status_code == 302
    assert Case.objects.filter(council=second.council).count() == 1
    # A council the user takes no intake for is not a choice.
    data["council"] = CouncilFactory().pk
    assert client.post(reverse("council:intake-new"), data).status_code == 200
