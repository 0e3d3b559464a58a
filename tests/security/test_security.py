"""Security rules that must hold for every app, proven by walking the project's registries.

Read top to bottom: exports, admin actions, who reads personal data, sessions, settings,
the security log, public input limits, demo accounts and MFA, headers.
"""

import datetime
import io
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from import_export.admin import ImportMixin

from core import roles
from core.abuse import client_ip
from core.checks import no_demo_accounts
from core.demo import DEMO_EMAIL
from core.exports import SafeModelResource, escape_formula
from core.imports import BoundedImportForm
from core.limits import PUBLIC_TEXT_MAX, is_free_text
from core.models import GeneratedDocument, RolePolicy, SecurityEvent, User
from core.tasks import security_failures_alert_task
from council.forms import ConcernForm
from foodhub.models import LedgerEntry
from foodhub.resources import LedgerEntryResource
from foodhub.tasks import ledger_check_task
from members.forms import ApplicationForm
from members.models import Application
from members.tasks import applications_waiting_reminder_task
from reports.tasks import platform_summary_monthly_task
from supporters.forms import SignupForm
from tests.conftest import requires_postgres
from tests.factories import StaffFactory
from tests.members.test_views import _valid_post as _valid_application_post

from .people import load_people
from .registry import (
    PROJECT_APPS,
    admin_actions,
    admin_read_urls,
    exporting_admins,
    project_resource_classes,
    registered_admins,
)

# --- 1. Exports cannot carry a live spreadsheet formula ------------------------------------------


@pytest.mark.parametrize(
    ("model", "model_admin"), exporting_admins(), ids=lambda v: getattr(v, "__name__", "")
)
def test_every_exporting_admin_exports_through_a_formula_safe_resource(model, model_admin):
    request = RequestFactory().get("/")
    for resource_class in model_admin.get_export_resource_classes(request):
        assert issubclass(resource_class, SafeModelResource), (model, resource_class)


@pytest.mark.parametrize("resource_class", project_resource_classes(), ids=lambda c: c.__name__)
def test_every_resource_in_the_project_escapes_formulas(resource_class):
    assert issubclass(resource_class, SafeModelResource)


def test_the_registry_walks_find_the_known_exports():
    labels = {model._meta.label for model, _ in exporting_admins()}
    assert {"members.Application", "members.Prospect", "foodhub.LedgerEntry"} <= labels
    assert len(project_resource_classes()) >= 25


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://evil","x")', "@SUM(A1:A9)", "+1+cmd|' /C calc'!A0", "-2+3"]
)
def test_a_formula_is_escaped(cell):
    assert escape_formula(cell) == "'" + cell


@pytest.mark.parametrize("number", ["-5", "-5.000", "+3", "-1,234.5", "0"])
def test_escaping_never_turns_a_number_into_text(number):
    assert escape_formula(number) == number


def test_a_negative_ledger_quantity_is_exported_as_a_number():
    entry = LedgerEntry(kg_delta=Decimal("-5.000"), quantity_delta=-3)
    resource = LedgerEntryResource()

    kg = resource.export_field(resource.fields["kg_delta"], entry)
    pieces = resource.export_field(resource.fields["quantity_delta"], entry)

    assert Decimal(kg) == Decimal("-5")
    assert int(pieces) == -3


# --- 2. Admin actions that write need a change-level permission ---------------------------------

# Actions that only read (a PDF or a file of the selection): view permission is enough.
READ_ONLY_ACTIONS = {"supporters.Certificate.print_pdf"}


@pytest.mark.parametrize(("action", "permissions"), admin_actions(), ids=lambda v: str(v))
def test_every_admin_action_that_writes_declares_a_change_level_permission(action, permissions):
    if action in READ_ONLY_ACTIONS:
        assert permissions == ("view",), action
        return
    assert permissions, f"{action} declares no permission"
    # "change", "delete", "add" or an app's own verb checked by has_<verb>_permission (foodhub's
    # "dispose"); never "view" alone.
    assert "view" not in permissions, f"{action} is open to read-only roles"


