"""The nightly proof that the monthly supporter roll-up (supporters.rollups.SupporterMonth)
agrees with the supporters, with an alert to the secretariat if not.

The roll-up only changes together with a supporter (services.rollups.rollup_move); a change made
outside the application (a raw UPDATE, a restored backup, a bug) shows here the next morning.
The mail names places, statuses, months and counts, never a person.
"""

import datetime

from django.contrib.auth.models import Group

from core.models import Municipality
from core.notifications import notify
from core.roles import SECRETARIAT

from ..models import SchoolDistrict, Supporter
from .rollups import rollup_differences

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


def rollup_check_alert(*, today: datetime.date) -> int:
    """Mail every active secretariat member when any roll-up row differs from the supporters
    (once per person and day). Returns how many rows differ."""
    differences = rollup_differences()
    if not differences:
        return 0
    group = Group.objects.get(name=SECRETARIAT)
    emails = (
        group.user_set.filter(is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    rows = _rows(differences)
    for email in emails:
        notify(
            purpose="supporters.rollup_mismatch",
            target=group,
            period=today.isoformat(),
            recipient=email,
            subject=f"【つながりサポーター】月次集計と登録が一致しません（{len(differences)}行）",
            template_name="supporters/email/rollup_mismatch.txt",
            context={
                "rows": rows,
                "count": len(differences),
                "more": max(len(differences) - SHOWN, 0),
                "today": today,
            },
        )
    return len(differences)
