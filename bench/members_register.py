"""Benchmark: the member register at prefecture (or many-region) scale.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_members \
        .venv/bin/python manage.py migrate
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_members \
        .venv/bin/python bench/members_register.py [--organisations 20000] [--keep]

Generates N organisations (a quarter of them former members, with a second closed membership),
each active in two municipalities and two fields, then times the public directory (plain, folded
kana search, municipality filter), the admin changelists and the register export, reporting the
median of several runs with the query count. Everything runs in one transaction that is rolled
back at the end unless --keep is given.

Figures (2026-11-24, PostgreSQL 15 on the development container, 20,000 organisations, 15,081
active members; median of 5 runs, export of 3):

    directory, first page                          124 ms   10 queries
    directory, folded kana search (ﾍﾞﾝﾁ)           172 ms   10 queries
    directory, municipality filter                 164 ms   11 queries (+1: the filter's choice)
    admin changelist: organisation                 116 ms    7 queries
    admin changelist: membership                   138 ms    5 queries
    register export (20,000 memberships)          1.17 s     1 query
"""

import argparse
import datetime
import os
import random
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

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from core.models import Municipality, User  # noqa: E402
from members.models import (  # noqa: E402
    ActivityField,
    Membership,
    Organisation,
    OrganisationType,
)
from members.resources import MembershipExportResource  # noqa: E402

KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"


class Rollback(Exception):
    pass


def generate(*, organisations: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    towns = [
        Municipality.objects.get_or_create(
            prefecture="鳥取県", name=f"ベンチ町{n}", defaults={"name_kana": f"べんちちょう{n}"}
        )[0]
        for n in range(20)
    ]
    fields = list(ActivityField.objects.all())
    types = [t for t, _label in OrganisationType.choices]
    rows = []
    for n in range(organisations):
        kana = "".join(rng.choice(KANA) for _ in range(6))
        org = Organisation(
            name=f"NPO法人ベンチ{kana}{n}",
            name_kana=f"{kana}{n}",
            organisation_type=rng.choice(types),
            municipality=rng.choice(towns),
            strengths="食支援・居場所づくり",
            public_fields=["website", "strengths"],
            website=f"https://bench{n}.example.jp",
        )
        org.set_derived_fields()  # what save() does; bulk_create skips save()
        rows.append(org)
    Organisation.objects.bulk_create(rows, batch_size=2000)
    memberships, town_links, field_links = [], [], []
    TownLink = Organisation.active_municipalities.through
    FieldLink = Organisation.activity_fields.through
    for org in rows:
        started = datetime.date(2024, 4, 1) + datetime.timedelta(days=rng.randrange(600))
        if rng.random() < 0.25:
            memberships.append(
                Membership(
                    organisation=org,
                    tier="general",
                    started_on=started,
                    ended_on=started + datetime.timedelta(days=30),
                    end_reason="withdrawn",
                )
            )
        else:
            memberships.append(
                Membership(
                    organisation=org,
                    tier="steering" if rng.random() < 0.02 else "general",
                    started_on=started,
                )
            )
        for town in rng.sample(towns, 2):
            town_links.append(TownLink(organisation_id=org.pk, municipality_id=town.pk))
        for field in rng.sample(fields, 2):
            field_links.append(FieldLink(organisation_id=org.pk, activityfield_id=field.pk))
    Membership.objects.bulk_create(memberships, batch_size=2000)
    TownLink.objects.bulk_create(town_links, batch_size=5000)
    FieldLink.objects.bulk_create(field_links, batch_size=5000)


def timed(label, func, runs=5):
    durations, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            func()
            durations.append(time.perf_counter() - start)
        queries = len(ctx.captured_queries)
    print(f"{label:46} {statistics.median(durations) * 1000:8.0f} ms {queries:4} queries")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=20000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    try:
        with transaction.atomic():
            generate(organisations=args.organisations)
            admin = User.objects.create_superuser("bench-members", "bench-members@example.jp", "x")
            client = Client()
            client.force_login(admin)
            town = Municipality.objects.filter(name="ベンチ町3").first()
            directory = reverse("members:directory")

            def get(url, params=None):
                response = client.get(url, params or {})
                assert response.status_code == 200, (url, response.status_code)

            print(
                f"{Organisation.objects.count()} organisations, "
                f"{Membership.objects.active().count()} active members"
            )
            timed("directory, first page", lambda: get(directory))
            timed("directory, folded kana search (ﾍﾞﾝﾁ)", lambda: get(directory, {"q": "ﾍﾞﾝﾁ"}))
            timed(
                "directory, municipality filter", lambda: get(directory, {"municipality": town.pk})
            )
            for model in ("organisation", "membership", "application", "meeting"):
                url = reverse(f"admin:members_{model}_changelist")
                timed(f"admin changelist: {model}", lambda url=url: get(url))
            timed(
                "register export (all memberships, dataset)",
                lambda: MembershipExportResource().export(),
                runs=3,
            )
            if not args.keep:
                raise Rollback
    except Rollback:
        print("(rolled back)")


if __name__ == "__main__":
    main()
