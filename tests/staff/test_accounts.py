"""The secretariat manages staff accounts itself: invite, give and take roles, deactivate —
never a superuser, never through Django's raw user and group screens."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import roles
from core.models import User
from staff import services
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:staff_staffaccount_add")


def _change_url(user):
    return reverse("admin:staff_staffaccount_change", args=[user.pk])


def _role_names(user):
    return sorted(user.groups.values_list("name", flat=True))


def test_the_secretariat_invites_a_colleague_who_sets_a_password_from_the_mail(
    client, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD,
            {
                "email": "new.coord@example.jp",
                "last_name": "因幡",
                "first_name": "太郎",
                "roles": [roles.COORDINATOR],
            },
            follow=True,
        )

    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert "パスワード設定の案内を new.coord@example.jp に送りました。" in shown, shown
    account = User.objects.get(email="new.coord@example.jp")
    assert account.is_staff and not account.is_superuser and account.is_active
    assert not account.has_usable_password()
    assert _role_names(account) == [roles.COORDINATOR]
    (mail,) = mailoutbox
    assert mail.to == ["new.coord@example.jp"]
    assert "因幡 太郎 様" in mail.body and "コーディネーター" in mail.body
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.body).group(0)

    client.logout()
    path = link.split("8000", 1)[-1] if "8000" in link else link
    form = client.get(path, follow=True)
    client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"password1": "tottori-kirin-2026", "password2": "tottori-kirin-2026"},
    )
    account.refresh_from_db()
    assert account.check_password("tottori-kirin-2026")


def test_an_address_already_in_use_is_refused_on_the_form(client, secretariat):
    StaffFactory(email="taken@example.jp")

    response = client.post(
        ADD, {"email": "TAKEN@example.jp", "last_name": "a", "roles": [roles.AUDITOR]}
    )

    assert "このメールアドレスのアカウントは既にあります。" in response.content.decode()
    assert User.objects.filter(email__iexact="taken@example.jp").count() == 1


def test_the_secretariat_gives_and_takes_roles(client, secretariat):
    colleague = StaffFactory(roles=[roles.COORDINATOR])

    client.post(
        _change_url(colleague),
        {
            "last_name": "八頭",
            "first_name": "花子",
            "roles": [roles.HUB_OPERATOR, roles.AUDITOR],
            "is_active": "on",
        },
    )

    colleague.refresh_from_db()
    assert _role_names(colleague) == sorted([roles.HUB_OPERATOR, roles.AUDITOR])
    assert colleague.last_name == "八頭" and colleague.is_staff


def test_the_secretariat_deactivates_an_account_and_it_can_no_longer_sign_in(client, secretariat):
    colleague = StaffFactory(email="leaving@example.jp", roles=[roles.COORDINATOR])

    client.post(
        _change_url(colleague),
        {"last_name": "", "first_name": "", "roles": [roles.COORDINATOR]},
    )

    colleague.refresh_from_db()
    assert not colleague.is_active
    other = client.__class__()
    assert not other.login(username=colleague.username, password="correct-horse-battery")


def test_a_secretariat_member_cannot_make_anyone_a_superuser(client, secretariat):
    colleague = StaffFactory(roles=[roles.COORDINATOR])

    client.post(
        _change_url(colleague),
        {
            "last_name": "x",
            "roles": [roles.SECRETARIAT],
            "is_active": "on",
            "is_superuser": "on",
            "user_permissions": ["1"],
        },
    )
    client.post(
        ADD,
        {"email": "boss@example.jp", "last_name": "x", "roles": [roles.SECRETARIAT]},
        **{"is_superuser": "on"},
    )
    client.post(
        ADD,
        {
            "email": "boss2@example.jp",
            "last_name": "x",
            "roles": [roles.SECRETARIAT],
            "is_superuser": "on",
        },
    )

    assert not User.objects.filter(is_superuser=True).exists()
    colleague.refresh_from_db()
    assert not colleague.user_permissions.exists()


def test_superusers_are_out_of_reach_and_the_raw_screens_closed(client, secretariat):
    boss = StaffFactory(is_superuser=True)

    assert client.get(_change_url(boss)).status_code in (302, 404)
    assert (
        boss.email
        not in client.get(reverse("admin:staff_staffaccount_changelist")).content.decode()
    )
    assert client.get(reverse("admin:core_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    with pytest.raises(ValidationError, match="システム管理者のアカウントはここでは変更できません"):
        services.staff_account_update(
            account=boss, last_name="", first_name="", roles=[], is_active=False, actor=secretariat
        )


def test_nobody_locks_the_secretariat_out(secretariat):
    with pytest.raises(ValidationError, match="自分のアカウントは無効にできません"):
        services.staff_account_update(
            account=secretariat,
            last_name="",
            first_name="",
            roles=[roles.SECRETARIAT],
            is_active=False,
            actor=secretariat,
        )
    with pytest.raises(ValidationError, match="自分から事務局の役割を外すことはできません"):
        services.staff_account_update(
            account=secretariat,
            last_name="",
            first_name="",
            roles=[roles.COORDINATOR],
            is_active=True,
            actor=secretariat,
        )
    other = StaffFactory(roles=[roles.SECRETARIAT])
    secretariat.groups.clear()
    with pytest.raises(ValidationError, match="最後の有効な事務局アカウント"):
        services.staff_account_update(
            account=other, last_name="", first_name="", roles=[], is_active=True, actor=secretariat
        )


def test_the_roles_are_the_five_the_code_defines(client, secretariat):
    page = client.get(ADD).content.decode()

    for name in roles.ALL_ROLES:
        assert f'value="{name}"' in page
    assert Group.objects.filter(name__in=roles.ALL_ROLES).count() == 5
    with pytest.raises(ValidationError, match="不明な役割"):
        services.staff_account_invite(
            email="x@example.jp", last_name="", first_name="", roles=["管理者"], actor=secretariat
        )


def test_other_roles_cannot_manage_accounts(client):
    client.force_login(StaffFactory(roles=[roles.COORDINATOR]))

    assert client.get(reverse("admin:staff_staffaccount_changelist")).status_code == 403