@pytest.mark.django_db
def test_document_rerender_is_not_open_to_auditors(client):
    document = GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.PLATFORM_SUMMARY, title="概要", snapshot={}, status="rendered"
    )
    auditor = StaffFactory(roles=[roles.AUDITOR])
    client.force_login(auditor)

    client.post(
        reverse("admin:core_generateddocument_changelist"),
        {"action": "rerender", "_selected_action": [document.pk]},
    )

    document.refresh_from_db()
    assert document.status == "rendered"
    assert "rerender" not in admin_site._registry[GeneratedDocument].get_actions(
        _request_for(auditor)
    )


def _request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


# --- 3. Who reads personal data: role x URL x export ---------------------------------------------

# Staff pages outside the admin that show a household (foodhub), by the model they show.
FOODHUB_PAGES = {
    "foodhub.Recipient": lambda obj: [reverse("foodhub:recipient-list")],
    "foodhub.Distribution": lambda obj: [
        reverse("foodhub:distribution-detail", args=[obj.pk]),
        reverse("foodhub:distribution-delivery-note", args=[obj.pk]),
    ],
}


def test_every_model_in_the_admin_is_classified_as_personal_data_or_not():
    registered = {model._meta.label for model, _ in registered_admins()}
    personal, other = set(roles.PERSONAL_DATA_READERS), set(roles.NO_PERSONAL_DATA)

    assert personal.isdisjoint(other)
    assert registered - personal - other == set(), "decide in core/roles.py"
    assert personal - registered == set()


@pytest.fixture
def staff_by_role(db):
    """One staff account per role (the hub operator runs every site, so scope is no excuse)."""
    from foodhub.models import Site, SiteOperator

    users = {role: StaffFactory(roles=[role]) for role in roles.ALL_ROLES}
    load_people(users[roles.SECRETARIAT])
    for site in Site.objects.all():
        SiteOperator.objects.create(site=site, user=users[roles.HUB_OPERATOR])
    return users


def test_each_model_with_personal_data_is_read_by_exactly_the_declared_roles(client, staff_by_role):
    wrong = []
    for label, readers in sorted(roles.PERSONAL_DATA_READERS.items()):
        model = apps.get_model(label)
        obj = model._default_manager.order_by("pk").first()
        urls = admin_read_urls(model, obj)
        pages = FOODHUB_PAGES[label](obj) if label in FOODHUB_PAGES and obj else []
        for role, user in staff_by_role.items():
            client.force_login(user)
            for kind, url in [*urls.items(), *(("page", page) for page in pages)]:
                status = client.get(url).status_code
                may_read = role in readers
                if may_read and kind in ("changelist", "export") and status != 200:
                    wrong.append(f"{role} cannot {kind} {label} ({status})")
                if not may_read and status == 200:
                    wrong.append(f"{role} can {kind} {label}: {url}")
        if obj is None and readers:
            wrong.append(f"no {label} to open")
    assert not wrong, "\n".join(wrong)


# Admin page -> the permissions the admin must check before showing it (reading: view or change).
ADMIN_PAGES = {
    "changelist": ("view", "change"),
    "add": ("add",),
    "change": ("view", "change"),
    "delete": ("delete",),
    "export": ("view",),
    "import": ("add",),
}


def test_no_role_reaches_an_admin_page_its_permissions_do_not_grant(client, db):
    """Every registered model's changelist, add, change, delete, export and import page, for
    every role: a page answers 200 only to a role that holds the permission (the change and
    delete pages of a missing record still check it first)."""
    beyond = []
    for role in roles.ALL_ROLES:
        user = StaffFactory(roles=[role])
        client.force_login(user)
        for model, _model_admin in registered_admins():
            info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            for page, actions in ADMIN_PAGES.items():
                args = [0] if page in ("change", "delete") else []
                try:
                    url = reverse(f"{info}_{page}", args=args)
                except NoReverseMatch:
                    continue  # the admin has no such page (no export, no import)
                granted = any(
                    user.has_perm(f"{model._meta.app_label}.{a}_{model._meta.model_name}")
                    for a in actions
                )
                if not granted and client.get(url).status_code == 200:
                    beyond.append(f"{role}: {page} {model._meta.label}")
    assert not beyond, "\n".join(beyond)


