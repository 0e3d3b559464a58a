"""Refusals and errors are pages of the product in Japanese with a way back; the favicon; the
MFA middleware lets the browser's background requests alone so TOTP enrolment works."""

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from core import roles
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_an_unknown_address_is_a_japanese_page_with_a_way_back(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "ページが見つかりません" in page
    assert 'href="/"' in page and "トップページに戻る" in page
    assert "Not Found" not in page
    assert 'rel="icon"' in page


def test_staff_refused_in_the_admin_see_the_japanese_page_and_the_way_back_to_it(client):
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    response = client.get(reverse("admin:members_application_changelist"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "このページは開けません" in page
    assert "管理画面に戻る" in page and reverse("admin:index") in page
    assert "403 Forbidden" not in page


def test_a_refused_form_post_says_what_to_do_in_japanese():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": "a@example.jp", "password": "x"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "フォームを送信できませんでした" in page
    assert "再読み込み" in page
    assert "CSRF" not in page


def test_a_server_error_is_a_japanese_page_rendered_without_a_request_context():
    response = defaults.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "エラーが発生しました" in page
    assert "トップページに戻る" in page
    assert "Server Error" not in page


def test_the_favicon_is_served_at_the_address_browsers_ask_for(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg")


def test_the_admin_greets_a_person_by_name_not_by_login(client):
    user = StaffFactory(
        username="COORD", first_name="花子", last_name="鳥取", roles=[roles.SECRETARIAT]
    )
    client.force_login(user)

    page = client.get(reverse("admin:index")).content.decode()

    assert "鳥取 花子" in page
    assert "COORD" not in page


def _council_member_logged_in(client):
    StaffFactory(email="kyogikai@example.jp", roles=[roles.COUNCIL_MEMBER])
    client.post(reverse("account_login"), {"login": "kyogikai@example.jp", "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def test_background_requests_do_not_open_the_mfa_set_up_page(client):
    _council_member_logged_in(client)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret

    assert client.get("/favicon.ico")["Location"].endswith("favicon.ico")
    image = client.get("/admin/", headers={"Sec-Fetch-Dest": "image"})
    assert image.status_code == 403
    page = client.get("/admin/", headers={"Sec-Fetch-Dest": "document"})
    assert page["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.session[SECRET_SESSION_KEY] == secret


def test_the_totp_secret_stays_the_same_until_it_is_activated(client):
    _council_member_logged_in(client)

    first = client.get(reverse("mfa_activate_totp")).context["form"].secret
    again = client.get(reverse("mfa_activate_totp")).context["form"].secret

    assert first == again


def test_a_user_without_mfa_duty_is_not_refused_background_requests(client):
    client.force_login(UserFactory())

    assert client.get("/favicon.ico").status_code == 302
    assert settings.CSRF_FAILURE_VIEW == "staff.views.csrf_failure"
