"""The board in the contact portal and the 事務局's moderation, through the client."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from exchange.models import Exchange, Post
from tests.conftest import assert_constant_queries
from tests.foodhub.factories import secretariat

from .board_factories import days, field, member_with_contact, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return secretariat()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def form_data(organisation, **overrides):
    return {
        "kind": "need",
        "resource": "people",
        "title": "夏祭りの設営ボランティア",
        "body": "8月の夏祭りで、テントの設営を手伝ってくださる方を5名ほど探しています。",
        "activity_fields": [str(field().pk)],
        "municipality": str(organisation.municipality_id),
        "starts_on": days(20).isoformat(),
        "ends_on": days(20).isoformat(),
        "submission_token": str(uuid.uuid4()),
        **overrides,
    }


def test_the_form_says_no_personal_data_and_asks_to_confirm_a_warning():
    organisation, user = member_with_contact()
    client = signed_in(user)
    page = client.get(reverse("exchange-portal:post-create")).content.decode()
    assert "個人" in page and "warnings_confirmed" not in page

    data = form_data(organisation, body="当日は山田さん（090-1234-5678）に連絡を")
    answer = client.post(reverse("exchange-portal:post-create"), data)
    assert answer.status_code == 200 and not Post.objects.exists()
    page = answer.content.decode()
    assert 'id="personal-data-warnings"' in page and "電話番号" in page
    assert 'name="warnings_confirmed"' in page

    answer = client.post(
        reverse("exchange-portal:post-create"), {**data, "warnings_confirmed": "on"}
    )
    created = Post.objects.get()
    assert answer.status_code == 302 and created.warnings


def test_a_pending_post_is_hidden_from_other_members_until_published(staff):
    organisation, user = member_with_contact()
    pending = post(organisation, user)
    _other, other_user = member_with_contact()
    client = signed_in(other_user)
    url = reverse("exchange-portal:post-detail", args=[pending.pk])
    assert client.get(url).status_code == 404
    assert pending.title not in client.get(reverse("exchange-portal:board")).content.decode()
    assert signed_in(user).get(url).status_code == 200  # the poster sees its own

    admin = Client()
    admin.force_login(staff)
    change = reverse("admin:exchange_post_change", args=[pending.pk])
    page = admin.get(change).content.decode()
    assert "_publish" in page
    admin.post(change, {"rejection_reason": "", "_publish": "1"})
    pending.refresh_from_db()
    assert pending.status == Post.Status.PUBLISHED
    assert client.get(url).status_code == 200
    assert pending.title in client.get(reverse("exchange-portal:board")).content.decode()


def test_the_moderator_rejects_with_a_reason_from_the_change_page(staff):
    organisation, user = member_with_contact()
    pending = post(organisation, user)
    admin = Client()
    admin.force_login(staff)
    change = reverse("admin:exchange_post_change", args=[pending.pk])
    answer = admin.post(change, {"rejection_reason": "", "_reject": "1"})
    assert answer.status_code == 200  # the reason is required
    admin.post(change, {"rejection_reason": "個人の電話番号があります", "_reject": "1"})
    pending.refresh_from_db()
    assert pending.status == Post.Status.REJECTED
    assert (
        "個人の電話番号があります"
        in signed_in(user)
        .get(reverse("exchange-portal:post-detail", args=[pending.pk]))
        .content.decode()
    )


def test_a_member_answers_and_the_thread_is_the_two_sides_only(staff):
    needer, needer_user = member_with_contact()
    offerer, offerer_user = member_with_contact()
    need = post(needer, needer_user, publish_by=staff)
    post(offerer, offerer_user, kind="offer", publish_by=staff)
    client = signed_in(offerer_user)
    answer = client.post(
        reverse("exchange-portal:post-detail", args=[need.pk]),
        {"own_post": str(Post.objects.get(kind="offer").pk), "body": "公民館の調理室が使えます"},
    )
    exchange = Exchange.objects.get()
    assert answer.url == reverse("exchange-portal:exchange-detail", args=[exchange.pk])
    url = reverse("exchange-portal:exchange-detail", args=[exchange.pk])
    assert "公民館の調理室が使えます" in signed_in(needer_user).get(url).content.decode()
    _stranger, stranger_user = member_with_contact()
    assert signed_in(stranger_user).get(url).status_code == 404
    signed_in(needer_user).post(url, {"outcome": "matched"})
    exchange.refresh_from_db()
    assert exchange.status == Exchange.Status.MATCHED


def test_the_board_and_the_moderation_list_take_constant_queries(staff):
    _viewer, viewer_user = member_with_contact()
    client = signed_in(viewer_user)
    admin = Client()
    admin.force_login(staff)

    def add(n):
        for _ in range(n):
            organisation, user = member_with_contact()
            post(organisation, user, publish_by=staff)
            post(organisation, user, kind="offer")

    def run():
        assert client.get(reverse("exchange-portal:board")).status_code == 200
        assert admin.get(reverse("admin:exchange_post_changelist")).status_code == 200

    run()  # warm: per-process caches (the site's contact details) filled once
    assert_constant_queries(run, add, small=3, large=30)
