"""Security rules that must hold for every app, proven by walking the project's registries.

Read top to bottom: exports, admin actions, who reads personal data, sessions, settings,
the security log, public input limits, demo accounts and MFA, headers.
"""

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import RequestFactory
from django.urls import reverse

from core import roles
from core.exports import SafeModelResource, escape_formula
from core.models import GeneratedDocument
from foodhub.models import LedgerEntry
from foodhub.resources import LedgerEntryResource
from tests.factories import StaffFactory

from .registry import admin_actions, exporting_admins, project_resource_classes

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
