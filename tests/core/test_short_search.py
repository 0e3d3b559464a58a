"""A one-character search word matches nearly every row and no index can serve it: the admin
search and the public directory refuse it in Japanese instead of reading the whole table; two
characters and more are searched."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from foodhub.models import LedgerEntry
from members.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

REFUSED = "検索語はそれぞれ2文字以上で入力してください。"


def _search(term, model=Organisation):
    request = RequestFactory().get("/", {"q": term})
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = admin.site._registry[model]
    results, _duplicates = model_admin.get_search_results(request, model.objects.all(), term)
    return list(results), [str(m) for m in get_messages(request)]


def test_the_admin_search_refuses_a_one_character_word_and_searches_two():
    OrganisationFactory(name="わかさ子ども食堂", name_kana="わかさこどもしょくどう")

    assert _search("わ") == ([], [REFUSED])
    assert _search("ﾜｶｻ 食") == ([], [REFUSED])
    found, messages = _search("ワカ")
    assert [o.name for o in found] == ["わかさ子ども食堂"]
    assert messages == []


def test_the_ledger_search_refuses_a_one_character_word_too():
    assert _search("米", model=LedgerEntry) == ([], [REFUSED])
    assert _search("米袋", model=LedgerEntry) == ([], [])


def test_the_directory_refuses_a_one_character_search_with_the_reason(client):
    MembershipFactory(organisation=OrganisationFactory(name="わかさ子ども食堂"))

    html = client.get(reverse("members:directory"), {"q": "わ"}).content.decode()
    assert REFUSED in html
    assert "わかさ子ども食堂" not in html
    html = client.get(reverse("members:directory"), {"q": "わか"}).content.decode()
    assert "わかさ子ども食堂" in html
