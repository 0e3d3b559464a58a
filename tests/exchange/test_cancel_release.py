"""The requester cancels a request nobody has started; an operator gives a started request back
to the queue. Each is mailed to the requester through notify."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from foodhub import services
from foodhub.models import FoodRequest
from tests.factories import UserFactory

from .factories import (
    FoodCategoryFactory,
    operator_of,
    partner_with_contact,
    secretariat,
    site_with_zones,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    return site_with_zones(name="ハブ拠点 智頭町")


@pytest.fixture
def staff():
    return secretariat()


@pytest.fixture
def category():
    return FoodCategoryFactory(name="主食")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_requester_cancels_before_the_operator_starts_and_is_mailed(
    hub, staff, category, django_capture_on_commit_callbacks
):
    partner, contact = partner_with_contact(hub, actor=staff, email="kodomo@example.org")
    request = submit(partner, contact, category=category)
    mail.outbox.clear()
    url = reverse("food-portal:request-detail", args=[request.pk])
    assert 'id="cancel-form"' in signed_in(contact).get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(contact).post(url)
        signed_in(contact).post(url)  # the double click
    request.refresh_from_db()
    assert request.status == FoodRequest.Status.CANCELLED and request.closed_at
    assert [m.to for m in mail.outbox] == [["kodomo@example.org"]]
    assert "取り消し" in mail.outbox[0].subject + mail.outbox[0].body
    # The operators' queue no longer offers it.
    operator = operator_of(hub)
    queue = signed_in(operator).get(reverse("foodhub:food-request-queue")).content.decode()
    assert (
        reverse("foodhub:food-request-detail", args=[request.pk]) not in queue
        or "取り消し" in queue
    )
    with pytest.raises(ValidationError):
        services.food_request_start(request=request, actor=operator)


def test_once_started_the_requester_can_no_longer_cancel(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    request = submit(partner, contact, category=category)
    services.food_request_start(request=request, actor=operator_of(hub))
    with pytest.raises(ValidationError):
        services.food_request_cancel(request=request, actor=contact)
    page = signed_in(contact).get(reverse("food-portal:request-detail", args=[request.pk]))
    assert 'id="cancel-form"' not in page.content.decode()


def test_only_the_requesting_organisation_cancels(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    _other_partner, other_contact = partner_with_contact(hub, actor=staff)
    request = submit(partner, contact, category=category)
    with pytest.raises(PermissionDenied):
        services.food_request_cancel(request=request, actor=other_contact)
    with pytest.raises(PermissionDenied):
        services.food_request_cancel(request=request, actor=UserFactory())
    answer = signed_in(other_contact).post(reverse("food-portal:request-detail", args=[request.pk]))
    assert answer.status_code == 404
    request.refresh_from_db()
    assert request.status == FoodRequest.Status.SUBMITTED


def test_the_operator_gives_a_started_request_back_and_another_takes_it(
    hub, staff, category, django_capture_on_commit_callbacks
):
    partner, contact = partner_with_contact(hub, actor=staff, email="kodomo@example.org")
    request = submit(partner, contact, category=category)
    first, second = operator_of(hub), operator_of(hub)
    services.food_request_start(request=request, actor=first)
    with pytest.raises(ValidationError):
        services.food_request_release(request=request, actor=second)  # not theirs
    mail.outbox.clear()
    url = reverse("foodhub:food-request-action", args=[request.pk, "release"])
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_in(first).post(url).status_code == 302
    request.refresh_from_db()
    assert request.status == FoodRequest.Status.SUBMITTED
    assert request.operator is None and request.started_at is None
    assert [m.to for m in mail.outbox] == [["kodomo@example.org"]]
    assert "受付待ちに戻しました" in mail.outbox[0].body
    services.food_request_start(request=request, actor=second)
    request.refresh_from_db()
    assert request.operator == second


def test_the_secretariat_releases_for_an_absent_operator_and_a_second_release_is_mailed_too(
    hub, staff, category, django_capture_on_commit_callbacks
):
    partner, contact = partner_with_contact(hub, actor=staff, email="kodomo@example.org")
    request = submit(partner, contact, category=category)
    operator = operator_of(hub)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.food_request_start(request=request, actor=operator)
        services.food_request_release(request=request, actor=staff)
        services.food_request_start(request=request, actor=operator)
        services.food_request_release(request=request, actor=operator)
    released = [m for m in mail.outbox if "受付待ちに戻しました" in m.body]
    assert len(released) == 2
    request.refresh_from_db()
    assert request.status == FoodRequest.Status.SUBMITTED
