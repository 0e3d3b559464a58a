import datetime

import factory

from members.models import Application, Membership, OrganisationType
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory


class SteeringMembershipFactory(MembershipFactory):
    tier = Membership.Tier.STEERING
    organisation = factory.SubFactory(
        OrganisationFactory, email=factory.Sequence(lambda n: f"steering{n}@example.jp")
    )


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application; tests that need the e-mail go through application_submit."""

    class Meta:
        model = Application

    reference = factory.Sequence(lambda n: f"KPF-T{n:07d}")
    name = factory.Sequence(lambda n: f"NPO法人もうしこみ{n}")
    name_kana = factory.Sequence(lambda n: f"もうしこみ{n}")
    organisation_type = OrganisationType.NPO
    representative_name = "代表 一郎"
    contact_name = "担当 花子"
    postal_code = "680-0001"
    address = "鳥取県鳥取市東町1丁目"
    phone = "0857-00-0000"
    email = factory.Sequence(lambda n: f"apply{n}@example.jp")
    municipality = factory.SubFactory(MunicipalityFactory)
    activity_summary = "地域の居場所づくり"
    declares_isolation_activity = True
    declares_no_antisocial_ties = True
    declares_agreement = True
    checked_activity = True
    checked_no_antisocial = True
    checked_is_organisation = True


FOUNDED = datetime.date(2024, 4, 1)
