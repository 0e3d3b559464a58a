"""A small world with one of everything a URL can point at, and one account per role: the five
staff roles, a member organisation's contact person, a council member in force, anonymous."""

import datetime
import uuid
from decimal import Decimal

from allauth.mfa.models import Authenticator
from django.utils import timezone

from core import roles
from core.models import GeneratedDocument
from council import services as council_services
from council.models import Approval, Case, Council, CouncilMember, SupporterConcern
from foodhub import services as foodhub
from foodhub.models import Distribution, FoodCategory, Lot, Site, SiteOperator, Zone
from members import services as members_services
from members.models import MemberNotice
from reports.monthly import monthly_report_for_previous_month
from reports.tasks import platform_summary_monthly_task
from supporters.models import TrainingSession
from tests.exchange.factories import partner_with_contact, submit
from tests.factories import StaffFactory
from tests.members.factories import ApplicationFactory

from .people import load_people

ANONYMOUS = "anonymous"
CONTACT = "member contact"  # a member organisation's contact person (the portal)
COUNCIL = "council member"  # 協議会構成員 in force at a council's intake desk
MATRIX_ROLES = [ANONYMOUS, *roles.ALL_ROLES, CONTACT, COUNCIL]


class World:
    """The accounts by role and the records the URLs are opened with."""

    def __init__(self):
        # Each with an authenticator: every staff role signs in with two factors as deployed.
        self.users = {role: StaffFactory(roles=[role]) for role in roles.ALL_ROLES}
        for user in self.users.values():
            Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
        secretariat = self.users[roles.SECRETARIAT]
        load_people(secretariat)
        for site in Site.objects.all():
            SiteOperator.objects.create(site=site, user=self.users[roles.HUB_OPERATOR])
        self.site = Site.objects.order_by("pk").first()
        partner, contact = partner_with_contact(self.site, actor=secretariat)
        self.users[CONTACT] = contact
        self.food_request = submit(partner, contact, category=FoodCategory.objects.first())
        intake = CouncilMember.objects.get(user__username="council-intake").user
        Authenticator.objects.create(user=intake, type=Authenticator.Type.TOTP, data={})
        self.users[COUNCIL] = intake
        council = Council.objects.get()
        # The demo's first case: shared, heard, met about, with a support plan awaiting approval.
        self.case = Case.objects.filter(council=council, plans__isnull=False).distinct().get()
        self.concern, _new = council_services.concern_submit(
            data={
                "municipality": council.municipality,
                "supporter_name": "支援 花子",
                "supporter_email": "hanako@example.jp",
                "concern": "気になる方がいます。",
                "urgency": SupporterConcern.Urgency.choices[0][0],
            },
            submission_token=uuid.uuid4(),
        )
        self.approval = Approval.objects.order_by("pk").first()
        self.distribution = Distribution.objects.order_by("pk").first()
        self.lot = Lot.objects.order_by("pk").first()
        self.zone = Zone.objects.filter(site=self.site).order_by("pk").first()
        self.transfer = foodhub.transfer_send(
            from_site=self.site,
            to_site=Site.objects.exclude(pk=self.site.pk).order_by("pk").first(),
            sent_on=timezone.localdate(),
            requests=[foodhub.PickRequest(item=self.lot.item, kg=Decimal("1"), lot=None)],
            actor=secretariat,
        )
        self.application = ApplicationFactory()
        self.meeting = members_services.meeting_create(
            title="第1回総会", held_on=datetime.date(2026, 5, 30), actor=secretariat
        )
        self.notice = MemberNotice.objects.order_by("pk").first()
        self.session = (
            TrainingSession.objects.filter(is_public=True, starts_at__gt=timezone.now())
            .order_by("pk")
            .first()
        )
        self.report = monthly_report_for_previous_month(today=datetime.date(2026, 11, 1))
        self.document = GeneratedDocument.objects.get(pk=platform_summary_monthly_task())
        self.account = self.users[roles.AUDITOR]
