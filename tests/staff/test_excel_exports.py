"""Every admin export is Excel-ready: UTF-8 with BOM, Japanese headers, labels not codes, related
records by name, no internal fields (tokens, hashes)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.exports import SafeModelResource
from foodhub.models import Site
from foodhub.resources import LiabilityConsentResource, SiteResource
from tests.factories import SiteFactory
from tests.foodhub.factories import RecipientFactory, consented, secretariat
from tests.security.registry import project_resource_classes

pytestmark = pytest.mark.django_db
INTERNAL = re.compile(
    r"token|hash|idempotency|password|secret|search_text|search_bigrams|blind_index", re.I
)
# A header is Japanese when it has a character beyond ASCII; these few are fine as they are.
LATIN_HEADERS = {"ID", "LINE", "kg"}


def _export_resources():
    return [
        cls
        for cls in project_resource_classes()
        if issubclass(cls, SafeModelResource) and cls._meta.model is not None
    ]


@pytest.mark.parametrize("resource_class", _export_resources(), ids=lambda c: c.__qualname__)
def test_every_resource_exports_japanese_headers_and_no_internal_field(resource_class):
    resource = resource_class()
    with translation.override("ja"):
        headers = [str(h) for h in resource.get_export_headers()]
        dataset = resource.export(queryset=resource_class._meta.model.objects.none())

    assert headers, resource_class
    english = [h for h in headers if h.isascii() and h not in LATIN_HEADERS]
    assert english == [], f"{resource_class.__qualname__}: untranslated headers {english}"
    for field in resource.get_export_fields():
        assert not INTERNAL.search(field.attribute or ""), field.attribute
        assert not INTERNAL.search(str(field.column_name)), field.column_name
    assert dataset.headers == headers


def test_choice_labels_not_codes_and_related_records_by_name():
    site = SiteFactory(name="ハブ拠点 八頭町", kind=Site.Kind.TOWN_HUB)
    recipient = RecipientFactory(site=site, name="みんなの地域食堂")
    consented(recipient, actor=secretariat())

    with translation.override("ja"):
        sites = SiteResource().export(queryset=Site.objects.filter(pk=site.pk))
        consents = LiabilityConsentResource().export(
            queryset=recipient.consents.all()
            if hasattr(recipient, "consents")
            else LiabilityConsentResource._meta.model.objects.all()
        )

    row = dict(zip(sites.headers, sites[0], strict=True))
    assert row["種別"] == str(Site.Kind.TOWN_HUB.label)
    assert row["市町村"] == site.municipality.name
    consent = dict(zip(consents.headers, consents[0], strict=True))
    assert recipient.name in consent.values()  # by name, not its id


def test_the_admin_csv_has_a_bom_and_japanese_headers(client, secretariat):
    response = client.post(
        reverse("admin:core_municipality_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"municipalityresource_{f}": "on" for f in ("id", "name")},
        },
    )

    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff"), body[:40]
    header = body.lstrip("\ufeff").splitlines()[0]
    assert header.startswith("ID,")
    assert "名" in header


def test_the_export_page_lists_columns_by_their_japanese_names(client, secretariat):
    page = client.get(reverse("admin:foodhub_site_export")).content.decode()

    assert "市町村" in page
    assert "Municipality Name" not in page and "Capacity Kg" not in page
