import pytest
from django.urls import reverse

from core.models import Municipality

pytestmark = pytest.mark.django_db


def test_home_page_speaks_japanese_and_lists_the_area(client):
    Municipality.objects.create(name="若桜町", prefecture="鳥取県", population=2864)

    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert "麒麟のまち官民連携プラットフォーム" in html
    assert "若桜町" in html
    assert "2,864" in html


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_reports_503_when_the_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
