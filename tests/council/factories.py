import datetime

import factory

from core import roles
from council.models import (
    Agency,
    Case,
    CaseAssignment,
    Council,
    CouncilMember,
    SecrecyPledge,
)
from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"テスト町孤独・孤立対策地域協議会{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    prefecture = "鳥取県"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    council = factory.SubFactory(CouncilFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    joined_on = datetime.date(2024, 4, 1)


class CouncilMemberFactory(factory.django.DjangoModelFactory):
    """A member in force: 協議会構成員 account, signed pledge."""

    class Meta:
        model = CouncilMember
        skip_postgeneration_save = True

    agency = factory.SubFactory(AgencyFactory)
    council = factory.SelfAttribute("agency.council")
    user = factory.SubFactory(UserFactory, roles=[roles.COUNCIL_MEMBER])
    role = CouncilMember.Role.CASE_WORKER
    started_on = datetime.date(2024, 4, 1)

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Council members must have MFA (core RequireMFAMiddleware)."""
        if create and extracted is not False:
            from allauth.mfa.models import Authenticator

            Authenticator.objects.get_or_create(
                user=self.user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
            )

    @factory.post_generation
    def pledge(self, create, extracted, **kwargs):
        if create and extracted is not False:
            SecrecyPledge.objects.create(
                member=self, version="2024-1", signed_on=datetime.date(2024, 4, 1)
            )


def intake_member(council=None, **kwargs):
    """An intake member at the council's coordinating body (created if missing)."""
    council = council or CouncilFactory()
    body = council.agencies.filter(is_coordinating_body=True).first() or AgencyFactory(
        council=council, is_coordinating_body=True
    )
    return CouncilMemberFactory(agency=body, role=CouncilMember.Role.INTAKE, **kwargs)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"C-TEST{n:04d}")
    council = factory.SubFactory(CouncilFactory)
    received_on = datetime.date(2026, 4, 1)
    route = "help_desk"
    municipality = factory.SelfAttribute("council.municipality")
    footing = Case.Footing.CONSENT
    consent = Case.Consent.GIVEN
    person_name = "架空 太郎"
    person_kana = "かくう たろう"
    date_of_birth = datetime.date(1970, 1, 2)
    address = "鳥取県架空町1-2-3"
    contact = "090-0000-0000"


def assign(case, agency, user=None):
    return CaseAssignment.objects.create(
        case=case, agency=agency, assigned_by=user or UserFactory()
    )
