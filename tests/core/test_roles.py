import pytest
from django.contrib.auth.models import Group

from core import roles

pytestmark = pytest.mark.django_db


def _codes(role):
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_the_five_roles_exist_with_japanese_names():
    names = set(Group.objects.values_list("name", flat=True))

    assert {"事務局", "コーディネーター", "ハブ担当", "協議会構成員", "監査"} <= names


def test_tests_not_about_two_factor_see_it_required_for_the_council_only():
    # As deployed every staff role requires it (tests/security); tests/conftest.py relaxes it.
    required = set(
        Group.objects.filter(role_policy__mfa_required=True).values_list("name", flat=True)
    )

    assert required == {"協議会構成員"}


def test_auditors_only_read():
    codes = _codes(roles.AUDITOR)

    assert codes
    # Taking the auditors' exports only reads (every file is logged); nothing else may write.
    read_only_extras = {"reports.export_for_audit"}
    assert all(code.split(".")[1].startswith("view_") or code in read_only_extras for code in codes)
    assert "core.view_exportlog" in codes


def test_supporters_personal_data_is_not_in_the_auditor_or_hub_roles():
    for role in (roles.AUDITOR, roles.HUB_OPERATOR, roles.COORDINATOR, roles.COUNCIL_MEMBER):
        assert "supporters.view_supporter" not in _codes(role), role


def test_the_secretariat_runs_the_register_and_coordinators_print():
    assert "members.change_organisation" in _codes(roles.SECRETARIAT)
    assert "core.print_platform_summary" in _codes(roles.COORDINATOR)
    assert "members.change_organisation" not in _codes(roles.COORDINATOR)


def test_syncing_again_restores_declared_permissions():
    group = Group.objects.get(name=roles.AUDITOR)
    group.permissions.clear()

    roles.sync_role_permissions()

    assert "core.view_exportlog" in _codes(roles.AUDITOR)


def test_a_rule_naming_a_missing_permission_fails_loudly(monkeypatch):
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, roles.AUDITOR, ["core.view_nothing"])

    with pytest.raises(LookupError, match=r"core\.view_nothing"):
        roles.sync_role_permissions()


def test_auditors_do_not_see_notification_recipients(client):
    from django.urls import reverse

    from tests.factories import StaffFactory

    client.force_login(StaffFactory(roles=[roles.AUDITOR]))

    assert "core.view_notification" not in _codes(roles.AUDITOR)
    assert client.get(reverse("admin:core_notification_changelist")).status_code == 403
