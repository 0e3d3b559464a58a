"""The role x URL matrix: every URL pattern of the project, resolved from the URLconf, has a
decided answer for every role, anonymous included, and each is asserted.

A ModelAdmin's own pages (changelist, add, change, delete, history, export, import) are decided
by the model's permissions and checked for every registered model in test_security.py; every other
URL (dashboards, PDFs, reports, the export centre, foodhub, staff, portal and council pages,
allauth's and the admin site's own) is decided here, one line each. A new URL without a line
fails `test_every_url_pattern_has_a_decision`.

Answers: "200"; "login" (sent to a sign-in page); "403"; "404" (the council workspace answers
404 to everyone outside it, platform roles included: it does not say what exists); "405" (POST
only); "redirect" (anywhere but a sign-in page); "mfa" would mean sent to set up two-factor, which
nobody here should be (each staff account has an authenticator, as deployed).
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from core.roles import ALL_ROLES as STAFF
from core.roles import AUDITOR, COORDINATOR, COUNCIL_MEMBER, HUB_OPERATOR, SECRETARIAT

from .urls import is_model_admin_page, url_patterns
from .world import ANONYMOUS, CONTACT, COUNCIL, MATRIX_ROLES, World

OK, LOGIN, DENIED, NOT_FOUND, POST_ONLY, REDIRECT = "200", "login", "403", "404", "405", "redirect"
NOT_STAFF = (ANONYMOUS, CONTACT, COUNCIL)


def every(outcome):
    return dict.fromkeys(MATRIX_ROLES, outcome)


def public():
    return every(OK)


def signed_in(outcome=OK):
    """allauth's own account pages: the signed-in person's own account, whoever they are."""
    return every(outcome) | {ANONYMOUS: LOGIN}


def admin_screen(*readers, others=DENIED):
    """A screen inside the admin: staff only (others go to the sign-in page)."""
    return (
        dict.fromkeys(NOT_STAFF, LOGIN) | dict.fromkeys(STAFF, others) | dict.fromkeys(readers, OK)
    )


def staff_page(*readers):
    """A staff page outside the admin (foodhub's, the council's examples)."""
    return every(DENIED) | {ANONYMOUS: LOGIN} | dict.fromkeys(readers, OK)


def portal_page(contact=OK):
    """The contact portal: a member organisation's contact person only."""
    return every(DENIED) | {ANONYMOUS: LOGIN, CONTACT: contact}


def council_page(council=OK):
    """The council workspace: council members in force; to everyone else it does not exist."""
    return every(NOT_FOUND) | {ANONYMOUS: LOGIN, COUNCIL: council}


FOOD_READERS = (SECRETARIAT, COORDINATOR, HUB_OPERATOR, AUDITOR)  # stock, movements, aggregates
HOUSEHOLD_READERS = (SECRETARIAT, HUB_OPERATOR)  # recipients, distributions, recalls
REPORT_READERS = (SECRETARIAT, COORDINATOR, AUDITOR)

