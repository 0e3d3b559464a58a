import datetime

import factory
from django.contrib.auth.models import Group

from core.models import Municipality, User
from council.models import Council
from foodhub.models import Site
from members.models import Membership, Organisation
from supporters.models import Supporter
from supporters.services.rollups import rollup_move


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"テスト町{n}")
    name_kana = factory.Sequence(lambda n: f"てすとちょう{n}")
    prefecture = "鳥取県"
    population = 10000
    households = 4000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["事務局"]) puts the user in those role groups."""
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class StaffFactory(UserFactory):
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"NPO法人テスト{n}")
    name_kana = factory.Sequence(lambda n: f"てすと{n}")
    municipality = factory.SubFactory(MunicipalityFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    tier = Membership.Tier.GENERAL
    started_on = datetime.date(2024, 4, 1)
    ended_on = None
    # An ended membership needs a reason (a database constraint); withdrawal is the plain one.
    end_reason = factory.LazyAttribute(
        lambda m: Membership.EndReason.WITHDRAWN if m.ended_on else ""
    )


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supporter
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"試験 太郎{n}")
    full_name_kana = factory.Sequence(lambda n: f"しけん たろう{n}")
    email = factory.Sequence(lambda n: f"supporter{n}@example.jp")
    municipality = factory.SubFactory(MunicipalityFactory)
    registered_on = datetime.date(2025, 4, 1)

    @factory.post_generation
    def _rollup(supporter, create, extracted, **kwargs):
        """Counted in the monthly roll-up, as the services that register supporters do."""
        if create:
            rollup_move(None, supporter)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"ハブ拠点{n}")
    kind = Site.Kind.TOWN_HUB
    municipality = factory.SubFactory(MunicipalityFactory)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"テスト協議会{n}")
    prefecture = "鳥取県"
