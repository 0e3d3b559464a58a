"""Benchmark: the council's case list and intake queue at 100,000 cases, beside 1,000.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_pf_hcouncil \
        .venv/bin/python manage.py migrate
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_pf_hcouncil \
        .venv/bin/python bench/council_cases.py [--cases 100000] [--agencies 50]

One council of N agencies (one the coordinating body); cases written in bulk with their personal
fields encrypted as the application does, each shared with two agencies and given two
categories, 5 % still at intake. Times (median of 5, with query counts) the case list and the
intake queue for an intake member (sees every case) and a case worker (sees their agency's), first
at 1,000 cases and then at the full number, in the same run. Everything is rolled back.

Figures (2026-12-02, PostgreSQL 15 on the shared 2-core development container while other
engineers ran tests, 50 agencies; median of 5 runs):

                                   1,000 cases        100,000 cases
    case list, intake member     207 ms  14 q         752 ms  14 q
    case list, case worker       274 ms  14 q         388 ms  14 q
    intake queue                 241 ms  15 q         133 ms  15 q

The query count does not grow; the time at 100,000 is the visibility filter and the page count
over every visible row (an intake member sees all 100,000).
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

from allauth.mfa.models import Authenticator  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from core import roles  # noqa: E402
from core.models import Municipality, User  # noqa: E402
from council import crypto  # noqa: E402
from council.models import (  # noqa: E402
    Agency,
    Case,
    CaseAssignment,
    Category,
    Council,
    CouncilMember,
    SecrecyPledge,
)
from members.models import Organisation  # noqa: E402


class Rollback(Exception):
    pass


def _member(council, agency, role, name):
    user = User.objects.create(username=name, email=f"{name}@bench.example")
    user.groups.add(Group.objects.get(name=roles.COUNCIL_MEMBER))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    member = CouncilMember.objects.create(council=council, agency=agency, user=user, role=role)
    SecrecyPledge.objects.create(
        member=member, version="bench", signed_on=datetime.date(2024, 1, 1)
    )
    return user


def setup(agencies: int):
    town = Municipality.objects.create(name="ベンチ市", prefecture="鳥取県", population=100000)
    council = Council.objects.create(name="ベンチ協議会", municipality=town, prefecture="鳥取県")
    rows = []
    for i in range(agencies):
        organisation = Organisation.objects.create(name=f"ベンチ機関{i}", municipality=town)
        rows.append(
            Agency.objects.create(
                council=council, organisation=organisation, is_coordinating_body=i == 0
            )
        )
    intake = _member(council, rows[0], CouncilMember.Role.INTAKE, "bench-intake")
    worker = _member(council, rows[1], CouncilMember.Role.CASE_WORKER, "bench-worker")
    return council, town, rows, intake, worker


def add_cases(council, town, agencies, count, start, rng):
    categories = list(Category.objects.all())
    assigner = User.objects.get(username="bench-intake")
    cases = []
    for n in range(start, start + count):
        kana = f"べんち{n}"
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=n % 20000)
        cases.append(
            Case(
                reference=f"C-B{n:07d}",
                council=council,
                status=Case.Status.INTAKE if rng.random() < 0.05 else Case.Status.SUPPORT,
                received_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n % 2000),
                route="help_desk",
                municipality=town,
                footing=Case.Footing.CONSENT,
                consent=Case.Consent.GIVEN,
                person_name=f"ベンチ 太郎{n}",
                person_kana=kana,
                date_of_birth=born,
                address="鳥取県ベンチ市1-1",
                contact="000-0000-0000",
                blind_index=crypto.blind_index(kana, born),
            )
        )
    created = Case.objects.bulk_create(cases, batch_size=2000)
    links, assignments = [], []
    through = Case.categories.through
    for case in created:
        for category in rng.sample(categories, 2):
            links.append(through(case_id=case.pk, category_id=category.pk))
        for agency in rng.sample(agencies, 2):
            assignments.append(CaseAssignment(case=case, agency=agency, assigned_by=assigner))
    through.objects.bulk_create(links, batch_size=5000)
    CaseAssignment.objects.bulk_create(assignments, batch_size=5000)


def measure(client, url, runs=5):
    timings, queries = [], 0
    for _i in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return statistics.median(timings) * 1000, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(8)
    try:
        with transaction.atomic():
            council, town, agencies, intake, worker = setup(args.agencies)
            done = 0
            for size in (1_000, args.cases):
                started = time.perf_counter()
                add_cases(council, town, agencies, size - done, done, rng)
                done = size
                print(f"\n{size:,} cases (generated in {time.perf_counter() - started:.1f} s)")
                for label, user, name in [
                    ("case list, intake member", intake, "council:cases"),
                    ("case list, case worker", worker, "council:cases"),
                    ("intake queue", intake, "council:intake"),
                ]:
                    client = Client()
                    client.force_login(user)
                    ms, queries = measure(client, reverse(name))
                    print(f"  {label:<28} {ms:8.0f} ms  {queries:3d} queries")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