# --- 4. Sessions end with the account; staff access ends with the last role ---------------------


def test_deactivating_an_account_ends_its_sessions_for_good(client, db):
    user = StaffFactory(roles=[roles.SECRETARIAT])
    client.force_login(user)
    assert client.get("/admin/").status_code == 200

    user.is_active = False
    user.save()
    user.is_active = True  # re-activated: the old session must not come back
    user.save()

    response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]
    client.force_login(user)  # a new login works
    assert client.get("/admin/").status_code == 200


def test_deactivating_on_the_staff_accounts_screen_ends_sessions_and_is_logged(client, db):
    from staff.models import StaffAccount  # a proxy of User: its saves send their own class

    user = StaffFactory(roles=[roles.SECRETARIAT])
    client.force_login(user)
    account = StaffAccount.objects.get(pk=user.pk)
    account.is_active = False
    account.save()
    account.is_active = True
    account.save()

    assert client.get("/admin/").status_code == 302
    assert SecurityEvent.objects.filter(kind="account.deactivated", user=user).count() == 1


def test_an_account_never_deactivated_keeps_djangos_session_hash(db):
    user = StaffFactory()
    assert user.session_epoch == 0
    assert user.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(user)


def test_removing_the_last_role_removes_staff_access(db, django_capture_on_commit_callbacks):
    user = StaffFactory(roles=[roles.AUDITOR, roles.COORDINATOR])
    auditors = Group.objects.get(name=roles.AUDITOR)

    with django_capture_on_commit_callbacks(execute=True):
        user.groups.remove(auditors)
    user.refresh_from_db()
    assert user.is_staff  # still a coordinator

    with django_capture_on_commit_callbacks(execute=True):
        user.groups.clear()
    user.refresh_from_db()
    assert not user.is_staff


def test_changing_a_role_in_the_admin_keeps_staff_access(client, admin_user):
    user = StaffFactory(roles=[roles.AUDITOR])
    client.force_login(admin_user)
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

    response = client.post(url, data)

    assert response.status_code == 302, response.content[:2000]
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [roles.COORDINATOR]


# --- 5. Settings that must agree ----------------------------------------------------------------


def test_one_proxy_setting_drives_the_projects_and_allauths_client_ip():
    env = {**os.environ, "DEBUG": "true", "TRUSTED_PROXY_COUNT": "2"}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "kirin_pf.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert out.stdout.split() == ["2", "2"]


def test_allauths_rate_limits_see_the_same_visitor_as_the_public_forms(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.2"
    )
    assert get_account_adapter().get_client_ip(request) == client_ip(request) == "198.51.100.7"


def test_the_monthly_platform_summary_run_twice_makes_one_document(db):
    first = platform_summary_monthly_task()
    second = platform_summary_monthly_task()

    assert first == second
    [document] = GeneratedDocument.objects.filter(kind=GeneratedDocument.Kind.PLATFORM_SUMMARY)
    assert document.period == f"{timezone.localdate():%Y-%m}"
    assert document.status == GeneratedDocument.Status.RENDERED


def test_a_password_reset_for_an_unknown_address_sends_nothing(client, db, mailoutbox):
    StaffFactory(email="known@example.jp")

    client.post(reverse("account_reset_password"), {"email": "stranger@example.jp"})
    assert mailoutbox == []

    client.post(reverse("account_reset_password"), {"email": "known@example.jp"})
    assert [m.to for m in mailoutbox] == [["known@example.jp"]]


# --- 6. The security log ------------------------------------------------------------------------

PASSWORD = "correct-horse-battery"
BROWSER = "Mozilla/5.0 (test)"


def _events(*kinds):
    return list(SecurityEvent.objects.filter(kind__in=kinds).order_by("pk"))


def _sign_in(client, login, password):
    return client.post(
        reverse("account_login"),
        {"login": login, "password": password},
        HTTP_USER_AGENT=BROWSER,
        HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1",
    )


