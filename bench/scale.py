"""Scale bench: the same pages, exports and import at regional and at national size.

One generator builds a data set on PostgreSQL in its own database (text-heavy rows through
COPY from Python, the bulk of lots and ledger with INSERT … SELECT generate_series), consistent
with the models' constraints and with the ledger (every lot equals the sum of its entries):

    regional (--scale 1):  500 organisations, 5,000 supporters, 10,000 attendances, 21 sites,
                           12,500 lots, 50,000 ledger rows
    national (--scale 100): ×100 rows, 210 sites (sites grow with the square root of the scale)

    createdb -h 127.0.0.1 -U postgres kirin_pf_bench_regional
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_pf_bench_regional \
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kirin_pf_bench_regional \
        .venv/bin/python bench/scale.py generate --scale 1
    (likewise kirin_pf_bench_national with --scale 100, or a smaller factor)

One command times every page of issue 13 against each database (a subprocess per database),
the ledger CSV beside `COPY … TO STDOUT` of the same rows, the register import, and prints one
table with the ratio national/regional:

    .venv/bin/python bench/scale.py compare \
        postgres://postgres@127.0.0.1:5432/kirin_pf_bench_regional \
        postgres://postgres@127.0.0.1:5432/kirin_pf_bench_national

`measure` times one database and prints JSON (what `compare` runs); `--import-rows` chooses the
import sizes (default 1000,10000); `compare --rounds 3` measures the two in turn three times and
takes each figure's median, so that a shared machine's drift weighs on both sides alike. The tiny
CI run (tests/core/test_scale.py) generates at --scale 0.002 inside the test database and runs
every measurement once.
"""

import argparse
import datetime
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kirin_pf.settings")
os.environ.setdefault("DEBUG", "true")  # development keys; DEBUG itself is switched off below

KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
KATA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
DAYS = 420  # the span of dates of the foodhub data, ending today


def setup_django():
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False  # no query log growing in memory; pages rendered as in production


def sizes(scale: float) -> dict:
    def n(base):
        return max(1, round(base * scale))

    sites = max(2, round(21 * math.sqrt(scale)))
    lots = n(12_500)
    return {
        "organisations": n(500),
        "supporters": max(10, n(5_000)),
        "sessions": max(2, n(20)),
        "attendances": n(10_000),
        "sites": sites,
        "items": 400,
        "donors": max(5, n(50)),
        "lots": lots,
        "ledger": lots * 4,
    }


# --- generation -------------------------------------------------------------------------------


def _kana(rng, length):
    return "".join(rng.choice(KANA) for _ in range(length))


