"""A resident cancels their own sign-up from the e-mail link (until the rule set's hours before
the start), a full session keeps a waiting list, and a freed place is offered to the first
person waiting with a time limit (CiviEvent's waitlist)."""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from supporters import services
from supporters.models import Registration, SupporterRuleSet
from supporters.services.attendance import certificates_issue
from tests.factories import SupporterFactory

from .factories import RegistrationFactory, TrainingSessionFactory, at, past_session, signup_data

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def _sign_up(session, email, *, waitlist=False):
    registration, _created = services.registration_create(
        session_id=session.pk,
        data=signup_data(session.municipality, email=email),
        token=uuid.uuid4(),
        waitlist=waitlist,
    )
    return registration


def _full_session(capacity=1, **kwargs):
    session = TrainingSessionFactory(capacity=capacity, **kwargs)
    seated = [_sign_up(session, f"seat{i}@example.jp") for i in range(capacity)]
    return session, seated


def _link_in(message, name):
    prefix = reverse(name, args=["X"]).removesuffix("X/")
    return re.search(re.escape(prefix) + r"[^/\s]+/", message.body).group(0)


# --- cancelling from the e-mail ---------------------------------------------------------------


def test_the_confirmation_mail_carries_a_cancel_link_and_its_deadline(
    django_capture_on_commit_callbacks,
):
    session = TrainingSessionFactory(
        starts_at=at(timezone.localdate() + datetime.timedelta(days=7), 13)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(session, "hanako@example.jp")

    body = mail.outbox[-1].body
    assert "/supporters/trainings/cancel/" in body
    assert "13:00 まで" in body and "令和" in body  # 24 hours before a 13:00 start


def test_cancelling_is_allowed_until_the_deadline_minute_and_refused_a_minute_after():
    session = TrainingSessionFactory()
    deadline = session.starts_at - datetime.timedelta(hours=24)
    registration = _sign_up(session, "hanako@example.jp")

    late = _sign_up(session, "taro@example.jp")
    with pytest.raises(ValidationError, match="事務局"):
        services.registration_self_cancel(registration=late, now=deadline + MINUTE)
    services.registration_self_cancel(registration=registration, now=deadline)

    registration.refresh_from_db()
    late.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert late.status == Registration.Status.REGISTERED


def test_the_cancel_deadline_comes_from_the_rule_set_in_force():
    SupporterRuleSet.objects.update(self_cancel_hours=48)
    session = TrainingSessionFactory()
    registration = _sign_up(session, "hanako@example.jp")
    deadline = session.starts_at - datetime.timedelta(hours=48)

    assert services.self_cancel_refusal(registration, deadline) is None
    assert "までです" in services.self_cancel_refusal(registration, deadline + MINUTE)


def test_a_cancel_link_cannot_be_altered_and_a_get_changes_nothing(client):
    session = TrainingSessionFactory()
    registration = _sign_up(session, "hanako@example.jp")
    link = services.link_token(registration, salt=services.CANCEL_SALT)

    page = client.get(reverse("supporters:registration-cancel", args=[link]))
    assert page.status_code == 200 and "申込を取り消す" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED  # mail scanners open links
    forged = client.get(reverse("supporters:registration-cancel", args=[link[:-2] + "xx"]))
    assert forged.status_code == 404 and "このリンクは無効です" in forged.content.decode()
    offer_salt = services.link_token(registration, salt=services.OFFER_SALT)
    assert (
        client.get(reverse("supporters:registration-cancel", args=[offer_salt])).status_code == 404
    )


def test_after_the_deadline_the_page_says_so_in_japanese_with_the_secretariat(client):
    session = TrainingSessionFactory(starts_at=timezone.now() + datetime.timedelta(hours=5))
    session.ends_at = session.starts_at + datetime.timedelta(hours=2)
    session.save()
    registration = _sign_up(session, "hanako@example.jp")
    url = reverse(
        "supporters:registration-cancel",
        args=[services.link_token(registration, salt=services.CANCEL_SALT)],
    )

    response = client.post(url)

    html = response.content.decode()
    assert response.status_code == 400
    assert "このページからの取消は" in html and "事務局：鳥取市中央人権福祉センター" in html
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


# --- the waiting list -------------------------------------------------------------------------


def test_a_full_session_refuses_a_plain_sign_up_and_takes_the_waiting_list():
    session, _seated = _full_session()

    with pytest.raises(ValidationError, match="キャンセル待ちに登録できます"):
        _sign_up(session, "hanako@example.jp")
    waiting = _sign_up(session, "hanako@example.jp", waitlist=True)

    assert waiting.status == Registration.Status.WAITLISTED
    with pytest.raises(ValidationError, match="既に申し込まれています"):
        _sign_up(session, "hanako@example.jp", waitlist=True)


def test_with_people_waiting_a_new_sign_up_does_not_jump_the_queue():
    session, seated = _full_session(capacity=2)
    waiting = _sign_up(session, "first@example.jp", waitlist=True)
    session.capacity = 3  # the secretariat adds a seat
    session.save()

    later = _sign_up(session, "later@example.jp", waitlist=True)

    assert later.status == Registration.Status.WAITLISTED
    services.registration_self_cancel(registration=seated[0])
    waiting.refresh_from_db()
    later.refresh_from_db()
    # Two free seats now (the added one and the cancelled one), offered in sign-up order.
    assert (waiting.status, later.status) == ("offered", "offered")


def test_a_cancellation_offers_the_place_to_the_first_person_waiting_by_mail(
    django_capture_on_commit_callbacks,
):
    session, (seated,) = _full_session()
    first = _sign_up(session, "first@example.jp", waitlist=True)
    second = _sign_up(session, "second@example.jp", waitlist=True)
    now = timezone.now()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_self_cancel(registration=seated, now=now)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.OFFERED
    assert first.offer_expires_at == now + datetime.timedelta(hours=48)
    assert second.status == Registration.Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [["first@example.jp"]]
    assert "/supporters/trainings/offer/" in mail.outbox[0].body
    assert "回答期限" in mail.outbox[0].body


def test_an_offer_never_runs_past_the_start():
    session, (seated,) = _full_session(starts_at=timezone.now() + datetime.timedelta(hours=30))
    session.ends_at = session.starts_at + datetime.timedelta(hours=2)
    session.save()
    waiting = _sign_up(session, "first@example.jp", waitlist=True)

    services.registration_cancel(registration=seated, actor=None)

    waiting.refresh_from_db()
    assert waiting.offer_expires_at == session.starts_at


def test_accepting_within_the_time_registers_and_at_expiry_plus_a_minute_passes_on():
    session, (seated,) = _full_session(capacity=1)
    first = _sign_up(session, "first@example.jp", waitlist=True)
    second = _sign_up(session, "second@example.jp", waitlist=True)
    now = timezone.now()
    services.registration_self_cancel(registration=seated, now=now)
    first.refresh_from_db()
    expiry = first.offer_expires_at

    with pytest.raises(ValidationError, match="回答期限を過ぎた"):
        services.waitlist_offer_accept(registration=first, now=expiry + MINUTE)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CANCELLED
    assert second.status == Registration.Status.OFFERED
    services.waitlist_offer_accept(registration=second, now=second.offer_expires_at)
    second.refresh_from_db()
    assert second.status == Registration.Status.REGISTERED


def test_the_periodic_check_passes_lapsed_offers_on_once():
    session, (seated,) = _full_session()
    first = _sign_up(session, "first@example.jp", waitlist=True)
    second = _sign_up(session, "second@example.jp", waitlist=True)
    services.registration_self_cancel(registration=seated)
    first.refresh_from_db()

    assert services.waitlist_offers_expire(now=first.offer_expires_at) == 0  # not yet
    assert services.waitlist_offers_expire(now=first.offer_expires_at + MINUTE) == 1
    assert services.waitlist_offers_expire(now=first.offer_expires_at + MINUTE) == 0

    second.refresh_from_db()
    assert second.status == Registration.Status.OFFERED


def test_an_offer_holds_the_seat_against_new_sign_ups():
    session, (seated,) = _full_session()
    _sign_up(session, "first@example.jp", waitlist=True)
    services.registration_self_cancel(registration=seated)

    with pytest.raises(ValidationError, match="定員に達しました"):
        _sign_up(session, "newcomer@example.jp")


def test_the_offer_page_accepts_and_declining_passes_on(client):
    session, (seated,) = _full_session()
    first = _sign_up(session, "first@example.jp", waitlist=True)
    second = _sign_up(session, "second@example.jp", waitlist=True)
    services.registration_self_cancel(registration=seated)
    first.refresh_from_db()
    url = reverse(
        "supporters:waitlist-offer", args=[services.link_token(first, salt=services.OFFER_SALT)]
    )

    assert "参加を申し込む" in client.get(url).content.decode()
    declined = client.post(url, {"answer": "decline"})

    assert "次にお待ちの方へ" in declined.content.decode()
    second.refresh_from_db()
    assert second.status == Registration.Status.OFFERED
    url = reverse(
        "supporters:waitlist-offer", args=[services.link_token(second, salt=services.OFFER_SALT)]
    )
    accepted = client.post(url, {"answer": "accept"})
    assert "お申込みが確定しました" in accepted.content.decode()
    second.refresh_from_db()
    assert second.status == Registration.Status.REGISTERED


def test_the_sign_up_page_of_a_full_session_offers_the_waiting_list(client):
    session, _seated = _full_session()
    url = reverse("supporters:training-signup", args=[session.pk])

    page = client.get(url).content.decode()
    assert "キャンセル待ちに登録する" in page
    data = {
        **{k: v for k, v in signup_data(session.municipality).items() if v is not None},
        "municipality": session.municipality.pk,
        "consent": "on",
        "token": str(uuid.uuid4()),
        "waitlist": "1",
    }
    data.pop("consent_text")
    response = client.post(url, data)

    assert response.status_code == 302 and response.url.endswith("?waiting=1")
    assert "キャンセル待ちで受け付けました" in client.get(response.url).content.decode()
    assert Registration.objects.get(email="hanako@example.jp").status == "waitlisted"


# --- certificates -----------------------------------------------------------------------------


def test_issuing_certificates_for_a_session_with_nobody_present_says_so():
    session = past_session()

    with pytest.raises(ValidationError, match="出席者が記録されていない"):
        certificates_issue(session=session, actor=None)


def test_a_supporter_withdrawing_gives_their_seat_to_the_first_person_waiting():
    supporter = SupporterFactory(full_name="退会 一郎", full_name_kana="たいかい いちろう")
    session = TrainingSessionFactory(capacity=1)
    RegistrationFactory(
        session=session,
        full_name=supporter.full_name,
        full_name_kana=supporter.full_name_kana,
        email=supporter.email,
    )
    waiting = _sign_up(session, "first@example.jp", waitlist=True)

    services.supporter_withdraw(
        supporter=supporter, on=timezone.localdate(), erase=False, actor=None
    )

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED
