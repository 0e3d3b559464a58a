"""The 事務局's contact: set once in the admin, on every public page and at the end of every
e-mail."""

import pytest
from django.core import mail
from django.urls import reverse

from core.contact import SecretariatContact
from core.notifications import notify
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CONTACT = {
    "name": "麒麟のまち官民連携プラットフォーム事務局（鳥取市社会福祉協議会）",
    "postal_code": "680-0845",
    "address": "鳥取県鳥取市富安2丁目104-2 さざんか会館",
    "phone": "0857-00-1234",
    "email": "jimukyoku@example.jp",
    "hours": "平日 8:30〜17:15（土日祝・年末年始を除く）",
}


def test_the_secretariat_sets_the_contact_once_and_every_public_page_shows_it(client, secretariat):
    add = reverse("admin:core_secretariatcontact_add")
    assert add in client.get(reverse("admin:core_secretariatcontact_changelist")).content.decode()
    response = client.post(add, CONTACT)
    assert response.status_code == 302
    assert client.get(add).status_code == 403  # one record: changed from now on

    client.logout()
    for path in ("/", "/members/apply/", "/members/directory/"):
        page = client.get(path).content.decode()
        for value in CONTACT.values():
            assert value in page, (path, value)

    client.force_login(secretariat)
    client.post(
        reverse("admin:core_secretariatcontact_change", args=[1]),
        {**CONTACT, "phone": "0857-11-1111"},
    )
    assert "0857-11-1111" in client.get("/").content.decode()


def test_every_e_mail_ends_with_the_contact(mailoutbox):
    SecretariatContact(**CONTACT).save()
    target = MembershipFactory().organisation

    notify(
        purpose="members.contact_invite",
        target=target,
        period="p",
        recipient="a@example.jp",
        subject="件名",
        template_name="members/email/meeting_notice.txt",
        context={"meeting": None, "items": [], "organisation": target},
    )

    body = mail.outbox[0].body
    tail = body.rstrip().splitlines()[-6:]
    assert tail == [
        "お問い合わせ先",
        CONTACT["name"],
        f"〒{CONTACT['postal_code']} {CONTACT['address']}",
        f"TEL {CONTACT['phone']}",
        CONTACT["email"],
        CONTACT["hours"],
    ]


def test_before_the_contact_is_set_pages_and_mails_still_work(client):
    assert "事務局" in client.get("/").content.decode()


def test_allauths_own_mails_end_with_the_contact_too(client, mailoutbox):
    from tests.factories import StaffFactory

    SecretariatContact(**CONTACT).save()
    StaffFactory(email="staff@example.jp")

    client.post(reverse("account_reset_password"), {"email": "staff@example.jp"})

    assert mailoutbox[0].body.rstrip().endswith(CONTACT["hours"])