def _copy(cursor, table, columns, rows):
    """COPY rows (tuples) into a table through psycopg's copy API."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _seed_masters(cursor, rng):
    """Municipalities, districts, categories, activity fields, consent text: what a fresh
    database may lack (the migrations seed some of them)."""
    from core.models import Municipality
    from foodhub.models import FoodCategory
    from members.models import ActivityField
    from supporters.models import ConsentText, SchoolDistrict

    if Municipality.objects.count() < 5:
        for i in range(19):
            Municipality.objects.get_or_create(
                prefecture="ベンチ県", name=f"ベンチ市{i:02d}", defaults={"display_order": i}
            )
    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    for m in municipalities:
        if not SchoolDistrict.objects.filter(municipality_id=m).exists():
            for j in range(3):
                SchoolDistrict.objects.create(
                    municipality_id=m, name=f"ベンチ中学校区{m}-{j}", target=50
                )
    if not FoodCategory.objects.exists():
        for i, name in enumerate(["主食", "缶詰", "飲料", "菓子", "調味料", "冷凍食品"]):
            FoodCategory.objects.create(name=name, display_order=i)
    if not ActivityField.objects.exists():
        for i, name in enumerate(["子ども", "高齢者", "食支援", "居場所"]):
            ActivityField.objects.create(name=name, display_order=i)
    if not ConsentText.objects.exists():
        ConsentText.objects.create(
            **{
                f.name: (
                    datetime.date(2020, 1, 1)
                    if f.get_internal_type() == "DateField"
                    else "ベンチ同意文"
                )
                for f in ConsentText._meta.concrete_fields
                if not f.primary_key
                and not f.has_default()
                and not f.null
                and f.get_internal_type() in ("DateField", "TextField", "CharField")
            }
        )


def _bench_users():
    from django.contrib.auth.models import Group

    from core import roles
    from core.models import User

    staff, _ = User.objects.get_or_create(
        username="bench-staff", defaults={"email": "bench-staff@example.org", "is_staff": True}
    )
    staff.is_staff = True
    staff.is_superuser = True  # every admin page; the scopes are those of the secretariat
    staff.save()
    staff.groups.add(Group.objects.get(name=roles.SECRETARIAT))
    # Staff roles require two-factor authentication: the bench user has an authenticator.
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=staff, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )
    return staff


def generate(scale: float, *, seed: int = 13, out=sys.stdout) -> dict:
    """Build the data set for `scale` in the current (PostgreSQL) database, replacing any
    earlier bench data of the tables it fills."""
    import random

    from django.db import connection, transaction

    from core.japanese import bigrams, fold
    from core.models import Municipality
    from foodhub.models import FoodCategory
    from members.models import Membership, Organisation, OrganisationType, organisation_name_key
    from supporters.models import SchoolDistrict

    assert connection.vendor == "postgresql", "the scale bench runs on PostgreSQL"
    rng = random.Random(seed)
    n = sizes(scale)
    began = time.perf_counter()
    today = datetime.date.today()
    start = today - datetime.timedelta(days=DAYS)

    def step(label):
        out.write(f"  {label:<40} {time.perf_counter() - began:7.1f} s\n")
        out.flush()

    with transaction.atomic(), connection.cursor() as cursor:
        _seed_masters(cursor, rng)
        staff = _bench_users()
        cursor.execute(
            "TRUNCATE foodhub_ledgerentry, foodhub_lot, foodhub_distribution, foodhub_donation,"
            " foodhub_liabilityconsent, foodhub_recipient, foodhub_zone, foodhub_siteoperator,"
            " foodhub_site, foodhub_item, foodhub_donor, foodhub_transferline,"
            " foodhub_distributionline, foodhub_stocktakeline, foodhub_transfer,"
            " foodhub_disposal, foodhub_stocktake,"
            " supporters_attendance, supporters_registration, supporters_trainingsession,"
            " supporters_supporter, members_membership, members_organisation_active_municipalities,"
            " members_organisation_activity_fields, members_organisation CASCADE"
        )
        municipalities = list(Municipality.objects.values_list("pk", flat=True))
        step("masters")

        # Members: organisations (COPY), one membership each (80 % active).
        types = [t for t, _ in OrganisationType.choices]
        org_rows = []
        for i in range(1, n["organisations"] + 1):
            name = f"{rng.choice(SURNAMES)}地域福祉会{i:06d}"
            kana = _kana(rng, 6) + f"{i:06d}"
            strengths = "配食 見守り 居場所づくり"
            public = json.dumps(["strengths", "address"])
            folded = " ".join(fold(p) for p in (name, kana, strengths))
            org_rows.append(
                (
                    i,
                    name,
                    kana,
                    rng.choice(types),
                    "",
                    "",
                    "680-0001",
                    f"ベンチ市{i % 19}番地",
                    "0857-00-0000",
                    "",
                    "",
                    rng.choice(municipalities),
                    "地域の活動",
                    strengths,
                    public,
                    None,
                    folded,  # the offer is public: search_text and staff_search_text agree
                    folded,
                    bigrams(folded),
                    bigrams(folded),
                    organisation_name_key(name),
                    start,
                )
            )
        _copy(
            cursor,
            "members_organisation",
            [
                "id",
                "name",
                "name_kana",
                "organisation_type",
                "representative_name",
                "contact_name",
                "postal_code",
                "address",
                "phone",
                "email",
                "website",
                "municipality_id",
                "activity_summary",
                "strengths",
                "public_fields",
                "last_contact_on",
                "search_text",
                "staff_search_text",
                "search_bigrams",
                "staff_search_bigrams",
                "name_key",
                "created_at",
            ],
            org_rows,
        )
        cursor.execute(
            "INSERT INTO members_organisation_active_municipalities (organisation_id,"
            " municipality_id) SELECT id, municipality_id FROM members_organisation"
        )
        tier_general = Membership.Tier.GENERAL.value
        tier_steering = Membership.Tier.STEERING.value
        ended_reason = next(
            v for v, _ in Membership._meta.get_field("end_reason").choices if v != "expelled"
        )
        cursor.execute(
            """
            INSERT INTO members_membership (organisation_id, tier, started_on, ended_on,
                end_reason, expulsion_ground, end_note)
            SELECT id, CASE WHEN id %% 20 = 0 THEN %s ELSE %s END, %s::date - (id %% 900)::int,
                CASE WHEN id %% 5 = 0 THEN %s::date - (id %% 30)::int END,
                CASE WHEN id %% 5 = 0 THEN %s ELSE '' END, '', ''
            FROM members_organisation
            """,
            [tier_steering, tier_general, today, today, ended_reason],
        )
        step(f"{n['organisations']:,} organisations")

        # Supporters (COPY) and attendances (generate_series, unique per session).
        districts = list(SchoolDistrict.objects.values_list("pk", "municipality_id"))
        supporter_rows = []
        for i in range(1, n["supporters"] + 1):
            surname = rng.choice(SURNAMES)
            kana = _kana(rng, 3) + " " + _kana(rng, 3)
            full_name = f"{surname} サポーター{i:07d}"
            district, municipality = rng.choice(districts)
            status = "withdrawn" if i % 10 == 0 else ("paused" if i % 10 == 1 else "active")
            registered = start + datetime.timedelta(days=i % DAYS)
            folded = fold(f"{full_name} {kana}")
            supporter_rows.append(
                (
                    i,
                    full_name,
                    kana,
                    folded,
                    bigrams(folded),
                    "",
                    "",
                    False,
                    "",
                    municipality,
                    district,
                    "resident",
                    "",
                    registered,
                    registered,
                    status,
                    registered if status == "withdrawn" else None,
                )
            )
        _copy(
            cursor,
            "supporters_supporter",
            [
                "id",
                "full_name",
                "full_name_kana",
                "search_text",
                "search_bigrams",
                "email",
                "phone",
                "receives_line",
                "line_name",
                "municipality_id",
                "district_id",
                "affiliation",
                "affiliation_detail",
                "registered_on",
                "last_trained_on",
                "status",
                "status_changed_on",
            ],
            supporter_rows,
        )
        cursor.execute(
            """
            INSERT INTO supporters_trainingsession (id, kind, title, starts_at, ends_at, venue,
                municipality_id, audience, capacity, has_lecture, has_group_work, programme,
                instructor, is_public, status, unrecorded_participants, created_at, held_on,
                counts_only)
            SELECT s, 'initial', 'ベンチ研修' || s, %s::timestamptz + (s %% %s) * interval '1 day',
                %s::timestamptz + (s %% %s) * interval '1 day' + interval '2 hours', '公民館',
                %s, '住民', 1000, true, true, '', '', true, 'held', 0, now(),
                ((%s::timestamptz + (s %% %s) * interval '1 day') AT TIME ZONE 'Asia/Tokyo')::date,
                false
            FROM generate_series(1, %s) s
            """,
            [start, DAYS, start, DAYS, municipalities[0], start, DAYS, n["sessions"]],
        )
        cursor.execute(
            """
            INSERT INTO supporters_attendance (session_id, supporter_id, walk_in, recorded_at,
                recorded_by_id)
            SELECT i %% %(s)s + 1, ((i / %(s)s) + (i %% %(s)s) * 37) %% %(p)s + 1, false,
                now(), %(u)s
            FROM generate_series(0, %(a)s - 1) i
            """,
            {"s": n["sessions"], "p": n["supporters"], "a": n["attendances"], "u": staff.pk},
        )
        step(f"{n['supporters']:,} supporters, {n['attendances']:,} attendances")

        # Foodhub: sites, zones, items, donors, recipients and consents (small).
        ns = n["sites"]
        cursor.execute(
            """
            INSERT INTO foodhub_site (id, name, kind, municipality_id, capacity_kg)
            SELECT s,
                CASE WHEN s = 1 THEN 'ベンチ物流拠点'
                    ELSE 'ベンチ拠点' || lpad(s::text, 4, '0') END,
                CASE WHEN s = 1 THEN 'logistics' ELSE 'town' END, %s, 100000
            FROM generate_series(1, %s) s
            """,
            [municipalities[0], ns],
        )
        cursor.execute(
            """
            INSERT INTO foodhub_zone (id, site_id, kind, capacity_kg, near_expiry_days)
            SELECT (s - 1) * 3 + k, s, (ARRAY['ambient', 'chilled', 'frozen'])[k], 50000, 14
            FROM generate_series(1, %s) s, generate_series(1, 3) k
            """,
            [ns],
        )
        categories = list(FoodCategory.objects.values_list("pk", flat=True))
        zone_kinds = ["ambient", "chilled", "frozen"]
        _copy(
            cursor,
            "foodhub_item",
            ["id", "name", "category_id", "default_zone_kind", "unit", "search_text", "has_expiry"],
            [
                (
                    i,
                    f"パフ品目{i:03d}",
                    categories[i % len(categories)],
                    zone_kinds[i % 3],
                    "個",
                    fold(f"パフ品目{i:03d}"),
                    True,
                )
                for i in range(1, n["items"] + 1)
            ],
        )
        _copy(
            cursor,
            "foodhub_donor",
            ["id", "name", "name_kana", "kind", "exemption_terms_reference", "search_text"],
            [
                (
                    i,
                    f"ベンチ食品{i:04d}",
                    f"べんちしょくひん{i:04d}",
                    "company",
                    "",
                    fold(f"ベンチ食品{i:04d} べんちしょくひん{i:04d}"),
                )
                for i in range(1, n["donors"] + 1)
            ],
        )
        cursor.execute(
            """
            INSERT INTO foodhub_recipient (id, kind, site_id, municipality_id, name,
                running_organisation, household_size, referring_agency, search_text)
            SELECT s, 'cafeteria', s, %s, 'ベンチ食堂' || s, '', NULL, '', 'べんち食堂' || s
            FROM generate_series(1, %s) s
            """,
            [municipalities[0], ns],
        )
        cursor.execute(
            """
            INSERT INTO foodhub_liabilityconsent (id, recipient_id, agreed_on,
                document_reference, recorded_by_id, recorded_at)
            SELECT s, s, %s::date - 30, '', %s, now() FROM generate_series(1, %s) s
            """,
            [start, staff.pk, ns],
        )

        # Documents: a donation per 5 lots; a distribution per site and day.
        nl = n["lots"]
        donations = (nl + 4) // 5
        cursor.execute(
            """
            INSERT INTO foodhub_donation (id, donor_id, site_id, received_on, note,
                idempotency_key, created_by_id, created_at)
            SELECT d, (d - 1) %% %(nd)s + 1, (d - 1) %% %(ns)s + 1,
                %(start)s::date + ((d - 1) * 37) %% 365, '', gen_random_uuid(), %(u)s,
                %(start)s::timestamptz + ((d - 1) * 37) %% 365 * interval '1 day'
            FROM generate_series(1, %(n)s) d
            """,
            {"nd": n["donors"], "ns": ns, "start": start, "u": staff.pk, "n": donations},
        )
        cursor.execute(
            """
            INSERT INTO foodhub_distribution (id, site_id, recipient_id, distributed_on,
                consent_id, past_best_before_confirmed, note, idempotency_key, created_by_id,
                created_at)
            SELECT (s - 1) * (%(days)s + 1) + d + 1, s, s, %(start)s::date + d, s, false, '',
                gen_random_uuid(), %(u)s, %(start)s::timestamptz + d * interval '1 day'
            FROM generate_series(1, %(ns)s) s, generate_series(0, %(days)s) d
            """,
            {"days": DAYS, "start": start, "u": staff.pk, "ns": ns},
        )
        step("sites, items, donors, documents")

        # Lots: five per donation; pieces q0 = 6m (1 kg each); three distributions of q0/6
        # (q0/3 for every fourth lot, which ends empty).
        cursor.execute(
            """
            INSERT INTO foodhub_lot (id, site_id, zone_id, item_id, date_kind, expiry_date,
                quantity, kg, received_on, donation_id, created_at)
            SELECT l, don.site_id, (don.site_id - 1) * 3 + (item %% 3) + 1, item,
                CASE WHEN item %% 3 = 0 THEN 'best_before' ELSE 'use_by' END,
                don.received_on + 30 + (l %% 300), q0 - 3 * dq, q0 - 3 * dq, don.received_on,
                don.id, don.created_at
            FROM (
                SELECT l, (l - 1) / 5 + 1 AS donation, (l * 7) %% %(ni)s + 1 AS item,
                    6 * (5 + l %% 20) AS q0,
                    CASE WHEN l %% 4 = 0 THEN 2 ELSE 1 END * (5 + l %% 20) AS dq
                FROM generate_series(1, %(nl)s) l
            ) g JOIN foodhub_donation don ON don.id = g.donation
            """,
            {"ni": n["items"], "nl": nl},
        )
        step(f"{nl:,} lots")
        cursor.execute(
            """
            INSERT INTO foodhub_ledgerentry (lot_id, site_id, kind, kg_delta, quantity_delta,
                effective_on, donation_id, distribution_id, reason, created_by_id, created_at)
            SELECT lot.id, lot.site_id,
                CASE WHEN k = 0 THEN 'receipt' ELSE 'distribution' END,
                CASE WHEN k = 0 THEN q0 ELSE -dq END, CASE WHEN k = 0 THEN q0 ELSE -dq END,
                LEAST(lot.received_on + 7 * k, %(today)s::date),
                CASE WHEN k = 0 THEN lot.donation_id END,
                CASE WHEN k > 0 THEN (lot.site_id - 1) * (%(days)s + 1)
                    + (LEAST(lot.received_on + 7 * k, %(today)s::date) - %(start)s::date) + 1
                END,
                '', %(u)s,
                LEAST(lot.received_on + 7 * k, %(today)s::date)::timestamptz
                    + (lot.id %% 600) * interval '1 minute'
            FROM (
                SELECT id, site_id, received_on, donation_id, 6 * (5 + id %% 20) AS q0,
                    CASE WHEN id %% 4 = 0 THEN 2 ELSE 1 END * (5 + id %% 20) AS dq
                FROM foodhub_lot
            ) lot, generate_series(0, 3) k
            -- Written in the order things happen, as the application appends its ledger:
            -- ids and the table's physical order follow the dates, as they do in production.
            ORDER BY LEAST(lot.received_on + 7 * k, %(today)s::date), lot.id, k
            """,
            {"today": today, "days": DAYS, "start": start, "u": staff.pk},
        )
        step(f"{nl * 4:,} ledger entries")
        from foodhub.services.rollups import rollup_rebuild as ledger_rollup_rebuild
        from supporters.services.rollups import rollup_rebuild as supporter_rollup_rebuild

        ledger_rollup_rebuild()
        supporter_rollup_rebuild()
        step("monthly roll-ups")
        for table in (
            "members_organisation",
            "supporters_supporter",
            "supporters_trainingsession",
            "foodhub_site",
            "foodhub_zone",
            "foodhub_item",
            "foodhub_donor",
            "foodhub_recipient",
            "foodhub_liabilityconsent",
            "foodhub_donation",
            "foodhub_distribution",
            "foodhub_lot",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
    with connection.cursor() as cursor:
        # The state autovacuum keeps a live database in: statistics, and the trigram indexes'
        # pending lists (filled by the bulk load) merged. (Inside a test's transaction, where
        # VACUUM cannot run, statistics only.)
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    step("committed and analysed")
    assert Organisation.objects.count() == n["organisations"]
    return n


# --- measurement ------------------------------------------------------------------------------


def _rss_kb() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _timed(function, runs):
    """Median of `runs` warm runs (after one warm-up) in ms, and the query count of one run."""
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        samples.append((time.perf_counter() - began) * 1000)
    return {"ms": statistics.median(samples), "queries": count[0]}


def _stream(response_or_chunks, began=None):
    """Consume a response (streamed or not): rows, seconds to the first byte (from `began`,
    the request's start), RSS growth."""
    began = began or time.perf_counter()
    base = _rss_kb()
    peak = base
    first = None
    size = lines = 0
    if getattr(response_or_chunks, "streaming", False):
        chunks = response_or_chunks.streaming_content
    elif hasattr(response_or_chunks, "content"):
        chunks = [response_or_chunks.content]
    else:
        chunks = response_or_chunks
    for i, chunk in enumerate(chunks):
        if first is None:
            first = time.perf_counter() - began
        if isinstance(chunk, str):
            chunk = chunk.encode()
        size += len(chunk)
        lines += chunk.count(b"\n")
        if i % 2000 == 0:
            peak = max(peak, _rss_kb())
    peak = max(peak, _rss_kb())
    return {
        "seconds": time.perf_counter() - began,
        "first_byte_s": first or 0.0,
        "bytes": size,
        "rows": max(0, lines - 1),
        "rss_growth_mb": (peak - base) / 1024,
    }


def _ledger_copy(since):
    """The ledger's rows since `since`, as CSV produced by PostgreSQL itself (the yardstick)."""
    from django.db import connection

    sql = (
        "COPY (SELECT e.id, e.effective_on, s.name, e.kind, i.name, z.kind, e.lot_id,"
        " e.kg_delta, e.quantity_delta, e.donation_id, e.transfer_id, e.distribution_id,"
        " e.disposal_id, e.stocktake_id, e.reason, u.username, e.created_at"
        " FROM foodhub_ledgerentry e JOIN foodhub_site s ON s.id = e.site_id"
        " JOIN foodhub_lot l ON l.id = e.lot_id JOIN foodhub_item i ON i.id = l.item_id"
        " JOIN foodhub_zone z ON z.id = l.zone_id JOIN core_user u ON u.id = e.created_by_id"
        f" WHERE e.effective_on >= '{since.isoformat()}' ORDER BY e.created_at DESC, e.id DESC)"
        " TO STDOUT WITH (FORMAT csv, HEADER)"
    )

    def chunks():
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            while data := copy.read():
                yield bytes(data)

    return _stream(chunks())


def _register_dataset(rows, offset):
    import tablib

    dataset = tablib.Dataset(
        headers=["団体名", "ふりがな", "種別", "区分", "入会日", "市町村", "メールアドレス"]
    )
    for i in range(rows):
        n = offset + i
        dataset.append(
            (
                f"ベンチ取込団体{n:07d}",
                f"べんちとりこみ{n:07d}",
                "NPO法人",
                "一般団体",
                "2024-04-01",
                "",
                "",
            )
        )
    return dataset


def _import(rows, user):
    """Import `rows` register rows through the admin's resource, then roll back."""
    from django.db import transaction

    from members.resources import RegisterImportResource

    class Rollback(Exception):
        pass

    dataset = _register_dataset(rows, offset=rows)
    began = time.perf_counter()
    try:
        with transaction.atomic():
            result = RegisterImportResource().import_data(
                dataset,
                dry_run=False,
                use_transactions=True,
                rollback_on_validation_errors=True,
                user=user,
            )
            assert not result.has_errors() and not result.has_validation_errors()
            elapsed = time.perf_counter() - began
            raise Rollback
    except Rollback:
        pass
    return {"ms": elapsed * 1000, "queries": None}


def measure(*, runs: int = 3, import_rows=(1000, 10000), out=None) -> dict:
    """Time every page, export and import of issue 13 against the current database."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from foodhub.models import Site

    staff = _bench_users()
    client = Client()
    client.force_login(staff)
    site = Site.objects.order_by("pk").last()
    results = {}

    def note(label, value):
        results[label] = value
        if out is not None:
            out.write(f"  {label:<44} {value.get('ms', 0):10.1f} ms\n")
            out.flush()

    def page(url, params=None):
        def get():
            response = client.get(url, params or {})
            assert response.status_code == 200, (url, response.status_code)
            if response.streaming:
                b"".join(response.streaming_content)

        return get

    admin = "admin:{}_changelist".format
    pages = [
        ("organisations changelist", reverse(admin("members_organisation")), None),
        ("memberships changelist", reverse(admin("members_membership")), None),
        ("supporters changelist", reverse(admin("supporters_supporter")), None),
        ("attendance changelist", reverse(admin("supporters_attendance")), None),
        ("ledger changelist", reverse(admin("foodhub_ledgerentry")), None),
        ("lots changelist", reverse(admin("foodhub_lot")), None),
        ("search: organisations", reverse(admin("members_organisation")), {"q": "地域福祉会0001"}),
        ("search: supporters", reverse(admin("supporters_supporter")), {"q": "サポーター00012"}),
        (
            "search: ledger (katakana item)",
            reverse(admin("foodhub_ledgerentry")),
            {"q": "パフ品目077"},
        ),
        (
            "search: ledger (a word in every item)",
            reverse(admin("foodhub_ledgerentry")),
            {"q": "品目"},
        ),
        (
            "search: supporters (two characters)",
            reverse(admin("supporters_supporter")),
            {"q": "ぬね"},
        ),
        ("public directory search", reverse("members:directory"), {"q": "ちいき"}),
        ("stock page, one site", reverse("foodhub:stock"), {"site": str(site.pk)}),
        ("foodhub dashboard", reverse("foodhub:dashboard"), None),
        ("supporters dashboard", reverse("admin:supporters_dashboard"), None),
    ]
    for label, url, params in pages:
        note(label, _timed(page(url, params), runs))

    today = timezone.localdate()
    since = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    began = time.perf_counter()
    response = client.get(reverse("foodhub:ledger-csv"), {"since": since.isoformat()})
    csv_page = _stream(response, began)
    copy = _ledger_copy(since)
    for label, value in (("ledger CSV (view)", csv_page), ("ledger COPY TO STDOUT", copy)):
        value["rows_per_s"] = value["rows"] / value["seconds"] if value["seconds"] else 0
        value["ms"] = value["seconds"] * 1000
        note(label, value)
    results["ledger CSV (view)"]["copy_ratio"] = (
        csv_page["rows_per_s"] / copy["rows_per_s"] if copy["rows_per_s"] else 0
    )
    for rows in import_rows:
        note(f"register import, {rows:,} rows", _import(rows, staff))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM foodhub_ledgerentry")
        results["_ledger_rows"] = cursor.fetchone()[0]
    return results


def _format_table(regional: dict, national: dict, scale_note: str) -> str:
    lines = [
        f"national/regional ({scale_note}); median of warm runs",
        f"{'measure':<40} {'regional':>12} {'national':>12} {'ratio':>7}  queries",
    ]
    for label, reg in regional.items():
        if label.startswith("_"):
            continue
        nat = national.get(label, {})
        ratio = nat.get("ms", 0) / reg["ms"] if reg.get("ms") else 0
        queries = f"{reg.get('queries')}/{nat.get('queries')}" if reg.get("queries") else ""
        lines.append(
            f"{label:<40} {reg['ms']:10.1f}ms {nat.get('ms', 0):10.1f}ms {ratio:6.2f}×  {queries}"
        )
    for label in ("ledger CSV (view)", "ledger COPY TO STDOUT"):
        for size, data in (("regional", regional), ("national", national)):
            value = data.get(label)
            if value:
                lines.append(
                    f"  {label} {size}: {value['rows']:,} rows, {value['rows_per_s']:,.0f} rows/s,"
                    f" first byte {value['first_byte_s'] * 1000:.0f} ms,"
                    f" RSS growth {value['rss_growth_mb']:.1f} MB"
                    + (
                        f", {value['copy_ratio']:.0%} of COPY's rows/s"
                        if "copy_ratio" in value
                        else ""
                    )
                )
    return "\n".join(lines)


def _measure_in_subprocess(url: str, args) -> dict:
    completed = subprocess.run(
        [
            *(sys.executable, __file__, "measure"),
            *("--runs", str(args.runs), "--import-rows", args.import_rows),
        ],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    sys.stderr.write(completed.stderr)
    completed.check_returncode()
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _median_of_rounds(results: list[dict]) -> dict:
    """The last round's figures, with each measure's time the median over the rounds."""
    merged = dict(results[-1])
    for label, value in merged.items():
        if isinstance(value, dict) and "ms" in value:
            merged[label] = {**value, "ms": statistics.median(r[label]["ms"] for r in results)}
    return merged


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="build the data set in DATABASE_URL")
    gen.add_argument("--scale", type=float, default=1.0, help="1 = regional, 100 = national")
    one = sub.add_parser("measure", help="time DATABASE_URL, print JSON")
    one.add_argument("--runs", type=int, default=3)
    one.add_argument("--import-rows", default="1000,10000")
    both = sub.add_parser("compare", help="measure two databases, print the table of ratios")
    both.add_argument("regional_url")
    both.add_argument("national_url")
    both.add_argument("--runs", type=int, default=3)
    both.add_argument("--import-rows", default="1000,10000")
    both.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure regional and national in turn this many times; each figure is the median"
        " of the rounds, so a machine that slows down or speeds up meanwhile weighs on both",
    )
    args = parser.parse_args()
    if args.command == "compare":
        rounds = {"regional": [], "national": []}
        for round_number in range(1, args.rounds + 1):
            for size, url in (("regional", args.regional_url), ("national", args.national_url)):
                print(
                    f"round {round_number}/{args.rounds}: measuring {size}"
                    f" ({url.rsplit('/', 1)[-1]}) …",
                    file=sys.stderr,
                )
                rounds[size].append(_measure_in_subprocess(url, args))
        data = {size: _median_of_rounds(results) for size, results in rounds.items()}
        factor = data["national"]["_ledger_rows"] / max(1, data["regional"]["_ledger_rows"])
        note = f"national = ×{factor:.0f} ledger; {args.rounds} alternating round(s)"
        print(_format_table(data["regional"], data["national"], note))
        return
    setup_django()
    if args.command == "generate":
        print(json.dumps(generate(args.scale)))
    elif args.command == "measure":
        rows = [int(r) for r in args.import_rows.split(",") if r.strip()]
        print(json.dumps(measure(runs=args.runs, import_rows=rows, out=sys.stderr)))


if __name__ == "__main__":
    main()
