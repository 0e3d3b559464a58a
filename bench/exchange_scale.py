"""Benchmark: the hub's food-request queue and the public resource map list, at regional and at
national scale in the same run.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_pf_exchange \
        .venv/bin/python manage.py migrate
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_pf_exchange \
        .venv/bin/python bench/exchange_scale.py [--scale 100]

Regional: 21 sites, 500 food partners, 5,000 food requests (two lines each, a fifth still
open), 1,000 places on the map. National: ×scale partners, requests and places, sites growing
with the square root of the scale (210 at ×100), as bench/scale.py does. Rows are written with
INSERT … SELECT generate_series, consistent with the constraints. Times (median of 5, with query
counts): the queue of one site's operator, the secretariat's queue of every site, the map list
unfiltered, by municipality, and by field and day. Everything is rolled back.

Figures: see the README's benchmark section (the script prints the table).
"""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kirin_pf.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client

from allauth.mfa.models import Authenticator  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from core import roles  # noqa: E402
from core.models import Municipality, User  # noqa: E402
from foodhub.models import FoodCategory, Site, SiteOperator  # noqa: E402
from members.models import ActivityField  # noqa: E402

TOWNS = ["鳥取市", "岩美町", "八頭町", "智頭町", "若桜町", "新温泉町", "香美町"]


class Rollback(Exception):
    pass


def sizes(scale: float) -> dict:
    return {
        "sites": max(2, round(21 * math.sqrt(scale))),
        "partners": round(500 * scale),
        "requests": round(5_000 * scale),
        "places": round(1_000 * scale),
    }


def _user(username, role, *, superuser=False):
    user = User.objects.create(
        username=username, email=f"{username}@example.org", is_staff=True, is_superuser=superuser
    )
    user.groups.add(Group.objects.get(name=role))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "b"})
    return user


def setup():
    towns = []
    for name in TOWNS:
        prefecture = "兵庫県" if name in ("新温泉町", "香美町") else "鳥取県"
        towns.append(
            Municipality.objects.get_or_create(name=name, defaults={"prefecture": prefecture})[0]
        )
    category = FoodCategory.objects.get_or_create(name="ベンチ主食")[0]
    field = ActivityField.objects.get_or_create(name="子ども食堂")[0]
    staff = _user("bench-exchange-staff", roles.SECRETARIAT)
    operator = _user("bench-exchange-operator", roles.HUB_OPERATOR)
    return towns, category, field, staff, operator


def add_sites(count, offset, towns, operator):
    sites = Site.objects.bulk_create(
        Site(name=f"ベンチ拠点{offset + i:04d}", kind="town", municipality=towns[i % len(towns)])
        for i in range(count)
    )
    if offset == 0:
        SiteOperator.objects.create(site=sites[0], user=operator)
    return list(Site.objects.filter(name__startswith="ベンチ拠点").values_list("pk", flat=True))


