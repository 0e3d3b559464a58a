"""Prove that the monthly roll-up of the ledger (foodhub.rollups.LedgerMonth) equals the ledger.

Exit status 0 when every row agrees with the ledger summed the same way, 1 (with the rows that
differ) when not. `--rebuild` recomputes the roll-up from the ledger first (after a restore, a
raw change to the ledger, or to backfill).
"""

from django.core.management.base import BaseCommand, CommandError

from foodhub.services.rollups import rollup_differences, rollup_rebuild

SHOWN = 50


class Command(BaseCommand):
    help = "Check the monthly ledger roll-up against the ledger (--rebuild recomputes it first)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="recompute the roll-up from the ledger first"
        )

    def handle(self, *args, **options):
        if options["rebuild"]:
            rows = rollup_rebuild()
            self.stdout.write(f"Roll-up rebuilt from the ledger: {rows} rows.")
        differences = rollup_differences()
        for difference in differences[:SHOWN]:
            self.stderr.write(
                f"{difference['key']}: ledger {difference['ledger']}, "
                f"roll-up {difference['rollup']} (kg, pieces, entries)"
            )
        if differences:
            raise CommandError(
                f"{len(differences)} roll-up row(s) disagree with the ledger; "
                "run with --rebuild to recompute them."
            )
        self.stdout.write(self.style.SUCCESS("The monthly roll-up agrees with the ledger."))
