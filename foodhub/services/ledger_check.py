"""The nightly proof that stock, ledger and the monthly roll-up agree, with an alert to the
secretariat if not.

The application only changes a lot's stock together with a ledger entry (services.stock), and
the roll-up only together with the entries (services.rollups.write_entries); a change made
outside it (a raw UPDATE, a restored backup, a bug) shows here the next morning.
"""

import datetime

from core.notifications import notify_secretariat

from ..models import LedgerEntry, Site
from ..selectors import ledger_mismatches, ledger_totals
from .rollups import rollup_differences

SHOWN = 20  # lots (and roll-up rows) listed in the mail; the rest are counted


def _rollup_rows(differences: list[dict]) -> list[dict]:
    """The differing roll-up rows as the mail names them: site, month, kind and the figures."""
    shown = differences[:SHOWN]
    sites = Site.objects.in_bulk({d["key"]["site_id"] for d in shown})
    kinds = dict(LedgerEntry.Kind.choices)
    return [
        {
            "site": sites.get(d["key"]["site_id"], d["key"]["site_id"]),
            "month": d["key"]["month"],
            "kind": kinds.get(d["key"]["kind"], d["key"]["kind"]),
            "ledger": d["ledger"],
            "rollup": d["rollup"],
        }
        for d in shown
    ]


def ledger_check_alert(*, today: datetime.date) -> int:
    """Mail every active secretariat member when any lot's stock differs from its ledger or any
    monthly roll-up row from the ledger (once per person and day). Returns how many lots and
    roll-up rows differ."""
    mismatches = ledger_mismatches()
    totals = ledger_totals()
    rollup = rollup_differences()
    if not mismatches and not rollup and totals["ledger_kg"] == totals["stock_kg"]:
        return 0
    notify_secretariat(
        purpose="foodhub.ledger_mismatch",
        period=today.isoformat(),
        subject=(
            f"【食品在庫】在庫と台帳が一致しません（{len(mismatches)}ロット）"
            if mismatches or not rollup
            else f"【食品在庫】月次集計と台帳が一致しません（{len(rollup)}行）"
        ),
        template_name="foodhub/email/ledger_mismatch.txt",
        context={
            "lots": mismatches[:SHOWN],
            "more": max(len(mismatches) - SHOWN, 0),
            "count": len(mismatches),
            "totals": totals,
            "rollup": _rollup_rows(rollup),
            "rollup_count": len(rollup),
            "rollup_more": max(len(rollup) - SHOWN, 0),
            "today": today,
        },
    )
    return len(mismatches) + len(rollup)
