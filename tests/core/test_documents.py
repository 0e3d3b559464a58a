import pytest
from django.urls import reverse

from core import roles
from core.models import GeneratedDocument
from core.services import document_rerender
from reports.services import platform_summary_create
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_a_rerender_is_queued_only_after_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    document = platform_summary_create(actor=None)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document_rerender(document=document)
        document.refresh_from_db()
        assert document.status == GeneratedDocument.Status.PENDING

    assert len(callbacks) == 1
    callbacks[0]()  # the task runs eagerly without Redis, as a worker would after commit
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.RENDERED
    with document.file.open("rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_the_secretariat_downloads_an_archived_summary(client, django_capture_on_commit_callbacks):
    document = platform_summary_create(actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        document_rerender(document=document)
    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))

    listing = client.get(reverse("admin:core_generateddocument_changelist"))
    response = client.get(reverse("admin:core_generateddocument_download", args=[document.pk]))

    assert "ダウンロード" in listing.content.decode()
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_hub_operator_cannot_download_documents(client):
    document = platform_summary_create(actor=None)
    client.force_login(StaffFactory(roles=[roles.HUB_OPERATOR]))

    response = client.get(reverse("admin:core_generateddocument_download", args=[document.pk]))

    assert response.status_code in (403, 404)
