"""The board's rules: moderation, the personal-data check, suggestions, threads and outcomes."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from exchange import services
from exchange.models import Exchange, Post
from exchange.personal_data import personal_data_warnings
from exchange.selectors import suggestions_for
from tests.factories import UserFactory
from tests.foodhub.factories import secretariat

from .board_factories import days, field, member_with_contact, post, town

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return secretariat()


@pytest.mark.parametrize(
    "text",
    [
        "ご連絡は 0857-22-1234 まで",
        "携帯０９０－１２３４－５６７８",
        "〒680-0001 にお越しください",
        "会場は鳥取市東町1丁目220です",
        "鳥取市吉方温泉3-5-1 の公民館",
        "山田太郎さんが担当します",
        "田中様へ",
        "代表の佐藤氏",
    ],
)
def test_the_check_warns_of_phone_numbers_addresses_and_names(text):
    assert personal_data_warnings(text)


@pytest.mark.parametrize(
    "text",
    [
        "皆さんの参加をお待ちしています",
        "利用者様向けの送迎",
        "2026-05-03 10:00-15:00、ボランティア5名",
        "定員30-40人の会場",
        "ボランティアさん募集",
    ],
)
def test_the_check_leaves_ordinary_board_text_alone(text):
    assert personal_data_warnings(text) == []


def test_a_post_waits_for_the_secretariat_and_warnings_need_the_posters_confirmation(staff):
    organisation, user = member_with_contact()
    kwargs = dict(
        organisation=organisation,
        kind="offer",
        resource="transport",
        title="送迎車を貸せます",
        body="平日の午後、ワゴン車を貸せます。連絡は山田さん 090-1111-2222 へ",
        activity_fields=[field()],
        municipality=organisation.municipality,
        starts_on=days(1),
        ends_on=days(30),
        submission_token=uuid.uuid4(),
        actor=user,
    )
    with pytest.raises(ValidationError) as refused:
        services.post_submit(**kwargs, warnings_confirmed=False)
    assert len(refused.value.message_dict["__all__"]) == 2
    assert not Post.objects.exists()

    created = services.post_submit(**kwargs, warnings_confirmed=True)
    again = services.post_submit(**kwargs, warnings_confirmed=True)  # the double click
    assert again.pk == created.pk and Post.objects.count() == 1
    assert created.status == Post.Status.PENDING
    assert len(created.warnings) == 2  # what the moderator is shown


def test_only_members_post_and_dates_must_make_sense():
    organisation, user = member_with_contact()
    with pytest.raises(ValidationError) as refused:
        post(organisation, user, starts_on=days(5), ends_on=days(4))
    assert "ends_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        post(organisation, user, starts_on=days(-10), ends_on=days(-1))
    organisation.memberships.update(ended_on=days(-1), end_reason="withdrawn")
    with pytest.raises(PermissionDenied):
        post(organisation, user)


def test_moderation_takes_the_change_permission_and_a_reason_to_reject(staff):
    organisation, user = member_with_contact(email="contact@example.org")
    pending = post(organisation, user)
    with pytest.raises(PermissionDenied):
        services.post_approve(post=pending, actor=UserFactory(is_staff=True))
    with pytest.raises(ValidationError):
        services.post_reject(post=pending, reason=" ", actor=staff)
    rejected = services.post_reject(post=pending, reason="個人名が含まれています", actor=staff)
    assert rejected.status == Post.Status.REJECTED
    with pytest.raises(ValidationError):
        services.post_approve(post=rejected, actor=staff)


def test_suggestions_reach_neighbours_with_a_common_field_and_overlapping_dates(staff):
    tottori, kami, iwami = town("鳥取市"), town("香美町"), town("岩美町")
    needer, needer_user = member_with_contact(municipality=tottori)
    need = post(needer, needer_user, starts_on=days(10), ends_on=days(12), publish_by=staff)

    def offer(**kwargs):
        organisation, user = member_with_contact(municipality=kwargs.pop("municipality", iwami))
        kwargs.setdefault("starts_on", days(12))
        kwargs.setdefault("ends_on", days(40))
        return post(organisation, user, kind="offer", publish_by=staff, **kwargs)

    neighbour = offer()  # 岩美町 borders 鳥取市; dates touch on day 12
    same_town = offer(municipality=tottori)
    offer(municipality=kami)  # 香美町 does not border 鳥取市
    offer(fields=[field("居場所づくり")])
    offer(starts_on=days(13))  # starts after the need ends
    offer(resource="goods")
    post(*member_with_contact(municipality=iwami), kind="offer")  # not published
    post(needer, needer_user, kind="offer", publish_by=staff)  # the same organisation

    assert {p.pk for p in suggestions_for(need)} == {neighbour.pk, same_town.pk}
    assert need.pk in {p.pk for p in suggestions_for(neighbour)}  # both sides see it


def test_publishing_mails_the_poster_and_the_posts_it_suits(
    staff, django_capture_on_commit_callbacks
):
    needer, needer_user = member_with_contact(email="need@example.org")
    offerer, offerer_user = member_with_contact(email="offer@example.org")
    post(offerer, offerer_user, kind="offer", publish_by=staff)
    pending = post(needer, needer_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=pending, actor=staff)
    assert sorted(m.to[0] for m in mail.outbox) == ["need@example.org", "offer@example.org"]
    published = next(m for m in mail.outbox if m.to == ["need@example.org"])
    assert "合いそうな投稿" in published.body


def test_a_thread_per_pair_outcomes_and_mail_to_the_other_side(
    staff, django_capture_on_commit_callbacks
):
    needer, needer_user = member_with_contact(email="need@example.org")
    offerer, offerer_user = member_with_contact(email="offer@example.org")
    need = post(needer, needer_user, publish_by=staff)
    offer = post(offerer, offerer_user, kind="offer", publish_by=staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        exchange = services.exchange_start(
            own_post=offer,
            other_post=need,
            organisation=offerer,
            body="使えます",
            actor=offerer_user,
        )
        again = services.exchange_start(
            own_post=offer, other_post=need, organisation=offerer, body="追伸", actor=offerer_user
        )
    assert again.pk == exchange.pk and exchange.messages.count() == 2
    assert [m.to for m in mail.outbox] == [["need@example.org"]] * 2
    assert "使えます" not in mail.outbox[0].body  # the message is read on the board

    stranger, stranger_user = member_with_contact()
    with pytest.raises(PermissionDenied):
        services.message_send(
            exchange=exchange, organisation=stranger, body="x", actor=stranger_user
        )
    with pytest.raises(ValidationError):
        services.exchange_start(
            own_post=need, other_post=need, organisation=needer, body="x", actor=needer_user
        )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.exchange_set_outcome(
            exchange=exchange, outcome="matched", organisation=needer, actor=needer_user
        )
        services.exchange_set_outcome(
            exchange=exchange, outcome="matched", organisation=offerer, actor=offerer_user
        )  # pressed on both sides: nothing changes
        done = services.exchange_set_outcome(
            exchange=exchange, outcome="done", organisation=offerer, actor=offerer_user
        )
    assert done.status == Exchange.Status.DONE and done.matched_at and done.done_at
    assert [m.to for m in mail.outbox] == [["offer@example.org"], ["need@example.org"]]
    with pytest.raises(ValidationError):
        services.exchange_set_outcome(
            exchange=exchange, outcome="withdrawn", organisation=needer, actor=needer_user
        )
    with pytest.raises(ValidationError):
        services.message_send(exchange=exchange, organisation=needer, body="x", actor=needer_user)
