"""Food partners and their requests, set up through the services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from foodhub import services
from foodhub.models import Recipient
from members.models import OrganisationContact
from tests.factories import OrganisationFactory, UserFactory
from tests.foodhub.factories import (
    FoodCategoryFactory,
    ItemFactory,
    RecipientFactory,
    consented,
    operator_of,
    receive,
    secretariat,
    site_with_zones,
)


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def partner_with_contact(
    site, *, actor, name=None, guideline=None, consent=True, agreed_on=None, email=None
):
    """An approved food partner (a 子ども食堂) with its consent and a contact who signs in."""
    organisation = OrganisationFactory(**({"name": name} if name else {}))
    recipient = RecipientFactory(site=site, kind=Recipient.Kind.CAFETERIA, name=organisation.name)
    if consent:
        consented(recipient, actor=actor, agreed_on=agreed_on or datetime.date(2026, 4, 1))
    partner = services.food_partner_approve(
        organisation=organisation,
        recipient=recipient,
        actor=actor,
        monthly_guideline_kg=None if guideline is None else Decimal(guideline),
    )
    contact = UserFactory(**({"email": email} if email else {}))
    OrganisationContact.objects.create(organisation=organisation, user=contact)
    return partner, contact


def submit(partner, contact, *, category, kg="10", zone_kind="ambient", needed_on=None, **kw):
    request, _created = services.food_request_submit(
        partner=partner,
        needed_on=needed_on or days(3),
        people_served=kw.pop("people_served", 30),
        handover=kw.pop("handover", "pickup"),
        lines=[services.RequestLine(category=category, zone_kind=zone_kind, kg=Decimal(kg))],
        actor=contact,
        **kw,
    )
    return request


__all__ = [
    "FoodCategoryFactory",
    "ItemFactory",
    "operator_of",
    "receive",
    "secretariat",
    "site_with_zones",
]