def test_sign_ins_failures_and_lockouts_are_logged_with_address_and_browser(client, settings, db):
    settings.TRUSTED_PROXY_COUNT = 1  # the client is the address the proxy appended
    user = StaffFactory(email="jimu@example.jp", roles=[roles.SECRETARIAT])

    _sign_in(client, "jimu@example.jp", PASSWORD)
    client.logout()
    for _ in range(6):
        _sign_in(client, "jimu@example.jp", "wrong-password")
    _sign_in(client, "nobody@example.jp", "guess-guess")

    [success] = _events(SecurityEvent.Kind.LOGIN_SUCCEEDED)
    assert (success.user, success.outcome, success.user_agent) == (user, "success", BROWSER)
    assert success.ip == "10.0.0.1"
    failures = _events(SecurityEvent.Kind.LOGIN_FAILED)
    assert len(failures) == 6  # five wrong passwords, then the stranger
    assert failures[0].login == "jimu@example.jp" and failures[0].user == user
    assert (failures[-1].login, failures[-1].user) == ("nobody@example.jp", None)
    [locked] = _events(SecurityEvent.Kind.LOGIN_LOCKED)
    assert (locked.login, locked.outcome) == ("jimu@example.jp", "refused")
    assert not SecurityEvent.objects.filter(detail__icontains="wrong-password").exists()


def test_two_factor_changes_password_resets_and_role_changes_are_logged(client, admin_user, db):
    from allauth.mfa import signals as mfa_signals
    from allauth.mfa.models import Authenticator

    user = StaffFactory(email="hub@example.jp", roles=[roles.HUB_OPERATOR])
    totp = Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    since = SecurityEvent.objects.order_by("pk").last().pk  # the factory gave the first role
    request = RequestFactory().get("/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.1")
    for signal in (mfa_signals.authenticator_added, mfa_signals.authenticator_removed):
        signal.send(sender=Authenticator, request=request, user=user, authenticator=totp)
    client.post(reverse("account_reset_password"), {"email": "hub@example.jp"})
    user.groups.add(Group.objects.get(name=roles.AUDITOR))
    user.groups.remove(Group.objects.get(name=roles.HUB_OPERATOR))

    events = SecurityEvent.objects.filter(pk__gt=since).order_by("pk")
    kinds = [(e.kind, e.user_id, e.detail) for e in events]
    assert kinds == [
        ("mfa.added", user.pk, "totp"),
        ("mfa.removed", user.pk, "totp"),
        ("password.reset_requested", user.pk, ""),
        ("role.added", user.pk, roles.AUDITOR),
        ("role.removed", user.pk, roles.HUB_OPERATOR),
    ]
    assert {e.actor_id for e in events} == {None}  # no request: changed from the shell


def test_the_security_log_is_append_only_in_the_database(db):
    event = SecurityEvent.objects.create(kind="login.failed", outcome="failure", login="x")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(login="y")


@pytest.mark.parametrize(("failures", "mails"), [(19, 0), (20, 2)])
def test_the_secretariat_hears_of_a_spike_of_failed_sign_ins_once_a_day(
    db, settings, mailoutbox, failures, mails
):
    settings.SECURITY_FAILED_LOGIN_ALERT = 20
    StaffFactory(email="a@example.jp", roles=[roles.SECRETARIAT])
    StaffFactory(email="b@example.jp", roles=[roles.SECRETARIAT])
    StaffFactory(email="c@example.jp", roles=[roles.AUDITOR])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    noon = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(12)))
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            kind="login.failed", outcome="failure", login="x", ip="198.51.100.1", created_at=noon
        )
        for _ in range(failures)
    )

    security_failures_alert_task()
    security_failures_alert_task()  # a second run the same day sends nothing more

    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.jp", "b@example.jp"][:mails]
    if mails:
        assert "198.51.100.1：20 件" in mailoutbox[0].body


def test_the_daily_summary_is_scheduled():
    tasks = {entry["task"] for entry in settings.PERIODIC_TASKS}
    assert "core.tasks.security_failures_alert_task" in tasks


# --- 7. Public input is bounded -----------------------------------------------------------------

PUBLIC_FORMS = [ApplicationForm, SignupForm, ConcernForm]


