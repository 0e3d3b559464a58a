"""The food hub dashboard at any number of sites: the largest sites named, the rest added up as
「ほかN拠点」 with the same totals, any one site on its own, the same queries for 3 sites or 9."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from foodhub import selectors
from tests.conftest import assert_constant_queries

from .factories import ItemFactory, operator_of, receive, secretariat, site_with_zones

pytestmark = pytest.mark.django_db

SINCE = datetime.date(2026, 1, 1)
TODAY = datetime.date(2026, 12, 4)


@pytest.fixture
def two_shown(monkeypatch):
    monkeypatch.setattr(selectors, "DASHBOARD_SITES_SHOWN", 2)


def _sites_receiving(*kgs):
    staff = secretariat()
    rice = ItemFactory(name="米")
    sites = []
    for number, kg in enumerate(kgs, start=1):
        site = site_with_zones(name=f"拠点{number:02d}")
        receive(site, rice, kg, actor=staff, expiry=datetime.date(2027, 6, 1))
        sites.append(site)
    return staff, sites


def test_beyond_the_sites_shown_the_rest_are_added_up_with_the_same_totals(two_shown):
    staff, _sites = _sites_receiving(10, 30, 20)

    figures = selectors.dashboard_figures(staff, since=SINCE, today=TODAY)

    received = figures["received_by_site"]
    assert [g["label"] for g in received["groups"]] == ["拠点02", "拠点03", "ほか1拠点"]
    assert received["rows"] == [
        {"month": datetime.date(2026, 11, 1), "cells": [Decimal(30), Decimal(20), Decimal(10)]}
    ]
    others = received["totals"][-1]
    assert others["others"] and others["kg"] == Decimal(10)
    assert [t["percent"] for t in received["totals"][:2]] == [100, 67]  # scaled without the rest
    assert {row["site__name"] for row in figures["stock"]} == {"拠点02", "拠点03"}
    assert figures["stock_others"] == {"label": "ほか1拠点", "kg": Decimal(10)}


def test_every_site_is_named_up_to_the_number_shown(two_shown):
    staff, _sites = _sites_receiving(10, 30)

    figures = selectors.dashboard_figures(staff, since=SINCE, today=TODAY)

    assert [g["label"] for g in figures["received_by_site"]["groups"]] == ["拠点01", "拠点02"]
    assert figures["stock_others"] is None


def test_the_page_says_how_to_see_a_site_left_out_and_shows_it_alone(client, two_shown):
    staff, sites = _sites_receiving(10, 30, 20)
    client.force_login(staff)

    page = client.get(reverse("foodhub:dashboard"), {"since": "2026-01-01"}).content.decode()
    assert "ほか1拠点" in page
    assert "ほかの拠点は上の「拠点」で選ぶと個別に表示できます" in page

    alone = client.get(reverse("foodhub:dashboard"), {"since": "2026-01-01", "site": sites[0].pk})
    html = alone.content.decode()
    assert "<h1>食支援ダッシュボード：拠点01</h1>" in html
    assert "ほか1拠点" not in html
    figures = alone.context["received_by_site"]
    assert [g["label"] for g in figures["groups"]] == ["拠点01"]


def test_a_hub_operator_cannot_choose_a_site_it_does_not_see(client):
    _staff, (own, other) = _sites_receiving(10, 30)
    client.force_login(operator_of(own))

    page = client.get(reverse("foodhub:dashboard"), {"since": "2026-01-01", "site": other.pk})

    assert page.context["site"] is None
    assert [g["label"] for g in page.context["received_by_site"]["groups"]] == ["拠点01"]


def test_the_dashboard_issues_the_same_queries_for_three_sites_or_nine(client, two_shown):
    staff = secretariat()
    rice = ItemFactory(name="米")
    client.force_login(staff)
    made = []

    def add_sites(count):
        for _ in range(count):
            site = site_with_zones(name=f"拠点{len(made):02d}")
            receive(site, rice, 5 + len(made), actor=staff, expiry=datetime.date(2027, 6, 1))
            made.append(site)

    def fetch():
        response = client.get(reverse("foodhub:dashboard"), {"since": "2026-01-01"})
        assert response.status_code == 200
        return response.context["received_by_site"]["groups"][-1]["label"]

    assert assert_constant_queries(fetch, add_sites, small=3, large=9) == ["ほか1拠点", "ほか7拠点"]
