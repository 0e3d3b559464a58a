"""The secretariat approves a food partner in the admin, through the service (audited)."""

import pytest
from django.urls import reverse

from foodhub.models import FoodPartner, Recipient
from tests.factories import OrganisationFactory

from .factories import operator_of, secretariat, site_with_zones

pytestmark = pytest.mark.django_db


def test_the_secretariat_approves_a_food_partner_in_the_admin(client):
    hub = site_with_zones()
    staff = secretariat()
    organisation = OrganisationFactory(name="こども食堂ひまわり")
    recipient = Recipient.objects.create(
        kind=Recipient.Kind.CAFETERIA,
        name="こども食堂ひまわり",
        site=hub,
        municipality=hub.municipality,
    )
    client.force_login(staff)
    add = reverse("admin:foodhub_foodpartner_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "organisation": organisation.pk,
            "recipient": recipient.pk,
            "monthly_guideline_kg": "60",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = FoodPartner.objects.get()
    assert partner.approved_by == staff
    assert partner.history.get().history_change_reason == "foodhub.food_partner.approved"

    client.force_login(operator_of(hub))
    assert client.get(add).status_code == 403