@pytest.mark.parametrize("form_class", PUBLIC_FORMS, ids=lambda c: c.__name__)
def test_every_text_field_of_a_public_form_has_a_maximum(db, form_class):
    form = form_class()
    unbounded = [
        name for name, field in form.fields.items() if is_free_text(field) and not field.max_length
    ]
    assert unbounded == []


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_one_megabyte_activity_text_is_refused_in_japanese(client, db, encoding):
    data = _valid_application_post(activity_summary="あ" * (1024 * 1024 // 3))

    if encoding == "urlencoded":  # what a browser sends for a form without files
        response = client.post(
            reverse("members:apply"),
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post(reverse("members:apply"), data)

    assert response.status_code == 413
    assert "大きすぎます" in response.content.decode()
    assert not Application.objects.exists()


def test_an_activity_text_over_the_maximum_is_refused_by_the_form_in_japanese(client, db):
    data = _valid_application_post(activity_summary="あ" * (PUBLIC_TEXT_MAX + 1))

    response = client.post(reverse("members:apply"), data)

    assert response.status_code == 200
    assert f"{PUBLIC_TEXT_MAX} 文字以下" in str(response.context["form"].errors["activity_summary"])
    assert not Application.objects.exists()


def test_the_application_model_refuses_an_over_long_public_text_too(db):
    application = Application(activity_summary="あ" * (PUBLIC_TEXT_MAX + 1))

    with pytest.raises(ValidationError, match=f"{PUBLIC_TEXT_MAX} 文字以下") as refused:
        application.full_clean(exclude=["municipality"])

    assert "activity_summary" in refused.value.message_dict


# --- 8. Demo accounts and two-factor authentication ---------------------------------------------


def test_the_demo_login_cannot_be_created_without_debug(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--demo-user is for development only"):
        call_command("load_demo_data", "--demo-user", stdout=io.StringIO())

    assert not User.objects.filter(email=DEMO_EMAIL).exists()


def test_the_deploy_check_fails_while_a_demo_account_exists(db, settings):
    settings.DEBUG = False
    StaffFactory(email="council-intake@kirin-pf.example")

    errors = run_checks(include_deployment_checks=True, databases=["default"])

    assert "kirin_pf.E010" in [e.id for e in errors]
    User.objects.filter(email__endswith="@kirin-pf.example").update(is_active=False)
    assert no_demo_accounts(None, databases=["default"]) == []


def test_every_staff_role_requires_two_factor_as_deployed(client, mfa_as_deployed):
    required = RolePolicy.objects.filter(mfa_required=True).values_list("group__name", flat=True)
    assert set(required) == set(roles.ALL_ROLES)

    client.force_login(StaffFactory(roles=[roles.SECRETARIAT]))
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))


def test_a_passkey_is_a_second_factor_beside_totp(client, mfa_as_deployed):
    assert {"totp", "webauthn", "recovery_codes"} <= set(settings.MFA_SUPPORTED_TYPES)
    user = StaffFactory(roles=[roles.AUDITOR])
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={})
    client.force_login(user)

    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("debug", [True, False])
def test_demo_accounts_skip_two_factor_only_under_debug_and_the_login_page_says_so(
    client, mfa_as_deployed, settings, debug
):
    settings.DEBUG = debug
    demo = StaffFactory(email=DEMO_EMAIL, username="demo", roles=[roles.SECRETARIAT])

    notice = "2段階認証なし" in client.get(reverse("account_login")).content.decode()
    client.force_login(demo)
    response = client.get("/admin/")

    assert notice is debug
    assert (response.status_code == 200) is debug


# --- 9. Reminders to staff: one digest per person and run ---------------------------------------


def test_waiting_applications_make_one_mail_per_secretariat_member_and_day(db, mailoutbox):
    from tests.members.factories import ApplicationFactory

    StaffFactory(email="a@example.jp", roles=[roles.SECRETARIAT])
    StaffFactory(email="b@example.jp", roles=[roles.SECRETARIAT])
    applications = ApplicationFactory.create_batch(12)

    assert applications_waiting_reminder_task() == 2
    assert applications_waiting_reminder_task() == 0  # the same day again: nothing

    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.jp", "b@example.jp"]
    assert "12" in mailoutbox[0].subject
    assert all(a.reference in mailoutbox[0].body for a in applications)


# --- 10. Stock that drifts from the ledger is noticed the next morning ----------------------------


def test_the_nightly_ledger_check_alerts_the_secretariat_once_about_a_drifted_lot(db, mailoutbox):
    from tests.foodhub.factories import ItemFactory, receive, secretariat, site_with_zones

    staff = secretariat(email="jimu@example.jp")
    lot = receive(
        site_with_zones(), ItemFactory(), 10, actor=staff, expiry=datetime.date(2099, 1, 1)
    )
    assert ledger_check_task() == 0 and mailoutbox == []

    with connection.cursor() as cursor:  # outside the application, as the probe did
        cursor.execute("UPDATE foodhub_lot SET kg = kg + 5 WHERE id = %s", [lot.pk])

    assert ledger_check_task() == 1
    assert ledger_check_task() == 1  # the same night again: no second mail
    [mail] = mailoutbox
    assert mail.to == ["jimu@example.jp"]
    assert f"ロット {lot.pk}" in mail.body
    with connection.cursor() as cursor:  # back in line: PostgreSQL checks the drift at the end
        cursor.execute("UPDATE foodhub_lot SET kg = kg - 5 WHERE id = %s", [lot.pk])


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_refuses_to_commit_stock_that_its_ledger_does_not_explain():
    from tests.foodhub.factories import ItemFactory, receive, secretariat, site_with_zones

    staff = secretariat()
    lot = receive(
        site_with_zones(), ItemFactory(), 10, actor=staff, expiry=datetime.date(2099, 1, 1)
    )

    with pytest.raises(IntegrityError, match="only together with a ledger entry"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE foodhub_lot SET kg = kg + 5 WHERE id = %s", [lot.pk])

    lot.refresh_from_db()
    assert lot.kg == 10


def test_the_ledger_check_runs_every_night():
    tasks = {entry["task"] for entry in settings.PERIODIC_TASKS}
    assert "foodhub.tasks.ledger_check_task" in tasks


# --- 11. Content-Security-Policy and Permissions-Policy -----------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\")\b)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"", re.I)
STYLE_WITHOUT_NONCE = re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I)


def test_every_page_carries_a_strict_csp_and_a_permissions_policy(client, db):
    response = client.get("/")

    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]


