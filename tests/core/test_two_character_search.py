"""Two-character search words (a Japanese surname is often two kanji): found in every folded
search, staff and public, through each column's bigram companion (core.japanese.bigrams); on
PostgreSQL read by its trigram index, not by a scan of the table."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from members.models import Organisation
from supporters.models import Supporter
from tests.conftest import requires_postgres
from tests.factories import MembershipFactory, OrganisationFactory, SupporterFactory

pytestmark = pytest.mark.django_db


def _names(page, key="cl"):
    return sorted(str(row) for row in page.context[key].result_list)


def test_the_supporter_search_finds_a_two_character_word_folded(client, secretariat):
    SupporterFactory(full_name="鷲見 花子", full_name_kana="すみ はなこ")
    SupporterFactory(full_name="佐藤 一郎", full_name_kana="さとう いちろう")
    url = reverse("admin:supporters_supporter_changelist")

    assert _names(client.get(url, {"q": "鷲見"})) == ["鷲見 花子"]
    assert _names(client.get(url, {"q": "ﾊﾅｺ"})) == ["鷲見 花子"]  # three, by its trigrams
    assert _names(client.get(url, {"q": "ハナ"})) == ["鷲見 花子"]  # two, by its bigrams
    assert _names(client.get(url, {"q": "佐藤 イチ"})) == ["佐藤 一郎"]
    assert _names(client.get(url, {"q": "見花"})) == []  # not across the space


def test_an_erased_supporter_keeps_no_bigram_of_the_name(secretariat):
    from supporters import services

    supporter = SupporterFactory(full_name="鷲見 花子", full_name_kana="すみ はなこ")
    services.supporter_withdraw(
        supporter=supporter, on=datetime.date(2026, 12, 1), erase=True, actor=secretariat
    )

    supporter.refresh_from_db()
    assert "鷲見" not in supporter.search_bigrams and "はな" not in supporter.search_bigrams


def test_two_character_words_in_the_directory_stay_within_what_is_published(client):
    shown = OrganisationFactory(
        name="すみれ会", name_kana="すみれかい", strengths="配食", public_fields=["strengths"]
    )
    private = OrganisationFactory(
        name="ひみつ会", name_kana="ひみつかい", strengths="配食", public_fields=[]
    )
    MembershipFactory(organisation=shown)
    MembershipFactory(organisation=private)

    html = client.get(reverse("members:directory"), {"q": "配食"}).content.decode()
    assert "すみれ会" in html and "ひみつ会" not in html  # the private offer is not searched
    staff = Organisation.objects.filter(staff_search_bigrams__contains=" 配食 ")
    assert sorted(o.name for o in staff) == ["すみれ会", "ひみつ会"]


@requires_postgres()
@pytest.mark.postgres
@pytest.mark.parametrize(
    ("queryset", "table", "index"),
    [
        (
            lambda: Supporter.objects.filter(search_bigrams__contains=" さと ").order_by(),
            "supporters_supporter",
            "supporter_bigrams_trgm",
        ),
        (
            lambda: Organisation.objects.filter(search_bigrams__contains=" ちい ").order_by(),
            "members_organisation",
            "organisation_bigrams_trgm",
        ),
        (
            lambda: Organisation.objects.filter(staff_search_bigrams__contains=" ちい ").order_by(),
            "members_organisation",
            "organisation_staff_bi_trgm",
        ),
    ],
)
def test_a_two_character_word_is_read_from_the_bigram_index(queryset, table, index):
    # (unordered: on a tiny table the planner would rather walk the ordering's index)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset().explain()

    assert f"Seq Scan on {table}" not in plan, plan
    assert index in plan, plan


def test_e_mail_and_phone_are_searched_from_three_characters(client, secretariat):
    SupporterFactory(full_name="鷲見 花子", email="hanako@example.jp", phone="0857-22-1234")
    url = reverse("admin:supporters_supporter_changelist")

    assert _names(client.get(url, {"q": "hanako"})) == ["鷲見 花子"]
    assert _names(client.get(url, {"q": "1234"})) == ["鷲見 花子"]
    assert _names(client.get(url, {"q": "12"})) == []  # two digits: the name's bigrams only
