import datetime
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from supporters.models import Registration, SupporterRuleSet
from tests.conftest import assert_constant_queries
from tests.factories import MunicipalityFactory

from .factories import RegistrationFactory, SchoolDistrictFactory, TrainingSessionFactory, at

pytestmark = pytest.mark.django_db


def _form(session, **overrides):
    return {
        "full_name": "因幡 花子",
        "full_name_kana": "いなば はなこ",
        "email": "hanako@example.jp",
        "phone": "",
        "municipality": session.municipality.pk,
        "district": "",
        "affiliation": "resident",
        "line_name": "",
        "consent": "on",
        "website": "",
        "token": str(uuid.uuid4()),
        **overrides,
    }


def test_calendar_lists_upcoming_public_sessions_only(client):
    TrainingSessionFactory(title="来週の研修")
    TrainingSessionFactory(title="非公開の出前研修", is_public=False)
    TrainingSessionFactory(
        title="昨日の研修", starts_at=at(timezone.localdate() - datetime.timedelta(days=1))
    )
    TrainingSessionFactory(title="中止の研修", status="cancelled")

    html = client.get(reverse("supporters:training-list")).content.decode()

    assert "来週の研修" in html
    assert "非公開の出前研修" not in html
    assert "昨日の研修" not in html
    assert "中止の研修" not in html


def test_calendar_shows_full_sessions_with_the_waiting_list_instead_of_a_signup(client):
    session = TrainingSessionFactory(title="満席の研修", capacity=1)
    RegistrationFactory(session=session)

    html = client.get(reverse("supporters:training-list")).content.decode()

    assert "満席" in html
    assert "満席の研修 に申し込む" not in html
    assert "満席の研修 のキャンセル待ちに登録する" in html


def test_calendar_query_count_does_not_grow_with_sessions(client, django_assert_max_num_queries):
    def calendar():
        with django_assert_max_num_queries(4):
            assert client.get(reverse("supporters:training-list")).status_code == 200

    assert_constant_queries(calendar, TrainingSessionFactory.create_batch, small=3, large=33)


