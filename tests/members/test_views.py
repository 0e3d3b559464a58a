import datetime

import pytest
from django.urls import reverse

from members import services
from members.models import ActivityField, Application, Membership, OrganisationType
from tests.conftest import assert_constant_queries, pdf_text
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

URL = reverse("members:apply")


def _valid_post(**overrides):
    town = MunicipalityFactory()
    field = ActivityField.objects.get(name="居場所づくり")
    data = {
        "name": "NPO法人ひだまり",
        "name_kana": "ヒダマリ",
        "organisation_type": OrganisationType.NPO,
        "representative_name": "代表 一郎",
        "contact_name": "担当 花子",
        "postal_code": "６８０−０００１",
        "address": "鳥取県鳥取市東町1丁目",
        "phone": "0857-00-0000",
        "email": "hidamari@example.jp",
        "municipality": town.pk,
        "active_municipalities": [town.pk],
        "activity_fields": [field.pk],
        "activity_summary": "居場所づくり",
        "public_fields": ["website", "strengths"],
        "declares_isolation_activity": "on",
        "declares_no_antisocial_ties": "on",
        "declares_agreement": "on",
        "submission_token": "3f1c3b4e-1d2a-4c3b-9f0e-0a1b2c3d4e5f",
        "homepage_url": "",
    }
    data.update(overrides)
    return data


def test_the_form_offers_no_individual_and_no_directly_registered_types(client):
    html = client.get(URL).content.decode()

    assert "入会申込書" in html
    assert 'value="public_body"' not in html
    assert 'value="welfare_council"' not in html
    assert "個人" in html  # the help text says individuals cannot join


def test_a_valid_application_is_saved_once_and_confirmed_with_a_reference(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    data = _valid_post()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data)
        again = client.post(URL, data)  # the browser's back button and submit again

    assert response.status_code == 302, response.context["form"].errors
    assert again.status_code == 302
    application = Application.objects.get()
    assert application.name_kana == "ひだまり"
    assert application.postal_code == "680-0001"
    assert list(application.activity_fields.values_list("name", flat=True)) == ["居場所づくり"]
    done = client.get(response["Location"]).content.decode()
    assert application.reference in done
    assert len(mailoutbox) == 1
    assert application.reference in mailoutbox[0].body


