"""The monthly supporter roll-up (supporters.rollups.SupporterMonth): kept by every service
that registers a supporter or changes what it is counted by, checked and rebuilt from the
supporters.

A service takes `rollup_key(supporter)` of the locked row before it changes it and calls
`rollup_move(before, supporter)` after saving, in the same transaction: the supporter leaves
its old row and joins its new one with UPDATE … SET supporters = supporters ± 1, which
PostgreSQL applies under the row's lock, so concurrent changes never lose a count.

The attendance count of each training session (SessionAttendanceCount) is kept by database
triggers instead; only its check and rebuild live here.
"""

import datetime
from collections import Counter

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, F, Sum, When
from django.db.models.functions import TruncMonth

from ..models import Attendance, Supporter
from ..rollups import SessionAttendanceCount, SupporterMonth

_FIELDS = ("municipality_id", "district_id", "status", "month", "withdrawn_month")


def rollup_key(supporter: Supporter | None) -> tuple | None:
    """The roll-up row a supporter is counted in (None: not counted anywhere yet)."""
    if supporter is None or supporter.pk is None:
        return None
    withdrawn = supporter.status == Supporter.Status.WITHDRAWN
    return (
        supporter.municipality_id,
        supporter.district_id,
        supporter.status,
        supporter.registered_on.replace(day=1),
        supporter.status_changed_on.replace(day=1) if withdrawn else None,
    )


def _add(key: tuple, delta: int) -> None:
    values = dict(zip(_FIELDS, key, strict=True))
    updated = SupporterMonth.objects.filter(**values).update(supporters=F("supporters") + delta)
    if not updated:
        SupporterMonth.objects.create(**values, supporters=delta)


def rollup_move(before: tuple | None, supporter: Supporter) -> None:
    """Count `supporter` in its row now instead of `before` (its rollup_key() before the
    change; None for a new supporter). Caller is inside the transaction that saved it."""
    after = rollup_key(supporter)
    if before == after:
        return
    if before is not None:
        _add(before, -1)
    _add(after, 1)


# --- the roll-up recomputed from the supporters ------------------------------------------------


def rollup_from_supporters() -> Counter:
    """The roll-up's counts as the supporters give them now: one grouped query."""
    rows = (
        Supporter.objects.order_by()
        .annotate(
            month_=TruncMonth("registered_on"),
            withdrawn_month_=Case(
                When(status=Supporter.Status.WITHDRAWN, then=TruncMonth("status_changed_on")),
                output_field=DateField(),
            ),
        )
        .values_list("municipality_id", "district_id", "status", "month_", "withdrawn_month_")
        .annotate(n=Count("pk"))
    )
    counts: Counter = Counter()
    for municipality, district, status, month, withdrawn, n in rows:
        if isinstance(withdrawn, datetime.datetime):  # DATE_TRUNC inside CASE (PostgreSQL)
            withdrawn = withdrawn.date()
        counts[(municipality, district, status, month, withdrawn)] += n
    return counts


def _stored() -> Counter:
    counts: Counter = Counter()
    for *key, n in SupporterMonth.objects.values_list(*_FIELDS).annotate(n=Sum("supporters")):
        counts[tuple(key)] += n
    return counts


def rollup_differences() -> list[dict]:
    """Every roll-up row whose count differs from the supporters (empty when they agree)."""
    expected, stored = rollup_from_supporters(), _stored()
    return [
        {
            "key": dict(zip(_FIELDS, key, strict=True)),
            "supporters": expected[key],
            "rollup": stored[key],
        }
        for key in sorted(set(expected) | set(stored), key=str)
        if expected[key] != stored[key]
    ]


def _replace_all(model, rows, *, lock, mode: str) -> int:
    """Replace every row of `model` by `rows()` (computed under the lock), writers waiting
    meanwhile (PostgreSQL: `lock`'s table is locked first in `mode`). Returns how many."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(lock._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN {mode} MODE")
        model.objects.all().delete()
        created = model.objects.bulk_create(rows(), batch_size=2000)
    return len(created)


def rollup_rebuild() -> int:
    """Recompute the roll-up from the supporters (the roll-up locked against writers).
    Returns the number of rows."""
    return _replace_all(
        SupporterMonth,
        lambda: [
            SupporterMonth(**dict(zip(_FIELDS, key, strict=True)), supporters=n)
            for key, n in rollup_from_supporters().items()
            if n
        ],
        lock=SupporterMonth,
        mode="EXCLUSIVE",
    )


# --- the attendance count of each session (kept by triggers, migration 0010) -----------------


def attendance_count_differences() -> list[dict]:
    """Every session whose kept attendance count differs from its attendances (empty when
    they agree). Two grouped queries."""
    expected = Counter(
        dict(Attendance.objects.order_by().values_list("session_id").annotate(n=Count("pk")))
    )
    stored = Counter(dict(SessionAttendanceCount.objects.values_list("session_id", "attendances")))
    return [
        {"session_id": session_id, "attendances": expected[session_id], "kept": stored[session_id]}
        for session_id in sorted(set(expected) | set(stored))
        if expected[session_id] != stored[session_id]
    ]


def attendance_count_rebuild() -> int:
    """Recount every session's attendances (the attendances locked against changes).
    Returns the number of sessions counted."""
    return _replace_all(
        SessionAttendanceCount,
        lambda: [
            SessionAttendanceCount(session_id=session_id, attendances=n)
            for session_id, n in Attendance.objects.order_by()
            .values_list("session_id")
            .annotate(n=Count("pk"))
        ],
        lock=Attendance,
        mode="SHARE",
    )