EXPECTED = {
    # --- Public pages ---
    "home": public(),
    "healthz": public(),
    "favicon": every(REDIRECT),
    "members:apply": public(),
    "members:apply-done": every(REDIRECT),  # only right after sending: back to the form
    "members:directory": public(),
    "members:blank-form": public(),
    "supporters:training-list": public(),
    "supporters:training-signup": public(),
    "supporters:training-signup-done": public(),
    "supporters:training-calendar": public(),
    # A sign-up's cancel and waiting-list links are signed: a forged one opens nothing, for anyone.
    "supporters:registration-cancel": every(NOT_FOUND),
    "supporters:waitlist-offer": every(NOT_FOUND),
    "exchange:map": public(),
    "council:concern": public(),
    "council:concern-sent": every(REDIRECT),
    # --- allauth: signing in, the account's own password and two-factor pages ---
    "account_login": every(REDIRECT) | {ANONYMOUS: OK},
    "account_logout": every(OK) | {ANONYMOUS: REDIRECT},
    "account_inactive": public(),
    "account_signup": every(REDIRECT) | {ANONYMOUS: OK},  # says sign-up is closed
    "account_reauthenticate": signed_in() | {COUNCIL: REDIRECT},  # council: by code
    "account_email": signed_in(),
    "account_email_verification_sent": public(),
    # The demo council member has no password: set, not change.
    "account_change_password": signed_in() | {COUNCIL: REDIRECT},
    "account_set_password": signed_in(REDIRECT) | {COUNCIL: OK},
    "account_reset_password": public(),
    "account_reset_password_done": public(),
    "account_reset_password_from_key": public(),  # a wrong key: "invalid link"
    "account_reset_password_from_key_done": public(),
    "account_confirm_email": public(),
    "account_confirm_login_code": signed_in(REDIRECT),
    "mfa_index": signed_in(),
    "mfa_authenticate": signed_in(REDIRECT),
    "mfa_reauthenticate": signed_in() | {CONTACT: REDIRECT},  # no second factor: password
    "mfa_activate_totp": signed_in(REDIRECT),
    "mfa_deactivate_totp": signed_in(REDIRECT) | {CONTACT: NOT_FOUND},
    "mfa_view_recovery_codes": signed_in(NOT_FOUND),
    "mfa_generate_recovery_codes": signed_in(REDIRECT),
    "mfa_download_recovery_codes": signed_in(NOT_FOUND),
    "mfa_list_webauthn": signed_in(),
    "mfa_add_webauthn": signed_in(REDIRECT),
    "mfa_reauthenticate_webauthn": signed_in(REDIRECT),
    "mfa_remove_webauthn": signed_in(REDIRECT),
    "mfa_edit_webauthn": signed_in(REDIRECT),
    # --- The admin site's own pages ---
    "admin:index": admin_screen(*STAFF),  # the staff to-do home
    "admin:login": every(REDIRECT) | {ANONYMOUS: LOGIN, CONTACT: DENIED, COUNCIL: DENIED},
    "admin:logout": admin_screen(others=POST_ONLY) | dict.fromkeys(NOT_STAFF, REDIRECT),
    "admin:password_change": admin_screen(*STAFF),
    "admin:password_change_done": admin_screen(*STAFF),
    "admin:jsi18n": admin_screen(*STAFF),
    "admin:autocomplete": admin_screen(),  # refused without a model it may search
    "admin:view_on_site": admin_screen(others=NOT_FOUND),
    "admin:app_list": admin_screen(*FOOD_READERS) | {COUNCIL_MEMBER: NOT_FOUND},
    "admin/(?P<url>.*)$": admin_screen(others=NOT_FOUND),
    "admin:auth_user_password_change": admin_screen(),  # superusers only
    # --- Screens added to the admin: documents, PDFs, dashboards, reports, export centre ---
    "admin:platform-summary-pdf": admin_screen(SECRETARIAT, COORDINATOR),
    "admin:core_generateddocument_download": admin_screen(*REPORT_READERS, others=NOT_FOUND),
    "admin:members_application_form1": admin_screen(SECRETARIAT, AUDITOR),
    "admin:members_membernotice_form": admin_screen(SECRETARIAT, AUDITOR),
    "admin:members_meeting_minutes": admin_screen(SECRETARIAT, AUDITOR),
    "admin:members_meeting_grid": admin_screen(SECRETARIAT, AUDITOR),
    "admin:members_organisation_invite_contact": admin_screen(SECRETARIAT),
    "admin:members_organisation_import_template": admin_screen(SECRETARIAT),
    "admin:members_organisation_import_job": admin_screen() | {SECRETARIAT: NOT_FOUND},
    "admin:supporters_supporter_import_template": admin_screen(SECRETARIAT),
    "admin:supporters_supporter_import_job": admin_screen() | {SECRETARIAT: NOT_FOUND},
    "admin:supporters_trainingsession_import_template": admin_screen(SECRETARIAT),
    "admin:supporters_trainingsession_import_job": admin_screen() | {SECRETARIAT: NOT_FOUND},
    "admin:supporters_tsunagarimeeting_import_template": admin_screen(SECRETARIAT),
    "admin:supporters_tsunagarimeeting_import_job": admin_screen() | {SECRETARIAT: NOT_FOUND},
    "admin:supporters_dashboard": admin_screen(*REPORT_READERS),
    "admin:supporters_trainingsession_attendance": admin_screen(SECRETARIAT),
    # Certificates print from a selection posted on the attendance page.
    "admin:supporters_trainingsession_certificates": admin_screen() | {SECRETARIAT: REDIRECT},
    "admin:reports_monthlyreport_build": admin_screen(SECRETARIAT, COORDINATOR),
    "admin:reports_monthlyreport_progress": admin_screen(*REPORT_READERS),
    "admin:reports_monthlyreport_page": admin_screen(*REPORT_READERS),
    "admin:reports_monthlyreport_pdf": admin_screen(*REPORT_READERS),
    "admin:reports_monthlyreport_csv": admin_screen(*REPORT_READERS),
    "admin:reports_fiscal_year": admin_screen(*REPORT_READERS),
    "admin:reports_fiscal_year_pdf": admin_screen(*REPORT_READERS),
    "admin:reports_fiscal_year_csv": admin_screen(*REPORT_READERS),
    "admin:reports_audit": admin_screen(SECRETARIAT, AUDITOR),
    "admin:reports_audit_bundle": admin_screen(SECRETARIAT, AUDITOR),
    "admin:reports_audit_csv": admin_screen(SECRETARIAT, AUDITOR),
    # --- Food hub: stock and movements for the food roles, households for two of them ---
    "foodhub:stock": staff_page(*FOOD_READERS),
    "foodhub:dashboard": staff_page(*FOOD_READERS),
    "foodhub:ledger-csv": staff_page(*FOOD_READERS),
    "foodhub:monthly-csv": staff_page(*FOOD_READERS),
    "foodhub:transfer-list": staff_page(*FOOD_READERS),
    "foodhub:transfer-detail": staff_page(*FOOD_READERS),
    "foodhub:transfer-pick-list": staff_page(*FOOD_READERS),
    "foodhub:food-request-queue": staff_page(*FOOD_READERS),
    "foodhub:food-request-calendar": staff_page(*FOOD_READERS),
    # A request is opened by those who fill it (coordinators and auditors see the queue only).
    "foodhub:food-request-detail": staff_page(*HOUSEHOLD_READERS)
    | {COORDINATOR: NOT_FOUND, AUDITOR: NOT_FOUND},
    "foodhub:food-request-action": staff_page() | dict.fromkeys(HOUSEHOLD_READERS, POST_ONLY),
    "foodhub:donation-create": staff_page(*HOUSEHOLD_READERS),
    "foodhub:transfer-create": staff_page(*HOUSEHOLD_READERS),
    "foodhub:disposal-create": staff_page(*HOUSEHOLD_READERS),
    "foodhub:stocktake-create": staff_page(*HOUSEHOLD_READERS),
    "foodhub:distribution-create": staff_page(*HOUSEHOLD_READERS),
    "foodhub:distribution-detail": staff_page(*HOUSEHOLD_READERS),
    "foodhub:distribution-delivery-note": staff_page(*HOUSEHOLD_READERS),
    "foodhub:recipient-list": staff_page(*HOUSEHOLD_READERS),
    "foodhub:consent-create": staff_page(*HOUSEHOLD_READERS),
    "foodhub:recall-search": staff_page(*HOUSEHOLD_READERS),
    "foodhub:recall": staff_page(*HOUSEHOLD_READERS),
    "foodhub:recall-pdf": staff_page(*HOUSEHOLD_READERS),
    "foodhub:recall-csv": staff_page(*HOUSEHOLD_READERS),
    # --- The contact portal ---
    "members:my-organisation": portal_page(),
    "members:my-change": portal_page(),
    "members:my-withdraw": portal_page(),
    "food-portal:request-list": portal_page(),
    "food-portal:request-create": portal_page(),
    "food-portal:request-detail": portal_page(),
    "exchange-portal:board": portal_page(),
    "exchange-portal:post-create": portal_page(),
    "exchange-portal:post-detail": portal_page(NOT_FOUND),  # none of theirs
    "exchange-portal:exchange-detail": portal_page(NOT_FOUND),
    # --- The council: outside the workspace ---
    "council:examples": staff_page(SECRETARIAT, COUNCIL_MEMBER, AUDITOR) | {COUNCIL: OK},
    "council:access-counts": staff_page(AUDITOR),
    # --- The council workspace (the member here is at the intake desk, not a supervisor) ---
    "council:cases": council_page(),
    "council:my-cases": council_page(),
    "council:intake": council_page(),
    "council:intake-new": council_page(),
    "council:concern-detail": council_page(),
    "council:transfer-decide": council_page(POST_ONLY),
    "council:follow-ups": council_page(),
    "council:caseload": council_page(),
    "council:break-glass": council_page(),
    "council:case": council_page(),
    "council:sheet": council_page(),
    "council:plan-pdf": council_page(),
    "council:case-action": council_page(NOT_FOUND),  # actions are posted
    "council:approvals": council_page(NOT_FOUND),  # supervisors only
    "council:approval-decide": council_page(NOT_FOUND),
    "council:access-log": council_page(NOT_FOUND),
    "council:export-open": council_page(NOT_FOUND),
}


