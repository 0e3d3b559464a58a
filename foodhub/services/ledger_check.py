"""The nightly proof that stock and ledger agree, with an alert to the secretariat if not.

The application only changes a lot's stock together with a ledger entry (services.stock); a
change made outside it (a raw UPDATE, a restored backup, a bug) shows here the next morning.
"""

import datetime

from django.contrib.auth.models import Group

from core.notifications import notify
from core.roles import SECRETARIAT

from ..selectors import ledger_mismatches, ledger_totals

SHOWN = 20  # lots listed in the mail; the rest are counted


def ledger_check_alert(*, today: datetime.date) -> int:
    """Mail every active secretariat member when any lot's stock differs from its ledger (once
    per person and day). Returns how many lots differ."""
    mismatches = ledger_mismatches()
    totals = ledger_totals()
    if not mismatches and totals["ledger_kg"] == totals["stock_kg"]:
        return 0
    group = Group.objects.get(name=SECRETARIAT)
    emails = (
        group.user_set.filter(is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    for email in emails:
        notify(
            purpose="foodhub.ledger_mismatch",
            target=group,
            period=today.isoformat(),
            recipient=email,
            subject=f"【食品在庫】在庫と台帳が一致しません（{len(mismatches)}ロット）",
            template_name="foodhub/email/ledger_mismatch.txt",
            context={
                "lots": mismatches[:SHOWN],
                "more": max(len(mismatches) - SHOWN, 0),
                "count": len(mismatches),
                "totals": totals,
                "today": today,
            },
        )
    return len(mismatches)
