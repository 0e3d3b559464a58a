"""Deleting in the admin never bypasses the services: walked for every registered admin and role.

A role's `delete_*` permission reaches a record only where the admin deletes through a service
(core.admin_base.DomainModelAdmin.service_delete) or where this file says why a plain delete is
right; everywhere else only superusers delete (the record's history must stay).
"""

import pytest
from django.contrib.admin import ModelAdmin
from django.test import RequestFactory
from django.urls import reverse

from core import roles
from core.admin_base import DomainModelAdmin
from members.models import ActivityField, Organisation
from tests.factories import OrganisationFactory, StaffFactory

from .registry import registered_admins

pytestmark = pytest.mark.django_db

# Admins where a role may delete without a service, and why.
PLAIN_DELETE_ALLOWED = {
    # A category nobody uses yet (items and request lines PROTECT it); it has no history.
    "foodhub.FoodCategory": "an unused category only",
}


def _deletes_through_a_service(model_admin) -> bool:
    if isinstance(model_admin, DomainModelAdmin):
        return model_admin.service_delete is not None
    return type(model_admin).delete_model is not ModelAdmin.delete_model


def test_no_role_deletes_in_the_admin_around_the_services():
    wrong = []
    for role in roles.ALL_ROLES:
        request = RequestFactory().get("/")
        request.user = StaffFactory(roles=[role])
        for model, model_admin in registered_admins():
            label = model._meta.label
            if not model_admin.has_delete_permission(request):
                continue
            if _deletes_through_a_service(model_admin) or label in PLAIN_DELETE_ALLOWED:
                continue
            wrong.append(f"{role} deletes {label} without a service")
    assert not wrong, "\n".join(wrong)


def test_the_secretariat_cannot_bulk_delete_organisations(client):
    staff = StaffFactory(roles=[roles.SECRETARIAT])
    organisation = OrganisationFactory()
    client.force_login(staff)
    changelist = reverse("admin:members_organisation_changelist")

    client.post(changelist, {"action": "delete_selected", "_selected_action": [organisation.pk]})
    page = client.get(reverse("admin:members_organisation_delete", args=[organisation.pk]))

    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert page.status_code == 403
    assert (
        "delete_selected"
        not in client.get(changelist).context["action_form"].fields["action"].choices.__str__()
    )


def test_a_superuser_still_deletes_an_organisation(client, admin_user):
    organisation = OrganisationFactory()
    client.force_login(admin_user)

    client.post(
        reverse("admin:members_organisation_delete", args=[organisation.pk]), {"post": "yes"}
    )

    assert not Organisation.objects.filter(pk=organisation.pk).exists()


def test_activity_fields_are_saved_through_the_service_and_kept(client):
    staff = StaffFactory(roles=[roles.SECRETARIAT])
    client.force_login(staff)

    response = client.post(
        reverse("admin:members_activityfield_add"), {"name": "フードパントリー", "display_order": 9}
    )

    assert response.status_code == 302
    field = ActivityField.objects.get(name="フードパントリー")
    delete = reverse("admin:members_activityfield_delete", args=[field.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ActivityField.objects.filter(pk=field.pk).exists()