def test_errors_are_in_japanese_next_to_each_field_and_nothing_is_lost(client):
    data = _valid_post(postal_code="12", declares_no_antisocial_ties="", is_reapplication="on")

    response = client.post(URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "郵便番号は7桁" in html
    assert "入会の申込みにはこの確認が必要です。" in html
    assert "再入会の理由を記入してください。" in html
    assert 'value="NPO法人ひだまり"' in html
    assert "3f1c3b4e-1d2a-4c3b-9f0e-0a1b2c3d4e5f" in html
    assert not Application.objects.exists()


def test_the_form_never_reveals_an_organisations_history(client):
    expelled = MembershipFactory(
        organisation=OrganisationFactory(name="NPO法人ひだまり"),
        ended_on=datetime.date(2025, 1, 1),
        end_reason=Membership.EndReason.EXPELLED,
        expulsion_ground="breach",
    )
    assert expelled.pk

    response = client.post(URL, _valid_post())

    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "除名" not in done


def test_the_honeypot_refuses_bots(client):
    response = client.post(URL, _valid_post(homepage_url="http://spam.example"))

    assert response.status_code == 200
    assert not Application.objects.exists()


def test_the_rate_limit_stops_the_sixth_application_in_an_hour(client):
    for n in range(5):
        response = client.post(
            URL,
            _valid_post(
                name=f"団体{n}", submission_token=f"3f1c3b4e-1d2a-4c3b-9f0e-0a1b2c3d4e5{n}"
            ),
        )
        assert response.status_code == 302
    response = client.post(URL, _valid_post(name="団体6"))

    assert response.status_code == 200
    assert "しばらく" in response.content.decode()
    assert Application.objects.count() == 5


def test_staff_typing_in_paper_applications_are_not_rate_limited(client):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    for n in range(6):
        response = client.post(
            URL,
            _valid_post(
                name=f"紙の団体{n}", submission_token=f"3f1c3b4e-1d2a-4c3b-9f0e-0a1b2c3d4e6{n}"
            ),
        )
        assert response.status_code == 302
    assert Application.objects.count() == 6


def test_the_directory_shows_active_members_public_fields_only_and_folds_kana(client):
    town = MunicipalityFactory(name="若桜町")
    shown = OrganisationFactory(
        name="わかさ子ども食堂",
        name_kana="わかさこどもしょくどう",
        municipality=town,
        phone="0858-00-0000",
        website="https://wakasa.example.jp",
        public_fields=["website"],
    )
    MembershipFactory(organisation=shown)
    gone = OrganisationFactory(name="ワカサ旧団体", name_kana="わかさきゅうだんたい")
    MembershipFactory(organisation=gone, ended_on=datetime.date(2025, 1, 1))

    html = client.get(reverse("members:directory"), {"q": "ﾜｶｻ"}).content.decode()

    assert "わかさ子ども食堂" in html
    assert "https://wakasa.example.jp" in html
    assert "0858-00-0000" not in html
    assert "ワカサ旧団体" not in html
    html = client.get(reverse("members:directory"), {"q": "ワカサ", "tier": "steering"}).content
    assert "わかさ子ども食堂" not in html.decode()
    html = client.get(reverse("members:directory"), {"municipality": town.pk}).content.decode()
    assert "わかさ子ども食堂" in html
    cafeteria = ActivityField.objects.get(name="子ども食堂")
    other = ActivityField.objects.get(name="居住支援")
    shown.activity_fields.add(cafeteria)
    html = client.get(reverse("members:directory"), {"field": cafeteria.pk}).content.decode()
    assert "わかさ子ども食堂" in html
    html = client.get(reverse("members:directory"), {"field": other.pk}).content.decode()
    assert "わかさ子ども食堂" not in html


def test_blank_forms_print_as_pdf(client):
    for number, title in ((1, "入会申込書"), (2, "変更届"), (3, "退会届")):
        response = client.get(reverse("members:blank-form", args=[number]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content, layout=False)
        assert title in text
        assert f"別紙{number}" in text.translate(str.maketrans("１２３", "123"))
    assert client.get(reverse("members:blank-form", args=[4])).status_code == 404


def test_a_contact_sees_their_organisation_and_submits_notices(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(organisation__phone="0857-11-1111")
    organisation = membership.organisation
    with django_capture_on_commit_callbacks(execute=True):
        contact = services.contact_invite(
            organisation=organisation, email="tanto@example.jp", actor=None
        )
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert "/members/my/" in mailoutbox[0].body
    client.force_login(contact.user)

    assert organisation.name in client.get(reverse("members:my-organisation")).content.decode()
    form = client.get(reverse("members:my-change")).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "public_fields"}
    data["phone"] = "0857-22-2222"
    response = client.post(reverse("members:my-change"), data)
    assert response.status_code == 302
    notice = organisation.notices.get()
    assert notice.changes == {"phone": "0857-22-2222"}

    response = client.post(
        reverse("members:my-withdraw"),
        {"reason": "活動終了", "effective_on": datetime.date.today().isoformat()},
    )
    assert response.status_code == 302
    assert organisation.notices.count() == 2


def test_someone_without_a_contact_account_cannot_see_the_portal(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("members:my-organisation")).status_code == 403


def test_the_directory_issues_a_constant_number_of_queries(client):
    field = ActivityField.objects.first()

    def make(n):
        for _ in range(n):
            membership = MembershipFactory()
            membership.organisation.activity_fields.add(field)
            membership.organisation.active_municipalities.add(membership.organisation.municipality)

    def directory():
        response = client.get(reverse("members:directory"), {"q": "てすと"})
        assert response.status_code == 200

    assert_constant_queries(directory, make, small=10, large=50)  # the page shows 50
    # More rows than a page only adds pages.
    assert_constant_queries(directory, make, small=0, large=150)


def test_the_directory_search_does_not_match_what_an_organisation_keeps_private(client):
    """要領第3条3: only chosen fields are public; a search must not reveal a private one either."""
    private = OrganisationFactory(
        name="ひみつ会", name_kana="ひみつかい", strengths="法律相談の弁護士紹介", public_fields=[]
    )
    MembershipFactory(organisation=private)
    public = OrganisationFactory(
        name="おおやけ会",
        name_kana="おおやけかい",
        strengths="法律相談の窓口",
        public_fields=["strengths"],
    )
    MembershipFactory(organisation=public)

    html = client.get(reverse("members:directory"), {"q": "法律相談"}).content.decode()

    assert "おおやけ会" in html
    assert "ひみつ会" not in html
    # Publishing the field later (a change notice applied) makes it searchable.
    private.public_fields = ["strengths"]
    private.save()
    html = client.get(reverse("members:directory"), {"q": "法律相談"}).content.decode()
    assert "ひみつ会" in html
