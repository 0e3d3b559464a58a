"""The platform summary: figures read across the apps, printed as a PDF, archived monthly."""

import pytest
from django.urls import reverse

from core import roles
from core.models import GeneratedDocument
from reports.services import platform_summary_create
from reports.tasks import platform_summary_monthly_task
from tests.conftest import pdf_text
from tests.core.test_pdf import no_fonts  # noqa: F401  (no_fonts is a fixture)
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    SiteFactory,
    StaffFactory,
    SupporterFactory,
)

pytestmark = pytest.mark.django_db


def test_a_coordinator_prints_the_platform_summary_with_japanese_text(client):
    town = MunicipalityFactory(name="若桜町", population=2864)
    MembershipFactory(organisation__municipality=town, tier="steering")
    MembershipFactory(organisation__municipality=town)
    MembershipFactory(organisation__municipality=town, ended_on="2025-03-31")
    SupporterFactory(municipality=town)
    SiteFactory(municipality=town)
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    response = client.get(reverse("admin:platform-summary-pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "麒麟のまち官民連携プラットフォーム" in text
    assert "プラットフォーム概要" in text
    assert "令和" in text
    assert "若桜町" in text
    assert "2,864" in text
    document = GeneratedDocument.objects.get()
    assert document.status == GeneratedDocument.Status.RENDERED
    assert document.snapshot["members"] == {"steering": 1, "general": 1, "total": 2}
    assert document.snapshot["supporters"] == 1


def test_a_hub_operator_cannot_print_the_summary(client):
    client.force_login(StaffFactory(roles=[roles.HUB_OPERATOR]))

    response = client.get(reverse("admin:platform-summary-pdf"))

    assert response.status_code == 403
    assert not GeneratedDocument.objects.exists()


@pytest.mark.usefixtures("no_fonts")
def test_without_a_japanese_font_the_admin_says_what_to_install(client):
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    response = client.get(reverse("admin:platform-summary-pdf"))

    assert response.status_code == 503
    assert "fonts-noto-cjk" in response.content.decode()
    assert "日本語フォント" in response.content.decode()
    assert GeneratedDocument.objects.get().status == GeneratedDocument.Status.FAILED


def test_the_monthly_task_archives_a_rendered_summary():
    MembershipFactory(tier="steering")

    document_id = platform_summary_monthly_task()

    document = GeneratedDocument.objects.get(pk=document_id)
    assert document.status == GeneratedDocument.Status.RENDERED
    assert document.snapshot["members"]["steering"] == 1
    assert document.created_by is None


def test_the_summary_snapshot_is_taken_at_creation():
    document = platform_summary_create(actor=None)

    assert document.status == GeneratedDocument.Status.PENDING
    assert document.kind == GeneratedDocument.Kind.PLATFORM_SUMMARY