def add_rows(n, done, site_ids, category, field, staff):
    """Partners, requests and places beyond `done` (a dict of counts so far), in SQL."""
    p0, p1 = done["partners"], n["partners"]
    r0, r1 = done["requests"], n["requests"]
    m0, m1 = done["places"], n["places"]
    sites = "ARRAY[" + ",".join(map(str, site_ids)) + "]"
    towns = "ARRAY(SELECT id FROM core_municipality ORDER BY id)"
    with connection.cursor() as c:
        c.execute(
            f"""
            INSERT INTO members_organisation (name, name_kana, organisation_type,
                representative_name, contact_name, postal_code, address, phone, email, website,
                municipality_id, activity_summary, strengths, public_fields, search_text,
                staff_search_text, search_bigrams, staff_search_bigrams, name_key, created_at)
            SELECT 'ベンチ食堂' || g, 'べんちしょくどう' || g, 'voluntary', '', '', '', '', '',
                '', '', ({towns})[1 + mod(g, 7)], '', '', '["website"]', 'べんちしょくどう' || g,
                'べんちしょくどう' || g, '', '', 'べんち食堂' || g, now()
            FROM generate_series(%s, %s - 1) g
            """,
            [p0, p1],
        )
        c.execute(
            f"""
            INSERT INTO foodhub_recipient (kind, site_id, municipality_id, name,
                running_organisation, reference_code, referring_agency, search_text)
            SELECT 'cafeteria', ({sites})[1 + mod(g, {len(site_ids)})], o.municipality_id, o.name,
                '', NULL, '', o.name_kana
            FROM generate_series(%s, %s - 1) g
            JOIN members_organisation o ON o.name = 'ベンチ食堂' || g
            """,
            [p0, p1],
        )
        c.execute(
            """
            INSERT INTO foodhub_foodpartner (organisation_id, recipient_id, status,
                approved_on, approved_by_id, note)
            SELECT o.id, r.id, 'approved', current_date - 30, %s, ''
            FROM generate_series(%s, %s - 1) g
            JOIN members_organisation o ON o.name = 'ベンチ食堂' || g
            JOIN foodhub_recipient r ON r.name = o.name
            """,
            [staff.pk, p0, p1],
        )
        c.execute(
            """
            INSERT INTO foodhub_foodrequest (partner_id, site_id, needed_on, people_served,
                handover, note, status, adjustment_reason, decline_reason,
                shelf_life_override_reason, submission_token, submitted_by_id, submitted_at)
            SELECT p.id, r.site_id, current_date + (mod(g, 60)) - 30, 20 + mod(g, 50),
                CASE WHEN mod(g, 2) = 0 THEN 'pickup' ELSE 'delivery' END, '',
                CASE WHEN mod(g, 5) = 0 THEN 'submitted' ELSE 'declined' END, '',
                CASE WHEN mod(g, 5) = 0 THEN '' ELSE '在庫不足' END, '', gen_random_uuid(), %s,
                now()
            FROM generate_series(%s, %s - 1) g
            JOIN foodhub_foodpartner p ON p.id = (
                SELECT min(id) FROM foodhub_foodpartner) + g %% %s
            JOIN foodhub_recipient r ON r.id = p.recipient_id
            """,
            [staff.pk, r0, r1, p1],
        )
        c.execute(
            """
            INSERT INTO foodhub_foodrequestline (request_id, category_id, zone_kind, kg)
            SELECT r.id, %s, z.kind, 5 FROM foodhub_foodrequest r
            CROSS JOIN (VALUES ('ambient'), ('chilled')) z(kind)
            WHERE NOT EXISTS (SELECT 1 FROM foodhub_foodrequestline l WHERE l.request_id = r.id)
            """,
            [category.pk],
        )
        c.execute(
            f"""
            INSERT INTO exchange_place (kind, name, organisation_id, site_id, municipality_id,
                venue, description, opening_note, opens_mon, opens_tue, opens_wed, opens_thu,
                opens_fri, opens_sat, opens_sun, latitude, longitude, is_public, updated_at)
            SELECT 'children', 'ベンチこども食堂' || g, NULL, NULL, ({towns})[1 + mod(g, 7)],
                '公民館', '', '第2土曜', mod(g, 7) = 0, mod(g, 7) = 1, mod(g, 7) = 2,
                mod(g, 7) = 3, mod(g, 7) = 4, mod(g, 7) = 5, mod(g, 7) = 6,
                35.3 + mod(g, 50) * 0.005, 134.2 + mod(g, 70) * 0.005,
                true, now()
            FROM generate_series(%s, %s - 1) g
            """,
            [m0, m1],
        )
        c.execute(
            """
            INSERT INTO exchange_place_activity_fields (place_id, activityfield_id)
            SELECT p.id, %s FROM exchange_place p
            WHERE mod(p.id, 2) = 0 AND NOT EXISTS (
                SELECT 1 FROM exchange_place_activity_fields f WHERE f.place_id = p.id)
            """,
            [field.pk],
        )
        c.execute("ANALYZE")


def measure(client, url, params=None, runs=5):
    timings, queries = [], 0
    for _i in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params or {})
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(timings) * 1000, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=100)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "the bench runs on PostgreSQL"
    results = {}
    try:
        with transaction.atomic():
            towns, category, field, staff, operator = setup()
            done = {"sites": 0, "partners": 0, "requests": 0, "places": 0}
            site_ids = []
            for label, scale in (("regional", 1), ("national", args.scale)):
                n = sizes(scale)
                started = time.perf_counter()
                site_ids = add_sites(n["sites"] - done["sites"], done["sites"], towns, operator)
                add_rows(n, done, site_ids, category, field, staff)
                done = n
                print(f"\n{label}: {n} (generated in {time.perf_counter() - started:.1f} s)")
                staff_client, operator_client, public = Client(), Client(), Client()
                staff_client.force_login(staff)
                operator_client.force_login(operator)
                for name, client, url, params in [
                    (
                        "queue, one site's operator",
                        operator_client,
                        "foodhub:food-request-queue",
                        None,
                    ),
                    (
                        "queue, secretariat (all sites)",
                        staff_client,
                        "foodhub:food-request-queue",
                        None,
                    ),
                    ("map list", public, "exchange:map", None),
                    (
                        "map list, one municipality",
                        public,
                        "exchange:map",
                        {"municipality": towns[1].pk},
                    ),
                    (
                        "map list, field and Saturday",
                        public,
                        "exchange:map",
                        {"field": field.pk, "day": "sat"},
                    ),
                ]:
                    ms, queries = measure(client, reverse(url), params)
                    results.setdefault(name, {})[label] = (ms, queries)
                    print(f"  {name:<34} {ms:8.0f} ms  {queries:3d} queries")
            raise Rollback
    except Rollback:
        pass
    print(f"\n{'measure':<34} {'regional':>16} {'national':>16} {'ratio':>7}")
    for name, by in results.items():
        (rm, rq), (nm, nq) = by["regional"], by["national"]
        print(f"{name:<34} {rm:8.0f} ms {rq:3d} q {nm:8.0f} ms {nq:3d} q {nm / rm:6.2f}×")


if __name__ == "__main__":
    main()
