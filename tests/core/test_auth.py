import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from core import roles
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def test_the_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_log_in_by_email_and_reach_the_admin(client):
    user = StaffFactory(email="jimukyoku@example.jp", roles=[roles.SECRETARIAT])

    response = client.post(
        reverse("account_login"),
        {"login": "jimukyoku@example.jp", "password": PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "麒麟のまち官民連携プラットフォーム" in page.content.decode()
    assert page.context["user"] == user


def test_failed_logins_are_rate_limited(client):
    StaffFactory(email="target@example.jp")
    attempt = {"login": "target@example.jp", "password": "wrong-password"}

    for _ in range(5):
        response = client.post(reverse("account_login"), attempt)
        assert "ログイン失敗が連続しています" not in response.content.decode()

    response = client.post(reverse("account_login"), {**attempt, "password": PASSWORD})

    # Even the right password no longer gets in until the window passes.
    assert "_auth_user_id" not in client.session
    assert "ログイン失敗が連続しています" in response.content.decode()


def test_nobody_can_sign_up(client):
    response = client.get(reverse("account_signup"))

    assert "ユーザー登録停止中" in response.content.decode()
    assert 'name="password1"' not in response.content.decode()


def test_a_council_member_must_set_up_mfa_before_anything_else(client):
    StaffFactory(email="kyogikai@example.jp", roles=[roles.COUNCIL_MEMBER])
    client.post(reverse("account_login"), {"login": "kyogikai@example.jp", "password": PASSWORD})

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password again before showing the authenticator's secret.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert 'name="code"' in setup.content.decode()


def test_a_council_member_with_totp_gets_in(client):
    member = StaffFactory(roles=[roles.COUNCIL_MEMBER])
    Authenticator.objects.create(user=member, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(member)

    assert client.get("/admin/").status_code == 200


def test_other_roles_are_not_forced_into_mfa(client):
    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))

    assert client.get("/admin/").status_code == 200


def test_the_mfa_flag_is_a_group_setting_the_secretariat_can_turn_on(client):
    from django.contrib.auth.models import Group

    policy = Group.objects.get(name=roles.AUDITOR).role_policy
    policy.mfa_required = True
    policy.save()
    client.force_login(StaffFactory(roles=[roles.AUDITOR]))

    assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))


def test_a_member_contact_lands_on_their_organisation_after_login(client):
    from tests.factories import UserFactory

    UserFactory(email="contact@example.jp")

    response = client.post(
        reverse("account_login"), {"login": "contact@example.jp", "password": PASSWORD}
    )

    assert response["Location"] == reverse("members:my-organisation")
