"""The security log records each event a security officer asks about, through the pages people
really use: sign-outs (allauth's, the admin's, the council's idle timeout), two-factor enrolment
and removal, a completed password reset and a role given in the admin. Sign-ins, failures,
lockouts and the reset request are in test_security.py (section 6)."""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Group
from django.urls import reverse

from core import roles
from core.models import SecurityEvent
from tests.council.factories import intake_member
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
BROWSER = "Mozilla/5.0 (security log)"


def _sign_in(client, user):
    """Through allauth's form, as a person does (the session then knows how they signed in)."""
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_USER_AGENT=BROWSER,
    )
    assert response.status_code == 302, response.content[:500]


def _after(since):
    rows = SecurityEvent.objects.filter(pk__gt=since).order_by("pk")
    return [(e.kind, e.outcome, e.user_id, e.detail) for e in rows]


def _last_pk():
    last = SecurityEvent.objects.order_by("pk").last()
    return last.pk if last else 0


def test_signing_out_on_allauths_page_is_logged_with_address_and_browser(client):
    user = StaffFactory(email="jimu@example.jp", roles=[roles.SECRETARIAT])
    _sign_in(client, user)
    since = _last_pk()

    client.post(reverse("account_logout"), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.8")

    [event] = SecurityEvent.objects.filter(pk__gt=since)
    assert (event.kind, event.outcome, event.user) == ("logout", "success", user)
    assert (event.ip, event.user_agent, event.login) == ("192.0.2.8", BROWSER, user.username)


def test_signing_out_of_the_admin_is_logged(client):
    user = StaffFactory(roles=[roles.AUDITOR])
    client.force_login(user)
    since = _last_pk()

    response = client.post(reverse("admin:logout"))

    assert response.status_code in (200, 302)
    assert _after(since) == [("logout", "success", user.pk, "")]


def test_signing_out_when_not_signed_in_records_nothing(client):
    since = _last_pk()

    client.post(reverse("account_logout"))

    assert _after(since) == []


def test_the_council_idle_timeout_is_logged_as_such_and_once(client, settings):
    settings.COUNCIL_IDLE_TIMEOUT_MINUTES = 30
    user = intake_member().user
    client.force_login(user)
    assert client.get(reverse("council:cases")).status_code == 200
    session = client.session
    session["council_last_seen"] -= 31 * 60
    session.save()
    since = _last_pk()

    response = client.get(reverse("council:cases"))

    assert "/accounts/login/" in response["Location"]
    assert _after(since) == [("logout.idle", "success", user.pk, "")]


def _totp_code(secret):
    counters = list(yield_hotp_counters_from_time())
    return f"{hotp_value(secret, counters[len(counters) // 2]):06d}"


def test_enrolling_and_removing_an_authenticator_app_is_logged(
    client, django_capture_on_commit_callbacks
):
    user = StaffFactory(email="hub@example.jp", roles=[roles.HUB_OPERATOR])
    _sign_in(client, user)
    since = _last_pk()

    # Changing one's second factor asks for the password again first.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    code = _totp_code(client.session[SECRET_SESSION_KEY])
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals once committed
        activated = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert activated.status_code == 302, activated.content[:500]
    removed = client.post(reverse("mfa_deactivate_totp"))
    assert removed.status_code == 302, removed.content[:500]

    assert [e for e in _after(since) if e[0].startswith("mfa.")] == [
        ("mfa.added", "success", user.pk, "totp"),
        ("mfa.added", "success", user.pk, "recovery_codes"),  # allauth makes them with the first
        ("mfa.removed", "success", user.pk, "totp"),
        ("mfa.removed", "success", user.pk, "recovery_codes"),  # they go with the last factor
    ]


def test_a_completed_password_reset_is_logged(client):
    user = StaffFactory(email="kansa@example.jp", roles=[roles.AUDITOR])
    since = _last_pk()
    key_url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )

    form_url = client.get(key_url)["Location"]  # allauth moves the key into the session
    response = client.post(
        form_url, {"password1": "new-horse-battery-9", "password2": "new-horse-battery-9"}
    )

    assert response.status_code == 302, response.content[:500]
    assert ("password.reset", "success", user.pk, "") in _after(since)


def test_a_role_given_in_the_admin_is_logged_with_who_gave_it(client, admin_user):
    user = StaffFactory(roles=[roles.AUDITOR])
    client.force_login(admin_user)
    since = _last_pk()

    url = reverse("admin:core_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        groups=[Group.objects.get(name=roles.COORDINATOR).pk],
        is_active="on",
        is_staff="on",
        date_joined_0=user.date_joined.date().isoformat(),
        date_joined_1="00:00:00",
        user_permissions=[],
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)
    assert client.post(url, data).status_code == 302

    changes = SecurityEvent.objects.filter(pk__gt=since, kind__startswith="role.")
    assert sorted((e.kind, e.detail, e.actor_id) for e in changes) == [
        ("role.added", roles.COORDINATOR, admin_user.pk),
        ("role.removed", roles.AUDITOR, admin_user.pk),
    ]
