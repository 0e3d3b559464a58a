import subprocess

import pytest
from django.urls import reverse

from core import roles
from core.models import GeneratedDocument
from core.pdf import JapaneseFontMissing, ensure_japanese_font
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    SiteFactory,
    StaffFactory,
    SupporterFactory,
)

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


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


@pytest.fixture
def no_fonts(tmp_path, monkeypatch):
    """A fontconfig that knows no fonts at all, as on a machine without fonts-noto-cjk."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path}</cachedir></fontconfig>"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))


def test_without_a_japanese_font_rendering_refuses_and_names_the_package(no_fonts):
    with pytest.raises(JapaneseFontMissing, match="fonts-noto-cjk"):
        ensure_japanese_font()


def test_without_a_japanese_font_the_admin_says_what_to_install(client, no_fonts):
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    response = client.get(reverse("admin:platform-summary-pdf"), follow=True)

    assert "fonts-noto-cjk" in response.content.decode()
    assert "日本語フォント" in response.content.decode()
    assert GeneratedDocument.objects.get().status == GeneratedDocument.Status.FAILED
