import datetime
import uuid
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from supporters.models import (
    ConsentText,
    Registration,
    SchoolDistrict,
    TrainingSession,
    TsunagariMeeting,
)
from tests.factories import MunicipalityFactory, SupporterFactory

TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: datetime.date, hour: int = 13) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TOKYO)


class SchoolDistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolDistrict

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"テスト中学校区{n}")
    target = 20


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    kind = TrainingSession.Kind.INITIAL
    title = factory.Sequence(lambda n: f"つながりサポーター養成研修{n}")
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate() + datetime.timedelta(days=7)))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    venue = "鳥取市人権交流プラザ"
    municipality = factory.SubFactory(MunicipalityFactory)
    audience = "どなたでも"
    capacity = 30


def past_session(**kwargs) -> TrainingSession:
    """A session that started yesterday, so attendance and certificates can be recorded."""
    return TrainingSessionFactory(
        starts_at=at(timezone.localdate() - datetime.timedelta(days=1)), **kwargs
    )


def consent() -> ConsentText:
    return ConsentText.objects.order_by("-valid_from").first()


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(TrainingSessionFactory)
    full_name = factory.Sequence(lambda n: f"申込 花子{n}")
    full_name_kana = factory.Sequence(lambda n: f"もうしこみ はなこ{n}")
    email = factory.Sequence(lambda n: f"resident{n}@example.jp")
    municipality = factory.SelfAttribute("session.municipality")
    consent_text = factory.LazyFunction(consent)
    consented_at = factory.LazyFunction(timezone.now)
    token = factory.LazyFunction(uuid.uuid4)


def signup_data(municipality, **overrides) -> dict:
    return {
        "full_name": "因幡 花子",
        "full_name_kana": "いなば はなこ",
        "email": "hanako@example.jp",
        "phone": "0857-00-0000",
        "municipality": municipality,
        "district": None,
        "affiliation": "resident",
        "receives_line": False,
        "line_name": "",
        "consent_text": consent(),
        **overrides,
    }


def make_rows(model_name: str, count: int) -> None:
    """`count` rows of a supporters model, each with the relations its admin and export show
    (for query-count tests: a missing select_related shows as more queries with more rows)."""
    from supporters import services

    town = MunicipalityFactory()
    district = SchoolDistrictFactory(municipality=town)
    if model_name == "supporter":
        SupporterFactory.create_batch(
            count, municipality=town, district=district, consent_text=consent()
        )
    elif model_name == "trainingsession":
        TrainingSessionFactory.create_batch(count, municipality=town, district=district)
    elif model_name == "tsunagarimeeting":
        for _ in range(count):
            TsunagariMeeting.objects.create(
                held_on=datetime.date(2026, 3, 31),
                venue="会場",
                municipality=town,
                district=district,
            )
    elif model_name == "registration":
        session = TrainingSessionFactory(municipality=town, capacity=1000)
        RegistrationFactory.create_batch(count, session=session, district=district)
    elif model_name in ("attendance", "certificate"):
        session = past_session(municipality=town, capacity=1000)
        regs = RegistrationFactory.create_batch(count, session=session)
        services.session_attendance_record(
            session=session, registration_ids=[r.pk for r in regs], walk_ins=[], actor=None
        )
        if model_name == "certificate":
            services.certificates_issue(session=session, actor=None)
    elif model_name == "supporternotice":
        SupporterFactory(municipality=town, district=district)
        for _ in range(count):
            services.notice_create(
                subject="件名", body="本文", municipality=town, district=district, actor=None
            )
    elif model_name == "schooldistrict":
        SchoolDistrictFactory.create_batch(count - 1, municipality=town)
