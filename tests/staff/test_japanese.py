"""Japanese everywhere: every admin list and add page, as each role, shows no English."""

import re
from html.parser import HTMLParser

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from core import roles
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# Words that stay in Latin letters on a Japanese page: product and format names, units.
ALLOWED = {
    "PDF",
    "CSV",
    "XLSX",
    "ID",
    "QR",
    "TOTP",
    "URL",
    "LINE",
    "NPO",
    "Excel",
    "kg",
    "Asia",
    "Tokyo",
    "cron",
    "example",
    "jp",
    # Django's own Japanese help for multiple choice: 「Control キー（Mac は Command キー）」.
    "Control",
    "Command",
    "Mac",
}
# Known English left on a page, with who owns it; the test fails when one is fixed (remove it
# here) or when anything else appears.
KNOWN = {}
# Three or more Latin letters in a row is a word someone forgot to translate.
ENGLISH = re.compile(r"[A-Za-z]{3,}")


class _VisibleText(HTMLParser):
    """The text a person reads: text nodes, button values, placeholders, titles; not scripts nor
    what the page hides (the admin's rows of hidden fields carry class "hidden")."""

    SKIP = {"script", "style", "svg", "noscript", "template"}
    VOID = {"input", "br", "img", "meta", "link", "hr", "col", "area", "base", "wbr", "source"}

    def __init__(self):
        super().__init__()
        self.parts, self._open = [], []

    def _hidden(self):
        return any(skip for _tag, skip in self._open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = tag in self.SKIP or "hidden" in (attrs.get("class") or "").split()
        if tag not in self.VOID:
            self._open.append((tag, hidden))
        if self._hidden() or hidden:
            return
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")
        for name in ("placeholder", "title", "aria-label"):
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    text = re.sub(r"\S+@\S+", " ", text)  # e-mail addresses are data
    return {word for word in ENGLISH.findall(text) if word not in ALLOWED}


def _pages_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        if model_admin.has_view_or_change_permission(request):
            yield reverse("admin:{}_{}_changelist".format(*info))
        if model_admin.has_add_permission(request):
            try:
                yield reverse("admin:{}_{}_add".format(*info))
            except NoReverseMatch:
                continue


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_every_admin_page_a_role_opens_is_in_japanese(client, role):
    # Login names are data (the security log shows them), not text of the page: Japanese here.
    user = StaffFactory(username=f"職員{roles.ALL_ROLES.index(role)}", roles=[role])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    found = {}
    pages = [reverse("admin:index"), *_pages_for(user)]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        words = english_words(response.content.decode())
        known = KNOWN.get(url, set())
        assert known <= words, f"fixed on {url}: remove {known - words} from KNOWN"
        for word in words - known:
            found.setdefault(word, url)

    assert found == {}, f"English for {role}: {found}"


def test_the_check_finds_english_and_lets_product_names_pass():
    html = "<p>次の項目を出力します（CSV・PDF）</p><label>Select all</label><script>var</script>"

    assert english_words(html) == {"Select", "all"}


def test_the_login_page_does_not_invite_to_a_closed_sign_up(client):
    page = client.get(reverse("account_login")).content.decode()

    assert reverse("account_signup") not in page
    assert "アカウントは事務局が発行します。" in page


def test_the_export_page_is_in_japanese(client, secretariat):
    page = client.get(reverse("admin:core_municipality_export")).content.decode()

    assert "次の項目を出力します" in page and "すべて選択" in page
    assert "This exporter" not in page and "Select all" not in page
