"""Prove that the stock in every lot equals the sum of its ledger entries.

Exit status 0 when they agree, 1 (with the lots that differ) when they do not. Safe to run at any
time, for example nightly from cron or before a stocktake.
"""

from django.core.management.base import BaseCommand, CommandError

from foodhub.selectors import ledger_mismatches, ledger_totals


class Command(BaseCommand):
    help = "Check that every lot's stock equals the sum of its ledger entries."

    def handle(self, *args, **options):
        mismatches = ledger_mismatches()
        totals = ledger_totals()
        for lot in mismatches:
            self.stderr.write(
                f"lot {lot.pk} ({lot.site} / {lot.item}): stock {lot.kg} kg {lot.quantity} pcs, "
                f"ledger {lot.ledger_kg} kg {lot.ledger_quantity} pcs"
            )
        if mismatches or totals["ledger_kg"] != totals["stock_kg"]:
            raise CommandError(
                f"{len(mismatches)} lot(s) disagree with the ledger "
                f"(stock {totals['stock_kg']:.2f} kg, ledger {totals['ledger_kg']:.2f} kg)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Ledger and stock agree: {totals['stock_kg']:.2f} kg in stock "
                f"= {totals['ledger_kg']:.2f} kg in the ledger."
            )
        )