def test_signup_errors_are_japanese_next_to_each_field_and_input_is_kept(client):
    session = TrainingSessionFactory()
    url = reverse("supporters:training-signup", args=[session.pk])

    response = client.post(
        url, _form(session, full_name_kana="Inaba", email="not-an-address", consent="")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "ふりがなは、ひらがなかカタカナで入力してください。" in html
    assert "有効なメールアドレスを入力してください。" in html
    assert "個人情報の取扱いをお読みのうえ、同意にチェックしてください。" in html
    assert 'value="因幡 花子"' in html  # nothing lost
    assert Registration.objects.count() == 0


def test_signup_with_district_outside_municipality_is_refused(client):
    session = TrainingSessionFactory()
    elsewhere = SchoolDistrictFactory(municipality=MunicipalityFactory())

    response = client.post(
        reverse("supporters:training-signup", args=[session.pk]),
        _form(session, district=elsewhere.pk),
    )

    assert "この中学校区は選んだ市町にありません。" in response.content.decode()


def test_signup_succeeds_and_double_submit_creates_one(client, django_capture_on_commit_callbacks):
    session = TrainingSessionFactory()
    url = reverse("supporters:training-signup", args=[session.pk])
    data = _form(session)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
        second = client.post(url, data)

    done = reverse("supporters:training-signup-done", args=[session.pk])
    assert first.status_code == 302 and first.url == done
    assert second.status_code == 302 and second.url == done
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1
    assert "受け付けました" in client.get(done).content.decode()


def test_second_signup_with_same_email_shows_the_error_at_the_email_field(client):
    session = TrainingSessionFactory()
    url = reverse("supporters:training-signup", args=[session.pk])
    client.post(url, _form(session))

    response = client.post(url, _form(session))

    html = response.content.decode()
    assert "このメールアドレスでは、この研修に既に申し込まれています。" in html
    assert Registration.objects.count() == 1


def test_full_session_shows_a_japanese_error(client):
    session = TrainingSessionFactory(capacity=1)
    RegistrationFactory(session=session)

    response = client.post(reverse("supporters:training-signup", args=[session.pk]), _form(session))

    assert "定員に達しました" in response.content.decode()


def test_honeypot_pretends_success_and_saves_nothing(client):
    session = TrainingSessionFactory()

    response = client.post(
        reverse("supporters:training-signup", args=[session.pk]),
        _form(session, website="http://spam.example"),
    )

    assert response.status_code == 302
    assert Registration.objects.count() == 0


def test_rate_limit_allows_exactly_the_limit_then_refuses(client):
    SupporterRuleSet.objects.update(signup_limit_per_hour=2)
    session = TrainingSessionFactory()
    url = reverse("supporters:training-signup", args=[session.pk])

    for i in range(2):
        response = client.post(url, _form(session, email=f"p{i}@example.jp"))
        assert response.status_code == 302
    response = client.post(url, _form(session, email="p3@example.jp"))

    assert response.status_code == 200
    assert "短時間に多くの申込がありました" in response.content.decode()
    assert Registration.objects.count() == 2


def test_signup_page_for_past_session_says_closed(client):
    session = TrainingSessionFactory(
        starts_at=at(timezone.localdate() - datetime.timedelta(days=2)),
    )

    html = client.get(reverse("supporters:training-signup", args=[session.pk])).content.decode()

    assert "締め切りました" in html
    assert "<form" not in html.split("<main")[1]


def test_private_session_has_no_signup_page(client):
    session = TrainingSessionFactory(is_public=False)

    assert client.get(reverse("supporters:training-signup", args=[session.pk])).status_code == 404


def test_calendar_can_be_narrowed_to_one_municipality(client):
    chizu = MunicipalityFactory(name="智頭町")
    TrainingSessionFactory(title="智頭の研修", municipality=chizu)
    TrainingSessionFactory(title="岩美の研修")

    html = client.get(
        reverse("supporters:training-list") + f"?municipality={chizu.pk}"
    ).content.decode()

    assert "智頭の研修" in html
    assert "岩美の研修" not in html


def test_forged_forwarded_for_does_not_reset_the_rate_limit(client):
    """No proxy is trusted by default: the limit counts REMOTE_ADDR, whatever the header says."""
    SupporterRuleSet.objects.update(signup_limit_per_hour=1)
    session = TrainingSessionFactory()
    url = reverse("supporters:training-signup", args=[session.pk])

    client.post(url, _form(session, email="a@example.jp"), HTTP_X_FORWARDED_FOR="1.1.1.1")
    response = client.post(
        url, _form(session, email="b@example.jp"), HTTP_X_FORWARDED_FOR="2.2.2.2"
    )

    assert "短時間に多くの申込がありました" in response.content.decode()
    assert Registration.objects.count() == 1


def test_behind_one_trusted_proxy_the_limit_counts_the_address_the_proxy_saw(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    SupporterRuleSet.objects.update(signup_limit_per_hour=1)
    session = TrainingSessionFactory()
    url = reverse("supporters:training-signup", args=[session.pk])

    client.post(url, _form(session, email="a@example.jp"), HTTP_X_FORWARDED_FOR="1.1.1.1")
    other = client.post(url, _form(session, email="b@example.jp"), HTTP_X_FORWARDED_FOR="2.2.2.2")
    forged = client.post(
        url, _form(session, email="c@example.jp"), HTTP_X_FORWARDED_FOR="3.3.3.3, 1.1.1.1"
    )

    assert other.status_code == 302  # another visitor, own count
    assert "短時間に多くの申込がありました" in forged.content.decode()  # 1.1.1.1 again


def test_line_without_a_line_name_is_shown_at_the_line_name_field(client):
    session = TrainingSessionFactory()

    response = client.post(
        reverse("supporters:training-signup", args=[session.pk]),
        _form(session, receives_line="on", line_name=" "),
    )

    html = response.content.decode()
    errors = html.split('id="line_name-errors"')[1].split("</div>")[0]
    assert "LINE名を入力してください。" in errors
    assert 'value="因幡 花子"' in html
    assert Registration.objects.count() == 0


def test_a_line_name_without_line_is_not_dropped_silently(client):
    session = TrainingSessionFactory()

    response = client.post(
        reverse("supporters:training-signup", args=[session.pk]),
        _form(session, line_name="はなこ"),
    )

    errors = response.content.decode().split('id="line_name-errors"')[1].split("</div>")[0]
    assert "LINE名は、LINEで情報を受け取る方のみ登録できます。" in errors
    assert Registration.objects.count() == 0


def test_with_line_and_a_line_name_the_signup_keeps_it(client):
    session = TrainingSessionFactory()

    client.post(
        reverse("supporters:training-signup", args=[session.pk]),
        _form(session, receives_line="on", line_name="はなこ"),
    )

    assert Registration.objects.get().line_name == "はなこ"
