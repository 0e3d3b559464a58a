import io

import pytest
from django.core.management import call_command

from core.models import Municipality, User
from foodhub.models import Site
from members.models import Organisation
from supporters.models import Supporter

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Municipality.objects.count(),
        Organisation.objects.count(),
        Supporter.objects.count(),
        Site.objects.count(),
        User.objects.count(),
    )


def test_demo_data_loads_the_seven_municipalities_with_their_census_figures():
    call_command("load_demo_data", stdout=io.StringIO())

    towns = {m.name: m for m in Municipality.objects.all()}
    assert list(towns) == ["鳥取市", "岩美町", "八頭町", "智頭町", "若桜町", "新温泉町", "香美町"]
    assert towns["鳥取市"].population == 188465
    assert towns["若桜町"].households == 1182
    assert str(towns["智頭町"].aged_65_plus_percent) == "43.6"
    assert towns["香美町"].prefecture == "兵庫県"
    assert towns["鳥取市"].community_cafeterias == 46


def test_loading_demo_data_twice_changes_nothing(tmp_path, settings):
    settings.DEBUG = True  # the demo login is for development only
    with open(tmp_path / "out", "w") as out:
        call_command("load_demo_data", "--demo-user", stdout=out)
        first = _counts()
        call_command("load_demo_data", "--demo-user", stdout=out)

    assert _counts() == first
    assert first[0] == 7


def test_the_demo_login_is_a_secretariat_member(client, tmp_path, settings):
    settings.DEBUG = True  # the demo login (without two-factor) is for development only
    with open(tmp_path / "out", "w") as out:
        call_command("load_demo_data", "--demo-user", stdout=out)

    response = client.post(
        "/accounts/login/", {"login": "demo@kirin-pf.example", "password": "kirin-demo-2026"}
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
