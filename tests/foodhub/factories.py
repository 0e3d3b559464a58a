import datetime
from decimal import Decimal

import factory

from foodhub import services
from foodhub.models import Donor, FoodCategory, Item, Recipient, SiteOperator, Zone
from tests.factories import MunicipalityFactory, SiteFactory, UserFactory

DEFAULT_WARNING_DAYS = {Zone.Kind.AMBIENT: 14, Zone.Kind.CHILLED: 3, Zone.Kind.FROZEN: 30}


def site_with_zones(**kwargs):
    site = SiteFactory(**kwargs)
    for kind, days in DEFAULT_WARNING_DAYS.items():
        Zone.objects.create(site=site, kind=kind, near_expiry_days=days)
    return site


def zone(site, kind=Zone.Kind.AMBIENT):
    return site.zones.get(kind=kind)


class FoodCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FoodCategory
        django_get_or_create = ("name",)

    name = "加工食品"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    name = factory.Sequence(lambda n: f"レトルトカレー{n}")
    category = factory.SubFactory(FoodCategoryFactory)
    unit = "個"


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    name = factory.Sequence(lambda n: f"株式会社テスト食品{n}")
    name_kana = factory.Sequence(lambda n: f"てすとしょくひん{n}")
    kind = Donor.Kind.COMPANY
    exemption_terms_signed_on = datetime.date(2025, 4, 1)


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    kind = Recipient.Kind.CAFETERIA
    name = factory.Sequence(lambda n: f"みんなの地域食堂{n}")
    running_organisation = "NPO法人テスト"
    site = factory.SubFactory(SiteFactory)
    municipality = factory.LazyAttribute(lambda o: o.site.municipality)


def operator_of(*sites, **kwargs):
    user = UserFactory(roles=["ハブ担当"], is_staff=True, **kwargs)
    for site in sites:
        SiteOperator.objects.create(site=site, user=user)
    return user


def secretariat(**kwargs):
    return UserFactory(roles=["事務局"], is_staff=True, **kwargs)


def receive(
    site,
    item,
    kg,
    *,
    actor,
    expiry,
    date_kind="best_before",
    quantity=10,
    received_on=None,
    zone_kind=Zone.Kind.AMBIENT,
    donor=None,
):
    """A donation of one lot, through the service; returns the new lot."""
    donation = services.donation_receive(
        donor=donor or DonorFactory(),
        site=site,
        received_on=received_on or datetime.date(2026, 11, 1),
        lines=[
            services.ReceiptLine(
                item=item,
                zone=zone(site, zone_kind),
                kg=Decimal(kg),
                quantity=quantity,
                date_kind=date_kind,
                expiry_date=expiry,
            )
        ],
        actor=actor,
    )
    return donation.lots.get()


def consented(recipient, *, actor, agreed_on=datetime.date(2026, 4, 1)):
    services.consent_record(recipient=recipient, agreed_on=agreed_on, actor=actor)
    return recipient


__all__ = ["MunicipalityFactory", "SiteFactory", "UserFactory"]