def _url(name, *args, query=None):
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


# The records a URL opens (the others take no argument).
ARGS = {
    "account_confirm_email": lambda w: _url("account_confirm_email", "no-such-key"),
    "account_reset_password_from_key": lambda w: _url(
        "account_reset_password_from_key", "1", "no-such-key"
    ),
    "mfa_remove_webauthn": lambda w: _url("mfa_remove_webauthn", 0),
    "mfa_edit_webauthn": lambda w: _url("mfa_edit_webauthn", 0),
    "admin:view_on_site": lambda w: _url("admin:view_on_site", 0, 0),
    "admin:auth_user_password_change": lambda w: _url(
        "admin:auth_user_password_change", w.account.pk
    ),
    "admin:core_generateddocument_download": lambda w: _url(
        "admin:core_generateddocument_download", w.document.pk
    ),
    "admin:members_application_form1": lambda w: _url(
        "admin:members_application_form1", w.application.pk
    ),
    "admin:members_meeting_minutes": lambda w: _url("admin:members_meeting_minutes", w.meeting.pk),
    "admin:members_membernotice_form": lambda w: _url(
        "admin:members_membernotice_form", w.notice.pk
    ),
    "admin:members_organisation_invite_contact": lambda w: _url(
        "admin:members_organisation_invite_contact", w.food_request.partner.organisation_id
    ),
    "admin:supporters_trainingsession_attendance": lambda w: _url(
        "admin:supporters_trainingsession_attendance", w.session.pk
    ),
    "admin:supporters_trainingsession_certificates": lambda w: _url(
        "admin:supporters_trainingsession_certificates", w.session.pk
    ),
    "admin:reports_monthlyreport_progress": lambda w: _url(
        "admin:reports_monthlyreport_progress", w.report.pk
    ),
    "admin:reports_monthlyreport_page": lambda w: _url(
        "admin:reports_monthlyreport_page", w.report.pk
    ),
    "admin:reports_monthlyreport_pdf": lambda w: _url(
        "admin:reports_monthlyreport_pdf", w.report.pk
    ),
    "admin:reports_monthlyreport_csv": lambda w: _url(
        "admin:reports_monthlyreport_csv", w.report.pk, query={"table": "members_changes"}
    ),
    "admin:reports_audit_csv": lambda w: _url("admin:reports_audit_csv", "ledger"),
    "admin:reports_fiscal_year_pdf": lambda w: _url("admin:reports_fiscal_year_pdf", 2026),
    "admin:reports_fiscal_year_csv": lambda w: _url(
        "admin:reports_fiscal_year_csv", 2026, query={"table": "fy_trainings"}
    ),
    "admin:app_list": lambda w: _url("admin:app_list", "foodhub"),
    "admin/(?P<url>.*)$": lambda w: "/admin/no-such-page/",
    "foodhub:transfer-detail": lambda w: _url("foodhub:transfer-detail", w.transfer.pk),
    "foodhub:transfer-pick-list": lambda w: _url("foodhub:transfer-pick-list", w.transfer.pk),
    "foodhub:distribution-detail": lambda w: _url("foodhub:distribution-detail", w.distribution.pk),
    "foodhub:distribution-delivery-note": lambda w: _url(
        "foodhub:distribution-delivery-note", w.distribution.pk
    ),
    "foodhub:consent-create": lambda w: _url("foodhub:consent-create", w.distribution.recipient_id),
    "foodhub:stocktake-create": lambda w: _url("foodhub:stocktake-create", w.zone.pk),
    "foodhub:food-request-detail": lambda w: _url("foodhub:food-request-detail", w.food_request.pk),
    "foodhub:food-request-action": lambda w: _url(
        "foodhub:food-request-action", w.food_request.pk, "start"
    ),
    "foodhub:recall": lambda w: _url("foodhub:recall", w.lot.pk),
    "foodhub:recall-pdf": lambda w: _url("foodhub:recall-pdf", w.lot.pk),
    "foodhub:recall-csv": lambda w: _url("foodhub:recall-csv", w.lot.pk),
    "supporters:training-signup": lambda w: _url("supporters:training-signup", w.session.pk),
    "supporters:training-signup-done": lambda w: _url(
        "supporters:training-signup-done", w.session.pk
    ),
    "exchange-portal:post-detail": lambda w: _url("exchange-portal:post-detail", 0),
    "exchange-portal:exchange-detail": lambda w: _url("exchange-portal:exchange-detail", 0),
    "supporters:registration-cancel": lambda w: _url("supporters:registration-cancel", "forged"),
    "supporters:waitlist-offer": lambda w: _url("supporters:waitlist-offer", "forged"),
    "admin:supporters_trainingsession_import_template": lambda w: _url(
        "admin:supporters_trainingsession_import_template", "csv"
    ),
    "admin:supporters_trainingsession_import_job": lambda w: _url(
        "admin:supporters_trainingsession_import_job", 0
    ),
    "admin:supporters_tsunagarimeeting_import_template": lambda w: _url(
        "admin:supporters_tsunagarimeeting_import_template", "csv"
    ),
    "admin:supporters_tsunagarimeeting_import_job": lambda w: _url(
        "admin:supporters_tsunagarimeeting_import_job", 0
    ),
    "food-portal:request-detail": lambda w: _url("food-portal:request-detail", w.food_request.pk),
    "members:blank-form": lambda w: _url("members:blank-form", 1),
    "council:concern-detail": lambda w: _url("council:concern-detail", w.concern.receipt_number),
    "council:transfer-decide": lambda w: _url("council:transfer-decide", 0),
    "council:approval-decide": lambda w: _url("council:approval-decide", w.approval.pk),
    "council:case": lambda w: _url("council:case", w.case.reference),
    "council:sheet": lambda w: _url("council:sheet", w.case.reference),
    "council:plan-pdf": lambda w: _url("council:plan-pdf", w.case.reference),
    "council:case-action": lambda w: _url("council:case-action", w.case.reference, "note"),
    "admin:members_meeting_grid": lambda w: _url("admin:members_meeting_grid", w.meeting.pk),
    "admin:members_organisation_import_template": lambda w: _url(
        "admin:members_organisation_import_template", "csv"
    ),
    "admin:members_organisation_import_job": lambda w: _url(
        "admin:members_organisation_import_job", 0
    ),
    "admin:supporters_supporter_import_template": lambda w: _url(
        "admin:supporters_supporter_import_template", "csv"
    ),
    "admin:supporters_supporter_import_job": lambda w: _url(
        "admin:supporters_supporter_import_job", 0
    ),
}


