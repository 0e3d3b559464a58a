"""Prove that the monthly supporter roll-up (supporters.rollups.SupporterMonth) equals the
supporters counted the same way.

Exit status 0 when they agree, 1 (with the rows that differ) when not. `--rebuild` recomputes the
roll-up from the supporters first (after a restore, a raw change, or to backfill).
"""

from django.core.management.base import BaseCommand, CommandError

from supporters.services.rollups import rollup_differences, rollup_rebuild

SHOWN = 50


class Command(BaseCommand):
    help = "Check the monthly supporter roll-up against the supporters (--rebuild recomputes it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="recompute the roll-up from the supporters first"
        )

    def handle(self, *args, **options):
        if options["rebuild"]:
            rows = rollup_rebuild()
            self.stdout.write(f"Roll-up rebuilt from the supporters: {rows} rows.")
        differences = rollup_differences()
        for difference in differences[:SHOWN]:
            self.stderr.write(
                f"{difference['key']}: supporters {difference['supporters']}, "
                f"roll-up {difference['rollup']}"
            )
        if differences:
            raise CommandError(
                f"{len(differences)} roll-up row(s) disagree with the supporters; "
                "run with --rebuild to recompute them."
            )
        self.stdout.write(self.style.SUCCESS("The monthly supporter roll-up agrees."))
