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
)
from tests.factories import MunicipalityFactory, SupporterFactory  # noqa: F401

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
