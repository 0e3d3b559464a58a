"""The nightly proof that the monthly supporter roll-up (supporters.rollups.SupporterMonth)
agrees with the supporters, and each session's attendance count with its attendances, with an
alert to the secretariat if not.

The roll-up only changes together with a supporter (services.rollups.rollup_move); a change made
outside the application (a raw UPDATE, a restored backup, a bug) shows here the next morning.
The mail names places, statuses, months and counts, never a person.
"""

import datetime

from core.models import Municipality
from core.notifications import notify_secretariat

from ..models import SchoolDistrict, Supporter, TrainingSession
from .rollups import attendance_count_differences, rollup_differences

SHOWN = 20  # roll-up rows listed in the mail; the rest are counted


def _rows(differences: list[dict]) -> list[dict]:
    shown = differences[:SHOWN]
    municipalities = Municipality.objects.in_bulk({d["key"]["municipality_id"] for d in shown})
    districts = SchoolDistrict.objects.in_bulk({d["key"]["district_id"] for d in shown})
    statuses = dict(Supporter.Status.choices)
    return [
        {
            "municipality": municipalities.get(d["key"]["municipality_id"], "—"),
            "district": districts.get(d["key"]["district_id"], "—"),
            "status": statuses.get(d["key"]["status"], d["key"]["status"]),
            "month": d["key"]["month"],
            "withdrawn_month": d["key"]["withdrawn_month"],
            "supporters": d["supporters"],
            "rollup": d["rollup"],
        }
        for d in shown
    ]


def _sessions(counts: list[dict]) -> list[dict]:
    shown = counts[:SHOWN]
    sessions = TrainingSession.objects.in_bulk([c["session_id"] for c in shown])
    return [
        {
            "session": sessions.get(c["session_id"]),
            "attendances": c["attendances"],
            "kept": c["kept"],
        }
        for c in shown
    ]


def rollup_check_alert(*, today: datetime.date) -> int:
    """Mail every active secretariat member when any roll-up row differs from the supporters
    or any session's attendance count from its attendances (once per person and day). Returns
    how many rows and sessions differ."""
    differences = rollup_differences()
    counts = attendance_count_differences()
    if not differences and not counts:
        return 0
    notify_secretariat(
        purpose="supporters.rollup_mismatch",
        period=today.isoformat(),
        subject=(
            f"【つながりサポーター】月次集計と登録が一致しません"
            f"（{len(differences) + len(counts)}行）"
        ),
        template_name="supporters/email/rollup_mismatch.txt",
        context={
            "rows": _rows(differences),
            "count": len(differences),
            "more": max(len(differences) - SHOWN, 0),
            "sessions": _sessions(counts),
            "session_count": len(counts),
            "more_sessions": max(len(counts) - SHOWN, 0),
            "today": today,
        },
    )
    return len(differences) + len(counts)
