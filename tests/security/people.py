"""One row of every model that holds personal data, so the role matrix has something to open."""

import datetime
import io

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from core.models import ExportLog, Notification, SecurityEvent
from exchange import services as exchange
from foodhub import services as foodhub
from foodhub.models import Recipient, Site
from members.models import MemberNotice, Organisation
from supporters.models import Attendance, Certificate, Supporter, SupporterNotice
from tests.exchange.board_factories import member_with_contact, post
from tests.foodhub.factories import ItemFactory, RecipientFactory, consented, receive
from tests.supporters.factories import RegistrationFactory


def load_people(secretariat):
    """The demo data plus the rows it lacks: a household's consent and distribution, a
    supporter's sign-up, attendance and certificate, a notice, a notification, an export."""
    call_command("load_demo_data", stdout=io.StringIO())
    site = Site.objects.order_by("pk").first()
    household = consented(
        RecipientFactory(
            site=site,
            kind=Recipient.Kind.HOUSEHOLD,
            name="",
            running_organisation="",
            reference_code="H-0001",
            household_size=3,
            referring_agency="社会福祉協議会",
        ),
        actor=secretariat,
    )
    lot = receive(site, ItemFactory(), 10, actor=secretariat, expiry=datetime.date(2099, 1, 1))
    foodhub.distribution_create(
        site=site,
        recipient=household,
        distributed_on=timezone.localdate(),
        requests=[foodhub.PickRequest(item=lot.item, kg=lot.kg / 2, lot=None)],
        actor=secretariat,
    )
    supporter = Supporter.objects.order_by("pk").first()
    registration = RegistrationFactory()
    attendance = Attendance.objects.create(
        session=registration.session, supporter=supporter, registration=registration
    )
    Certificate.objects.create(
        attendance=attendance,
        number=990001,
        issued_on=timezone.localdate(),
        name_on_certificate="因幡 花子",
        session_title="研修",
        completed_on=timezone.localdate(),
        issued_by=secretariat,
    )
    SupporterNotice.objects.create(subject="お知らせ", body="本文", created_by=secretariat)
    Notification.objects.create(
        purpose="test",
        content_type=ContentType.objects.get_for_model(Supporter),
        object_id=str(supporter.pk),
        period="2026-12",
        recipient="hanako@example.jp",
        subject="件名",
    )
    MemberNotice.objects.create(
        organisation=Organisation.objects.order_by("pk").first(),
        kind=MemberNotice.Kind.CHANGE,
        changes={"contact_name": "新担当 太郎"},
        effective_on=timezone.localdate(),
    )
    ExportLog.objects.create(user=secretariat, model_label="x", file_format="csv", row_count=1)
    SecurityEvent.objects.create(kind="login.failed", outcome="failure", login="x@example.jp")
    _board_exchange(secretariat)


def _board_exchange(secretariat):
    """A need and an offer on the members' board, and the exchange between them."""
    needer, needer_user = member_with_contact()
    offerer, offerer_user = member_with_contact()
    need = post(needer, needer_user, publish_by=secretariat)
    offer = post(offerer, offerer_user, kind="offer", publish_by=secretariat)
    exchange.exchange_start(
        own_post=offer, other_post=need, organisation=offerer, body="使えます", actor=offerer_user
    )
