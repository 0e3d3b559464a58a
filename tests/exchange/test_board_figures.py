import datetime
import uuid

import pytest
from django.utils import timezone

from exchange.models import Exchange, Post
from exchange.selectors import board_figures
from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(day, hour=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def post(kind, created):
    organisation = OrganisationFactory()
    p = Post.objects.create(
        kind=kind,
        organisation=organisation,
        resource="venue",
        title="t",
        body="b",
        municipality=MunicipalityFactory(),
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2026, 5, 2),
        submission_token=uuid.uuid4(),
        created_by=UserFactory(),
    )
    Post.objects.filter(pk=p.pk).update(created_at=created)
    return p


def test_board_figures_count_posts_and_outcomes_inside_the_period_only():
    start, end = datetime.date(2026, 4, 1), datetime.date(2026, 4, 30)
    need = post(Post.Kind.NEED, at(start))  # first moment of the period (Asia/Tokyo)
    post(Post.Kind.NEED, at(end, 23))  # last hour of the period
    post(Post.Kind.NEED, at(end + datetime.timedelta(days=1)))  # the next month
    offer = post(Post.Kind.OFFER, at(start - datetime.timedelta(days=1), 23))  # March
    for matched, done, withdrawn in [
        (at(start), at(end, 23), None),
        (at(start - datetime.timedelta(days=1)), None, at(start, 1)),
        (None, None, at(end + datetime.timedelta(days=1))),
    ]:
        Exchange.objects.create(
            need=post(Post.Kind.NEED, at(start - datetime.timedelta(days=40))),
            offer=offer,
            started_by=need.organisation,
            matched_at=matched,
            done_at=done,
            withdrawn_at=withdrawn,
        )
    assert board_figures(start, end) == {
        "needs_posted": 2,
        "offers_posted": 0,
        "matched": 1,
        "done": 1,
        "withdrawn": 1,
    }