def decided_patterns():
    """(key, route) of every URL pattern this module decides (not a ModelAdmin's own page)."""
    return [(key, route) for key, route in url_patterns() if not is_model_admin_page(key, route)]


def outcome(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        if location.startswith(reverse("mfa_activate_totp")):
            return "mfa"
        return REDIRECT
    return str(response.status_code)


def _close_files(response):
    """Close a download's file without response.close(), whose request_finished signal would
    close the test's database connection (PostgreSQL)."""
    for close in getattr(response, "_resource_closers", []):
        close()
    if hasattr(response, "_resource_closers"):
        response._resource_closers.clear()


def test_every_url_pattern_has_a_decision():
    keys = {key for key, _route in decided_patterns()}
    assert sorted(keys - set(EXPECTED)) == [], "decide each new URL's answer per role here"
    assert sorted(set(EXPECTED) - keys) == [], "a decided URL no longer exists"
    assert set(ARGS) <= set(EXPECTED)
    for key, answers in EXPECTED.items():
        assert set(answers) == set(MATRIX_ROLES), key


@pytest.mark.django_db
def test_every_role_gets_the_decided_answer_from_every_url(client, mfa_as_deployed):
    world = World()
    wrong = []
    for key, _route in decided_patterns():
        url = ARGS[key](world) if key in ARGS else reverse(key)
        for role in MATRIX_ROLES:
            client.logout()
            if role != ANONYMOUS:
                client.force_login(world.users[role])
            response = client.get(url)
            got = outcome(response)
            _close_files(response)
            if got != EXPECTED[key][role]:
                wrong.append(f"{key} {role}: {got}, decided {EXPECTED[key][role]} ({url})")
    assert not wrong, "\n".join(wrong)
