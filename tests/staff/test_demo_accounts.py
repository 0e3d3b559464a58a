"""The run command's demo data has one login per role, printed with the demo login."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from core import roles
from core.models import User
from foodhub.models import SiteOperator

pytestmark = pytest.mark.django_db
PASSWORD = "kirin-demo-2026"


def test_one_demo_login_per_role_printed_and_each_lands_where_its_work_is(client, settings):
    settings.DEBUG = True  # demo logins are for development only
    out = io.StringIO()
    call_command("load_demo_data", "--demo-user", stdout=out)
    call_command("load_demo_data", "--demo-user", stdout=io.StringIO())  # idempotent

    printed = out.getvalue()
    for role in roles.ALL_ROLES:
        demo = User.objects.filter(groups__name=role, email__endswith="@kirin-pf.example")
        account = demo.order_by("pk").first()
        assert account.email in printed and role in printed
        assert account.check_password(PASSWORD)
    hub = User.objects.get(email="demo-hub@kirin-pf.example")
    assert SiteOperator.objects.filter(user=hub).count() == 1

    response = client.post(
        reverse("account_login"), {"login": "demo-hub@kirin-pf.example", "password": PASSWORD}
    )
    assert response["Location"] == reverse("foodhub:stock")
    assert client.get(reverse("foodhub:stock")).status_code == 200