def test_no_template_of_the_project_has_an_inline_script_handler_or_unsigned_style():
    roots = [Path(settings.BASE_DIR) / name for name in (*PROJECT_APPS, "templates", "staff")]
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}"
        for root in roots
        for path in root.rglob("*.html")
        if INLINE_SCRIPT.search(text := path.read_text(encoding="utf-8"))
        or INLINE_HANDLER.search(text)
        # WeasyPrint renders the PDFs' HTML (no browser, no CSP); every page a browser shows
        # gives its <style> the request's nonce.
        or (STYLE_WITHOUT_NONCE.search(text) and "pdf" not in path.name and "pdf" not in path.parts)
    ]
    assert offenders == []


# --- 12. Imports are bounded ------------------------------------------------------------------


def test_every_admin_import_is_bounded():
    importing = [(m, ma) for m, ma in registered_admins() if isinstance(ma, ImportMixin)]
    assert importing  # the register and the supporter list
    for model, model_admin in importing:
        assert issubclass(model_admin.import_form_class, BoundedImportForm), model


@pytest.mark.parametrize(
    ("limits", "refusal"),
    [
        ({"IMPORT_MAX_ROWS": 3}, "行数が多すぎます"),
        ({"IMPORT_MAX_BYTES": 100}, "ファイルが大きすぎます"),
    ],
)
def test_a_too_large_import_is_refused_before_any_preview_in_japanese(
    client, admin_user, settings, limits, refusal
):
    for name, value in limits.items():
        setattr(settings, name, value)
    client.force_login(admin_user)
    rows = "\n".join(f"団体{i},だんたい{i}" for i in range(4))
    upload = SimpleUploadedFile("register.csv", f"名称,ふりがな\n{rows}\n".encode())

    response = client.post(
        reverse("admin:members_organisation_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )

    assert response.status_code == 200
    assert refusal in str(response.context["form"].errors["import_file"])
    assert "result" not in response.context
